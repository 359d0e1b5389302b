import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { centralDifferenceGradient } from '../testing/finite-differences';
import { maxRelativeError } from '../testing/compare';
import { expectNoLeak } from '../testing/no-leak';
import { gradientReversal, stopGradient } from './gradient-reversal';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const X = [0.4, -1.3, 2.2, 0.9];

/** A smooth test loss f(y) = Σ_i sin(y_i) · (i + 1) + (Σ y)², in float64. */
const f64 = (y: ArrayLike<number>) => {
  let s = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    s += Math.sin(y[i]) * (i + 1);
    total += y[i];
  }
  return s + total * total;
};
const fTensor = (y: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.sin(y), tf.tensor1d([1, 2, 3, 4]))), tf.square(tf.sum(y)));

describe('gradientReversal', () => {
  it('is the identity in the forward pass', async () => {
    const x = tf.tensor2d(X, [2, 2]);
    const y = gradientReversal(x, 0.7);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
  });

  it('multiplies the upstream gradient by −λ (against −λ × float64 central differences of the loss)', () => {
    for (const lambda of [1, 0.25, 3]) {
      const g = tf.grad((x: tf.Tensor) => fTensor(gradientReversal(x, lambda)))(tf.tensor1d(X)).dataSync();
      const numeric = centralDifferenceGradient(f64, X).map((v) => -lambda * v);
      expect(maxRelativeError(g, numeric, 1e-2)).toBeLessThan(1e-4);
    }
    const zero = tf.grad((x: tf.Tensor) => fTensor(gradientReversal(x, 0)))(tf.tensor1d(X)).dataSync();
    expect(Array.from(zero).every((v) => v === 0)).toBe(true);
  });

  it('reverses only the branch it sits on', () => {
    // d/dx [f(x) + f(R(x))] = f'(x) − f'(x) = 0 for λ = 1.
    const g = tf.grad((x: tf.Tensor) => tf.add(fTensor(x), fTensor(gradientReversal(x))))(tf.tensor1d(X)).dataSync();
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-4);
  });

  it('rejects a non-finite λ and leaks no tensors', async () => {
    const x = tf.tensor1d(X);
    expect(() => gradientReversal(x, Number.NaN)).toThrow(/lambda must be finite/);
    await expectNoLeak(() => gradientReversal(x, 2), 'gradientReversal');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => fTensor(gradientReversal(v, 2)))(x), 'grad of gradientReversal');
  });
});

describe('stopGradient', () => {
  it('is the identity forward and blocks the gradient', async () => {
    const x = tf.tensor1d(X);
    expect(Array.from(await stopGradient(x).data())).toEqual(X.map(Math.fround));
    const g = tf.grad((v: tf.Tensor) => fTensor(stopGradient(v)))(x).dataSync();
    expect(Array.from(g)).toEqual([0, 0, 0, 0]);
    // d/dx Σ x · sg(x) = sg(x) = x.
    const h = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x).dataSync();
    expect(Array.from(h)).toEqual(X.map(Math.fround));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x), 'grad of stopGradient');
  });
});
