import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianLogLikelihood, loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { Chain } from './bijector';
import { checkBijector, checkVariableGradient, randomizeTrainable } from './bijector-checks';
import { Glow, GlowStep, type GlowConfig } from './glow';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TINY: GlowConfig = { imageShape: [4, 4, 2], levels: 2, stepsPerLevel: 2, hiddenChannels: 4, nBits: 5 };

let counter = 0;
function tinyGlow(config: Partial<GlowConfig> = {}, seed = 1): { glow: Glow; random: SeededRandom } {
  const random = new SeededRandom(seed);
  const glow = new Glow({ ...TINY, name: `glow_t${counter++}`, ...config }, () => random.normalNumber());
  return { glow, random };
}

/** Initialises ActNorm on a batch, then moves every trainable weight off its (often zero) start. */
function activate(glow: Glow, random: SeededRandom, labels?: tf.Tensor): tf.Tensor {
  const x = tf.mul(random.normal([3, ...glow.config.imageShape]), 0.3);
  glow.initialize(x, labels);
  randomizeTrainable(glow.variables(), () => random.normalNumber(), 0.1);
  return x;
}

describe('GlowStep', () => {
  it('is a Chain of ActNorm → 1×1 conv → coupling that round-trips and matches a brute-force Jacobian', () => {
    const random = new SeededRandom(7);
    const step = new GlowStep({ channels: 4, name: 'step_bij', hiddenChannels: 4, normal: () => random.normalNumber() });
    expect(step).toBeInstanceOf(Chain);
    const x = random.normal([2, 2, 2, 4]);
    tf.dispose(step.forward(x) as unknown as tf.Tensor[]);
    randomizeTrainable(step.variables(), () => random.normalNumber(), 0.2);
    const check = checkBijector(step, x);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-4);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 3);
    expect(Object.keys(step.variables())).toContain('step_bij/actnorm/initialized');
    x.dispose();
    step.dispose();
  });
});

describe.each([
  ['affine, LU', {}],
  ['additive, plain 1×1 conv', { coupling: 'additive', permutation: 'plain' }],
  ['affine exp, class-conditional prior with classifier', { affineScale: 'exp', numClasses: 3 }],
] as Array<[string, Partial<GlowConfig>]>)('Glow N×K (%s) on 1×4×4×2', (_label, config) => {
  it('round-trips x → ε → x, log-determinants cancel and match a brute-force 32×32 Jacobian', () => {
    const { glow, random } = tinyGlow(config, 2);
    const labels = glow.config.numClasses > 0 ? tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3) : undefined;
    const x = activate(glow, random, labels);
    const check = checkBijector(glow, x, labels);
    expect(check.roundTripError).toBeLessThan(1e-4);
    expect(check.logDetSumError).toBeLessThan(1e-3);
    expect(check.forwardLogDet).toBeCloseTo(check.bruteForceLogDet, 2);
    tf.dispose([x, labels].filter((t): t is tf.Tensor => t !== undefined));
    glow.dispose();
  });

  it('log p(x) = Σ log N(ε; 0, I) + logDet, and its gradients match central differences', () => {
    const { glow, random } = tinyGlow(config, 3);
    const labels = glow.config.numClasses > 0 ? tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3) : undefined;
    const x = activate(glow, random, labels);
    const logp = glow.logProb(x, labels);
    const { y, logDet } = glow.forward(x, labels);
    const expected = tf.add(gaussianLogLikelihood(y, tf.zerosLike(y), tf.zerosLike(y)), logDet);
    const [a, b] = [logp.dataSync(), expected.dataSync()];
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 3);
    tf.dispose([logp, y, logDet, expected]);
    const loss = () => tf.tidy(() => glow.losses(x, labels).total);
    const v = glow.variables();
    const n = glow.name;
    checkVariableGradient(loss, v[`${n}/level0/step0/actnorm/log_scale`], [0, 5]);
    checkVariableGradient(loss, v[`${n}/level0/step1/coupling/nn/conv1/kernel`], [0, 11]);
    checkVariableGradient(loss, v[`${n}/level1/step0/coupling/nn/conv_out/kernel`], [3, 40]);
    checkVariableGradient(loss, v[`${n}/level0/split/prior_conv/kernel`], [1, 20]);
    checkVariableGradient(loss, v[`${n}/top_prior/mean_log_scale`], [0, 3]);
    const conv = glow.config.permutation === 'plain' ? 'weight' : 'log_s';
    checkVariableGradient(loss, v[`${n}/level1/step1/invconv/${conv}`], [0, 3]);
    if (labels) checkVariableGradient(loss, v[`${n}/top_prior/classifier/kernel`], [0, 4]);
    tf.dispose([x, labels].filter((t): t is tf.Tensor => t !== undefined));
    glow.dispose();
  });
});

