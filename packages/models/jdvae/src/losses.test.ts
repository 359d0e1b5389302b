import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ccvaeSupervisedLoss,
  conditionalPrior,
  conditionalPriorKl,
  featureKl,
  gaussianPixelReconstruction,
  labelLogProbabilities,
  labelNll,
  laplaceReconstruction,
  monteCarloLabelLogLikelihood,
  relaxedLabelTerm,
} from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
/** KL(N(μ, e^lv) ‖ N(0, s²)) for one dimension, in float64. */
const kl1 = (mu: number, lv: number, s2 = 1) => 0.5 * (Math.log(s2) - lv + (Math.exp(lv) + mu * mu) / s2 - 1);
const logSoftmax2 = (a: number, b: number) => {
  const m = Math.max(a, b);
  const lse = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  return [a - lse, b - lse];
};

describe('eq. 4 of paper 001 against float64', () => {
  it('R(x) = (1/N) Σ ½ ((2x − 1) − (2d − 1))², the Gaussian of v = 1 on [−1, 1] pixels, per pixel', () => {
    const x = [0.2, 0.9, 0.5, 0.0, 1.0, 0.3];
    const d = [0.1, 0.6, 0.5, 0.4, 0.8, 0.35];
    const expected = [0, 1].map((b) => {
      let s = 0;
      for (let i = 0; i < 3; i++) s += 0.5 * ((2 * x[3 * b + i] - 1) - (2 * d[3 * b + i] - 1)) ** 2;
      return s / 3;
    });
    const got = values(gaussianPixelReconstruction(tf.tensor4d(x, [2, 1, 3, 1]), tf.tensor4d(d, [2, 1, 3, 1])));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // CCVAE's Laplace(d, 1): Σ |x − d| + N log 2.
    const laplace = values(laplaceReconstruction(tf.tensor4d(x, [2, 1, 3, 1]), tf.tensor4d(d, [2, 1, 3, 1])));
    [0, 1].forEach((b) => expect(laplace[b]).toBeCloseTo([0, 1, 2].reduce((s, i) => s + Math.abs(x[3 * b + i] - d[3 * b + i]), 0) + 3 * Math.log(2), 5));
  });

  it("the u-KL: y = 1 weighs KL to N(0, I) by c_on; PA1's y = 0 term vanishes, PA2's is KL to N(0, 0.1 I)", () => {
    const mu = [[[0.5, -1]], [[0.3, 2]]];
    const lv = [[[0, Math.log(0.25)]], [[Math.log(0.05), -1]]];
    const on = [[1], [0]];
    const c = 0.01;
    const kl = (b: number, s2: number) => kl1(mu[b][0][0], lv[b][0][0], s2) + kl1(mu[b][0][1], lv[b][0][1], s2);
    const pa1 = values(featureKl(tf.tensor3d(mu), tf.tensor3d(lv), tf.tensor2d(on), 'dirac', 0.1, c));
    expect(pa1[0]).toBeCloseTo(c * kl(0, 1), 6);
    expect(pa1[1]).toBe(0); // y = 0 under PA1: q and p are the same Dirac
    const pa2 = values(featureKl(tf.tensor3d(mu), tf.tensor3d(lv), tf.tensor2d(on), 'narrow', 0.1, c));
    expect(pa2[0]).toBeCloseTo(c * kl(0, 1), 6);
    expect(pa2[1]).toBeCloseTo(kl(1, 0.1), 4);
    // A relaxed y mixes the two terms linearly.
    const mixed = values(featureKl(tf.tensor3d(mu), tf.tensor3d(lv), tf.tensor2d([[0.25], [0.25]]), 'narrow', 0.1, c));
    expect(mixed[1]).toBeCloseTo(0.25 * c * kl(1, 1) + 0.75 * kl(1, 0.1), 4);
  });

  it('−log q(y|x) for known y, and E[log q(y|x) − log p(y)] for a relaxed sample', () => {
    const logits = [[[0.3, -0.7], [2, 0]], [[-1, 1], [0, 0]]];
    const logQ = labelLogProbabilities(tf.tensor3d(logits));
    const y = [[[0, 1], [1, 0]], [[0, 1], [0, 1]]];
    const nll = values(labelNll(logQ, tf.tensor3d(y)));
    const lq = logits.map((row) => row.map(([a, b]) => logSoftmax2(a, b)));
    expect(nll[0]).toBeCloseTo(-(lq[0][0][1] + lq[0][1][0]), 6);
    expect(nll[1]).toBeCloseTo(-(lq[1][0][1] + lq[1][1][1]), 6);
    const relaxed = [[[0.2, 0.8], [0.9, 0.1]], [[0.5, 0.5], [0.3, 0.7]]];
    const term = values(relaxedLabelTerm(logQ, tf.tensor3d(relaxed)));
    [0, 1].forEach((b) => {
      let s = 0;
      for (let k = 0; k < 2; k++) for (let c = 0; c < 2; c++) s += relaxed[b][k][c] * (lq[b][k][c] - Math.log(0.5));
      expect(term[b]).toBeCloseTo(s, 6);
    });
  });
});

