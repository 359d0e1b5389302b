import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { SeededRandom } from '../random/seeded-random';
import { maxRelativeError } from '../testing/compare';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import { gaussianStd, sampleGaussian, splitMeanLogVar, sumPerExample } from './gaussian';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MU = [0.3, -1.2, 2.0, 0.5, -0.7, 1.1];
const LOG_VAR = [-0.5, 0.8, -2.0, 0.1, 1.3, -1.0];
const EPS = [1.5, -0.3, 0.7, -2.1, 0.2, 0.9];
const WEIGHTS = [0.7, -1.3, 0.4, 2.0, -0.6, 1.1];

/** Float64 reference z_i = μ_i + exp(½ log σ²_i) ε_i. */
function reference(mu: ArrayLike<number>, logVar: ArrayLike<number>, eps: ArrayLike<number>): number[] {
  return Array.from(mu, (m, i) => m + Math.exp(0.5 * logVar[i]) * eps[i]);
}

describe('sampleGaussian', () => {
  it('computes μ + exp(½ log σ²) ε with the given noise', async () => {
    const z = sampleGaussian(tf.tensor2d(MU, [2, 3]), tf.tensor2d(LOG_VAR, [2, 3]), tf.tensor2d(EPS, [2, 3]));
    expect(z.shape).toEqual([2, 3]);
    expect(maxRelativeError(await z.data(), reference(MU, LOG_VAR, EPS))).toBeLessThan(1e-6);
  });

  it('has gradients ∂/∂μ and ∂/∂log σ² matching float64 central differences', () => {
    const eps = tf.tensor2d(EPS, [2, 3]);
    const w = tf.tensor2d(WEIGHTS, [2, 3]);
    const [gMu, gLogVar] = tf.grads((mu: tf.Tensor, logVar: tf.Tensor) => tf.sum(tf.mul(w, sampleGaussian(mu, logVar, eps))))([
      tf.tensor2d(MU, [2, 3]),
      tf.tensor2d(LOG_VAR, [2, 3]),
    ]);
    const loss = (mu: ArrayLike<number>, logVar: ArrayLike<number>) =>
      reference(mu, logVar, EPS).reduce((s, z, i) => s + WEIGHTS[i] * z, 0);
    checkGradient(gMu.dataSync(), (mu) => loss(mu, LOG_VAR), MU);
    checkGradient(gLogVar.dataSync(), (lv) => loss(MU, lv), LOG_VAR);
  });

  it('draws ε from a SeededRandom: repeatable, and N(μ, σ²) over 20k samples', async () => {
    const n = 20000;
    const mu = tf.fill([n, 1], 1.5);
    const logVar = tf.fill([n, 1], Math.log(0.25));
    const a = await sampleGaussian(mu, logVar, new SeededRandom(10)).data();
    const b = await sampleGaussian(mu, logVar, new SeededRandom(10)).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    let mean = 0;
    for (const v of a) mean += v;
    mean /= n;
    let variance = 0;
    for (const v of a) variance += (v - mean) ** 2;
    variance /= n - 1;
    expect(Math.abs(mean - 1.5)).toBeLessThan(4 * (0.5 / Math.sqrt(n)));
    expect(Math.abs(variance - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / n));
  });

  it('uses the default stream when no noise is given', () => {
    const z = sampleGaussian(tf.zeros([3, 2]), tf.zeros([3, 2]));
    expect(z.shape).toEqual([3, 2]);
    expect(Array.from(z.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('throws on mismatched shapes, naming the arguments and shapes', () => {
    expect(() => sampleGaussian(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/mu has shape \[2,3\] but logVar has shape \[2,4\]/);
    expect(() => sampleGaussian(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(/noise has shape \[3,2\]/);
  });

  it('leaks no tensors', async () => {
    const mu = tf.tensor2d(MU, [2, 3]);
    const logVar = tf.tensor2d(LOG_VAR, [2, 3]);
    const rng = new SeededRandom(1);
    await expectNoLeak(() => sampleGaussian(mu, logVar, rng), 'sampleGaussian(rng)');
    await expectNoLeak(() => tf.grad((m: tf.Tensor) => tf.sum(sampleGaussian(m, logVar, rng)))(mu), 'grad of sampleGaussian');
  });
});

describe('Gaussian helpers', () => {
  it('gaussianStd computes exp(½ log σ²)', async () => {
    const s = gaussianStd(tf.tensor1d(LOG_VAR));
    expect(maxRelativeError(await s.data(), LOG_VAR.map((v) => Math.exp(0.5 * v)))).toBeLessThan(1e-6);
  });

  it('splitMeanLogVar splits the last axis in halves and rejects an odd one', async () => {
    const h = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const { mu, logVar } = splitMeanLogVar(h);
    expect(mu.shape).toEqual([2, 2]);
    expect(Array.from(await mu.data())).toEqual([1, 2, 5, 6]);
    expect(Array.from(await logVar.data())).toEqual([3, 4, 7, 8]);
    expect(() => splitMeanLogVar(tf.zeros([2, 3]))).toThrow(/even last dimension.*\[2,3\]/);
    await expectNoLeak(() => splitMeanLogVar(h), 'splitMeanLogVar');
  });

  it('sumPerExample sums every axis but the batch axis', async () => {
    const values = Array.from({ length: 24 }, (_, i) => i);
    const s = sumPerExample(tf.tensor4d(values, [2, 3, 2, 2]));
    expect(s.shape).toEqual([2]);
    expect(Array.from(await s.data())).toEqual([66, 210]);
    expect(Array.from(await sumPerExample(tf.tensor1d([1, 2])).data())).toEqual([1, 2]);
    expect(() => sumPerExample(tf.scalar(1))).toThrow(/batch axis/);
  });
});
