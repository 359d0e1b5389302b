import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { checkBijector, checkVariableGradient, randomizeTrainable } from './bijector-checks';
import { Coupling, type CouplingArgs } from './coupling';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const VARIANTS: Array<[string, Partial<CouplingArgs>, number[] | null]> = [
  ['affine sigmoid', { kind: 'affine', scale: 'sigmoid' }, null],
  ['affine exp', { kind: 'affine', scale: 'exp' }, null],
  ['additive', { kind: 'additive' }, null],
  ['affine sigmoid, rank-2 cond', { kind: 'affine', condChannels: 2 }, [2, 2]],
  ['affine exp, rank-4 cond', { kind: 'affine', scale: 'exp', condChannels: 1 }, [2, 2, 2, 1]],
];

let counter = 0;
function build(args: Partial<CouplingArgs>, seed: number, channels = 3): { layer: Coupling; random: SeededRandom } {
  const random = new SeededRandom(seed);
  const layer = new Coupling({ channels, hiddenChannels: 4, name: `coupling_t${counter++}`, normal: () => random.normalNumber(), ...args });
  randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.3);
  return { layer, random };
}

describe.each(VARIANTS)('Coupling (%s)', (_label, args, condShape) => {
  it('round-trips, its log-determinants cancel and match a brute-force Jacobian', () => {
    const { layer, random } = build(args, 1);
    const x = random.normal([2, 2, 2, 3]);
    const cond = condShape ? random.normal(condShape) : undefined;
    const check = checkBijector(layer, x, cond);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    if (args.kind !== 'additive') expect(Math.abs(check.forwardLogDet)).toBeGreaterThan(0.01);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    tf.dispose([x, cond].filter((t): t is tf.Tensor => t !== undefined));
    layer.dispose();
  });

  it('gradients of a log-likelihood match central differences', () => {
    const { layer, random } = build(args, 2);
    const x = random.normal([2, 2, 2, 3]);
    const cond = condShape ? random.normal(condShape) : undefined;
    const loss = () => tf.tidy(() => {
      const { y, logDet } = layer.forward(x, cond);
      return tf.mean(tf.add(tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5), logDet)) as tf.Scalar;
    });
    const v = layer.variables();
    checkVariableGradient(loss, v[`${layer.name}/nn/conv1/kernel`], [0, 5, 17]);
    checkVariableGradient(loss, v[`${layer.name}/nn/conv2/bias`], [0, 3]);
    checkVariableGradient(loss, v[`${layer.name}/nn/conv_out/kernel`], [0, 7, 20]);
    checkVariableGradient(loss, v[`${layer.name}/nn/conv_out/log_scale`], [0, 1]);
    tf.dispose([x, cond].filter((t): t is tf.Tensor => t !== undefined));
    layer.dispose();
  });

  it('leaks no tensors', async () => {
    const { layer, random } = build(args, 3);
    const x = random.normal([2, 2, 2, 3]);
    const cond = condShape ? random.normal(condShape) : undefined;
    await expectNoLeak(() => layer.forward(x, cond), 'forward');
    await expectNoLeak(() => layer.inverse(x, cond), 'inverse');
    await expectNoLeak(() => tf.variableGrads(() => tf.sum(layer.forward(x, cond).y) as tf.Scalar), 'gradient');
    tf.dispose([x, cond].filter((t): t is tf.Tensor => t !== undefined));
    layer.dispose();
  });
});

describe('Coupling', () => {
  it('starts as the identity on x_b up to the sigmoid(2) scale (zero-initialised last conv)', async () => {
    const random = new SeededRandom(5);
    const layer = new Coupling({ channels: 4, hiddenChannels: 4, name: 'coupling_identity', normal: () => random.normalNumber() });
    const x = random.normal([1, 2, 2, 4]);
    const { y, logDet } = layer.forward(x);
    const s = 1 / (1 + Math.exp(-2));
    const xv = await x.data();
    const yv = await y.data();
    for (let i = 0; i < xv.length; i++) expect(yv[i]).toBeCloseTo(i % 4 < 2 ? xv[i] : xv[i] * s, 5);
    expect((await logDet.data())[0]).toBeCloseTo(8 * Math.log(s), 4);
    tf.dispose([x, y, logDet]);
    layer.dispose();
  });

  it('save/load restores identical outputs', async () => {
    const { layer, random } = build({ condChannels: 2 }, 6, 4);
    const dir = await mkdtemp(join(os.tmpdir(), 'coupling-'));
    await saveWeights(dir, layer.variables());
    const restored = new Coupling({ channels: 4, hiddenChannels: 4, condChannels: 2, name: layer.name });
    const { tensors } = await loadWeights(dir);
    for (const [key, v] of Object.entries(restored.variables())) v.assign(tensors[key]);
    tf.dispose(tensors);
    const x = random.normal([1, 2, 2, 4]);
    const cond = random.normal([1, 2]);
    const a = layer.forward(x, cond);
    const b = restored.forward(x, cond);
    expect(Array.from(await b.y.data())).toEqual(Array.from(await a.y.data()));
    tf.dispose([x, cond, a.y, a.logDet, b.y, b.logDet]);
    layer.dispose();
    restored.dispose();
  });

  it('names the shapes of bad inputs', () => {
    const layer = new Coupling({ channels: 4, hiddenChannels: 4, condChannels: 2, name: 'coupling_bad' });
    expect(() => layer.forward(tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2]))).toThrow(/\[1,2,2,3\].*expected 4 channels/);
    expect(() => layer.forward(tf.zeros([1, 2, 2, 4]))).toThrow(/needs a cond input/);
    expect(() => layer.forward(tf.zeros([1, 2, 2, 4]), tf.zeros([1, 3]))).toThrow(/cond has shape \[1,3\], expected \[1,2\]/);
    expect(() => layer.inverse(tf.zeros([1, 2, 2, 4]), tf.zeros([1, 3, 3, 2]))).toThrow(/cond has shape \[1,3,3,2\]/);
    expect(() => new Coupling({ channels: 1 })).toThrow(/channels/);
    layer.dispose();
  });
});
