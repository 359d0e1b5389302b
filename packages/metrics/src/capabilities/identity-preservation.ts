/**
 * CSVAE's Method 2 (paper 004, Table 2) over prepared data: switch every test example of an
 * exclusive label set i → j and compare with the real images of the same identity that have
 * label j (`identityPreservingMse`). For models that draw label styles ('variety'), the
 * style p_j of each target label is chosen on the validation split among a 3×3 grid spanning
 * the label's prior, as the paper picks p_j on its validation set.
 */
import type { GenerativeModel, SwitchesAttributes, SwitchReference, Encodes, VariesAttributes } from '@disentangle/kernels';
import type { PreparedData } from '@disentangle/data';
import { identityPreservingMse } from '../swap-metrics';
import { hasCapability } from './model-capabilities';
import { switchOutputs, switchRequests } from './attribute-switch';

type Switcher = GenerativeModel & SwitchesAttributes & Encodes;

function argmaxLabel(data: PreparedData, i: number): number {
  const k = data.labelNames.length;
  let best = 0;
  for (let c = 1; c < k; c++) if (data.y[i * k + c] > data.y[i * k + best]) best = c;
  return best;
}

export async function identityMseOf(model: Switcher, data: PreparedData, reference: SwitchReference): Promise<{ value: number; pairs: number; points?: number[][] }> {
  const ids = data.dataset.identities;
  if (!data.exclusive || !ids) throw new Error(`identity MSE needs exclusive labels and identities; '${data.spec.dataset}' with labels ${JSON.stringify(data.spec.labels)} has ${ids ? '' : 'no identities and '}${data.exclusive ? '' : 'non-exclusive labels'}`.replace(/ and $/, ''));
  const pixels = data.dataset.height * data.dataset.width * data.dataset.channels;
  const all = Array.from({ length: data.dataset.count }, (_, i) => i);
  const referenceLabels = all.map((i) => argmaxLabel(data, i));
  const score = async (indices: ArrayLike<number>, points?: number[][]) => {
    const requests = switchRequests(data, indices);
    const switched = await switchOutputs(model, data, requests, reference, points ? { points } : {});
    return identityPreservingMse({
      switched,
      switchedIdentities: requests.map((r) => ids[r.index]),
      sourceLabels: requests.map((r) => argmaxLabel(data, r.index)),
      targetLabels: requests.map((r) => r.label),
      references: data.dataset.images,
      referenceIdentities: ids,
      referenceLabels,
      dim: pixels,
    });
  };
  let points: number[][] | undefined;
  if (hasCapability(model, 'variety') && reference.subspaces) {
    const styled = model as Switcher & VariesAttributes;
    const candidates = data.labelNames.map((_, label) => styled.styleGrid(reference, label, 3, 1));
    points = candidates.map((c) => c[4]);
    for (let label = 0; label < data.labelNames.length; label++) {
      let best = Infinity;
      for (const candidate of candidates[label]) {
        const trial = points.map((p, j) => (j === label ? candidate : p));
        const { value } = await score(data.split.validation, trial);
        if (value < best) {
          best = value;
          points[label] = candidate;
        }
      }
    }
  }
  const test = await score(data.split.test, points);
  return { value: test.value, pairs: test.pairs, points };
}
