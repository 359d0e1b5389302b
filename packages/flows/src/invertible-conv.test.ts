import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { checkGradient, expectNoLeak } from '@disentangle/kernels/testing';
import { checkBijector, checkVariableGradient, randomizeTrainable } from './bijector-checks';
import { composeLu, InvertibleConv1x1, logAbsDeterminantTensor } from './invertible-conv';
import { logAbsDeterminant } from './linear-algebra';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const normalFrom = (seed: number) => {
  const r = new SeededRandom(seed);
  return () => r.normalNumber();
};

describe.each(['lu', 'plain'] as const)('InvertibleConv1x1 (%s)', (parameterization) => {
  it('starts as a rotation, and W matches its float64 composition', async () => {
    const layer = new InvertibleConv1x1({ channels: 4, parameterization, name: `ic_rot_${parameterization}`, normal: normalFrom(1) });
    const w = layer.weight();
    const values = Float64Array.from(await w.data());
    expect(Math.abs(logAbsDeterminant(values, 4).logAbsDet)).toBeLessThan(1e-5);
    if (parameterization === 'lu') {
      const v = layer.variables();
      const n = 4;
      const p = await v[`${layer.name}/permutation`].data();
      const lower = Float64Array.from(await v[`${layer.name}/lower`].data());
      const upper = Float64Array.from(await v[`${layer.name}/upper`].data());
      const signS = await v[`${layer.name}/sign_s`].data();
      const logS = await v[`${layer.name}/log_s`].data();
      for (let i = 0; i < n; i++) {
        lower[i * n + i] = 1;
        upper[i * n + i] = signS[i] * Math.exp(logS[i]);
        for (let j = 0; j < i; j++) upper[i * n + j] = 0;
        for (let j = i + 1; j < n; j++) lower[i * n + j] = 0;
      }
      const expected = composeLu(p, lower, upper, n);
      for (let i = 0; i < n * n; i++) expect(values[i]).toBeCloseTo(expected[i], 5);
    }
    w.dispose();
    layer.dispose();
  });

  it('round-trips, its log-determinants cancel and match a brute-force Jacobian', () => {
    const random = new SeededRandom(2);
    const layer = new InvertibleConv1x1({ channels: 3, parameterization, name: `ic_bij_${parameterization}`, normal: normalFrom(2) });
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.3);
    const x = random.normal([2, 2, 2, 3]);
    const check = checkBijector(layer, x);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    expect(Math.abs(check.forwardLogDet)).toBeGreaterThan(0.05); // not the trivial rotation any more
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    x.dispose();
    layer.dispose();
  });

  it('gradients of a log-likelihood match central differences', () => {
    const random = new SeededRandom(3);
    const layer = new InvertibleConv1x1({ channels: 3, parameterization, name: `ic_grad_${parameterization}`, normal: normalFrom(3) });
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.3);
    const x = random.normal([2, 2, 2, 3]);
    const loss = () => tf.tidy(() => {
      const { y, logDet } = layer.forward(x);
      return tf.mean(tf.add(tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5), logDet)) as tf.Scalar;
    });
    const v = layer.variables();
    if (parameterization === 'lu') {
      checkVariableGradient(loss, v[`${layer.name}/lower`], [3, 6, 7]); // strictly lower entries
      checkVariableGradient(loss, v[`${layer.name}/upper`], [1, 2, 5]); // strictly upper entries
      checkVariableGradient(loss, v[`${layer.name}/log_s`], [0, 1, 2]);
    } else {
      checkVariableGradient(loss, v[`${layer.name}/weight`], [0, 1, 4, 8]);
    }
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensors', async () => {
    const layer = new InvertibleConv1x1({ channels: 4, parameterization, name: `ic_leak_${parameterization}`, normal: normalFrom(4) });
    const x = tf.randomNormal([2, 2, 2, 4]);
    await expectNoLeak(() => layer.forward(x), 'forward');
    await expectNoLeak(() => layer.inverse(x), 'inverse');
    await expectNoLeak(() => tf.variableGrads(() => tf.sum(layer.forward(x).logDet) as tf.Scalar), 'gradient');
    x.dispose();
    layer.dispose();
  });

  it('save/load restores identical outputs', async () => {
    const random = new SeededRandom(5);
    const layer = new InvertibleConv1x1({ channels: 4, parameterization, name: `ic_save_${parameterization}`, normal: normalFrom(5) });
    const dir = await mkdtemp(join(os.tmpdir(), 'invconv-'));
    await saveWeights(dir, layer.variables());
    const restored = new InvertibleConv1x1({ channels: 4, parameterization, name: `ic_save_${parameterization}`, normal: normalFrom(99) });
    const { tensors } = await loadWeights(dir);
    for (const [key, v] of Object.entries(restored.variables())) v.assign(tensors[key]);
    tf.dispose(tensors);
    const x = random.normal([1, 2, 2, 4]);
    const a = layer.forward(x);
    const b = restored.forward(x);
    expect(Array.from(await b.y.data())).toEqual(Array.from(await a.y.data()));
    tf.dispose([x, a.y, a.logDet, b.y, b.logDet]);
    layer.dispose();
    restored.dispose();
  });

  it('names the shapes when the channel count is wrong', () => {
    const layer = new InvertibleConv1x1({ channels: 4, parameterization, name: `ic_bad_${parameterization}` });
    expect(() => layer.forward(tf.zeros([1, 2, 2, 3]))).toThrow(/\[1,2,2,3\].*expected 4 channels/);
    expect(() => layer.inverse(tf.zeros([1, 2, 2, 5]))).toThrow(/\[1,2,2,5\]/);
    layer.dispose();
  });
});

describe('logAbsDeterminantTensor', () => {
  it('has the gradient W⁻ᵀ: checked against float64 central differences of log|det W|', () => {
    const values = [1.2, -0.3, 0.5, 0.4, 0.9, -0.7, -0.2, 0.6, 1.5];
    const w = tf.tensor2d(values, [3, 3]);
    const grad = tf.grad((m: tf.Tensor) => logAbsDeterminantTensor(m as tf.Tensor2D))(w);
    checkGradient(grad.dataSync(), (x) => logAbsDeterminant(x, 3).logAbsDet, values, { tolerance: 1e-4 });
    expect(logAbsDeterminantTensor(w).dataSync()[0]).toBeCloseTo(logAbsDeterminant(values, 3).logAbsDet, 5);
    tf.dispose([w, grad]);
  });
});
