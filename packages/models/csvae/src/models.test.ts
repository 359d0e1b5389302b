import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSwitchReference } from './attribute-switch';
import { CSVAE_MODEL_NAMES, resolveCsvaeConfig, type CsvaeConfigInput, type CsvaeModelName } from './config';
import { Csvae } from './models/csvae';
import { createCsvaeModel, loadCsvaeModel, saveCsvaeModel } from './registry';

/** A labelled toy: 3-D points whose label decides which side of a plane they lie on. */
function vectorBatch(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const r = new SeededRandom(seed);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    xs.push([r.normalNumber(), r.normalNumber(), (label ? 2 : -2) + 0.3 * r.normalNumber()]);
    ys.push([label, 1 - label]);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys) };
}

function imageBatch(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const r = new SeededRandom(seed);
  const y = Array.from({ length: n }, (_, i) => [i % 2]);
  const pixels = new Float32Array(n * 8 * 8);
  for (let i = 0; i < n; i++) for (let p = 0; p < 64; p++) pixels[i * 64 + p] = (y[i][0] && p < 32 ? 0.8 : 0.2) + 0.1 * r.uniformNumber();
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(y) };
}

const vectorConfig = (model: CsvaeModelName): CsvaeConfigInput => ({ model, input: { kind: 'vector', dim: 3 }, labels: ['a', 'b'], hidden: [16, 16], headHidden: 16, seed: 3 });
const imageConfig = (model: CsvaeModelName): CsvaeConfigInput => ({
  model, input: { kind: 'image', size: 8, channels: 1 }, labels: ['top'], zDim: 3, convStages: [4, 8], hidden: [16], headHidden: 8, seed: 1,
});

/** Adam on the model phase alone, on one fixed batch: the first and last loss. */
function fitModelPhase(config: CsvaeConfigInput, batch: { x: tf.Tensor; y: tf.Tensor2D }, steps: number, learningRate = 3e-3): { first: number; last: number } {
  const model = createCsvaeModel(config);
  const [phase] = model.phases();
  const optimizer = tf.train.adam(learningRate);
  const random = new SeededRandom(9);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const cost = optimizer.minimize(() => phase.losses(batch, random).total, true, phase.variables) as tf.Scalar;
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  }
  optimizer.dispose();
  model.dispose();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, 3)), last: mean(losses.slice(-3)) };
}

