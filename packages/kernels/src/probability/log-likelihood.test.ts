import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { maxRelativeError } from '../testing/compare';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import {
  bceWithLogits,
  bernoulliLogLikelihood,
  categoricalLogLikelihood,
  gaussianLogLikelihood,
  gaussianLogLikelihoodFixedVariance,
  logOnePlusExp,
} from './log-likelihood';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Float64 log(1 + eˣ) written differently from the code: log1p(eˣ) for x ≤ 0, x + log1p(e^{−x}) above. */
const softplus64 = (x: number) => (x <= 0 ? Math.log1p(Math.exp(x)) : x + Math.log1p(Math.exp(-x)));
const sigmoid64 = (x: number) => 1 / (1 + Math.exp(-x));

// Includes x = 0 exactly, where autodiff through max(x, 0) and |x| would give the wrong gradient.
const LOGITS = [-3.1, -0.4, 0, 0.7, 2.2, -1.5, 4.0, 0.05];
const TARGETS = [0, 1, 0.3, 1, 0, 0.8, 0.5, 1];
const W = [0.9, -1.1];

describe('logOnePlusExp (stable softplus)', () => {
  it('matches float64 log(1 + eˣ) to relative precision from −100 to 100', async () => {
    const x = [-100, -30, -20, -5, -1, 0, 1, 5, 20, 30, 100];
    const y = await logOnePlusExp(tf.tensor1d(x)).data();
    // The floor 1e-30 stays above float32 subnormals (e^{−100} ≈ 3.7e-44 has few bits), far below e^{−30}.
    expect(maxRelativeError(y, x.map(softplus64), 1e-30)).toBeLessThan(1e-5);
  });

  it('has the exact gradient σ(x), ½ at x = 0', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(logOnePlusExp(x)))(tf.tensor1d(LOGITS)).dataSync();
    expect(g[2]).toBe(0.5);
    checkGradient(g, (x) => Array.from(x).reduce((s, v) => s + softplus64(v), 0), LOGITS);
  });
});

describe('bceWithLogits and bernoulliLogLikelihood', () => {
  /** Float64 reference straight from the definition −[t log σ(x) + (1 − t) log(1 − σ(x))]. */
  const bce64 = (x: number, t: number) => -(t * Math.log(sigmoid64(x)) + (1 - t) * Math.log(1 - sigmoid64(x)));

  it('bceWithLogits equals −[t log σ(x) + (1 − t) log(1 − σ(x))] elementwise', async () => {
    const y = await bceWithLogits(tf.tensor1d(LOGITS), tf.tensor1d(TARGETS)).data();
    expect(maxRelativeError(y, LOGITS.map((x, i) => bce64(x, TARGETS[i])))).toBeLessThan(1e-5);
  });

  it('stays finite and exact for saturated logits', async () => {
    const x = [-200, -60, 60, 200];
    const t = [1, 0, 0, 1];
    const y = await bceWithLogits(tf.tensor1d(x), tf.tensor1d(t)).data();
    // log σ(−200) = −200 − log1p(e^{−200}): the loss is 200 where the naive form gives Infinity.
    expect(maxRelativeError(y, x.map((v, i) => softplus64(v) - v * t[i]), 1e-30)).toBeLessThan(1e-5);
  });

  it('bernoulliLogLikelihood sums −bce over every non-batch axis', async () => {
    const ll = bernoulliLogLikelihood(tf.tensor4d(LOGITS, [2, 2, 2, 1]), tf.tensor4d(TARGETS, [2, 2, 2, 1]));
    expect(ll.shape).toEqual([2]);
    const ref = [0, 1].map((b) => -LOGITS.slice(4 * b, 4 * b + 4).reduce((s, x, i) => s + bce64(x, TARGETS[4 * b + i]), 0));
    expect(maxRelativeError(await ll.data(), ref)).toBeLessThan(1e-5);
  });

  it('has gradients in logits (σ(x) − t) and targets (−x) matching float64 central differences', () => {
    const ref = (x: ArrayLike<number>, t: ArrayLike<number>) =>
      [0, 1].reduce((s, b) => {
        let row = 0;
        for (let i = 4 * b; i < 4 * b + 4; i++) row -= bce64(x[i], t[i]);
        return s + W[b] * row;
      }, 0);
    const [gx, gt] = tf.grads((x: tf.Tensor, t: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), bernoulliLogLikelihood(x, t))))([
      tf.tensor2d(LOGITS, [2, 4]),
      tf.tensor2d(TARGETS, [2, 4]),
    ]);
    checkGradient(gx.dataSync(), (x) => ref(x, TARGETS), LOGITS);
    // Targets 0 and 1 sit on the edge of log's domain for the float64 reference; move them inside.
    const inner = TARGETS.map((t) => Math.min(Math.max(t, 0.01), 0.99));
    const [, gInner] = tf.grads((x: tf.Tensor, t: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), bernoulliLogLikelihood(x, t))))([
      tf.tensor2d(LOGITS, [2, 4]),
      tf.tensor2d(inner, [2, 4]),
    ]);
    checkGradient(gInner.dataSync(), (t) => ref(LOGITS, t), inner);
    expect(Array.from(gt.dataSync())).toEqual(Array.from(gInner.dataSync()));
  });

  it('throws on mismatched shapes and leaks no tensors', async () => {
    expect(() => bernoulliLogLikelihood(tf.zeros([2, 4]), tf.zeros([2, 5]))).toThrow(/logits has shape \[2,4\] but targets has shape \[2,5\]/);
    const x = tf.tensor2d(LOGITS, [2, 4]);
    const t = tf.tensor2d(TARGETS, [2, 4]);
    await expectNoLeak(() => bernoulliLogLikelihood(x, t), 'bernoulliLogLikelihood');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(bernoulliLogLikelihood(v, t)))(x), 'grad of bernoulliLogLikelihood');
  });
});

