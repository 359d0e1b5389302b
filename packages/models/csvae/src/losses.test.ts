import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversaryAccuracy, adversaryCrossEntropy, expandLabelsToSubspaces, negativeConditionalEntropy, reconstructionError, reconstructionLogLikelihood } from './losses';
import { subspacePosterior, subspacePrior, subspacePriorKl } from './priors';
import { PAPER_PRIORS } from './config';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('paper 004 loss terms against float64 plain JS', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const logits = [[0.3, -1.2], [2.0, 0.1], [-0.5, -3.0]];
  const labels = [[1, 0], [1, 1], [0, 0]];

  it('negative conditional entropy: Σ_k q log q + (1−q) log(1−q), and −Σ q log q for a softmax', async () => {
    const binary = Array.from(await negativeConditionalEntropy(tf.tensor2d(logits), false).data());
    logits.forEach((row, r) => {
      const expected = row.reduce((s, l) => s + sigmoid(l) * Math.log(sigmoid(l)) + (1 - sigmoid(l)) * Math.log(1 - sigmoid(l)), 0);
      expect(binary[r]).toBeCloseTo(expected, 5);
    });
    const exclusive = Array.from(await negativeConditionalEntropy(tf.tensor2d(logits), true).data());
    logits.forEach((row, r) => {
      const z = row.reduce((s, l) => s + Math.exp(l), 0);
      expect(exclusive[r]).toBeCloseTo(row.reduce((s, l) => s + (Math.exp(l) / z) * Math.log(Math.exp(l) / z), 0), 5);
    });
    // Its minimum is the uniform prediction: −K log 2.
    expect((await negativeConditionalEntropy(tf.zeros([1, 2]) as tf.Tensor2D, false).data())[0]).toBeCloseTo(-2 * Math.log(2), 5);
  });

  it('adversary cross-entropy and accuracy', async () => {
    const ce = Array.from(await adversaryCrossEntropy(tf.tensor2d(logits), tf.tensor2d(labels), false).data());
    logits.forEach((row, r) => {
      const expected = row.reduce((s, l, k) => s - (labels[r][k] ? Math.log(sigmoid(l)) : Math.log(1 - sigmoid(l))), 0);
      expect(ce[r]).toBeCloseTo(expected, 5);
    });
    // 0.3→1 ✓, −1.2→0 ✓, 2→1 ✓, 0.1→1 ✓, −0.5→0 ✓, −3→0 ✓
    expect((await adversaryAccuracy(tf.tensor2d(logits), tf.tensor2d(labels), false).data())[0]).toBeCloseTo(1, 6);
    const oneHot = [[1, 0], [0, 1], [1, 0]];
    const exclusive = Array.from(await adversaryCrossEntropy(tf.tensor2d(logits), tf.tensor2d(oneHot), true).data());
    logits.forEach((row, r) => {
      const z = row.reduce((s, l) => s + Math.exp(l), 0);
      expect(exclusive[r]).toBeCloseTo(-Math.log(Math.exp(row[oneHot[r].indexOf(1)]) / z), 5);
    });
    // argmax per row: 0, 0, 0 against targets 0, 1, 0.
    expect((await adversaryAccuracy(tf.tensor2d(logits), tf.tensor2d(oneHot), true).data())[0]).toBeCloseTo(2 / 3, 6);
  });

  it('reconstruction error: squared error or BCE, summed or averaged over the dimensions', async () => {
    const x = tf.tensor2d([[0.2, 0.9, 0.5]]);
    const out = tf.tensor2d([[0.1, 0.5, -0.4]]);
    const se = 0.01 + 0.16 + 0.81;
    expect((await reconstructionError(out, x, 'gaussian', 'sum').data())[0]).toBeCloseTo(se, 5);
    expect((await reconstructionError(out, x, 'gaussian', 'mean').data())[0]).toBeCloseTo(se / 3, 5);
    const bce = [0.1, 0.5, -0.4].reduce((s, l, i) => s - ([0.2, 0.9, 0.5][i] * Math.log(sigmoid(l)) + (1 - [0.2, 0.9, 0.5][i]) * Math.log(1 - sigmoid(l))), 0);
    expect((await reconstructionError(out, x, 'bernoulli', 'sum').data())[0]).toBeCloseTo(bce, 5);
  });

  it('log-likelihood in nats: log N(x; μ, ½ I) = −Σ (x − μ)² − (D/2) log π, and −BCE for Bernoulli', async () => {
    const x = tf.tensor2d([[0.2, 0.9, 0.5], [0, 1, 1]]);
    const mu = tf.tensor2d([[0.1, 0.5, -0.4], [0.3, 0.2, 0.9]]);
    const gaussian = Array.from(await reconstructionLogLikelihood(mu, x, 'gaussian').data());
    const density = (xs: number[], ms: number[]) => xs.reduce((s, v, i) => s + Math.log(Math.exp(-((v - ms[i]) ** 2)) / Math.sqrt(Math.PI)), 0);
    expect(gaussian[0]).toBeCloseTo(density([0.2, 0.9, 0.5], [0.1, 0.5, -0.4]), 4);
    expect(gaussian[1]).toBeCloseTo(density([0, 1, 1], [0.3, 0.2, 0.9]), 4);
    const bernoulli = Array.from(await reconstructionLogLikelihood(mu, x, 'bernoulli').data());
    const logProbability = [0, 1, 1].reduce((s, v, i) => s + Math.log(v ? sigmoid([0.3, 0.2, 0.9][i]) : 1 - sigmoid([0.3, 0.2, 0.9][i])), 0);
    expect(bernoulli[1]).toBeCloseTo(logProbability, 4);
  });

  it('q(w | x, y) as an offset from p(w | y): the prior mean and log-variance plus the head output', async () => {
    const y = tf.tensor2d([[1, 0]]);
    const offset = { mu: tf.tensor2d([[0.5, -1, 0.02, 0]]), logVar: tf.tensor2d([[0.1, 0, 0.3, -0.2]]) };
    const q = subspacePosterior(offset, y, { wDim: 2, priors: PAPER_PRIORS });
    Array.from(await q.mu.data()).forEach((v, i) => expect(v).toBeCloseTo([3.5, 2, 0.02, 0][i], 5));
    Array.from(await q.logVar.data()).forEach((v, i) => expect(v).toBeCloseTo([0.1, 0, 2 * Math.log(0.1) + 0.3, 2 * Math.log(0.1) - 0.2][i], 5));
    // A zero offset is the prior, so its KL is zero.
    const zero = subspacePosterior({ mu: tf.zeros([1, 4]) as tf.Tensor2D, logVar: tf.zeros([1, 4]) as tf.Tensor2D }, y, { wDim: 2, priors: PAPER_PRIORS });
    expect((await subspacePriorKl(zero.mu, zero.logVar, y, { wDim: 2, priors: PAPER_PRIORS }).data())[0]).toBeCloseTo(0, 5);
  });

  it('subspace priors: N(0, 0.1²) for an absent label and N(3, 1) for a present one, KL summed over subspaces', async () => {
    const y = tf.tensor2d([[1, 0]]);
    expect(Array.from(await expandLabelsToSubspaces(y, 2).data())).toEqual([1, 1, 0, 0]);
    const prior = subspacePrior(y, { wDim: 2, priors: PAPER_PRIORS });
    expect(Array.from(await prior.mu.data())).toEqual([3, 3, 0, 0]);
    const logVar = Array.from(await prior.logVar.data());
    [0, 0, 2 * Math.log(0.1), 2 * Math.log(0.1)].forEach((v, i) => expect(logVar[i]).toBeCloseTo(v, 5));
    const mu = [2.5, 3.5, 0.05, -0.2];
    const lv = [-1, 0.2, -4, -5];
    const kl = (await subspacePriorKl(tf.tensor2d([mu]), tf.tensor2d([lv]), y, { wDim: 2, priors: PAPER_PRIORS }).data())[0];
    const expected = mu.reduce((s, m, i) => {
      const [pm, ps] = i < 2 ? [3, 1] : [0, 0.1];
      return s + 0.5 * (Math.log(ps * ps) - lv[i] + (Math.exp(lv[i]) + (m - pm) ** 2) / (ps * ps) - 1);
    }, 0);
    expect(kl).toBeCloseTo(expected, 4);
  });

  it('leaks no tensors', async () => {
    const l = tf.tensor2d(logits);
    const y = tf.tensor2d(labels);
    await expectNoLeak(() => {
      tf.dispose([negativeConditionalEntropy(l, false), adversaryCrossEntropy(l, y, true), adversaryAccuracy(l, y, false), subspacePriorKl(l, l, y, { wDim: 1, priors: PAPER_PRIORS })]);
    });
  });
});
