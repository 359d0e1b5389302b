/**
 * Counterfactuals on procedural data, the true answer that only data with known factors give:
 *   removal — for test examples with a label on, the model's switch to "off" against the
 *             generator's rendering of the same factors with the attribute's factor set to 0;
 *   flip    — every Method-1 flip against the rendering with the attribute's factor set to its
 *             typical value on the other side (any factor kind).
 */
import type { GenerativeModel, SwitchesAttributes, SwitchReference, Encodes } from '@disentangle/kernels';
import { inputsOf, type FactorSpec, type ImageDataset, type PreparedData } from '@disentangle/data';
import { switchOutputs, switchRequests, type SwitchRequest } from './attribute-switch';

/** What both searches start from: every example's factors, and whether attribute `name` is on for a factor row. */
function attributeReader(dataset: ImageDataset, name: string): { specs: FactorSpec[]; rows: number[][]; isOn: (factors: number[]) => boolean } | undefined {
  const { generator, factorSpecs: specs, factors } = dataset;
  if (!generator?.attributes || !generator.attributeNames || !specs || !factors) return undefined;
  const column = generator.attributeNames.indexOf(name);
  if (column < 0) return undefined;
  const nf = specs.length;
  const rows = Array.from({ length: dataset.count }, (_, i) => Array.from(factors.subarray(i * nf, (i + 1) * nf)));
  return { specs, rows, isOn: (row) => generator.attributes!(row)[column] === 1 };
}

/** `row` with factor f set to `value`. */
const withFactor = (row: number[], f: number, value: number) => row.map((v, g) => (g === f ? value : v));

/**
 * The binary factor behind attribute `name`: the one whose zeroing turns the attribute off
 * for every sampled example that has it (found through the generator's `attributes`).
 */
export function attributeFactor(dataset: ImageDataset, name: string): number | undefined {
  const reader = attributeReader(dataset, name);
  if (!reader) return undefined;
  const rows = reader.rows.filter(reader.isOn).slice(0, 50);
  if (rows.length === 0) return undefined;
  return reader.specs.findIndex((spec, f) => spec.kind === 'binary' && rows.every((row) => !reader.isOn(withFactor(row, f, 0))));
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

/**
 * How to render attribute `name` flipped, for any factor kind: the factor f and the values
 * to set it to for "on" and "off" — f's mean over the examples with the attribute on and
 * off — chosen as the first factor whose setting flips the attribute for every one of up
 * to 50 examples on each side (Smiling: smile, 0.75 / 0.25; Young: age; Male: male).
 */
export function attributeFlip(dataset: ImageDataset, name: string): { factor: number; on: number; off: number } | undefined {
  const reader = attributeReader(dataset, name);
  if (!reader) return undefined;
  const { specs, rows, isOn } = reader;
  const onRows = rows.filter(isOn);
  const offRows = rows.filter((row) => !isOn(row));
  if (onRows.length === 0 || offRows.length === 0) return undefined;
  const mean = (list: number[][], f: number) => list.reduce((s, r) => s + r[f], 0) / list.length;
  const flips = (list: number[][], f: number, value: number, on: boolean) => list.slice(0, 50).every((row) => isOn(withFactor(row, f, value)) === on);
  for (let f = 0; f < specs.length; f++) {
    if (specs[f].kind === 'categorical' || specs[f].name === 'identity') continue;
    const on = mean(onRows, f);
    const off = mean(offRows, f);
    if (flips(offRows, f, on, true) && flips(onRows, f, off, false)) return { factor: f, on, off };
  }
  return undefined;
}

/**
 * Method-1 flips of the test rows against the generator's rendering of the same factors with
 * the attribute flipped (`attributeFlip`): mean squared error per value; per label in details.
 */
export async function flipCounterfactualMse(model: GenerativeModel & SwitchesAttributes & Encodes, data: PreparedData, reference: SwitchReference): Promise<{ value: number; n: number; details: Record<string, number> }> {
  return flipCounterfactualError(data, (requests) => switchOutputs(model, data, requests, reference));
}

/** The same against the unchanged inputs: what a model that returns its input scores (the no-op floor). */
export function flipCounterfactualNoop(data: PreparedData): Promise<{ value: number; n: number; details: Record<string, number> }> {
  return flipCounterfactualError(data, async (requests) => inputsOf(data, requests.map((r) => r.index)));
}

async function flipCounterfactualError(data: PreparedData, outputs: (requests: SwitchRequest[]) => Promise<Float32Array>): Promise<{ value: number; n: number; details: Record<string, number> }> {
  const dataset = data.dataset;
  const k = data.labelNames.length;
  const flipOf = data.labelNames.map((name) => attributeFlip(dataset, name));
  const missing = data.labelNames.filter((_, c) => !flipOf[c]);
  if (missing.length === k) throw new Error(`flip counterfactuals: no factor of '${data.spec.dataset}' flips ${missing.join(', ')}`);
  const requests = switchRequests(data, data.split.test).filter((r) => flipOf[r.label]);
  const switched = await outputs(requests);
  const nf = dataset.factorSpecs!.length;
  const pixels = dataset.height * dataset.width * dataset.channels;
  const truth = new Float32Array(pixels);
  const sums = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  requests.forEach((r, n) => {
    const factors = Array.from(dataset.factors!.subarray(r.index * nf, (r.index + 1) * nf));
    const flip = flipOf[r.label]!;
    factors[flip.factor] = r.target[r.label] > 0.5 ? flip.on : flip.off;
    dataset.generator!.render(factors, dataset.height, truth, 0);
    let s = 0;
    for (let i = 0; i < pixels; i++) s += (switched[n * pixels + i] - truth[i]) ** 2;
    sums[r.label] += s / pixels;
    counts[r.label]++;
  });
  const details = Object.fromEntries(data.labelNames.flatMap((name, c) => (counts[c] ? [[name, sums[c] / counts[c]]] : [])));
  return { value: sums.reduce((a, b) => a + b, 0) / Math.max(1, requests.length), n: requests.length, details };
}
