/**
 * Pixel ranges: datasets hold [0,1]; tanh decoders and flows (Glow) often want [-1,1].
 * x ↦ 2x − 1 and back. Works on plain arrays (no backend needed) and on tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

/** [0,1] → [-1,1]: returns a new array (or a new tensor, which the caller disposes). */
export function toSignedRange(values: Float32Array): Float32Array;
export function toSignedRange<T extends tf.Tensor>(values: T): T;
export function toSignedRange(values: Float32Array | tf.Tensor): Float32Array | tf.Tensor {
  if (values instanceof tf.Tensor) return tf.tidy(() => tf.sub(tf.mul(values, 2), 1));
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = 2 * values[i] - 1;
  return out;
}

/** [-1,1] → [0,1] (clipped), e.g. before `writeImageGrid`. Returns a new array or tensor. */
export function fromSignedRange(values: Float32Array): Float32Array;
export function fromSignedRange<T extends tf.Tensor>(values: T): T;
export function fromSignedRange(values: Float32Array | tf.Tensor): Float32Array | tf.Tensor {
  if (values instanceof tf.Tensor) return tf.tidy(() => tf.clipByValue(tf.div(tf.add(values, 1), 2), 0, 1));
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i] + 1) / 2));
  return out;
}
