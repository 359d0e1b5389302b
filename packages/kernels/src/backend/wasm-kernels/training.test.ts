import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rng, useWasm } from './test-helpers';

describe('a tiny conv net trains on wasm', () => {
  it('conv stride 2 → relu → conv → dense, 30 Adam steps lower the loss', async () => {
    await useWasm();
    const random = rng(42);
    const normal = (shape: number[], scale: number) =>
      tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * (2 * random() - 1)), shape);
    const x = normal([8, 12, 12, 1], 1);
    const y = normal([8, 3], 1);
    const w1 = tf.variable(normal([3, 3, 1, 4], 0.5));
    const w2 = tf.variable(normal([3, 3, 4, 8], 0.2));
    const w3 = tf.variable(normal([4 * 4 * 8, 3], 0.1));
    const b3 = tf.variable(tf.zeros([3]));
    const loss = () =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same')); // 6×6×4
        const h2 = tf.conv2d(h1, w2 as tf.Tensor4D, 1, 'valid'); // 4×4×8
        const out = tf.add(tf.matMul(tf.reshape(h2, [8, -1]), w3), b3);
        return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
      });
    const optimizer = tf.train.adam(0.02);
    const first = (await loss().data())[0];
    const tensorsBefore = tf.memory().numTensors;
    let last = first;
    for (let step = 0; step < 30; step++) {
      const value = optimizer.minimize(loss, true)!;
      last = (await value.data())[0];
      value.dispose();
    }
    expect(tf.getBackend()).toBe('wasm');
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(0.5 * first);
    // Adam's slot variables are created on the first step; nothing else may accumulate.
    expect(tf.memory().numTensors - tensorsBefore).toBeLessThanOrEqual(2 * 4 + 2);
    optimizer.dispose();
    tf.dispose([x, y, w1, w2, w3, b3]);
  });
});