describe('Gaussian log-likelihoods', () => {
  const X = [0.5, -1.0, 2.0, 0.1, -0.3, 1.7];
  const MU = [0.2, -0.5, 1.0, 0.4, 0.0, 2.5];
  const LV = [-0.5, 0.3, 1.2, -1.4, 0.0, 0.6];
  /** Float64 log N(x; μ, σ²) from the density (2πσ²)^{−½} exp(−(x − μ)²/2σ²), per example of 3. */
  const logN = (x: number, mu: number, variance: number) => Math.log(Math.exp(-((x - mu) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance));
  const rows = (x: ArrayLike<number>, mu: ArrayLike<number>, lv: ArrayLike<number>) =>
    [0, 1].map((b) => [0, 1, 2].reduce((s, j) => s + logN(x[3 * b + j], mu[3 * b + j], Math.exp(lv[3 * b + j])), 0));
  const t2 = (v: number[]) => tf.tensor2d(v, [2, 3]);

  it('gaussianLogLikelihood matches the float64 density per example', async () => {
    const ll = gaussianLogLikelihood(t2(X), t2(MU), t2(LV));
    expect(ll.shape).toEqual([2]);
    expect(maxRelativeError(await ll.data(), rows(X, MU, LV))).toBeLessThan(1e-5);
  });

  it('gaussianLogLikelihood has gradients in x, μ and log σ² matching central differences', () => {
    const weighted = (r: number[]) => r[0] * W[0] + r[1] * W[1];
    const [gx, gmu, glv] = tf.grads((x: tf.Tensor, mu: tf.Tensor, lv: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), gaussianLogLikelihood(x, mu, lv))))([
      t2(X),
      t2(MU),
      t2(LV),
    ]);
    checkGradient(gx.dataSync(), (v) => weighted(rows(v, MU, LV)), X);
    checkGradient(gmu.dataSync(), (v) => weighted(rows(X, v, LV)), MU);
    checkGradient(glv.dataSync(), (v) => weighted(rows(X, MU, v)), LV);
  });

  it('gaussianLogLikelihoodFixedVariance matches the density with σ² fixed, and its gradient', async () => {
    const v = 0.3;
    const lv = new Array(6).fill(Math.log(v));
    const ll = await gaussianLogLikelihoodFixedVariance(t2(X), t2(MU), v).data();
    expect(maxRelativeError(ll, rows(X, MU, lv))).toBeLessThan(1e-5);
    const unit = await gaussianLogLikelihoodFixedVariance(t2(X), t2(MU)).data();
    expect(maxRelativeError(unit, rows(X, MU, new Array(6).fill(0)))).toBeLessThan(1e-5);
    const g = tf.grad((mu: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), gaussianLogLikelihoodFixedVariance(t2(X), mu, v))))(t2(MU));
    checkGradient(g.dataSync(), (m) => rows(X, m, lv).reduce((s, r, b) => s + W[b] * r, 0), MU);
  });

  it('validates shapes and the variance; leaks no tensors', async () => {
    expect(() => gaussianLogLikelihood(t2(X), tf.zeros([3, 2]), t2(LV))).toThrow(/x has shape \[2,3\] but mu has shape \[3,2\]/);
    expect(() => gaussianLogLikelihood(t2(X), t2(MU), tf.zeros([6]))).toThrow(/mu has shape \[2,3\] but logVar has shape \[6\]/);
    expect(() => gaussianLogLikelihoodFixedVariance(t2(X), t2(MU), -1)).toThrow(/variance must be a finite number > 0, got -1/);
    const [x, mu, lv] = [t2(X), t2(MU), t2(LV)];
    await expectNoLeak(() => gaussianLogLikelihood(x, mu, lv), 'gaussianLogLikelihood');
    await expectNoLeak(() => gaussianLogLikelihoodFixedVariance(x, mu, 0.5), 'gaussianLogLikelihoodFixedVariance');
  });
});

describe('categoricalLogLikelihood', () => {
  const L = [1.0, -0.5, 2.0, 0.3, 0.0, -1.2];
  const T = [0, 0, 1, 0.2, 0.5, 0.3];
  const ref = (l: ArrayLike<number>) =>
    [0, 1].map((b) => {
      const row = [0, 1, 2].map((k) => l[3 * b + k]);
      const z = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      return row.reduce((s, v, k) => s + T[3 * b + k] * (v - z), 0);
    });

  it('equals Σ_k t_k log softmax(ℓ)_k per example, with a matching gradient', async () => {
    const ll = categoricalLogLikelihood(tf.tensor2d(L, [2, 3]), tf.tensor2d(T, [2, 3]));
    expect(maxRelativeError(await ll.data(), ref(L))).toBeLessThan(1e-5);
    const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), categoricalLogLikelihood(l, tf.tensor2d(T, [2, 3])))))(tf.tensor2d(L, [2, 3]));
    checkGradient(g.dataSync(), (l) => ref(l).reduce((s, r, b) => s + W[b] * r, 0), L);
    const [l, t] = [tf.tensor2d(L, [2, 3]), tf.tensor2d(T, [2, 3])];
    await expectNoLeak(() => categoricalLogLikelihood(l, t), 'categoricalLogLikelihood');
    expect(() => categoricalLogLikelihood(l, tf.zeros([2, 2]))).toThrow(/targets has shape \[2,2\]/);
  });
});