describe("CCVAE's criterion (Joy et al. 2021) against float64", () => {
  it('the learned conditional prior and its KL; q(y|x) as a log-mean over samples', () => {
    const prior = conditionalPrior(tf.tensor2d([[1], [0.5]]), tf.tensor2d([[2]]), tf.tensor2d([[-2]]), tf.tensor2d([[1]]), tf.tensor2d([[0]]));
    const softplus = (v: number) => Math.log1p(Math.exp(v));
    expect(values(prior.mu)).toEqual([2, 0]);
    const lv = values(prior.logVar);
    expect(lv[0]).toBeCloseTo(2 * Math.log(softplus(1)), 5);
    expect(lv[1]).toBeCloseTo(2 * Math.log(softplus(0.5)), 5);
    const kl = values(conditionalPriorKl(tf.tensor3d([[[1.5]], [[0]]]), tf.tensor3d([[[0]], [[-1]]]), prior));
    const full = (mq: number, lq: number, mp: number, lp: number) => 0.5 * (lp - lq + (Math.exp(lq) + (mq - mp) ** 2) / Math.exp(lp) - 1);
    expect(kl[0]).toBeCloseTo(full(1.5, 0, 2, lv[0]), 5);
    expect(kl[1]).toBeCloseTo(full(0, -1, 0, lv[1]), 5);
    // log q(y|x) = log (1/S) Σ_s q(y|u_s), S = 2 samples, one label.
    const sampled = tf.tensor4d([[[logSoftmax2(0, 1)]], [[logSoftmax2(0, -2)]]]);
    const mc = values(monteCarloLabelLogLikelihood(sampled, tf.tensor3d([[[0, 1]]])));
    expect(mc[0]).toBeCloseTo(Math.log((Math.exp(logSoftmax2(0, 1)[1]) + Math.exp(logSoftmax2(0, -2)[1])) / 2), 6);
  });

  it('the supervised loss: w · (R + β(KL + log q(y|u))) − α log q(y|x) − β log p(y), w = q(y|u)/q(y|x)', () => {
    const [r, kls, klu, lqu, lqx, beta, alpha] = [3.2, 1.1, 0.4, -0.3, -0.5, 0.1, 2];
    const got = values(ccvaeSupervisedLoss({
      reconstruction: tf.tensor1d([r]),
      klStyle: tf.tensor1d([kls]),
      klFeatures: tf.tensor1d([klu]),
      logQyGivenU: tf.tensor1d([lqu]),
      logQyGivenX: tf.tensor1d([lqx]),
      beta,
      alpha,
      labels: 1,
    }));
    const w = Math.exp(lqu - lqx);
    expect(got[0]).toBeCloseTo(w * (r + beta * (kls + klu + lqu)) - alpha * lqx + beta * Math.log(2), 5);
  });
});
