import * as tf from '@tensorflow/tfjs-core';
import { initBackend, missingCapabilityMethods, SeededRandom, validateModelEntry, type ModelBatch } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CVAE_GAN_MODEL_NAMES, MODEL_STRUCTURES, type CvaeGanConfigInput, type CvaeGanModelName } from './config';
import type { ConditionalVaeGan } from './models/conditional-vae-gan';
import { CVAE_GAN_MODELS, createCvaeGanModel, loadCvaeGanModel, models, resolveCvaeGanEntryConfig, saveCvaeGanModel } from './registry';

// wasm: the cpu backend's Conv2DBackpropFilter is plain JS and slow even for these tiny nets.
beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const INPUT = { kind: 'image' as const, size: 8, channels: 1 as const };
const CLASSES = ['left', 'front', 'right'];

/** 8×8 grey images: a bright bar whose column is the class ("the azimuth"), its brightness a per-image style. */
function imageBatch(n: number, seed: number): Required<Pick<ModelBatch, 'x' | 'y'>> {
  const r = new SeededRandom(seed);
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const light = 0.4 + 0.5 * r.uniformNumber();
    labels.push(...CLASSES.map((_, k) => (k === c ? 1 : 0)));
    for (let p = 0; p < 64; p++) {
      const column = p % 8;
      pixels.push(Math.min(1, Math.max(0, (Math.abs(column - (1 + 3 * c)) <= 1 ? light : 0.1) + 0.02 * r.normalNumber())));
    }
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(labels, [n, 3]) };
}

function config(model: CvaeGanModelName, extra: Partial<CvaeGanConfigInput> = {}): CvaeGanConfigInput {
  return { model, input: INPUT, labels: CLASSES, zuDim: 4, zsDim: 4, mappingHidden: [16], encoderStages: [8, 8], decoderChannels: [16, 8], spadeHidden: 4, discriminatorStages: [8, 8], ...extra };
}

/** One phase's total on `batch` with fixed noise. */
function phaseTotal(model: ConditionalVaeGan, phase: 'model' | 'discriminator', batch: ModelBatch): number {
  const p = model.phases().find((q) => q.name === phase)!;
  return tf.tidy(() => p.losses(batch, new SeededRandom(7)).total.dataSync()[0]);
}

function trainPhase(model: ConditionalVaeGan, phase: 'model' | 'discriminator', batch: ModelBatch, steps: number, rate = 3e-3): void {
  const p = model.phases().find((q) => q.name === phase)!;
  const optimizer = tf.train.adam(rate, 0.5, 0.999);
  for (let s = 0; s < steps; s++) {
    const random = new SeededRandom(100 + s);
    tf.tidy(() => {
      optimizer.minimize(() => p.losses(batch, random).total, false, p.variables);
    });
  }
  optimizer.dispose();
}

const read = (t: tf.Tensor) => {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
};

