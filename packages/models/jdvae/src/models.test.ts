import * as tf from '@tensorflow/tfjs-core';
import { CAPABILITIES, initBackend, missingCapabilityMethods, SeededRandom, type ModelBatch } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JDVAE_MODEL_NAMES, type JdvaeConfigInput, type JdvaeModelName } from './config';
import type { LabelFeatureVae } from './models/label-feature-vae';
import { JDVAE_MODELS, createJdvaeModel, loadJdvaeModel, models, saveJdvaeModel } from './registry';

// wasm: the cpu backend's Conv2DBackpropFilter made one step of these tiny nets take ~0.7 s.
beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const INPUT = { kind: 'image' as const, size: 8, channels: 1 as const };
const ENVIRONMENT = { input: INPUT, labels: ['glasses'], exclusive: false, seed: 0 };

/** 8×8 grey faces: a dark bar across rows 2–3 ("glasses") when y = 1, its darkness a per-image style, plus noise. */
function imageBatch(n: number, seed: number, labelledEvery = 2): Required<Pick<ModelBatch, 'x' | 'y' | 'labelled'>> {
  const r = new SeededRandom(seed);
  const pixels: number[] = [];
  const labels: number[] = [];
  const mask: number[] = [];
  for (let i = 0; i < n; i++) {
    const on = i % 2;
    const tint = 0.2 + 0.3 * r.uniformNumber();
    const light = 0.5 + 0.3 * r.uniformNumber();
    labels.push(on);
    mask.push(i % labelledEvery === 0 ? 1 : 0);
    for (let p = 0; p < 64; p++) {
      const row = Math.floor(p / 8);
      const v = light - (on && (row === 2 || row === 3) ? tint : 0) + 0.02 * r.normalNumber();
      pixels.push(Math.min(1, Math.max(0, v)));
    }
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(labels, [n, 1]), labelled: tf.tensor1d(mask) };
}

function config(model: JdvaeModelName, extra: Partial<JdvaeConfigInput> = {}): JdvaeConfigInput {
  return { model, input: INPUT, labels: ['glasses'], zDim: 4, uDim: model === 'm2' ? 0 : model === 'ccvae' ? 1 : 2, encoderStages: [8, 16], hidden: 32, decoderChannels: [16, 8], classifierSamples: 8, ...extra };
}

const totalOf = (model: LabelFeatureVae, batch: ModelBatch) => tf.tidy(() => model.losses(batch, new SeededRandom(7)).total.dataSync()[0]);

function train(model: LabelFeatureVae, batch: ModelBatch, steps: number, rate = 3e-3): void {
  const optimizer = tf.train.adam(rate);
  const [phase] = model.phases();
  for (let s = 0; s < steps; s++) {
    const random = new SeededRandom(100 + s);
    tf.tidy(() => {
      optimizer.minimize(() => phase.losses(batch, random).total, false, phase.variables);
    });
  }
  optimizer.dispose();
}

