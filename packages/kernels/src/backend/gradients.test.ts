import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import './register-gradients';

describe('gradient registration', () => {
  it('registers gradients for conv2d, matMul and exp in the CommonJS engine', async () => {
    for (const k of ['Conv2D', 'BatchMatMul', 'Exp', 'Softplus']) {
      expect(tf.getGradient(k), k).toBeDefined();
    }
    await tf.setBackend('cpu');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.exp(x)))(tf.tensor1d([0, 1]));
    expect(Array.from(await g.data())).toEqual([1, Math.fround(Math.E)].map((v) => expect.closeTo(v, 5)) as never);
  });
});
