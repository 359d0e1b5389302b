/**
 * A seeded random number generator whose streams are repeatable on every backend: the
 * numbers are drawn in plain JS (float64) and only then copied into tensors with
 * `tf.tensor`, so `tf.randomNormal`'s backend-dependent seeding never enters.
 *
 * Generator: xoshiro128** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021; reference C at https://prng.di.unimi.it/xoshiro128starstar.c),
 * 128 bits of state, period 2^128 − 1. Its four 32-bit state words are filled by
 * splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix) run from the seed,
 * which is the seeding Vigna recommends.
 *
 * With `deviceDraws` set, the tensor draws (`uniform`, `normal`, `gumbel`) take a 64-bit key
 * from this stream (two words) and compute their values with Philox on the backend (philox.ts):
 * one dispatch and no upload on WebGPU, and the stream's state, checkpoints and resumes stay
 * the same four words. Those draws are other numbers than the host draws of the same state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { philoxTensor, type PhiloxDistribution } from './philox';

/** JSON-serialisable generator state: `getState()` returns it, `setState()` resumes from it. */
export interface SeededRandomState {
  algorithm: 'xoshiro128**';
  /** The four 32-bit state words, as unsigned integers. */
  state: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** rotl(x, k) = (x << k) | (x >>> (32 − k)) on 32-bit words. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * splitmix32 finaliser (Vigna's 32-bit SplitMix mix, constants from MurmurHash3's fmix32
 * variant used by splitmix32): z ^= z >>> 16; z *= 0x85ebca6b; z ^= z >>> 13;
 * z *= 0xc2b2ae35; z ^= z >>> 16. A bijection on 32-bit words.
 */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** splitmix32: x_{k+1} = x_k + 0x9e3779b9 (golden ratio), output mix32(x_{k+1}); fills `count` words. */
function splitmix32(seed: number, count: number): number[] {
  let x = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    out.push(mix32(x));
  }
  return out;
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units: h = (h ⊕ c) · 16777619, h₀ = 2166136261. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function elementCount(shape: number[], method: string): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`SeededRandom.${method}: shape must be an array of non-negative integers, got [${String(shape)}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A seeded, resumable, forkable random stream. Same seed → same numbers; `getState()` /
 * `setState()` make a resumed training run continue the exact same stream.
 */
export class SeededRandom {
  /** Draw tensors with Philox on the backend (see the module comment); plain numbers stay on the host. Forks inherit it. */
  deviceDraws = false;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * Seeds the state: [s0, s1, s2, s3] = splitmix32(seedLow ⊕ mix32(seedHigh)), where the
   * seed's low and high 32-bit halves both count (any safe integer is a distinct seed up
   * to 32-bit collisions of that fold).
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`SeededRandom: seed must be a safe integer, got ${String(seed)}`);
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    this.seedWords(splitmix32((low ^ mix32(high ^ 0x5bd1e995)) >>> 0, 4));
  }

  private seedWords(words: number[]): void {
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0);
    // xoshiro's state must not be all zero (the one fixed point of its linear engine).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  /**
   * One xoshiro128** step: result = rotl(s1 · 5, 7) · 9; t = s1 << 9; s2 ^= s0; s3 ^= s1;
   * s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11). Returns an unsigned 32-bit integer.
   */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float64 uniform on [0, 1) with 53 random bits: ((a >>> 5) · 2^26 + (b >>> 6)) / 2^53. */
  uniformNumber(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** A float64 uniform on the open interval (0, 1): (k + ½) / 2^53 for a 53-bit integer k. Never 0 or 1. */
  uniformOpenNumber(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b + 0.5) / TWO_POW_53;
  }

  /**
   * Fills `out` with standard normals by Box–Muller in float64 (Box & Muller 1958):
   * r = √(−2 ln u₁), z₀ = r cos 2πu₂, z₁ = r sin 2πu₂ with u₁ ∈ (0, 1), u₂ ∈ [0, 1).
   * Both values of each pair are used; for an odd length the last z₁ is dropped, so the
   * stream state stays the four xoshiro words.
   */
  private fillNormal(out: Float64Array | Float32Array, mean: number, std: number): void {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(this.uniformOpenNumber()));
      const angle = 2 * Math.PI * this.uniformNumber();
      out[i] = mean + std * r * Math.cos(angle);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(angle);
    }
  }

  /** One float64 normal N(mean, std²) (a Box–Muller pair with its second value dropped). */
  normalNumber(mean = 0, std = 1): number {
    const one = new Float64Array(1);
    this.fillNormal(one, mean, std);
    return one[0];
  }

  /** A uniform integer in {0, …, n − 1}, unbiased (rejection of the top 2^32 mod n words); n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`SeededRandom.int: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * A float32 tensor of uniforms lo + (hi − lo) · u, u ∈ [0, 1) from `uniformNumber`, computed
   * in float64 and then rounded to float32 (so a value may round up to exactly `hi`).
   */
  uniform(shape: number[], lo = 0, hi = 1): tf.Tensor {
    if (!(hi >= lo)) throw new Error(`SeededRandom.uniform: need lo ≤ hi, got lo=${lo}, hi=${hi}`);
    if (this.deviceDraws) return this.deviceDraw('uniform', shape, lo, hi);
    const values = new Float32Array(elementCount(shape, 'uniform'));
    for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * this.uniformNumber();
    return tf.tensor(values, shape, 'float32');
  }

