/**
 * Finiteness of named tensors: a checkpoint with a NaN or ±Infinity anywhere is never
 * written, and one read back is skipped, because every resume from it would fail at its
 * first step (or `sample` would draw NaN images).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Thrown when tensors hold NaN or ±Infinity; names each tensor and what it holds. */
export class NonFiniteTensorsError extends Error {
  constructor(
    context: string,
    readonly tensors: { name: string; nonFinite: number; example: number }[],
  ) {
    const list = tensors.slice(0, 5).map((t) => `"${t.name}" (${t.nonFinite} non-finite values, e.g. ${t.example})`).join(', ');
    const more = tensors.length > 5 ? ` and ${tensors.length - 5} more` : '';
    super(`${context}: non-finite values in ${list}${more}`);
    this.name = 'NonFiniteTensorsError';
  }
}

/** The float tensors of `tensors` that hold a NaN or ±Infinity, with a count and an example value. */
export async function nonFiniteTensors(tensors: tf.NamedTensorMap): Promise<{ name: string; nonFinite: number; example: number }[]> {
  const found: { name: string; nonFinite: number; example: number }[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32') continue; // int32 and bool are always finite
    const values = (await tensor.data()) as Float32Array;
    let nonFinite = 0;
    let example = 0;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        if (nonFinite === 0) example = values[i];
        nonFinite++;
      }
    }
    if (nonFinite > 0) found.push({ name, nonFinite, example });
  }
  return found;
}

/** Throws a `NonFiniteTensorsError` (prefixed by `context`) when any float tensor is not finite. */
export async function assertFiniteTensors(tensors: tf.NamedTensorMap, context: string): Promise<void> {
  const found = await nonFiniteTensors(tensors);
  if (found.length > 0) throw new NonFiniteTensorsError(context, found);
}
