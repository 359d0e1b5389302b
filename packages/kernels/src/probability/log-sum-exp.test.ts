import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/register-gradients';
import { maxRelativeError } from '../testing/compare';
import { checkGradient } from '../testing/finite-differences';
import { expectNoLeak } from '../testing/no-leak';
import { logMeanExp, logSoftmax, logSumExp, softmax } from './log-sum-exp';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A [2, 3] matrix, row-major.
const X = [0.5, -1.2, 2.3, 1.1, 0.0, -0.7];
const W = [0.4, -1.3, 0.8, 1.5, -0.2, 0.6];

/** Float64 log Σ exp over a plain array, shifted by its max. */
function lse64(values: number[]): number {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
}
const rowsOf = (x: ArrayLike<number>) => [Array.from(x).slice(0, 3), Array.from(x).slice(3, 6)];
const colsOf = (x: ArrayLike<number>) => [0, 1, 2].map((j) => [x[j], x[3 + j]]);

describe('logSumExp', () => {
  it('matches float64 along the last axis and along axis 0, with keepDims', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    expect(maxRelativeError(await logSumExp(x).data(), rowsOf(X).map(lse64))).toBeLessThan(1e-6);
    expect(maxRelativeError(await logSumExp(x, 0).data(), colsOf(X).map(lse64))).toBeLessThan(1e-6);
    expect(logSumExp(x, 1, true).shape).toEqual([2, 1]);
    expect(logSumExp(x, -2, true).shape).toEqual([1, 3]);
  });

  it('is stable for large values and handles −∞ and +∞ slices', async () => {
    const big = await logSumExp(tf.tensor2d([1000, 1000.5, 999, -1000, -1001, -999.5], [2, 3])).data();
    expect(maxRelativeError(big, [lse64([1000, 1000.5, 999]), lse64([-1000, -1001, -999.5])])).toBeLessThan(1e-6);
    const inf = await logSumExp(tf.tensor2d([-Infinity, -Infinity, -Infinity, -Infinity, 0, Math.log(3), Infinity, 1, 2], [3, 3])).data();
    expect(inf[0]).toBe(-Infinity);
    expect(inf[1]).toBeCloseTo(Math.log(4), 6);
    expect(inf[2]).toBe(Infinity);
    // tf.logSumExp agrees on finite input (we wrap the same algorithm with a safer shift).
    const ours = await logSumExp(tf.tensor2d(X, [2, 3])).data();
    expect(maxRelativeError(ours, await tf.logSumExp(tf.tensor2d(X, [2, 3]), -1).data())).toBeLessThan(1e-6);
  });

  it('has gradient softmax(x), matching float64 central differences, also at the max element', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d([0.7, -1.1]), logSumExp(x))))(tf.tensor2d(X, [2, 3]));
    checkGradient(g.dataSync(), (x) => 0.7 * lse64(rowsOf(x)[0]) - 1.1 * lse64(rowsOf(x)[1]), X);
    // Ties at the max: the gradient must still be the softmax (½, ½, 0), not split through max's argmax.
    const tie = tf.grad((x: tf.Tensor) => logSumExp(x))(tf.tensor1d([2, 2, -Infinity])).dataSync();
    expect(Array.from(tie)).toEqual([0.5, 0.5, 0]);
  });

  it('rejects an out-of-range axis and leaks no tensors', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    expect(() => logSumExp(x, 2)).toThrow(/axis 2 is out of range for a tensor of shape \[2,3\]/);
    expect(() => logSumExp(x, -3)).toThrow(/axis -3/);
    await expectNoLeak(() => logSumExp(x, 0), 'logSumExp');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(logSumExp(v)))(x), 'grad of logSumExp');
  });
});

describe('logMeanExp', () => {
  it('equals logSumExp − log n (the IWAE average), with a matching gradient', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    expect(maxRelativeError(await logMeanExp(x).data(), rowsOf(X).map((r) => lse64(r) - Math.log(3)))).toBeLessThan(1e-6);
    expect(maxRelativeError(await logMeanExp(x, 0).data(), colsOf(X).map((c) => lse64(c) - Math.log(2)))).toBeLessThan(1e-6);
    // logMeanExp of identical values is that value.
    expect((await logMeanExp(tf.tensor1d([-3.5, -3.5, -3.5, -3.5])).data())[0]).toBeCloseTo(-3.5, 6);
    const g = tf.grad((v: tf.Tensor) => tf.sum(logMeanExp(v, 0)))(x);
    checkGradient(g.dataSync(), (v) => colsOf(v).reduce((s, c) => s + lse64(c) - Math.log(2), 0), X);
    await expectNoLeak(() => logMeanExp(x), 'logMeanExp');
  });
});

describe('logSoftmax and softmax', () => {
  it('matches float64 on any axis, exp sums to 1, and agrees with tf.logSoftmax on the last axis', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    const ref1 = rowsOf(X).flatMap((r) => r.map((v) => v - lse64(r)));
    expect(maxRelativeError(await logSoftmax(x).data(), ref1)).toBeLessThan(1e-6);
    expect(maxRelativeError(await logSoftmax(x).data(), await tf.logSoftmax(x).data())).toBeLessThan(1e-6);
    const cols = colsOf(X);
    const ref0 = [0, 1].flatMap((i) => [0, 1, 2].map((j) => X[3 * i + j] - lse64(cols[j])));
    expect(maxRelativeError(await logSoftmax(x, 0).data(), ref0)).toBeLessThan(1e-6);
    const sums = await tf.sum(softmax(x, 0), 0).data();
    for (const s of sums) expect(s).toBeCloseTo(1, 6);
  });

  it('has gradients matching float64 central differences on both axes', () => {
    for (const axis of [0, 1]) {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(W, [2, 3]), logSoftmax(v, axis))))(tf.tensor2d(X, [2, 3]));
      const ref = (x: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 3; j++) {
            const slice = axis === 1 ? rowsOf(x)[i] : colsOf(x)[j];
            s += W[3 * i + j] * (x[3 * i + j] - lse64(slice));
          }
        }
        return s;
      };
      checkGradient(g.dataSync(), ref, X);
    }
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    await expectNoLeak(() => logSoftmax(x, 0), 'logSoftmax');
    await expectNoLeak(() => softmax(x), 'softmax');
  });
});
