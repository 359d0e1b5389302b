/** Test helpers for the wasm training kernels: backend setup, seeded inputs, cpu-vs-wasm runs. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { countTensorsCreatedBy, expectNoLeak } from '../../testing/no-leak';
import { maxRelativeError } from '../../testing/compare';
import '../register-gradients';
import { registerWasmTrainingKernels } from './register';

/** Registers our kernels and makes wasm the active backend. */
export async function useWasm(): Promise<void> {
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
  await tf.ready();
}

/** Mulberry32: small seeded generator so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Uniform values in [-1, 1). */
export function randomInput(shape: number[], random: () => number): Input {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = 2 * random() - 1;
  return { values, shape };
}

/** Runs `fn` on fresh copies of `inputs` on `backend`; returns every output's values. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
  const out = tf.tidy(() => fn(...xs));
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([...xs, ...list]);
  return values;
}

/**
 * maxRelativeError with its floor at 1% of the tensor's largest |value| (at least 1e-3).
 * XNNPACK and the cpu backend sum float32 products in different orders, so entries that
 * cancel to near zero differ by ~1e-6 absolute (the stock fast path included); judging
 * those relative to themselves would flag rounding, not bugs. Wrong indexing still shows
 * as O(1) errors on the large entries.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  return maxRelativeError(actual, expected, Math.max(1e-3, 1e-2 * scale));
}

/**
 * Worst relative error (see relativeError) of `fn` on wasm against `reference` (default:
 * `fn`) on cpu, over all outputs.
 */
export async function wasmVsCpu(
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  reference: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[] = fn,
): Promise<number> {
  const expected = await runOn('cpu', inputs, reference);
  const actual = await runOn('wasm', inputs, fn);
  if (actual.length !== expected.length) throw new Error(`${actual.length} outputs vs ${expected.length} expected`);
  return Math.max(...actual.map((a, i) => relativeError(a, expected[i])));
}

/**
 * Fails when `fn` on wasm leaves tensors behind (expectNoLeak) or leaves data in the wasm
 * backend that no tensor owns (a kernel's intermediate it forgot to dispose).
 */
export async function expectNoWasmLeak(inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], label: string): Promise<void> {
  await useWasm();
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
  const backend = tf.engine().backend;
  await countTensorsCreatedBy(() => fn(...xs));
  const before = backend.numDataIds();
  await expectNoLeak(() => fn(...xs), label);
  const after = backend.numDataIds();
  tf.dispose(xs);
  if (after !== before) throw new Error(`${label} left ${after - before} buffer(s) in the wasm backend`);
}
