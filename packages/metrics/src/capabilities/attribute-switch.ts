/**
 * Attribute switching over prepared data, for any model with the 'switchAttributes'
 * capability (CSVAE §4.3's G_ij): the reference statistics from training codes, the
 * requests of Method 1 (binary labels flipped one at a time; exclusive labels i → j for
 * every j ≠ i) and the switched outputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerativeModel, SwitchesAttributes, SwitchOptions, SwitchReference, Encodes } from '@disentangle/kernels';
import { mapBatches, type PreparedData } from '@disentangle/data';
import { encodeRows } from './codes';

type Switcher = GenerativeModel & SwitchesAttributes & Encodes;

/** `limit` indices spread evenly over `indices` (all of them when there are fewer): data stored by class (MNIST) stay balanced. */
export function evenlySpaced(indices: ArrayLike<number>, limit: number): number[] {
  const n = indices.length;
  if (n <= limit) return Array.from(indices);
  return Array.from({ length: limit }, (_, i) => indices[Math.floor((i * n) / limit)]);
}

/** The switch reference from (up to `limit` of, spread evenly over) the training examples. */
export async function switchReferenceFor(model: Switcher, data: PreparedData, limit = 2000): Promise<SwitchReference> {
  if (data.labelNames.length === 0) throw new Error(`attribute switching needs labels; the data spec of '${data.spec.dataset}' has none (set labels)`);
  const indices = evenlySpaced(data.split.train, limit);
  const codes = await encodeRows(model, data, indices);
  const k = data.labelNames.length;
  const labels = new Float32Array(indices.length * k);
  indices.forEach((i, r) => labels.set(data.y.subarray(i * k, (i + 1) * k), r * k));
  return model.switchReference(codes, labels);
}

/** One switch: example `index` to labels `target`; `label` is the label that changes. */
export interface SwitchRequest {
  index: number;
  target: number[];
  label: number;
}

/** Method 1's requests for `indices`. */
export function switchRequests(data: PreparedData, indices: ArrayLike<number>): SwitchRequest[] {
  const k = data.labelNames.length;
  const requests: SwitchRequest[] = [];
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    const y = Array.from(data.y.subarray(i * k, (i + 1) * k));
    for (let label = 0; label < k; label++) {
      if (data.exclusive) {
        if (y[label] > 0.5) continue;
        requests.push({ index: i, target: y.map((_, c) => (c === label ? 1 : 0)), label });
      } else {
        requests.push({ index: i, target: y.map((v, c) => (c === label ? 1 - v : v)), label });
      }
    }
  }
  return requests;
}

/** G(x_index → target) for each request, flat [n, ...input]. */
export function switchOutputs(model: Switcher, data: PreparedData, requests: SwitchRequest[], reference: SwitchReference, options: SwitchOptions = {}): Promise<Float32Array> {
  const k = data.labelNames.length;
  return mapBatches(data, requests.map((r) => r.index), (batch, start) => {
    const n = batch.x.shape[0];
    const targets = requests.slice(start, start + n).flatMap((r) => r.target);
    return model.switchAttributes(batch, tf.tensor2d(targets, [n, k]), reference, options);
  });
}

/** Whether the target switches label `label` on. */
export function switchesOn(request: SwitchRequest): boolean {
  return request.target[request.label] > 0.5;
}
