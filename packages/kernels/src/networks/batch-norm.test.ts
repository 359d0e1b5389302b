import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../backend/register-gradients';
import { SeededRandom } from '../random/seeded-random';
import { checkGradient, expectNoLeak } from '../testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, BatchNorm, EVALUATION, TRAINING, TRAINING_FIXED_STATISTICS } from './batch-norm';
import { ParameterStore } from './parameter-store';

/** float64 batch norm of rows [n][c] (biased variance), the independent reference. */
function referenceBatchNorm(x: number[][], gamma: number[], beta: number[]): { y: number[][]; mean: number[]; variance: number[] } {
  const n = x.length;
  const c = gamma.length;
  const mean = Array.from({ length: c }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const variance = Array.from({ length: c }, (_, j) => x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n);
  const y = x.map((r) => r.map((v, j) => (gamma[j] * (v - mean[j])) / Math.sqrt(variance[j] + BATCH_NORM_EPSILON) + beta[j]));
  return { y, mean, variance };
}

describe('batch norm', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const rows = (n: number, c: number, seed: number) => {
    const r = new SeededRandom(seed);
    return Array.from({ length: n }, () => Array.from({ length: c }, (_, j) => 2 * r.normalNumber() + j));
  };

  it('training mode normalises with the batch statistics and updates the moving ones once, by ρ', async () => {
    const store = new ParameterStore(new SeededRandom(0), 'test');
    const norm = new BatchNorm(store, 'bn', 3);
    const x = rows(10, 3, 1);
    // Over every axis but channels: a [2, 5, 3] tensor is 10 rows of 3 channels.
    const y = norm.apply(tf.tensor3d(x.flat(), [2, 5, 3]), TRAINING);
    const expected = referenceBatchNorm(x, [1, 1, 1], [0, 0, 0]);
    Array.from(await y.data()).forEach((v, i) => expect(v).toBeCloseTo(expected.y.flat()[i], 4));
    const movingMean = Array.from(await store.variables['bn/moving_mean'].data());
    const movingVariance = Array.from(await store.variables['bn/moving_variance'].data());
    expected.mean.forEach((m, j) => expect(movingMean[j]).toBeCloseTo((1 - BATCH_NORM_MOMENTUM) * m, 5));
    expected.variance.forEach((v, j) => expect(movingVariance[j]).toBeCloseTo(BATCH_NORM_MOMENTUM + (1 - BATCH_NORM_MOMENTUM) * v * (10 / 9), 4));
    // A pass that does not update (a coupled adversary phase) leaves them alone.
    norm.apply(tf.tensor2d(rows(10, 3, 2)), TRAINING_FIXED_STATISTICS);
    expect(Array.from(await store.variables['bn/moving_mean'].data())).toEqual(movingMean);
    expect(store.isStatistic(store.variables['bn/moving_mean'])).toBe(true);
    expect(store.trainable().map((v) => v.name.split('/').slice(1).join('/'))).toEqual(['bn/gamma', 'bn/beta']);
    expect(store.variables['bn/moving_mean'].trainable).toBe(false);
  });

  it('evaluation mode uses the moving statistics, so it differs from training mode and does not depend on the batch', async () => {
    const store = new ParameterStore(new SeededRandom(0), 'test');
    const norm = new BatchNorm(store, 'bn', 2);
    store.variables['bn/moving_mean'].assign(tf.tensor1d([1, -1]));
    store.variables['bn/moving_variance'].assign(tf.tensor1d([4, 0.25]));
    const x = tf.tensor2d([[3, 0], [1, -1], [5, 2]]);
    const evaluated = Array.from(await norm.apply(x, EVALUATION).data());
    const expected = [[3, 0], [1, -1], [5, 2]].flatMap(([a, b]) => [(a - 1) / Math.sqrt(4 + BATCH_NORM_EPSILON), (b + 1) / Math.sqrt(0.25 + BATCH_NORM_EPSILON)]);
    evaluated.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    const first = Array.from(await norm.apply(tf.slice(x, [0, 0], [1, 2]), EVALUATION).data());
    expect(first[0]).toBeCloseTo(evaluated[0], 6); // a row's output does not depend on the rest of the batch
    const trained = Array.from(await norm.apply(x, TRAINING_FIXED_STATISTICS).data());
    expect(Math.max(...trained.map((v, i) => Math.abs(v - evaluated[i])))).toBeGreaterThan(0.1);
  });

  it('its hand-written gradient matches central differences of a float64 batch norm', async () => {
    const store = new ParameterStore(new SeededRandom(0), 'test');
    const norm = new BatchNorm(store, 'bn', 3);
    const gamma = [0.7, 1.3, -0.4];
    const beta = [0.1, -0.2, 0.3];
    store.variables['bn/gamma'].assign(tf.tensor1d(gamma));
    store.variables['bn/beta'].assign(tf.tensor1d(beta));
    const x = rows(6, 3, 3);
    const weights = rows(6, 3, 4); // L = Σ w ⊙ y, so every output's gradient matters
    const loss = (values: ArrayLike<number>, g = gamma, b = beta) => {
      const m = Array.from({ length: 6 }, (_, i) => Array.from({ length: 3 }, (_, j) => values[i * 3 + j]));
      return referenceBatchNorm(m, g, b).y.flat().reduce((s, v, i) => s + v * weights.flat()[i], 0);
    };
    const w = tf.tensor2d(weights);
    const input = tf.tensor2d(x);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(norm.apply(tf.add(input, tf.zeros([6, 3])), TRAINING_FIXED_STATISTICS), w)) as tf.Scalar);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(norm.apply(v, TRAINING_FIXED_STATISTICS), w)))(input);
    checkGradient(await dx.data(), (v) => loss(v), x.flat(), { tolerance: 2e-2 });
    const gammaName = store.variables['bn/gamma'].name;
    const betaName = store.variables['bn/beta'].name;
    checkGradient(await grads[gammaName].data(), (g) => loss(x.flat(), Array.from(g)), gamma, { tolerance: 1e-2 });
    checkGradient(await grads[betaName].data(), (b) => loss(x.flat(), gamma, Array.from(b)), beta, { tolerance: 1e-2 });
  });

  it('leaks no tensors in either mode', async () => {
    const store = new ParameterStore(new SeededRandom(0), 'test');
    const norm = new BatchNorm(store, 'bn', 4);
    const x = tf.randomNormal([8, 4]);
    norm.apply(x, TRAINING).dispose();
    await expectNoLeak(() => {
      tf.dispose([norm.apply(x, TRAINING), norm.apply(x, EVALUATION), norm.apply(x, TRAINING_FIXED_STATISTICS)]);
      const { value, grads } = tf.variableGrads(() => tf.sum(norm.apply(x, TRAINING)) as tf.Scalar, store.trainable());
      tf.dispose([value, ...Object.values(grads)]);
    });
  });
});
