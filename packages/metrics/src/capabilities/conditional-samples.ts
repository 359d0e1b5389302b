/**
 * Samples drawn for the labels of chosen data rows, in chunks of at most 128 (paper 003
 * Tables 1–2 judge samples "conditioned on" the test set's identities and attributes, so the
 * conditions follow the real label distribution rather than an arbitrary one). One random
 * stream runs through all chunks, so a seed gives the same samples whatever else is computed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerativeModel, HasUnsupervisedCodes, Samples, SeededRandom } from '@disentangle/kernels';
import { concatenate, type PreparedData } from '@disentangle/data';

export const SAMPLE_CHUNK = 128;

/** The labels of `rows`, [n, K]. */
export function labelsOfRows(data: PreparedData, rows: ArrayLike<number>, start = 0, count = rows.length - start): tf.Tensor2D {
  const k = data.labelNames.length;
  const y = new Float32Array(count * k);
  for (let r = 0; r < count; r++) y.set(data.y.subarray(rows[start + r] * k, (rows[start + r] + 1) * k), r * k);
  return tf.tensor2d(y, [count, k]);
}

/**
 * `model.sample(n, random, y)` for each row's labels y (flat images, one per row, in order);
 * with `conditional: false` (or data without labels) `rows.length` unconditional samples.
 */
export async function sampleForRows(
  model: GenerativeModel & Samples,
  data: PreparedData,
  rows: ArrayLike<number>,
  random: SeededRandom,
  { conditional = data.labelNames.length > 0 }: { conditional?: boolean } = {},
): Promise<Float32Array> {
  return inChunks(rows.length, (start, n) => model.sample(n, random, conditional ? labelsOfRows(data, rows, start, n) : undefined));
}

/** `model.sampleWithCodes` for codes [rows.length, U] (row-major) and, when the data have labels, the rows' labels. */
export async function sampleWithCodesForRows(model: GenerativeModel & HasUnsupervisedCodes, data: PreparedData, rows: ArrayLike<number>, codes: Float32Array, random: SeededRandom): Promise<Float32Array> {
  const u = model.unsupervisedCodes.length;
  return inChunks(rows.length, (start, n) =>
    model.sampleWithCodes(n, random, tf.tensor2d(codes.subarray(start * u, (start + n) * u), [n, u]), data.labelNames.length > 0 ? labelsOfRows(data, rows, start, n) : undefined),
  );
}

/** Runs `draw` (inside `tf.tidy`, so the condition tensors and the model's intermediates go) over chunks of ≤ 128. */
async function inChunks(total: number, draw: (start: number, n: number) => tf.Tensor): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < total; start += SAMPLE_CHUNK) {
    const n = Math.min(SAMPLE_CHUNK, total - start);
    const images = tf.tidy(() => draw(start, n));
    parts.push((await images.data()) as Float32Array);
    images.dispose();
  }
  return concatenate(parts);
}
