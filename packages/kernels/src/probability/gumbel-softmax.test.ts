import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { SeededRandom } from '../random/seeded-random';
import { maxRelativeError } from '../testing/compare';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import { gumbelSoftmax } from './gumbel-softmax';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const K = 4;
const LOGITS = [0.5, -1.0, 1.2, 0.1, -0.3, 0.8, 0.0, -2.0];
const NOISE = [0.3, 1.1, -0.4, 0.9, 0.2, -0.6, 1.5, 0.0];
const W = [0.6, -1.2, 0.3, 2.0, -0.5, 1.4, 0.7, -0.9];

/** Float64 softmax((ℓ + g)/τ) row by row. */
function soft64(logits: ArrayLike<number>, noise: ArrayLike<number>, tau: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / K; r++) {
    const z = [0, 1, 2, 3].map((k) => (logits[r * K + k] + noise[r * K + k]) / tau);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

const logits = () => tf.tensor2d(LOGITS, [2, K]);
const noise = () => tf.tensor2d(NOISE, [2, K]);

describe('gumbelSoftmax (soft)', () => {
  it('equals softmax((ℓ + g)/τ) with the given noise, and each row sums to 1', async () => {
    for (const tau of [0.5, 1, 3]) {
      const y = await gumbelSoftmax(logits(), tau, { noise: noise() }).data();
      expect(maxRelativeError(y, soft64(LOGITS, NOISE, tau))).toBeLessThan(1e-5);
      for (let r = 0; r < 2; r++) expect(y[r * K] + y[r * K + 1] + y[r * K + 2] + y[r * K + 3]).toBeCloseTo(1, 6);
    }
  });

  it('has a gradient in the logits matching float64 central differences', () => {
    const tau = 0.7;
    const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(W, [2, K]), gumbelSoftmax(l, tau, { noise: noise() }))))(logits());
    checkGradient(g.dataSync(), (l) => soft64(l, NOISE, tau).reduce((s, v, i) => s + W[i] * v, 0), LOGITS);
  });

  it('concentrates on one class as τ → 0 and spreads out as τ grows', async () => {
    const rows = 1000;
    const l = tf.tile(tf.tensor2d([[0.2, -0.1, 0.4, 0.0]]), [rows, 1]);
    const meanMax = async (tau: number) => {
      const y = gumbelSoftmax(l, tau, { noise: new SeededRandom(3) });
      return (await tf.mean(tf.max(y, -1)).data())[0];
    };
    expect(await meanMax(0.01)).toBeGreaterThan(0.98);
    const warm = await meanMax(1);
    expect(warm).toBeLessThan(0.9);
    expect(await meanMax(100)).toBeLessThan(0.27); // ≈ 1/K
    expect(warm).toBeGreaterThan(await meanMax(100));
  });

  it('is repeatable from a seeded generator', async () => {
    const a = await gumbelSoftmax(logits(), 1, { noise: new SeededRandom(5) }).data();
    const b = await gumbelSoftmax(logits(), 1, { noise: new SeededRandom(5) }).data();
    const c = await gumbelSoftmax(logits(), 1, { noise: new SeededRandom(6) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('gumbelSoftmax (straight-through)', () => {
  it('is exactly one-hot at argmax(ℓ + g) in the forward pass', async () => {
    const y = await gumbelSoftmax(logits(), 0.5, { hard: true, noise: noise() }).data();
    const sums = LOGITS.map((v, i) => v + NOISE[i]);
    for (let r = 0; r < 2; r++) {
      const row = sums.slice(r * K, r * K + K);
      const best = row.indexOf(Math.max(...row));
      expect(Array.from(y.slice(r * K, r * K + K))).toEqual([0, 1, 2, 3].map((k) => (k === best ? 1 : 0)));
    }
  });

  it('has the gradient of the soft sample', () => {
    const tau = 0.5;
    const lossOf = (hard: boolean) => (l: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(W, [2, K]), gumbelSoftmax(l, tau, { hard, noise: noise() })));
    const hard = tf.grad(lossOf(true))(logits()).dataSync();
    const soft = tf.grad(lossOf(false))(logits()).dataSync();
    expect(maxRelativeError(hard, soft, 1e-6)).toBeLessThan(1e-6);
    expect(Array.from(hard).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    checkGradient(hard, (l) => soft64(l, NOISE, tau).reduce((s, v, i) => s + W[i] * v, 0), LOGITS);
  });

  it('picks class k with probability softmax(ℓ)_k (the Gumbel-max trick) over 20k rows', async () => {
    const n = 20000;
    const base = [1.0, 0.0, -0.5, 0.4];
    const y = gumbelSoftmax(tf.tile(tf.tensor2d([base]), [n, 1]), 0.3, { hard: true, noise: new SeededRandom(17) });
    const freq = await tf.mean(y, 0).data();
    const z = base.reduce((s, v) => s + Math.exp(v), 0);
    base.forEach((v, k) => {
      const p = Math.exp(v) / z;
      expect(Math.abs(freq[k] - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    });
  });
});

describe('gumbelSoftmax: inputs and memory', () => {
  it('rejects a temperature ≤ 0 or not finite, and noise of the wrong shape', () => {
    expect(() => gumbelSoftmax(logits(), 0)).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => gumbelSoftmax(logits(), -1)).toThrow(/temperature.*-1/);
    expect(() => gumbelSoftmax(logits(), Number.NaN)).toThrow(/temperature/);
    expect(() => gumbelSoftmax(logits(), 1, { noise: tf.zeros([2, 3]) })).toThrow(/logits has shape \[2,4\] but noise has shape \[2,3\]/);
  });

  it('leaks no tensors, soft or hard, forward or backward', async () => {
    const l = logits();
    const g = noise();
    const rng = new SeededRandom(1);
    await expectNoLeak(() => gumbelSoftmax(l, 0.5, { noise: rng }), 'soft');
    await expectNoLeak(() => gumbelSoftmax(l, 0.5, { hard: true, noise: g }), 'hard');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(gumbelSoftmax(v, 0.5, { hard: true, noise: g })))(l), 'grad of hard');
  });
});
