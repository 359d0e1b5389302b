import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { SeededRandom } from '../random/seeded-random';
import { maxRelativeError } from '../testing/compare';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import { klBetweenDiagonalGaussians, klToIsotropicGaussian, klToStandardNormal } from './kl-divergence';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 2;
const D = 3;
const MU_Q = [0.3, -1.2, 2.0, 0.5, -0.7, 1.1];
const LV_Q = [-0.5, 0.8, -2.0, 0.1, 1.3, -1.0];
const MU_P = [1.0, 0.2, -0.4, -0.3, 0.6, 0.0];
const LV_P = [0.4, -0.6, 0.9, -1.5, 0.2, 0.7];
const W = [1.3, -0.4]; // per-example weights, so gradients see each example's KL separately

/**
 * Float64 reference from the densities themselves: KL(q‖p) for one 1-D Gaussian pair is
 * log(σ_p/σ_q) + (σ_q² + (μ_q − μ_p)²)/(2σ_p²) − ½ (written with σ, not log σ²).
 */
function kl1d(muQ: number, varQ: number, muP: number, varP: number): number {
  return Math.log(Math.sqrt(varP) / Math.sqrt(varQ)) + (varQ + (muQ - muP) ** 2) / (2 * varP) - 0.5;
}

function klRows(muQ: ArrayLike<number>, lvQ: ArrayLike<number>, muP: ArrayLike<number>, lvP: ArrayLike<number>, d = D): number[] {
  const out = new Array(muQ.length / d).fill(0);
  for (let i = 0; i < muQ.length; i++) out[Math.floor(i / d)] += kl1d(muQ[i], Math.exp(lvQ[i]), muP[i], Math.exp(lvP[i]));
  return out;
}

const weighted = (rows: number[]) => rows.reduce((s, v, b) => s + W[b] * v, 0);
const t2 = (v: number[]) => tf.tensor2d(v, [B, D]);

describe('klToStandardNormal', () => {
  it('equals ½ Σ (μ² + σ² − log σ² − 1) per example, shape [batch]', async () => {
    const kl = klToStandardNormal(t2(MU_Q), t2(LV_Q));
    expect(kl.shape).toEqual([B]);
    const zeros = new Array(B * D).fill(0);
    expect(maxRelativeError(await kl.data(), klRows(MU_Q, LV_Q, zeros, zeros))).toBeLessThan(1e-5);
  });

  it('is 0 for q = N(0, I)', async () => {
    expect(Array.from(await klToStandardNormal(tf.zeros([4, 5]), tf.zeros([4, 5])).data())).toEqual([0, 0, 0, 0]);
  });

  it('sums every non-batch axis of a [batch, h, w, c] latent', async () => {
    const mu = new SeededRandom(1).normal([2, 2, 2, 3]);
    const lv = new SeededRandom(2).normal([2, 2, 2, 3], 0, 0.5);
    const kl = klToStandardNormal(mu, lv);
    expect(kl.shape).toEqual([2]);
    const flat = klToStandardNormal(tf.reshape(mu, [2, 12]), tf.reshape(lv, [2, 12]));
    expect(maxRelativeError(await kl.data(), await flat.data())).toBeLessThan(1e-6);
  });

  it('has gradients matching float64 central differences', () => {
    const zeros = new Array(B * D).fill(0);
    const [gMu, gLv] = tf.grads((mu: tf.Tensor, lv: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), klToStandardNormal(mu, lv))))([t2(MU_Q), t2(LV_Q)]);
    checkGradient(gMu.dataSync(), (mu) => weighted(klRows(mu, LV_Q, zeros, zeros)), MU_Q);
    checkGradient(gLv.dataSync(), (lv) => weighted(klRows(MU_Q, lv, zeros, zeros)), LV_Q);
  });

  it('throws on mismatched shapes and leaks no tensors', async () => {
    expect(() => klToStandardNormal(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(/klToStandardNormal: mu has shape \[2,3\] but logVar has shape \[3,2\]/);
    const [mu, lv] = [t2(MU_Q), t2(LV_Q)];
    await expectNoLeak(() => klToStandardNormal(mu, lv), 'klToStandardNormal');
  });
});

