// This package first, tfjs-core after: the order a user's script (or the lab's commands) may
// import them in. Gradients must still work (register-gradients.ts).
import { SeededRandom } from '../node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';

describe('gradients after importing @disentangle/kernels first', () => {
  it('tensors the engine makes can clone, and a gradient through addN (whose backprop clones dy) is computed', async () => {
    await tf.setBackend('cpu');
    expect(new SeededRandom(1).uniformNumber()).toBeGreaterThanOrEqual(0);
    expect(tf.scalar(2).clone().dataSync()[0]).toBe(2);
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.addN([tf.square(x), x])) as tf.Scalar, [x]);
    expect([...grads[x.name].dataSync()]).toEqual([3, 5, 7]);
    x.dispose();
  });
});