describe('the four models of paper 004', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const name of CSVAE_MODEL_NAMES) {
    it(`${name}: the loss falls on a fixed batch (vectors and images)`, () => {
      const vectors = vectorBatch(32, 1);
      const v = fitModelPhase(vectorConfig(name), vectors, 60);
      expect(v.last).toBeLessThan(0.7 * v.first);
      const images = imageBatch(8, 2);
      const im = fitModelPhase(imageConfig(name), images, 40, 1e-2);
      expect(im.last).toBeLessThan(0.92 * im.first); // β1·BCE cannot go below 20 × the images' own entropy (≈ 10)
      tf.dispose([vectors, images]);
    });

    it(`${name}: save → load gives identical encodings and outputs`, async () => {
      const model = createCsvaeModel(imageConfig(name));
      const batch = imageBatch(4, 5);
      const dir = join(await mkdtemp(join(os.tmpdir(), 'csvae-save-')), 'model');
      await saveCsvaeModel(model, dir);
      const loaded = await loadCsvaeModel(dir);
      expect(loaded.getConfig()).toEqual(model.getConfig());
      const a = model.encode(batch);
      const b = loaded.encode(batch);
      expect(Array.from(await b.mu.data())).toEqual(Array.from(await a.mu.data()));
      expect(Array.from(await b.logVar.data())).toEqual(Array.from(await a.logVar.data()));
      expect(Array.from(await loaded.reconstruct(batch).data())).toEqual(Array.from(await model.reconstruct(batch).data()));
      tf.dispose([a, b, batch]);
      model.dispose();
      loaded.dispose();
    });
  }

  it('every phase variable belongs to the model, and the adversary is a separate phase', () => {
    for (const name of CSVAE_MODEL_NAMES) {
      const model = createCsvaeModel(vectorConfig(name));
      const all = new Set(Object.values(model.variables));
      const phases = model.phases();
      const seen = new Set<tf.Variable>();
      for (const phase of phases) for (const v of phase.variables) {
        expect(all.has(v)).toBe(true);
        expect(seen.has(v)).toBe(false);
        seen.add(v);
      }
      expect(seen.size).toBe(all.size);
      expect(phases.map((p) => p.name)).toEqual(name === 'csvae' || name === 'condvae-info' ? ['model', 'adversary'] : ['model']);
      model.dispose();
    }
  });

  it('rejects bad configs and batches with errors that name the field', () => {
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), labels: [] })).toThrow(/labels/);
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), model: 'gan' as never })).toThrow(/model must be one of vae, condvae/);
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), priors: { absent: { mean: 0, std: 0 } } })).toThrow(/priors.absent.std/);
    expect(() => resolveCsvaeConfig({ ...imageConfig('vae'), input: { kind: 'image', size: 8, channels: 2 as never } })).toThrow(/input.channels/);
    const model = createCsvaeModel(vectorConfig('csvae'));
    const random = new SeededRandom(0);
    const [phase] = model.phases();
    expect(() => phase.losses({ x: tf.zeros([4, 3]) }, random)).toThrow(/batch.y .*missing/);
    expect(() => phase.losses({ x: tf.zeros([4, 5]), y: tf.zeros([4, 2]) as tf.Tensor2D }, random)).toThrow(/batch.x has shape \[4,5\], expected \[batch, 3\]/);
    expect(() => phase.losses({ x: tf.zeros([4, 3]), y: tf.zeros([4, 1]) as tf.Tensor2D }, random)).toThrow(/batch.y has shape \[4,1\], expected \[4, 2\]/);
    model.dispose();
  });

  it('CSVAE switch: a switched-on label decodes from p_k, a switched-off one from the origin, others keep their w', async () => {
    const model = createCsvaeModel(vectorConfig('csvae')) as Csvae;
    const batch = vectorBatch(6, 4);
    const mu = model.encode(batch).mu;
    const reference = buildSwitchReference(mu.dataSync() as Float32Array, batch.y.dataSync() as Float32Array, model.codeWidth, 2, { offset: model.subspaceOffset, wDim: 2 });
    expect(reference.subspaces).toHaveLength(2);
    // Row 0 has y = [0, 1]: switch label 0 on and keep label 1.
    const target = tf.tensor2d([[1, 1]]);
    const one = { x: tf.slice(batch.x, [0, 0], [1, 3]) as tf.Tensor2D, y: tf.slice(batch.y, [0, 0], [1, 2]) as tf.Tensor2D };
    const points = [[2.5, 3.5], [9, 9]];
    const switched = model.switchAttributes(one, target, reference, { points });
    const parts = model.encodeParts(one);
    const wKeep = Array.from(parts.w.mu.dataSync()).slice(2, 4);
    const expected = model.decodeCode(tf.concat([parts.z.mu, tf.tensor2d([[2.5, 3.5, ...wKeep]])], 1) as tf.Tensor2D);
    expect(Array.from(await switched.data())).toEqual(Array.from(await expected.data()));
    // Switching label 1 off puts w_1 at the absent prior's mean, 0; label 0 stays off and keeps its w_0.
    const off = model.switchAttributes(one, tf.tensor2d([[0, 0]]), reference, { points });
    const wFirst = Array.from(parts.w.mu.dataSync()).slice(0, 2);
    const expectedOff = model.decodeCode(tf.concat([parts.z.mu, tf.tensor2d([[...wFirst, 0, 0]])], 1) as tf.Tensor2D);
    expect(Array.from(await off.data())).toEqual(Array.from(await expectedOff.data()));
    model.dispose();
  });

  it('VAE switch: adds the difference of the label means to the code', async () => {
    const model = createCsvaeModel({ ...vectorConfig('vae'), exclusive: true });
    const batch = vectorBatch(8, 6);
    const mu = model.encode(batch).mu;
    const reference = buildSwitchReference(mu.dataSync() as Float32Array, batch.y.dataSync() as Float32Array, model.codeWidth, 2);
    const one = { x: tf.slice(batch.x, [1, 0], [1, 3]) as tf.Tensor2D, y: tf.slice(batch.y, [1, 0], [1, 2]) as tf.Tensor2D }; // y = [1, 0]
    const switched = model.switchAttributes(one, tf.tensor2d([[0, 1]]), reference);
    const code = Array.from(model.encode(one).mu.dataSync()).map((v, c) => v - reference.presentMean[0][c] + reference.presentMean[1][c]);
    const expected = model.decodeCode(tf.tensor2d([code]));
    const [a, b] = [Array.from(await switched.data()), Array.from(await expected.data())];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    model.dispose();
  });

  it('samples from p(z) p(w | y) and needs labels to do so', () => {
    const model = createCsvaeModel(vectorConfig('csvae'));
    const random = new SeededRandom(2);
    const code = model.samplePriorCode(400, random, tf.tensor2d(Array.from({ length: 400 }, () => [1, 0])));
    const rows = code.arraySync() as number[][];
    const meanOf = (c: number) => rows.reduce((s, r) => s + r[c], 0) / rows.length;
    expect(meanOf(2)).toBeCloseTo(3, 0); // w_1 ~ N(3, 1): present
    expect(Math.abs(meanOf(4))).toBeLessThan(0.05); // w_2 ~ N(0, 0.1²): absent
    expect(() => model.sample(3, random)).toThrow(/needs labels/);
    model.dispose();
  });
});