describe('klBetweenDiagonalGaussians', () => {
  it('matches the float64 closed form per example', async () => {
    const kl = klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), t2(MU_P), t2(LV_P));
    expect(kl.shape).toEqual([B]);
    expect(maxRelativeError(await kl.data(), klRows(MU_Q, LV_Q, MU_P, LV_P))).toBeLessThan(1e-5);
  });

  it('is 0 for two identical Gaussians and positive otherwise', async () => {
    const same = await klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), t2(MU_Q), t2(LV_Q)).data();
    for (const v of same) expect(Math.abs(v)).toBeLessThan(1e-6);
    for (const v of await klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), t2(MU_P), t2(LV_P)).data()) expect(v).toBeGreaterThan(0);
  });

  it('reduces to klToStandardNormal for p = N(0, I) and broadcasts a [1, d] prior', async () => {
    const a = await klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), tf.zeros([1, D]), tf.zeros([1, D])).data();
    const b = await klToStandardNormal(t2(MU_Q), t2(LV_Q)).data();
    expect(maxRelativeError(a, b)).toBeLessThan(1e-6);
    const prior = [0.5, -0.5, 1.0];
    const priorLv = [0.2, -0.3, 0.1];
    const c = await klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), tf.tensor2d(prior, [1, D]), tf.tensor2d(priorLv, [1, D])).data();
    expect(maxRelativeError(c, klRows(MU_Q, LV_Q, [...prior, ...prior], [...priorLv, ...priorLv]))).toBeLessThan(1e-5);
  });

  it('agrees with a 20k-sample Monte Carlo estimate E_q[log q(z) − log p(z)]', async () => {
    const rng = new SeededRandom(99);
    const n = 20000;
    const logDensity = (z: number, mu: number, variance: number) => -0.5 * (Math.log(2 * Math.PI * variance) + (z - mu) ** 2 / variance);
    const estimates: number[] = [];
    for (let s = 0; s < n; s++) {
      let logRatio = 0;
      for (let j = 0; j < D; j++) {
        const sdQ = Math.exp(0.5 * LV_Q[j]);
        const z = MU_Q[j] + sdQ * rng.normalNumber();
        logRatio += logDensity(z, MU_Q[j], Math.exp(LV_Q[j])) - logDensity(z, MU_P[j], Math.exp(LV_P[j]));
      }
      estimates.push(logRatio);
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const closed = (await klBetweenDiagonalGaussians(t2(MU_Q), t2(LV_Q), t2(MU_P), t2(LV_P)).data())[0];
    expect(Math.abs(mean - closed)).toBeLessThan(4 * (sd / Math.sqrt(n)));
  });

  it('has gradients in all four arguments matching float64 central differences', () => {
    const [gMuQ, gLvQ, gMuP, gLvP] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(tf.tensor1d(W), klBetweenDiagonalGaussians(a, b, c, d))),
    )([t2(MU_Q), t2(LV_Q), t2(MU_P), t2(LV_P)]);
    checkGradient(gMuQ.dataSync(), (x) => weighted(klRows(x, LV_Q, MU_P, LV_P)), MU_Q);
    checkGradient(gLvQ.dataSync(), (x) => weighted(klRows(MU_Q, x, MU_P, LV_P)), LV_Q);
    checkGradient(gMuP.dataSync(), (x) => weighted(klRows(MU_Q, LV_Q, x, LV_P)), MU_P);
    checkGradient(gLvP.dataSync(), (x) => weighted(klRows(MU_Q, LV_Q, MU_P, x)), LV_P);
  });

  it('throws on shapes that do not match or broadcast, naming them', () => {
    const q = t2(MU_Q);
    expect(() => klBetweenDiagonalGaussians(q, tf.zeros([2, 2]), q, q)).toThrow(/muQ has shape \[2,3\] but logVarQ has shape \[2,2\]/);
    expect(() => klBetweenDiagonalGaussians(q, q, tf.zeros([2, 4]), q)).toThrow(/muP has shape \[2,4\].*\[2,3\]/);
    expect(() => klBetweenDiagonalGaussians(q, q, q, tf.zeros([3, 3]))).toThrow(/logVarP has shape \[3,3\]/);
    expect(() => klBetweenDiagonalGaussians(q, q, tf.zeros([1, 2, 3]), q)).toThrow(/muP has shape \[1,2,3\]/);
  });

  it('leaks no tensors', async () => {
    const [a, b, c] = [t2(MU_Q), t2(LV_Q), t2(MU_P)];
    const d = tf.zeros([1, D]);
    await expectNoLeak(() => klBetweenDiagonalGaussians(a, b, c, d), 'klBetweenDiagonalGaussians');
  });
});

describe('klToIsotropicGaussian', () => {
  it('matches the float64 closed form for JDVAE-style N(0, 0.1 I) and a shifted prior N(3·1, 2I)', async () => {
    const fill = (v: number) => new Array(B * D).fill(v);
    const a = await klToIsotropicGaussian(t2(MU_Q), t2(LV_Q), 0.1).data();
    expect(maxRelativeError(a, klRows(MU_Q, LV_Q, fill(0), fill(Math.log(0.1))))).toBeLessThan(1e-5);
    const b = await klToIsotropicGaussian(t2(MU_Q), t2(LV_Q), 2, 3).data();
    expect(maxRelativeError(b, klRows(MU_Q, LV_Q, fill(3), fill(Math.log(2))))).toBeLessThan(1e-5);
  });

  it('has gradients matching float64 central differences', () => {
    const fill = (v: number) => new Array(B * D).fill(v);
    const [gMu, gLv] = tf.grads((mu: tf.Tensor, lv: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(W), klToIsotropicGaussian(mu, lv, 0.1, -0.5))))([t2(MU_Q), t2(LV_Q)]);
    checkGradient(gMu.dataSync(), (x) => weighted(klRows(x, LV_Q, fill(-0.5), fill(Math.log(0.1)))), MU_Q);
    checkGradient(gLv.dataSync(), (x) => weighted(klRows(MU_Q, x, fill(-0.5), fill(Math.log(0.1)))), LV_Q);
  });

  it('rejects a non-positive prior variance and mismatched shapes; leaks no tensors', async () => {
    expect(() => klToIsotropicGaussian(t2(MU_Q), t2(LV_Q), 0)).toThrow(/priorVariance must be a finite number > 0, got 0/);
    expect(() => klToIsotropicGaussian(t2(MU_Q), t2(LV_Q), Number.NaN)).toThrow(/priorVariance/);
    expect(() => klToIsotropicGaussian(t2(MU_Q), tf.zeros([6]), 1)).toThrow(/logVar has shape \[6\]/);
    const [mu, lv] = [t2(MU_Q), t2(LV_Q)];
    await expectNoLeak(() => klToIsotropicGaussian(mu, lv, 0.1), 'klToIsotropicGaussian');
  });
});