describe('the models of paper 000 (cVAE-GAN, S1–S4, Proposed)', () => {
  it.each(CVAE_GAN_MODEL_NAMES)("%s: the generator's loss falls on a fixed batch, and so does D's against the fixed generator", (name) => {
    const model = createCvaeGanModel(config(name));
    const batch = imageBatch(12, 1);
    const before = phaseTotal(model, 'model', batch);
    trainPhase(model, 'model', batch, 30);
    const after = phaseTotal(model, 'model', batch);
    expect(after).toBeLessThan(0.7 * before);
    const dBefore = phaseTotal(model, 'discriminator', batch);
    trainPhase(model, 'discriminator', batch, 30);
    expect(phaseTotal(model, 'discriminator', batch)).toBeLessThan(dBefore - 0.2);
    model.dispose();
  });

  it.each(CVAE_GAN_MODEL_NAMES)('%s: z_u has the form of Table 1, and the exchange depends on both the image and the target label', (name) => {
    const model = createCvaeGanModel(config(name, { zuDim: 5 }));
    const { zu } = MODEL_STRUCTURES[name];
    // spatial z_u: the encoder's 2×2 map × 1 channel; style z_u: zuDim values.
    expect(model.codeWidth).toBe(zu === 'spade' ? 4 : 5);
    expect(model.codeParts()).toEqual([{ name: 'z_u', start: 0, size: model.codeWidth, role: 'free' }]);
    trainPhase(model, 'model', imageBatch(12, 2), 5);
    const batch = imageBatch(3, 3);
    const toFront = read(model.exchange(batch, [1, 1, 1]));
    const toRight = read(model.exchange(batch, [2, 2, 2]));
    expect(toFront).not.toEqual(toRight);
    const swapped = { x: tf.reverse(batch.x, 0), y: batch.y };
    expect(read(model.exchange(swapped, [1, 1, 1]))).not.toEqual(toFront);
    model.dispose();
  });

  it('the spatial z_u is read off the encoder map without fully connected layers: k channels at H×W', () => {
    const model = createCvaeGanModel(config('cvae-gan-proposed-faces', { zuChannels: 3 }));
    expect(model.codeWidth).toBe(2 * 2 * 3);
    const style = createCvaeGanModel(config('cvae-gan-proposed', { zuDim: 7 }));
    expect(style.codeWidth).toBe(7);
    model.dispose();
    style.dispose();
  });

  it('save → load gives identical exchanges, reconstructions and samples (weights, batch-norm and spectral-norm statistics)', async () => {
    const model = createCvaeGanModel(config('cvae-gan-proposed'));
    const batch = imageBatch(9, 4);
    trainPhase(model, 'model', batch, 4);
    trainPhase(model, 'discriminator', batch, 4);
    const dir = await mkdtemp(join(os.tmpdir(), 'cvae-gan-'));
    await saveCvaeGanModel(model, dir);
    const loaded = await loadCvaeGanModel(dir);
    expect(loaded.config).toEqual(model.config);
    expect(read(loaded.exchange(batch, [0, 1, 2, 0, 1, 2, 0, 1, 2]))).toEqual(read(model.exchange(batch, [0, 1, 2, 0, 1, 2, 0, 1, 2])));
    expect(read(loaded.reconstruct(batch))).toEqual(read(model.reconstruct(batch)));
    const y = tf.cast(tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3), 'float32') as tf.Tensor2D;
    expect(read(loaded.sample(2, new SeededRandom(5), y))).toEqual(read(model.sample(2, new SeededRandom(5), y)));
    expect(phaseTotal(loaded, 'discriminator', batch)).toBe(phaseTotal(model, 'discriminator', batch));
    model.dispose();
    loaded.dispose();
  });

  it('the switch reference holds per-class mean codes, and a class without examples gets the mean of all', () => {
    const model = createCvaeGanModel(config('cvae-gan', { zuDim: 2 }));
    const codes = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const labels = Float32Array.from([1, 0, 0, 1, 0, 0, 0, 1, 0]); // classes 0, 0, 1; none of class 2
    const reference = model.switchReference(codes, labels);
    expect(reference.presentMean).toEqual([[2, 3], [5, 6], [3, 4]]);
    expect(reference.absentMean[1]).toEqual([2, 3]);
    expect(() => model.switchReference(codes, labels.subarray(0, 6))).toThrow(/3 codes but 2 label rows/);
    model.dispose();
  });

  it('bad input gets an error that names it', () => {
    const model = createCvaeGanModel(config('cvae-gan-s2'));
    const batch = imageBatch(2, 5);
    expect(() => model.exchange(batch, [0, 3])).toThrow(/target class 3 \(row 1\) is out of range 0\.\.2/);
    expect(() => model.exchange(batch, [0])).toThrow(/1 target classes for 2 images/);
    expect(() => model.reconstruct({ x: tf.zeros([2, 16, 16, 1]), y: batch.y })).toThrow(/images must be \[n, 8, 8, 1\], got \[2,16,16,1\]/);
    expect(() => model.reconstruct({ x: batch.x })).toThrow(/needs the label c of every image/);
    expect(() => model.reconstruct({ x: batch.x, y: tf.tensor2d([[1, 1, 0], [0, 1, 0]]) })).toThrow(/row 0 is not one-hot \(2 classes on\)/);
    expect(() => model.reconstruct({ x: batch.x, y: tf.tensor2d([[1, 0], [0, 1]]) })).toThrow(/one-hot labels \[2, 3\]/);
    expect(() => model.sample(2, new SeededRandom(0))).toThrow(/samples need the labels c/);
    const environment = { input: INPUT, labels: ['Eyeglasses', 'Smiling'], exclusive: false, seed: 0 };
    expect(() => resolveCvaeGanEntryConfig('cvae-gan', {}, environment)).toThrow(/labels must be one exclusive class c per image.*independent binary attributes/);
    expect(() => resolveCvaeGanEntryConfig('cvae-gan', { structure: { zs: 'spade', zu: 'adain' } }, { input: INPUT, labels: CLASSES, exclusive: true, seed: 0 })).toThrow(/structure is .* for cvae-gan/);
    expect(() => createCvaeGanModel(config('cvae-gan', { input: { kind: 'image', size: 12, channels: 1 } }))).toThrow(/size 12 is not 4·2\^b/);
    expect(() => createCvaeGanModel(config('cvae-gan', { decoderChannels: [8] }))).toThrow(/decoderChannels must list 2/);
    model.dispose();
  });

  it('capability methods free every tensor they make', async () => {
    const model = createCvaeGanModel(config('cvae-gan-proposed'));
    const batch = imageBatch(3, 6);
    const y = batch.y;
    await expectNoLeak(() => model.exchange(batch, [2, 0, 1]).dispose());
    await expectNoLeak(() => model.reconstruct(batch).dispose());
    await expectNoLeak(() => model.sample(3, new SeededRandom(1), y).dispose());
    await expectNoLeak(() => {
      const code = model.encode(batch);
      model.decodeCode(code.mu, y).dispose();
      tf.dispose([code.mu, code.logVar]);
    });
    model.dispose();
  });

  it('every entry is valid, implements its listed capabilities and builds its own structure only', () => {
    for (const entry of models) {
      validateModelEntry(entry, '@disentangle/cvae-gan');
      const model = entry.create(resolveCvaeGanEntryConfig(entry.name, { zuDim: 4, zsDim: 4, encoderStages: [8, 8], decoderChannels: [16, 8], discriminatorStages: [8, 8] }, { input: INPUT, labels: CLASSES, exclusive: true, classColumns: 3, seed: 0 }));
      expect(entry.capabilities.flatMap((c) => missingCapabilityMethods(model, c))).toEqual([]);
      expect(model.config.structure).toEqual(MODEL_STRUCTURES[entry.name]);
      model.dispose();
    }
    expect(() => CVAE_GAN_MODELS['cvae-gan'].create(resolveCvaeGanEntryConfig('cvae-gan-s1', {}, { input: INPUT, labels: CLASSES, exclusive: true, seed: 0 }))).toThrow(/create\(\) got a config for 'cvae-gan-s1'/);
  });
});
