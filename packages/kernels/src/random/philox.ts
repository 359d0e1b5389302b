/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011). Element i of a draw is a pure function of (i, key),
 * so a GPU thread per element computes it with no state and no upload: on WebGPU the draw is
 * one dispatch (philox-webgpu.ts), elsewhere the same integers are computed here in JS.
 *
 * One Philox round on the counter c = (c0, c1, c2, c3) with key k = (k0, k1):
 *   (hi0, lo0) = M0 · c0,  (hi1, lo1) = M1 · c2   (32×32 → 64-bit products)
 *   c ← (hi1 ⊕ c1 ⊕ k0,  lo1,  hi0 ⊕ c3 ⊕ k1,  lo0),  then k ← k + (W0, W1)
 * with M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85; ten rounds.
 * Element i uses the counter (i, 0, 0, 0). From its output words r:
 *   uniform  u = (r0 >> 8) · 2⁻²⁴ ∈ [0, 1), then lo + (hi − lo) · u;
 *   open     v = ((r0 >> 9) + ½) · 2⁻²³ ∈ (0, 1), exact in float32;
 *   normal   z = √(−2 ln v) · cos(2π (u′ − ½)), u′ = (r1 >> 8) · 2⁻²⁴ (Box–Muller, the angle
 *            shifted into [−π, π) where WGSL's cos is accurate), then mean + std · z;
 *   Gumbel   g = −ln(−ln v).
 * The integers are identical everywhere; the float transforms agree to float32 rounding
 * (the GPU computes ln, cos and √ in float32, this file in float64).
 */
import * as tf from '@tensorflow/tfjs-core';
import { drawPhiloxOnWebgpu } from './philox-webgpu';

export type PhiloxKey = readonly [number, number];
export type PhiloxDistribution = 'uniform' | 'normal' | 'gumbel';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_M23 = 2 ** -23;
const TWO_POW_M24 = 2 ** -24;
/** 2π rounded to float32, as the shader's literal is. */
export const TWO_PI_F32 = Math.fround(2 * Math.PI);

/** The high 32 bits of the 64-bit product a · b of two unsigned words (16-bit halves, as the shader does). */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16)) >>> 0;
}

/** Philox4x32-10 of one counter under one key: four unsigned 32-bit words. */
export function philox4x32(counter: readonly [number, number, number, number], key: PhiloxKey): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((w) => w >>> 0);
  let [k0, k1] = key.map((w) => w >>> 0);
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/**
 * The draw's values in JS: element i from philox4x32((i, 0, 0, 0), key), transformed as the
 * module comment says. `a`, `b`: lo and hi (uniform) or mean and std (normal); unused for Gumbel.
 */
export function philoxValues(distribution: PhiloxDistribution, count: number, key: PhiloxKey, a = 0, b = 1): Float32Array {
  checkDraw(distribution, key, 'philoxValues');
  if (!Number.isInteger(count) || count < 0) throw new Error(`philoxValues: count must be a non-negative integer, got ${count}`);
  const out = new Float32Array(count);
  const f = Math.fround;
  for (let i = 0; i < count; i++) {
    const [r0, r1] = philox4x32([i, 0, 0, 0], key);
    if (distribution === 'uniform') {
      const u = (r0 >>> 8) * TWO_POW_M24;
      out[i] = f(a + f(f(b - a) * u));
    } else {
      const v = ((r0 >>> 9) + 0.5) * TWO_POW_M23;
      if (distribution === 'gumbel') out[i] = -Math.log(-Math.log(v));
      else out[i] = a + b * Math.sqrt(-2 * Math.log(v)) * Math.cos(f(TWO_PI_F32 * ((r1 >>> 8) * TWO_POW_M24 - 0.5)));
    }
  }
  return out;
}

const DISTRIBUTIONS: readonly PhiloxDistribution[] = ['uniform', 'normal', 'gumbel'];

function checkDraw(distribution: PhiloxDistribution, key: PhiloxKey, where: string): void {
  if (!DISTRIBUTIONS.includes(distribution)) throw new Error(`${where}: distribution must be one of ${DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(distribution)}`);
  if (!Array.isArray(key) || key.length !== 2 || key.some((w) => !Number.isInteger(w) || w < 0 || w >= 2 ** 32)) {
    throw new Error(`${where}: key must be two unsigned 32-bit integers, got ${JSON.stringify(key)}`);
  }
}

function checkShape(shape: number[], where: string): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${where}: shape must be an array of non-negative integers, got [${String(shape)}]`);
  }
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * A float32 tensor of `shape` drawn by Philox under `key`: on WebGPU by one dispatch (no
 * upload), on other backends from `philoxValues`.
 */
export function philoxTensor(distribution: PhiloxDistribution, shape: number[], key: PhiloxKey, a = 0, b = 1): tf.Tensor {
  checkDraw(distribution, key, 'philoxTensor');
  const count = checkShape(shape, `philox ${distribution}`);
  if (tf.getBackend() === 'webgpu' && count > 0) return drawPhiloxOnWebgpu(distribution, shape, key, a, b);
  return tf.tensor(philoxValues(distribution, count, key, a, b), shape, 'float32');
}
