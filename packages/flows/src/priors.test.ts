import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { checkBijector, checkVariableGradient, randomizeTrainable } from './bijector-checks';
import { SplitPrior, TopPrior } from './priors';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const loss = (b: SplitPrior | TopPrior, x: tf.Tensor, cond?: tf.Tensor) => () => tf.tidy(() => {
  const { y, logDet } = b.forward(x, cond);
  return tf.mean(tf.add(tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5), logDet)) as tf.Scalar;
});

describe('SplitPrior (factor-out with a learned conditional prior)', () => {
  it('starts as N(0, I): ε equals the factored half and log|det| = 0', async () => {
    const prior = new SplitPrior({ channels: 4, name: 'split_zero' });
    const x = tf.randomNormal([2, 2, 2, 4]);
    const { y, logDet } = prior.forward(x);
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    expect(Array.from(await logDet.data()).map(Math.abs)).toEqual([0, 0]);
    tf.dispose([x, y, logDet]);
    prior.dispose();
  });

  it.each([[undefined], [[2, 3]]])('round-trips, log-determinants cancel and match a brute-force Jacobian (cond %j)', (condShape) => {
    const random = new SeededRandom(1);
    const prior = new SplitPrior({ channels: 4, condChannels: condShape ? 3 : 0, name: `split_bij_${condShape ? 'c' : 'u'}` });
    randomizeTrainable(prior.variables(), () => random.normalNumber(), 0.2);
    const x = random.normal([2, 2, 2, 4]);
    const cond = condShape ? random.normal(condShape) : undefined;
    const check = checkBijector(prior, x, cond);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    expect(Math.abs(check.forwardLogDet)).toBeGreaterThan(0.01);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    checkVariableGradient(loss(prior, x, cond), prior.conv.weight, [0, 9, 30]);
    checkVariableGradient(loss(prior, x, cond), prior.conv.logScale, [0, 3]);
    tf.dispose([x, cond].filter((t): t is tf.Tensor => t !== undefined));
    prior.dispose();
  });

  it('leaks no tensors and names bad shapes', async () => {
    const prior = new SplitPrior({ channels: 4, name: 'split_leak' });
    const x = tf.randomNormal([1, 2, 2, 4]);
    await expectNoLeak(() => prior.forward(x), 'forward');
    await expectNoLeak(() => prior.inverse(x), 'inverse');
    expect(() => prior.forward(tf.zeros([1, 2, 2, 6]))).toThrow(/\[1,2,2,6\].*expected 4 channels/);
    x.dispose();
    prior.dispose();
  });
});

describe('TopPrior (learned top, class-conditional, classifier)', () => {
  it('round-trips, log-determinants cancel and match a brute-force Jacobian; gradients check', () => {
    const random = new SeededRandom(2);
    const prior = new TopPrior({ shape: [1, 2, 3], numClasses: 4, name: 'top_bij' });
    randomizeTrainable(prior.variables(), () => random.normalNumber(), 0.3);
    const z = random.normal([2, 1, 2, 3]);
    const labels = tf.oneHot(tf.tensor1d([1, 3], 'int32'), 4);
    const check = checkBijector(prior, z, labels);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    const v = prior.variables();
    checkVariableGradient(loss(prior, z, labels), v['top_bij/class_dense/kernel'], [6, 7, 20]);
    checkVariableGradient(loss(prior, z, labels), v['top_bij/mean_log_scale'], [0, 1, 11]);
    tf.dispose([z, labels]);
    prior.dispose();
  });

  it('gives each class its own mean (a label moves μ through the dense layer)', async () => {
    const prior = new TopPrior({ shape: [1, 1, 2], numClasses: 2, name: 'top_class' });
    prior.variables()['top_class/class_dense/kernel'].assign(tf.tensor2d([[1, 0, 2, 0], [-1, 0, -2, 0]]));
    const labels = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
    const { mean, logScale } = prior.prior(2, labels);
    expect(Array.from(await mean.data())).toEqual([1, 2, -1, -2]);
    expect(Array.from(await logScale.data())).toEqual([0, 0, 0, 0]);
    const logits = prior.classifierLogits(tf.ones([2, 1, 1, 2]));
    expect(logits.shape).toEqual([2, 2]);
    tf.dispose([labels, mean, logScale, logits]);
    prior.dispose();
  });

  it('names missing or misshapen labels', () => {
    const prior = new TopPrior({ shape: [1, 1, 2], numClasses: 3, name: 'top_bad' });
    expect(() => prior.forward(tf.zeros([2, 1, 1, 2]))).toThrow(/needs one-hot labels \[2,3\]/);
    expect(() => prior.forward(tf.zeros([2, 1, 1, 2]), tf.zeros([2, 4]))).toThrow(/labels have shape \[2,4\], expected one-hot \[2,3\]/);
    expect(() => prior.forward(tf.zeros([2, 1, 2, 2]), tf.zeros([2, 3]))).toThrow(/z has shape \[2,1,2,2\], expected \[batch,1,1,2\]/);
    expect(() => new TopPrior({ shape: [1, 1, 2], classifier: true })).toThrow(/numClasses/);
    prior.dispose();
  });
});