describe('Glow', () => {
  it('encode gives every split latent at its shape; decode inverts it; sample honours temperature', () => {
    const { glow, random } = tinyGlow({ imageShape: [8, 8, 1], levels: 3 }, 4);
    const x = activate(glow, random);
    expect(glow.latentShapes).toEqual([[4, 4, 2], [2, 2, 4], [1, 1, 16]]);
    const { latents, top, logDet } = glow.encode(x);
    expect(latents.map((t) => t.shape)).toEqual([[3, 4, 4, 2], [3, 2, 2, 4], [3, 1, 1, 16]]);
    expect(top.shape).toEqual([3, 1, 1, 16]);
    const back = glow.decode(latents);
    expect(tf.max(tf.abs(tf.sub(back.x, x))).dataSync()[0]).toBeLessThan(1e-4);
    const s0 = glow.sample(2, { temperature: 0 });
    const zeros = glow.decode(glow.latentShapes.map((s) => tf.zeros([2, ...s]))).x;
    expect(Array.from(s0.dataSync())).toEqual(Array.from(zeros.dataSync()));
    const s = glow.sample(4, { temperature: 0.7, random: new SeededRandom(1) });
    const s2 = glow.sample(4, { temperature: 0.7, random: new SeededRandom(1) });
    expect(s.shape).toEqual([4, 8, 8, 1]);
    expect(Array.from(s.dataSync())).toEqual(Array.from(s2.dataSync()));
    tf.dispose([x, ...latents, top, logDet, back.x, back.logDet, s0, zeros, s, s2]);
    glow.dispose();
  });

  it('leaks no tensors in losses, their gradients, encode and sample', async () => {
    const { glow, random } = tinyGlow({ numClasses: 3 }, 5);
    const labels = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
    const x = activate(glow, random, labels);
    await expectNoLeak(() => glow.losses(x, labels), 'losses');
    await expectNoLeak(() => tf.variableGrads(() => glow.losses(x, labels).total, Object.values(glow.variables()).filter((v) => v.trainable)), 'gradients');
    await expectNoLeak(() => glow.encode(x, labels), 'encode');
    await expectNoLeak(() => glow.sample(3, { temperature: 0.5, cond: labels }), 'sample');
    await expectNoLeak(() => glow.classify(x), 'classify');
    tf.dispose([x, labels]);
    glow.dispose();
  });

  it('a few Adam steps lower the loss on a fixed batch', async () => {
    const { glow, random } = tinyGlow({}, 6);
    const x = tf.mul(random.normal([4, 4, 4, 2]), 0.2);
    glow.initialize(x);
    const optimizer = tf.train.adam(1e-2);
    const first = glow.losses(x);
    const initial = first.total.dataSync()[0];
    tf.dispose(first as unknown as tf.Tensor[]);
    const vars = Object.values(glow.variables());
    for (let i = 0; i < 15; i++) tf.dispose(optimizer.minimize(() => glow.losses(x).total, true, vars) as tf.Scalar);
    const last = glow.losses(x);
    expect(last.total.dataSync()[0]).toBeLessThan(initial - 0.05);
    tf.dispose(last as unknown as tf.Tensor[]);
    optimizer.dispose();
    x.dispose();
    glow.dispose();
  });

  it('save/load gives identical outputs, and the loaded ActNorms do not re-initialise', async () => {
    const { glow, random } = tinyGlow({}, 8);
    const x = activate(glow, random);
    const dir = await mkdtemp(join(os.tmpdir(), 'glow-'));
    await saveWeights(dir, glow.variables());
    const restored = new Glow({ ...TINY, name: glow.name });
    expect(restored.actNorms().every((a) => !a.isInitialized())).toBe(true);
    const { tensors } = await loadWeights(dir);
    for (const [key, v] of Object.entries(restored.variables())) v.assign(tensors[key]);
    tf.dispose(tensors);
    expect(restored.actNorms().every((a) => a.isInitialized())).toBe(true);
    const other = tf.add(tf.mul(random.normal([2, 4, 4, 2]), 3), 1); // would move any re-initialised ActNorm
    const a = glow.logProb(other);
    const b = restored.logProb(other);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const sa = glow.sample(2, { random: new SeededRandom(3) });
    const sb = restored.sample(2, { random: new SeededRandom(3) });
    expect(Array.from(sb.dataSync())).toEqual(Array.from(sa.dataSync()));
    tf.dispose([x, other, a, b, sa, sb]);
    glow.dispose();
    restored.dispose();
  });

  it('getConfig round-trips: a Glow rebuilt from it has the same variables and shapes', () => {
    const { glow } = tinyGlow({ numClasses: 2, coupling: 'additive', permutation: 'plain' }, 10);
    const config = JSON.parse(JSON.stringify(glow.getConfig())) as GlowConfig;
    const rebuilt = new Glow(config);
    expect(rebuilt.getConfig()).toEqual(glow.getConfig());
    const shapes = (g: Glow) => Object.entries(g.variables()).map(([k, v]) => [k, v.shape, v.trainable]);
    expect(shapes(rebuilt)).toEqual(shapes(glow));
    glow.dispose();
    rebuilt.dispose();
  });

  it('variable keys are stable and unique, and two models with one name still coexist', () => {
    const a = new Glow({ ...TINY, name: 'same' });
    const b = new Glow({ ...TINY, name: 'same' });
    expect(Object.keys(a.variables())).toEqual(Object.keys(b.variables()));
    expect(Object.keys(a.variables())).toContain('same/level1/step1/invconv/permutation');
    expect(new Set(Object.values(b.variables()).map((v) => v.name)).size).toBe(Object.keys(b.variables()).length);
    a.dispose();
    b.dispose();
  });

  it('rejects bad configs and inputs with errors naming the shapes', () => {
    expect(() => new Glow({ imageShape: [6, 6, 1], levels: 2 })).toThrow(/\[6,6,1\].*divisible by 2\^levels = 4/);
    expect(() => new Glow({ imageShape: [4, 4, 1], levels: 0 })).toThrow(/levels must be a positive integer/);
    const { glow } = tinyGlow({ numClasses: 2 }, 9);
    expect(() => glow.encode(tf.zeros([1, 4, 4, 3]), tf.zeros([1, 2]))).toThrow(/images have shape \[1,4,4,3\], expected \[batch,4,4,2\]/);
    expect(() => glow.encode(tf.zeros([1, 5, 4, 2]))).toThrow(/\[1,5,4,2\]/);
    expect(() => glow.losses(tf.zeros([2, 4, 4, 2]))).toThrow(/needs one-hot labels \[2,2\]/);
    expect(() => glow.inverse(tf.zeros([1, 31]))).toThrow(/ε has shape \[1,31\], expected \[batch,32\]/);
    expect(() => glow.decode([tf.zeros([1, 2, 2, 4])])).toThrow(/expected 2 latents/);
    glow.dispose();
  });
});
