import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { ActNorm } from './act-norm';
import { checkBijector, checkVariableGradient } from './bijector-checks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ActNorm', () => {
  it('initialises from the first batch to zero mean and unit variance per channel', async () => {
    const random = new SeededRandom(1);
    const layer = new ActNorm({ channels: 3, name: 'an_init' });
    expect(layer.isInitialized()).toBe(false);
    const x = tf.add(tf.mul(random.normal([4, 3, 3, 3]), 2.5), 1.7);
    const { y, logDet } = layer.forward(x);
    expect(layer.isInitialized()).toBe(true);
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    for (const m of await mean.data()) expect(Math.abs(m)).toBeLessThan(1e-5);
    for (const v of await variance.data()) expect(v).toBeCloseTo(1, 4);
    // log|det| = H·W·Σ log s: float64 recomputation from the stored log-scales
    const logS = Array.from(await layer.logScale.data());
    const expected = 9 * logS.reduce((a, b) => a + b, 0);
    for (const v of await logDet.data()) expect(v).toBeCloseTo(expected, 4);
    // the second batch does not re-initialise
    const before = Array.from(await layer.bias.data());
    tf.dispose(layer.forward(tf.mul(x, 3)) as unknown as tf.Tensor[]);
    expect(Array.from(await layer.bias.data())).toEqual(before);
    tf.dispose([x, y, logDet, mean, variance]);
    layer.dispose();
  });

  it('round-trips, its log-determinants cancel and match a brute-force Jacobian', () => {
    const random = new SeededRandom(2);
    const layer = new ActNorm({ channels: 2, name: 'an_bij' });
    const x = random.normal([2, 2, 2, 2]);
    const check = checkBijector(layer, x);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    x.dispose();
    layer.dispose();
  });

  it('gradients of a log-likelihood match central differences', () => {
    const random = new SeededRandom(3);
    const layer = new ActNorm({ channels: 2, name: 'an_grad' });
    const x = random.normal([2, 2, 2, 2]);
    tf.dispose(layer.forward(x) as unknown as tf.Tensor[]);
    const loss = () => tf.tidy(() => {
      const { y, logDet } = layer.forward(x);
      return tf.mean(tf.add(tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5), logDet)) as tf.Scalar;
    });
    checkVariableGradient(loss, layer.bias, [0, 1]);
    checkVariableGradient(loss, layer.logScale, [0, 1]);
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensors', async () => {
    const layer = new ActNorm({ channels: 2, name: 'an_leak' });
    const x = tf.randomNormal([2, 2, 2, 2]);
    await expectNoLeak(() => layer.forward(x), 'ActNorm.forward');
    await expectNoLeak(() => layer.inverse(x), 'ActNorm.inverse');
    x.dispose();
    layer.dispose();
  });

  it('save/load keeps it initialised: a loaded ActNorm does not re-initialise on its next batch', async () => {
    const random = new SeededRandom(4);
    const layer = new ActNorm({ channels: 2, name: 'an_save' });
    const x = tf.add(random.normal([3, 2, 2, 2]), 5);
    tf.dispose(layer.forward(x) as unknown as tf.Tensor[]);
    const dir = await mkdtemp(join(os.tmpdir(), 'actnorm-'));
    await saveWeights(dir, layer.variables());
    const { tensors } = await loadWeights(dir);
    const restored = new ActNorm({ channels: 2, name: 'an_save' });
    expect(Object.keys(restored.variables()).sort()).toEqual(Object.keys(tensors).sort());
    for (const [key, v] of Object.entries(restored.variables())) v.assign(tensors[key]);
    tf.dispose(tensors);
    expect(restored.isInitialized()).toBe(true);
    const other = random.normal([3, 2, 2, 2]); // very different statistics
    const a = layer.forward(other);
    const b = restored.forward(other);
    expect(Array.from(await b.y.data())).toEqual(Array.from(await a.y.data()));
    expect(Array.from(await restored.bias.data())).toEqual(Array.from(await layer.bias.data()));
    tf.dispose([x, other, a.y, a.logDet, b.y, b.logDet]);
    layer.dispose();
    restored.dispose();
  });

  it('names the shapes when the channel count is wrong', () => {
    const layer = new ActNorm({ channels: 3, name: 'an_bad' });
    const x = tf.zeros([1, 2, 2, 4]);
    expect(() => layer.forward(x)).toThrow(/\[1,2,2,4\].*expected 3 channels/);
    expect(() => layer.inverse(tf.zeros([2, 3]))).toThrow(/\[2,3\]/);
    expect(() => new ActNorm({ channels: 0 })).toThrow(/channels/);
    x.dispose();
    layer.dispose();
  });
});