describe('the models of paper 001 (PA1, PA2, M2, CCVAE, CCVAE2, the ablations)', () => {
  it.each(JDVAE_MODEL_NAMES)('%s: the loss falls on a fixed batch of labelled and unlabelled images', (name) => {
    const model = createJdvaeModel(config(name));
    const batch = imageBatch(16, 1);
    // CCVAE's Laplace likelihood carries the constant N log 2 (8×8 pixels), which no training removes.
    const floor = name === 'ccvae' ? 64 * Math.log(2) : 0;
    const before = totalOf(model, batch) - floor;
    train(model, batch, 40);
    const after = totalOf(model, batch) - floor;
    expect(Number.isFinite(before) && Number.isFinite(after)).toBe(true);
    expect(after, `${name}: ${before} → ${after}`).toBeLessThan(before - 0.1 * Math.abs(before));
    tf.dispose(Object.values(batch));
    model.dispose();
  });

  it('the entries declare capabilities their models implement, and semi-supervised data', () => {
    expect(models.map((m) => m.name)).toEqual([...JDVAE_MODEL_NAMES]);
    for (const entry of models) {
      expect(entry.needs.labels).toBe('semi-supervised');
      const model = entry.create(entry.resolveConfig({ zDim: 4, encoderStages: [8, 16], hidden: 16, decoderChannels: [8, 8] }, ENVIRONMENT));
      for (const capability of entry.capabilities) {
        expect(CAPABILITIES).toContain(capability);
        expect(missingCapabilityMethods(model, capability), `${entry.name}.${capability}`).toEqual([]);
      }
      model.dispose();
    }
  });

  it('the Gumbel path: unlabelled images alone pass gradients to q(y | x) (joint) and q(y | u) (CCVAE)', () => {
    for (const name of ['pa1', 'm2', 'ccvae2'] as const) {
      const model = createJdvaeModel(config(name));
      const { x, y } = imageBatch(8, 3);
      const unlabelled = { x, y, labelled: tf.zeros([8]) as tf.Tensor1D };
      const [phase] = model.phases();
      const head = Object.entries(model.variables).filter(([key]) => key.startsWith(name === 'ccvae2' ? 'classifier/' : 'encoder/label/'));
      expect(head.length, name).toBeGreaterThan(0);
      const { grads } = tf.variableGrads(() => phase.losses(unlabelled, new SeededRandom(5)).total, head.map(([, v]) => v));
      const norm = Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0);
      expect(norm, name).toBeGreaterThan(0);
      tf.dispose([x, y, unlabelled.labelled, ...Object.values(grads)]);
      model.dispose();
    }
  });

  it("a labelled row's label comes from batch.y, an unlabelled row's does not", () => {
    const model = createJdvaeModel(config('pa1'));
    const batch = imageBatch(8, 4, 1); // all labelled
    const flipped = { ...batch, y: tf.sub(1, batch.y) as tf.Tensor2D };
    expect(totalOf(model, flipped)).not.toBeCloseTo(totalOf(model, batch), 4);
    const hidden = { ...batch, labelled: tf.zeros([8]) as tf.Tensor1D };
    const hiddenFlipped = { ...flipped, labelled: hidden.labelled };
    expect(totalOf(model, hiddenFlipped)).toBeCloseTo(totalOf(model, hidden), 5);
    tf.dispose([...Object.values(batch), flipped.y, hidden.labelled]);
    model.dispose();
  });

  it('PA1 decodes u as the null vector when y = 0 (u is multiplied by y); PA2 does not', () => {
    for (const [name, ignores] of [['pa1', true], ['pa2', false]] as const) {
      const model = createJdvaeModel(config(name));
      tf.tidy(() => {
        const z = tf.randomNormal([2, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
        const u = tf.randomNormal([2, 1, 2], 0, 1, 'float32', 4) as tf.Tensor3D;
        const off = tf.tensor3d([[[1, 0]], [[1, 0]]]);
        const a = model.decode(z, u, off);
        const b = model.decode(z, tf.mul(u, 3) as tf.Tensor3D, off);
        const difference = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
        if (ignores) expect(difference, name).toBe(0);
        else expect(difference, name).toBeGreaterThan(1e-4);
      });
      model.dispose();
    }
  });

  it("featureStyle (beyond the paper): u joins z in AdaIN's style, so it changes the image through every block", () => {
    const plain = createJdvaeModel(config('pa1'));
    const styled = createJdvaeModel(config('pa1', { featureStyle: true }));
    // The style FCs read [z, u]: 4 + 2 inputs instead of 4.
    expect(styled.variables['decoder/block0/adain1/gamma'].shape).toEqual([6, 17]);
    expect(plain.variables['decoder/block0/adain1/gamma'].shape).toEqual([4, 17]);
    expect(plain.config.featureStyle).toBeUndefined(); // the paper's decoder keeps configs of older runs unchanged
    const batch = imageBatch(16, 2);
    const before = totalOf(styled, batch);
    train(styled, batch, 20);
    expect(totalOf(styled, batch)).toBeLessThan(before);
    tf.dispose(Object.values(batch));
    plain.dispose();
    styled.dispose();
  });

  it('multi-label (the paper\'s "straightforward" extension): each label has its own y_k, u_k and tokens; a swap of one label leaves the other\'s part', () => {
    const model = createJdvaeModel(config('pa2', { labels: ['glasses', 'beard'] }));
    expect(model.codeParts().map((p) => p.name)).toEqual(['z', 'u:glasses', 'u:beard']);
    expect(model.variables['decoder/tokens/label1/map0'].shape).toEqual([2, 4, 4, 1]);
    const { x, y, labelled } = imageBatch(8, 9);
    const twoLabels = tf.concat([y, tf.sub(1, y)], 1) as tf.Tensor2D;
    const batch = { x, y: twoLabels, labelled };
    const before = totalOf(model, batch);
    train(model, batch, 10);
    expect(totalOf(model, batch)).toBeLessThan(before);
    tf.tidy(() => {
      const a = { x: tf.slice(x, [0], [4]) };
      const b = { x: tf.slice(x, [4], [4]) };
      expect(model.classify(a).shape).toEqual([4, 2]);
      // The glasses swap is a's code with (y_0, u_0) from b and (y_1, u_1) kept: rebuild it by hand from encode and classify.
      const [ca, cb] = [model.encode(a).mu, model.encode(b).mu];
      const [ya, yb] = [tf.cast(tf.greater(model.classify(a), 0.5), 'float32'), tf.cast(tf.greater(model.classify(b), 0.5), 'float32')];
      const code = tf.concat([tf.slice(ca, [0, 0], [-1, 4]), tf.slice(cb, [0, 4], [-1, 2]), tf.slice(ca, [0, 6], [-1, 2])], 1) as tf.Tensor2D;
      const labels = tf.concat([tf.slice(yb, [0, 0], [-1, 1]), tf.slice(ya, [0, 1], [-1, 1])], 1) as tf.Tensor2D;
      const swapped = model.swapLabels(a, b, 0);
      expect(tf.max(tf.abs(tf.sub(swapped, model.decodeCode(code, labels)))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(swapped, model.swapLabels(a, b, 1)))).dataSync()[0]).toBeGreaterThan(1e-5);
    });
    tf.dispose([x, y, labelled, twoLabels]);
    model.dispose();
  });

  it('swapLabels exchanges y and u between rows; CCVAE moves u only; transfer covers every pair', () => {
    for (const name of ['pa1', 'ccvae'] as const) {
      const model = createJdvaeModel(config(name));
      const { x, y, labelled } = imageBatch(4, 5);
      tf.tidy(() => {
        const a = { x: tf.slice(x, [0], [2]) };
        const b = { x: tf.slice(x, [2], [2]) };
        const swapped = model.swapLabels(a, b, 0);
        expect(swapped.shape).toEqual([2, 8, 8, 1]);
        // Swapping with itself is the reconstruction.
        const self = model.swapLabels(a, a, 0);
        expect(tf.max(tf.abs(tf.sub(self, model.reconstruct(a)))).dataSync()[0]).toBeLessThan(1e-6);
        const grid = model.transfer(b, a, 0);
        expect(grid.shape).toEqual([4, 8, 8, 1]);
        // Row-major over targets: grid[1] is target 0 with source 1's label part = swap(a[0], b[1]).
        const single = model.swapLabels({ x: tf.slice(x, [0], [1]) }, { x: tf.slice(x, [3], [1]) }, 0);
        expect(tf.max(tf.abs(tf.sub(tf.slice(grid, [1], [1]), single))).dataSync()[0]).toBeLessThan(1e-5);
        const p = model.classify({ x });
        expect(p.shape).toEqual([4, 1]);
        const values = p.dataSync();
        expect(Array.from(values).every((v) => v >= 0 && v <= 1)).toBe(true);
      });
      tf.dispose([x, y, labelled]);
      model.dispose();
    }
  });

  it('save → load gives identical swaps, samples and classifications', async () => {
    const model = createJdvaeModel(config('pa2'));
    const batch = imageBatch(8, 6);
    train(model, batch, 3);
    const dir = await mkdtemp(join(os.tmpdir(), 'jdvae-'));
    await saveJdvaeModel(model, dir);
    const loaded = await loadJdvaeModel(dir);
    expect(loaded.config).toEqual(model.config);
    const into = { x: tf.slice(batch.x, [0], [4]) };
    const from = { x: tf.slice(batch.x, [4], [4]) };
    for (const m of [model, loaded]) expect(m.name).toBe('pa2');
    const [a, b] = [model, loaded].map((m) => m.swapLabels(into, from, 0).dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    const [s1, s2] = [model, loaded].map((m) => m.sample(3, new SeededRandom(9)).dataSync());
    expect(Array.from(s2)).toEqual(Array.from(s1));
    tf.dispose([...Object.values(batch), into.x, from.x]);
    model.dispose();
    loaded.dispose();
  });

  it('bad input gets an error naming it', () => {
    const model = createJdvaeModel(config('pa1'));
    const { x, y, labelled } = imageBatch(4, 7);
    const random = new SeededRandom(0);
    expect(() => model.losses({ x, y, labelled: tf.ones([3]) as tf.Tensor1D }, random)).toThrow(/supervision mask.*\[3\], expected \[4\]/);
    expect(() => model.losses({ x, y: tf.tensor2d([[0], [2], [1], [0]]), labelled }, random)).toThrow(/0 or 1.*got 2 at row 1, label 'glasses'/);
    expect(() => model.losses({ x, y: tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]), labelled }, random)).toThrow(/batch.y has shape \[4,2\], expected \[4, 1\]/);
    expect(() => model.losses({ x, labelled }, random)).toThrow(/batch.y.*missing/);
    expect(() => model.losses({ x, y, labelled: tf.tensor1d([1, 0.5, 0, 1]) }, random)).toThrow(/labelled must hold 0.*got 0.5 at row 1/);
    expect(() => model.reconstruct({ x: tf.zeros([2, 16, 16, 1]) })).toThrow(/batch.x has shape \[2,16,16,1\], expected \[batch, 8, 8, 1\]/);
    expect(() => model.swapLabels({ x }, { x }, 1)).toThrow(/label 1 is out of range 0..0 \(glasses\)/);
    expect(() => model.swapLabels({ x }, { x: tf.slice(x, [0], [2]) }, 0)).toThrow(/'into' has 4 images and 'from' 2/);
    expect(() => model.decodeCode(tf.zeros([2, 6]))).toThrow(/needs the labels y/);
    expect(() => JDVAE_MODELS.pa1.resolveConfig({ tokens: 'false' }, ENVIRONMENT)).toThrow(/tokens is true for pa1/);
    expect(() => JDVAE_MODELS.m2.resolveConfig({ uDim: 3 }, ENVIRONMENT)).toThrow(/uDim must be 0 for M2/);
    expect(() => JDVAE_MODELS['pa1-no-adain'].resolveConfig({ featureStyle: 'true', decoderChannels: '8,8' }, ENVIRONMENT)).toThrow(/featureStyle needs AdaIN and features u \(pa1-no-adain has no AdaIN\)/);
    expect(() => JDVAE_MODELS.pa1.resolveConfig({}, { ...ENVIRONMENT, exclusive: true })).toThrow(/independent binary labels/);
    expect(() => JDVAE_MODELS.pa1.resolveConfig({ decoderChannels: '8,8,8' }, ENVIRONMENT)).toThrow(/decoderChannels must list 2/);
    expect(() => JDVAE_MODELS.pa1.resolveConfig({}, { ...ENVIRONMENT, input: { kind: 'image', size: 12, channels: 1 } })).toThrow(/size 12 is not 4·2\^b|does not divide/);
    tf.dispose([x, y, labelled]);
    model.dispose();
  });

  it('training and every capability leave no tensors behind', async () => {
    for (const name of ['pa1', 'ccvae'] as const) {
      const model = createJdvaeModel(config(name));
      const batch = imageBatch(4, 8);
      const [phase] = model.phases();
      const optimizer = tf.train.adam(1e-3);
      optimizer.minimize(() => phase.losses(batch, new SeededRandom(1)).total, false, phase.variables);
      await expectNoLeak(() => {
        const optimizerStep = () => optimizer.minimize(() => phase.losses(batch, new SeededRandom(2)).total, false, phase.variables);
        optimizerStep();
        return tf.tidy(() => tf.concat([model.reconstruct(batch), model.swapLabels(batch, batch, 0), model.sample(4, new SeededRandom(3)), model.switchAttributes(batch, tf.sub(1, batch.y) as tf.Tensor2D)]));
      }, name);
      optimizer.dispose();
      tf.dispose(Object.values(batch));
      model.dispose();
    }
  });
});
