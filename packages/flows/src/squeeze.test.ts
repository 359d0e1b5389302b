import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { checkBijector } from './bijector-checks';
import { Squeeze, squeeze2d, unsqueeze2d } from './squeeze';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('squeeze2d / unsqueeze2d', () => {
  it("matches Glow's layout: out[n, i, j, c·4 + 2·dy + dx] = x[n, 2i + dy, 2j + dx, c]", () => {
    const [n, h, w, c] = [2, 4, 6, 3];
    const values = Array.from({ length: n * h * w * c }, (_, i) => i);
    const x = tf.tensor4d(values, [n, h, w, c]);
    const y = squeeze2d(x);
    expect(y.shape).toEqual([n, h / 2, w / 2, 4 * c]);
    const out = y.dataSync();
    for (let b = 0; b < n; b++) for (let i = 0; i < h / 2; i++) for (let j = 0; j < w / 2; j++) for (let ch = 0; ch < c; ch++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
      const got = out[((b * (h / 2) + i) * (w / 2) + j) * 4 * c + ch * 4 + 2 * dy + dx];
      expect(got).toBe(values[((b * h + 2 * i + dy) * w + 2 * j + dx) * c + ch]);
    }
    const back = unsqueeze2d(y);
    expect(Array.from(back.dataSync())).toEqual(values);
    tf.dispose([x, y, back]);
  });

  it('is a bijector with log|det| = 0 (brute-force Jacobian) and has a gradient', () => {
    const x = tf.randomNormal([1, 2, 2, 2]);
    const check = checkBijector(new Squeeze({ name: 'sq' }), x);
    expect(check.roundTripError).toBe(0);
    expect(check.logDetSumError).toBe(0);
    expect(check.bruteForceLogDet).toBeCloseTo(0, 6);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(squeeze2d(t), tf.reshape(tf.range(0, 8), [1, 1, 1, 8]))))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    tf.dispose([x, g]);
  });

  it('leaks no tensors', async () => {
    const x = tf.randomNormal([1, 4, 4, 2]);
    await expectNoLeak(() => tf.tidy(() => unsqueeze2d(squeeze2d(x))), 'squeeze');
    x.dispose();
  });

  it('names the shapes of bad inputs', () => {
    expect(() => squeeze2d(tf.zeros([1, 3, 4, 1]))).toThrow(/multiples of 2, got shape \[1,3,4,1\]/);
    expect(() => squeeze2d(tf.zeros([1, 4, 5, 1]))).toThrow(/\[1,4,5,1\]/);
    expect(() => squeeze2d(tf.zeros([4, 4]))).toThrow(/\[4,4\]/);
    expect(() => unsqueeze2d(tf.zeros([1, 2, 2, 6]))).toThrow(/multiple of 4, got shape \[1,2,2,6\]/);
  });
});