  /** A float32 tensor of normals N(mean, std²), drawn by Box–Muller in float64 (see `fillNormal`). */
  normal(shape: number[], mean = 0, std = 1): tf.Tensor {
    if (!(std >= 0)) throw new Error(`SeededRandom.normal: std must be ≥ 0, got ${std}`);
    if (this.deviceDraws) return this.deviceDraw('normal', shape, mean, std);
    const values = new Float64Array(elementCount(shape, 'normal'));
    this.fillNormal(values, mean, std);
    return tf.tensor(Float32Array.from(values), shape, 'float32');
  }

  /**
   * A float32 tensor of standard Gumbel(0, 1) samples g = −log(−log u), u ∈ (0, 1)
   * (inverse CDF of F(g) = exp(−e^{−g})), computed in float64.
   */
  gumbel(shape: number[]): tf.Tensor {
    if (this.deviceDraws) return this.deviceDraw('gumbel', shape);
    const values = new Float32Array(elementCount(shape, 'gumbel'));
    for (let i = 0; i < values.length; i++) values[i] = -Math.log(-Math.log(this.uniformOpenNumber()));
    return tf.tensor(values, shape, 'float32');
  }

  /** A Philox draw on the backend under the next two words of this stream as its key. */
  private deviceDraw(distribution: PhiloxDistribution, shape: number[], a?: number, b?: number): tf.Tensor {
    elementCount(shape, distribution);
    const key = [this.nextUint32(), this.nextUint32()] as const;
    return philoxTensor(distribution, shape, key, a, b);
  }

  /**
   * Shuffles `array` in place by Fisher–Yates (Durstenfeld): for i = n−1 … 1, swap a[i]
   * with a[j], j uniform in {0, …, i}. Every permutation is equally likely. Returns `array`.
   */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A uniformly random permutation of 0 … n−1 (a Fisher–Yates shuffle of the identity). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * An independent stream named `label`: with h = mix32(s0 ⊕ mix32(s1 ⊕ mix32(s2 ⊕ mix32(s3))))
   * a hash of this stream's current state and [w0..w3] = splitmix32(fnv1a(label) ⊕ h), the
   * child's state is [mix32(w0 ⊕ s0), …, mix32(w3 ⊕ s3)]. Forking does not advance this
   * stream, so the same label forked from the same state always gives the same child
   * (`new SeededRandom(seed).fork('data')` is a fixed, named stream), and different labels
   * give different children.
   */
  fork(label: string): SeededRandom {
    const parent = [this.s0, this.s1, this.s2, this.s3];
    const stateHash = mix32(this.s0 ^ mix32(this.s1 ^ mix32(this.s2 ^ mix32(this.s3))));
    const words = splitmix32((fnv1a(String(label)) ^ stateHash) >>> 0, 4);
    const child = new SeededRandom(0);
    child.seedWords(words.map((w, i) => mix32(w ^ parent[i])));
    child.deviceDraws = this.deviceDraws;
    return child;
  }

  /** The current state, JSON-serialisable; `setState` of it continues the identical stream. */
  getState(): SeededRandomState {
    return { algorithm: 'xoshiro128**', state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /** Restores a state from `getState()` (e.g. read back from a checkpoint's JSON). */
  setState(state: SeededRandomState): void {
    const words = state?.state;
    if (
      state?.algorithm !== 'xoshiro128**' ||
      !Array.isArray(words) ||
      words.length !== 4 ||
      words.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32) ||
      words.every((w) => w === 0)
    ) {
      throw new Error(
        `SeededRandom.setState: expected {algorithm: 'xoshiro128**', state: four unsigned 32-bit integers, not all 0}, got ${JSON.stringify(state)}`,
      );
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
  }
}

let defaultStream: SeededRandom | null = null;

/**
 * The process-wide stream used when a kernel (e.g. `sampleGaussian`) is given no noise and
 * no generator: seeded with 0 until `seedDefaultRandom` reseeds it. Pass your own
 * `SeededRandom` for anything you need to resume.
 */
export function defaultRandom(): SeededRandom {
  if (defaultStream === null) defaultStream = new SeededRandom(0);
  return defaultStream;
}

/** Reseeds the process-wide default stream (see `defaultRandom`). */
export function seedDefaultRandom(seed: number): void {
  defaultStream = new SeededRandom(seed);
}
