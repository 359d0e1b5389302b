/**
 * Evaluation of paper-004 models on `CsvaeData`: codes, the attribute-switch reference,
 * switched outputs (G_ij, §4.3) and the numbers of Table 1 (Method 1), Table 2 (Method 2),
 * plus the swiss-roll separation and ground-truth measures beyond the paper.
 */
import { buildSwitchReference, subspaceGrid, type Csvae, type LatentSubspaceModel, type SwitchOptions, type SwitchReference } from '@disentangle/csvae';
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, type CsvaeData } from './csvae-data';
import { toBatch } from './csvae-training';

const CHUNK = 128;

/** Runs `fn` over `indices` in chunks and concatenates its flat outputs. */
export async function mapRows(
  data: CsvaeData,
  indices: ArrayLike<number>,
  fn: (batch: { x: tf.Tensor; y: tf.Tensor2D }, start: number) => tf.Tensor,
): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += CHUNK) {
    const slice = Array.from({ length: Math.min(CHUNK, indices.length - start) }, (_, i) => indices[start + i]);
    const batch = toBatch(data, gatherRows(data, slice));
    const out = tf.tidy(() => fn(batch, start));
    parts.push((await out.data()) as Float32Array);
    tf.dispose([out, batch.x, batch.y]);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

/** Posterior means of the code for `indices`, [n, codeWidth]. */
export function encodeRows(model: LatentSubspaceModel, data: CsvaeData, indices: ArrayLike<number>): Promise<Float32Array> {
  return mapRows(data, indices, (batch) => model.encode(batch).mu);
}

/** The switch reference from (up to `limit` of) the training examples. */
export async function switchReferenceFor(model: LatentSubspaceModel, data: CsvaeData, limit = 2000): Promise<SwitchReference> {
  const indices = data.split.train.slice(0, limit);
  const codes = await encodeRows(model, data, indices);
  const labels = gatherRows(data, indices).y;
  const subspace = model.name === 'csvae' ? { offset: (model as Csvae).subspaceOffset, wDim: model.config.wDim } : undefined;
  return buildSwitchReference(codes, labels, model.codeWidth, data.labelNames.length, subspace);
}

/** One switch request: example `index` to labels `target`. */
export interface SwitchRequest {
  index: number;
  target: number[];
}

/** Method 1's requests: binary labels flip one label at a time; exclusive labels go i → j for every j ≠ i. */
export function switchRequests(data: CsvaeData, indices: ArrayLike<number>): (SwitchRequest & { label: number })[] {
  const k = data.labelNames.length;
  const requests: (SwitchRequest & { label: number })[] = [];
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

/** Outputs G(x_index → target) for each request, flat [n, ...input]. */
export async function switchOutputs(
  model: LatentSubspaceModel,
  data: CsvaeData,
  requests: SwitchRequest[],
  reference: SwitchReference,
  options: SwitchOptions = {},
): Promise<Float32Array> {
  const k = data.labelNames.length;
  return mapRows(data, requests.map((r) => r.index), (batch, start) => {
    const targets = requests.slice(start, start + batch.y.shape[0]).flatMap((r) => r.target);
    return model.switchAttributes(batch, tf.tensor2d(targets, [batch.y.shape[0], k]), reference, options);
  });
}

/**
 * k-nearest-neighbour accuracy of predicting the label from chosen code coordinates (the
 * swiss roll's "overlap in Z, separation in W", measured): train rows vote for test rows.
 */
export function knnAccuracy(
  train: { codes: Float32Array; labels: ArrayLike<number> },
  test: { codes: Float32Array; labels: ArrayLike<number> },
  codeWidth: number,
  columns: number[],
  k = 15,
): number {
  const nTrain = train.labels.length;
  const nTest = test.labels.length;
  let correct = 0;
  const distances = new Float64Array(nTrain);
  const order = new Int32Array(nTrain);
  for (let t = 0; t < nTest; t++) {
    for (let r = 0; r < nTrain; r++) {
      let d = 0;
      for (const c of columns) d += (train.codes[r * codeWidth + c] - test.codes[t * codeWidth + c]) ** 2;
      distances[r] = d;
      order[r] = r;
    }
    const nearest = Array.from(order).sort((a, b) => distances[a] - distances[b]).slice(0, k);
    const votes = nearest.reduce((s, r) => s + (train.labels[r] > 0.5 ? 1 : 0), 0);
    if ((votes * 2 > k ? 1 : 0) === (test.labels[t] > 0.5 ? 1 : 0)) correct++;
  }
  return correct / nTest;
}

/** Points p_k along W_k for the variety figures and the Method-2 search (CSVAE only). */
export function varietyPoints(reference: SwitchReference, label: number, steps: number, span = 2): number[][] {
  const stats = reference.subspaces?.[label];
  if (!stats) throw new Error('varietyPoints: the reference has no subspace statistics (not a CSVAE)');
  return subspaceGrid(stats, steps, span);
}
