import type { Tensor } from '@tensorflow/tfjs-core';

/** Copies a tensor's values into a Float64Array. */
export async function toFloat64(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

/**
 * max_i |a_i - b_i| / max(|b_i|, floor). The floor keeps entries near zero from
 * dominating: a difference of 1e-7 against an expected 1e-9 is not a real error.
 */
export function maxRelativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  floor = 1e-3,
): number {
  if (actual.length !== expected.length) {
    throw new Error(`maxRelativeError: length ${actual.length} vs expected ${expected.length}`);
  }
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
    const err = Math.abs(a - b) / Math.max(Math.abs(b), floor);
    if (err > worst) worst = err;
  }
  return worst;
}
