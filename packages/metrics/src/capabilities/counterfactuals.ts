/**
 * Removal counterfactuals on procedural data: for test examples with a label on, the model's
 * switch to "off" against the generator's own rendering of the same factors with the
 * attribute's factor set to 0 — the true answer, which only data with known factors give.
 */
import type { GenerativeModel, SwitchesAttributes, SwitchReference, Encodes } from '@disentangle/kernels';
import type { ImageDataset, PreparedData } from '@disentangle/data';
import { switchOutputs, switchRequests } from './attribute-switch';

/**
 * The binary factor behind attribute `name`: the one whose zeroing turns the attribute off
 * for every sampled example that has it (found through the generator's `attributes`).
 */
export function attributeFactor(dataset: ImageDataset, name: string): number | undefined {
  const generator = dataset.generator;
  const specs = dataset.factorSpecs;
  if (!generator?.attributes || !generator.attributeNames || !specs || !dataset.factors) return undefined;
  const column = generator.attributeNames.indexOf(name);
  if (column < 0) return undefined;
  const nf = specs.length;
  const rows: number[][] = [];
  for (let i = 0; i < dataset.count && rows.length < 50; i++) {
    const factors = Array.from(dataset.factors.subarray(i * nf, (i + 1) * nf));
    if (generator.attributes(factors)[column] === 1) rows.push(factors);
  }
  if (rows.length === 0) return undefined;
  return specs.findIndex((spec, f) => spec.kind === 'binary' && rows.every((factors) => generator.attributes!(factors.map((v, g) => (g === f ? 0 : v)))[column] === 0));
}

/** Mean squared error per value between G(x → label off) and the true rendering; NaN when no label maps to a factor. */
export async function removalCounterfactualMse(model: GenerativeModel & SwitchesAttributes & Encodes, data: PreparedData, reference: SwitchReference): Promise<{ value: number; n: number }> {
  const dataset = data.dataset;
  if (!dataset.generator || data.exclusive) return { value: Number.NaN, n: 0 };
  const k = data.labelNames.length;
  const factorOf = data.labelNames.map((name) => attributeFactor(dataset, name));
  const requests = switchRequests(data, data.split.test).filter((r) => data.y[r.index * k + r.label] > 0.5 && (factorOf[r.label] ?? -1) >= 0);
  if (requests.length === 0) return { value: Number.NaN, n: 0 };
  const switched = await switchOutputs(model, data, requests, reference);
  const nf = dataset.factorSpecs!.length;
  const pixels = dataset.height * dataset.width * dataset.channels;
  const truth = new Float32Array(requests.length * pixels);
  requests.forEach((r, n) => {
    const factors = Array.from(dataset.factors!.subarray(r.index * nf, (r.index + 1) * nf));
    factors[factorOf[r.label]!] = 0;
    dataset.generator!.render(factors, dataset.height, truth, n * pixels);
  });
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (switched[i] - truth[i]) ** 2;
  return { value: s / truth.length, n: requests.length };
}
