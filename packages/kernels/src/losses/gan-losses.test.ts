import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import {
  hingeDiscriminatorLoss,
  hingeGeneratorLoss,
  leastSquaresDiscriminatorLoss,
  leastSquaresGeneratorLoss,
  nonSaturatingDiscriminatorLoss,
  nonSaturatingGeneratorLoss,
} from './gan-losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Scores away from the hinge kinks at ±1, so central differences are well defined.
const REAL = [1.4, 0.3, -0.6, 2.1];
const FAKE = [-0.2, -1.7, 0.5, 1.3];
const FAKE2 = [0.8, -0.4, -1.5, 0.1];

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
const relu = (v: number) => Math.max(v, 0);
/** Float64 log σ(x) from the definition (fine for the moderate logits used with it). */
const logSigmoid = (x: number) => Math.log(1 / (1 + Math.exp(-x)));

type Ref = (real: ArrayLike<number>, fakes: ArrayLike<number>[]) => number;

const D_REFS: Record<string, Ref> = {
  hinge: (r, fs) => mean(Array.from(r, (v) => relu(1 - v))) + fs.reduce((s, f) => s + mean(Array.from(f, (v) => relu(1 + v))), 0),
  nonSaturating: (r, fs) =>
    -mean(Array.from(r, logSigmoid)) - fs.reduce((s, f) => s + mean(Array.from(f, (v) => Math.log(1 - 1 / (1 + Math.exp(-v))))), 0),
  leastSquares: (r, fs) => 0.5 * mean(Array.from(r, (v) => (v - 1) ** 2)) + 0.5 * fs.reduce((s, f) => s + mean(Array.from(f, (v) => v * v)), 0),
};
const G_REFS: Record<string, (fakes: ArrayLike<number>[]) => number> = {
  hinge: (fs) => -fs.reduce((s, f) => s + mean(f), 0),
  nonSaturating: (fs) => -fs.reduce((s, f) => s + mean(Array.from(f, logSigmoid)), 0),
  leastSquares: (fs) => 0.5 * fs.reduce((s, f) => s + mean(Array.from(f, (v) => (v - 1) ** 2)), 0),
};
const D_LOSSES = {
  hinge: hingeDiscriminatorLoss,
  nonSaturating: nonSaturatingDiscriminatorLoss,
  leastSquares: leastSquaresDiscriminatorLoss,
};
const G_LOSSES = {
  hinge: hingeGeneratorLoss,
  nonSaturating: nonSaturatingGeneratorLoss,
  leastSquares: leastSquaresGeneratorLoss,
};

describe.each(Object.keys(D_LOSSES) as Array<keyof typeof D_LOSSES>)('%s GAN loss', (name) => {
  const dLoss = D_LOSSES[name];
  const gLoss = G_LOSSES[name];

  it('D loss matches the float64 formula, for one fake set and for a list (summed per set)', async () => {
    const one = (await dLoss(tf.tensor1d(REAL), tf.tensor1d(FAKE)).data())[0];
    expect(one).toBeCloseTo(D_REFS[name](REAL, [FAKE]), 5);
    const two = dLoss(tf.tensor1d(REAL), [tf.tensor1d(FAKE), tf.tensor2d(FAKE2, [2, 2])]);
    expect(two.shape).toEqual([]);
    expect((await two.data())[0]).toBeCloseTo(D_REFS[name](REAL, [FAKE, FAKE2]), 5);
  });

  it('G loss matches the float64 formula, for one fake set and for a list', async () => {
    expect((await gLoss(tf.tensor1d(FAKE)).data())[0]).toBeCloseTo(G_REFS[name]([FAKE]), 5);
    expect((await gLoss([tf.tensor1d(FAKE), tf.tensor1d(FAKE2)]).data())[0]).toBeCloseTo(G_REFS[name]([FAKE, FAKE2]), 5);
  });

  it('averages a patch map [batch, h, w, 1] over every element', async () => {
    const patch = tf.tensor4d(FAKE, [1, 2, 2, 1]);
    expect((await gLoss(patch).data())[0]).toBeCloseTo(G_REFS[name]([FAKE]), 5);
  });

  it('has gradients in real and fake scores matching float64 central differences', () => {
    const [gReal, gFake, gFake2] = tf.grads((r: tf.Tensor, f: tf.Tensor, f2: tf.Tensor) => dLoss(r, [f, f2]))([
      tf.tensor1d(REAL),
      tf.tensor1d(FAKE),
      tf.tensor1d(FAKE2),
    ]);
    checkGradient(gReal.dataSync(), (r) => D_REFS[name](r, [FAKE, FAKE2]), REAL);
    checkGradient(gFake.dataSync(), (f) => D_REFS[name](REAL, [f, FAKE2]), FAKE);
    checkGradient(gFake2.dataSync(), (f) => D_REFS[name](REAL, [FAKE, f]), FAKE2);
    const g = tf.grad((f: tf.Tensor) => gLoss(f))(tf.tensor1d(FAKE));
    checkGradient(g.dataSync(), (f) => G_REFS[name]([f]), FAKE);
  });

  it('rejects an empty fake list and leaks no tensors', async () => {
    expect(() => dLoss(tf.tensor1d(REAL), [])).toThrow(/fakeScores is an empty list/);
    expect(() => gLoss([])).toThrow(/empty list/);
    const r = tf.tensor1d(REAL);
    const f = tf.tensor1d(FAKE);
    await expectNoLeak(() => dLoss(r, [f, f]), `${name} D`);
    await expectNoLeak(() => gLoss(f), `${name} G`);
    await expectNoLeak(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => dLoss(a, b))([r, f]), `${name} D gradients`);
  });
});

describe('GAN losses at their optimum and at saturation', () => {
  it('hinge D loss is 0 once real scores ≥ 1 and fake scores ≤ −1', async () => {
    expect((await hingeDiscriminatorLoss(tf.tensor1d([1, 3]), tf.tensor1d([-1, -2])).data())[0]).toBe(0);
  });

  it('least-squares D loss is 0 at D(x) = 1, D(G(z)) = 0; G loss 0 at D(G(z)) = 1', async () => {
    expect((await leastSquaresDiscriminatorLoss(tf.tensor1d([1, 1]), tf.tensor1d([0, 0])).data())[0]).toBe(0);
    expect((await leastSquaresGeneratorLoss(tf.tensor1d([1, 1])).data())[0]).toBe(0);
  });

  it('non-saturating losses stay finite and exact for saturated logits', async () => {
    // D sure and right: loss ≈ e^{−100} ≈ 0; D sure and wrong: loss = 100 (the naive log σ form gives ∞).
    expect((await nonSaturatingDiscriminatorLoss(tf.tensor1d([100]), tf.tensor1d([-100])).data())[0]).toBeCloseTo(0, 10);
    expect((await nonSaturatingDiscriminatorLoss(tf.tensor1d([-100]), tf.tensor1d([100])).data())[0]).toBeCloseTo(200, 3);
    expect((await nonSaturatingGeneratorLoss(tf.tensor1d([-100])).data())[0]).toBeCloseTo(100, 3);
    // The generator still gets a gradient of −1/n when D rejects its samples with certainty.
    const g = tf.grad((f: tf.Tensor) => nonSaturatingGeneratorLoss(f))(tf.tensor1d([-100, -100])).dataSync();
    expect(Array.from(g)).toEqual([-0.5, -0.5]);
  });
});
