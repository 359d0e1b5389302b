import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { CAPABILITIES, missingCapabilityMethods, SeededRandom, type ModelBatch, type ModelPhase } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INFOMI_MODEL_NAMES, type InfomiConfigInput, type InfomiModelName } from './config';
import type { PartitionedVae } from './models/partitioned-vae';
import { INFOMI_MODELS, createInfomiModel, loadInfomiModel, models, saveInfomiModel } from './registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ENVIRONMENT = { input: { kind: 'image' as const, size: 8, channels: 1 as const }, labels: ['top', 'left'], exclusive: false, seed: 0 };

/** 8×8 grey images: a bright top half when 'top' is on, a bright left half when 'left' is on, plus noise. */
function imageBatch(n: number, seed: number): ModelBatch & { y: tf.Tensor2D } {
  const r = new SeededRandom(seed);
  const pixels: number[] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const top = i % 2;
    const left = Math.floor(i / 2) % 2;
    labels.push([top, left]);
    for (let p = 0; p < 64; p++) {
      const [row, col] = [Math.floor(p / 8), p % 8];
      const v = 0.1 + (top && row < 4 ? 0.4 : 0) + (left && col < 4 ? 0.4 : 0) + 0.03 * r.normalNumber();
      pixels.push(Math.min(1, Math.max(0, v)));
    }
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(labels) };
}

function config(model: InfomiModelName, extra: Partial<InfomiConfigInput> = {}): InfomiConfigInput {
  return { model, input: ENVIRONMENT.input, labels: ENVIRONMENT.labels, z1Dim: 4, convStages: [8, 16], hidden: [32], auxConvStages: [4, 8], auxHidden: 16, ...extra };
}

const totalOf = (phase: ModelPhase, batch: ModelBatch) => tf.tidy(() => phase.losses(batch, new SeededRandom(7)).total.dataSync()[0]);

function trainPhases(phases: ModelPhase[], batch: ModelBatch, steps: number, rate = 3e-3): void {
  const optimizers = phases.map(() => tf.train.adam(rate));
  for (let s = 0; s < steps; s++) {
    phases.forEach((phase, i) => {
      const random = new SeededRandom(100 + s);
      tf.tidy(() => {
        optimizers[i].minimize(() => phase.losses(batch, random).total, false, phase.variables);
      });
    });
  }
  optimizers.forEach((o) => o.dispose());
}

describe('the partitioned VAE and its five comparisons (paper 002)', () => {
  it('phases: the model first, then D (GAN models), then f (L_f2 models); no variable in two phases', () => {
    const expected: Record<InfomiModelName, string[]> = {
      pvae: ['model'],
      'pvae+ls': ['model'],
      'pvae+lf1': ['model'],
      'pvae+lf2': ['model', 'extractor'],
      'pvae+gan': ['model', 'discriminator'],
      'pvae+gan+lf2': ['model', 'discriminator', 'extractor'],
    };
    for (const name of INFOMI_MODEL_NAMES) {
      const model = createInfomiModel(config(name));
      const phases = model.phases();
      expect(phases.map((p) => p.name), name).toEqual(expected[name]);
      const seen = new Set<tf.Variable>();
      for (const p of phases) for (const v of p.variables) {
        expect(seen.has(v), `${name}: ${v.name}`).toBe(false);
        seen.add(v);
      }
      model.dispose();
    }
  });

  it.each(INFOMI_MODEL_NAMES)('%s: each phase lowers its own loss on a fixed batch, the others held fixed', (name) => {
    const model = createInfomiModel(config(name, { normalization: 'none' }));
    const batch = imageBatch(16, 1);
    // f's features grow as f learns, and D moves the GAN term: each phase is judged with the others fixed.
    for (const phase of model.phases()) {
      const before = totalOf(phase, batch);
      trainPhases([phase], batch, 40);
      const after = totalOf(phase, batch);
      expect(after, `${name} ${phase.name}`).toBeLessThan(phase.name === 'model' ? before * 0.8 : before);
    }
    model.dispose();
  });

  it('L_f1 trains a readout q(z̃2 | z1, x̂) that sees z1, L_s one that does not', () => {
    const ls = createInfomiModel(config('pvae+ls'));
    const lf1 = createInfomiModel(config('pvae+lf1'));
    const width = (m: PartitionedVae) => m.variables['readout/trunk/dense0/kernel']?.shape[0] ?? m.variables[Object.keys(m.variables).find((k) => k.startsWith('readout/trunk/'))!].shape[0];
    expect(width(lf1) - width(ls)).toBe(4); // z1Dim columns concatenated after the conv features
    ls.dispose();
    lf1.dispose();
  });

  it('fusion with z̃2 = z2(x) is the reconstruction; switching sets z2 to the target labels', () => {
    const model = createInfomiModel(config('pvae+gan+lf2'));
    const batch = imageBatch(4, 2);
    const own = model.attributeCodes(batch);
    expect(Array.from(model.withAttributeCodes(batch, own).dataSync())).toEqual(Array.from(model.reconstruct(batch).dataSync()));
    const target = tf.tensor2d([[1, 0], [0, 0], [1, 1], [0, 1]]);
    expect(Array.from(model.switchAttributes(batch, target).dataSync())).toEqual(Array.from(model.withAttributeCodes(batch, target).dataSync()));
    const doubled = model.switchAttributes(batch, target, undefined, { intensity: 2 });
    expect(Array.from(doubled.dataSync())).toEqual(Array.from(model.withAttributeCodes(batch, tf.mul(target, 2) as tf.Tensor2D).dataSync()));
    // transfer: target t with label 1's code from source s, row-major over targets.
    const sources = imageBatch(2, 3);
    const out = model.transfer(sources, batch, 1);
    expect(out.shape).toEqual([8, 8, 8, 1]);
    const codes = own.arraySync();
    const sourceCodes = model.attributeCodes(sources).arraySync();
    const expectedRow = model.withAttributeCodes({ x: tf.slice(batch.x, [2], [1]) }, tf.tensor2d([[codes[2][0], sourceCodes[1][1]]]));
    expect(Array.from(tf.slice(out, [5], [1]).dataSync())).toEqual(Array.from(expectedRow.dataSync()));
    model.dispose();
  });

  it('the code: z1 then one scalar z2 per attribute, with prior means 1 (on) and 0 (off)', () => {
    const model = createInfomiModel(config('pvae'));
    expect(model.codeParts()).toEqual([
      { name: 'z1', start: 0, size: 4, role: 'free' },
      { name: 'z2:top', start: 4, size: 1, label: 0, role: 'label', priorMeans: { on: [1], off: [0] } },
      { name: 'z2:left', start: 5, size: 1, label: 1, role: 'label', priorMeans: { on: [1], off: [0] } },
    ]);
    const code = model.encode(imageBatch(3, 0));
    expect(code.mu.shape).toEqual([3, 6]);
    expect(model.decodeCode(code.mu).shape).toEqual([3, 8, 8, 1]);
    expect(model.sample(5, new SeededRandom(0), tf.tensor2d([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]])).shape).toEqual([5, 8, 8, 1]);
    model.dispose();
  });

  it('save → load gives identical fusions, reconstructions and samples', async () => {
    const model = createInfomiModel(config('pvae+gan+lf2'));
    const batch = imageBatch(8, 4);
    trainPhases(model.phases(), batch, 3); // moves batch norm's statistics off their start too
    const dir = await mkdtemp(join(os.tmpdir(), 'infomi-'));
    await saveInfomiModel(model, join(dir, 'model'));
    const loaded = await loadInfomiModel(join(dir, 'model'));
    expect(loaded.config).toEqual(model.config);
    const partner = tf.reverse(batch.x, 0);
    const fuse = (m: PartitionedVae) => Array.from(m.withAttributeCodes(batch, m.attributeCodes({ x: partner })).dataSync());
    expect(fuse(loaded)).toEqual(fuse(model));
    expect(Array.from(loaded.reconstruct(batch).dataSync())).toEqual(Array.from(model.reconstruct(batch).dataSync()));
    expect(Array.from(loaded.sample(3, new SeededRandom(5)).dataSync())).toEqual(Array.from(model.sample(3, new SeededRandom(5)).dataSync()));
    model.dispose();
    loaded.dispose();
  });

  it('leaves no tensors behind: capabilities and every phase’s gradients', async () => {
    const model = createInfomiModel(config('pvae+gan+lf2'));
    const batch = imageBatch(4, 6);
    const codes = tf.tensor2d([[3, -1], [0, 1], [1, 1], [0.5, 0]]);
    await expectNoLeak(() => model.withAttributeCodes(batch, codes), 'withAttributeCodes');
    await expectNoLeak(() => model.attributeCodes(batch), 'attributeCodes');
    await expectNoLeak(() => model.reconstruct(batch), 'reconstruct');
    await expectNoLeak(() => model.sample(3, new SeededRandom(1)), 'sample');
    await expectNoLeak(() => model.transfer(batch, batch, 0), 'transfer');
    await expectNoLeak(() => model.encode(batch), 'encode');
    for (const phase of model.phases()) {
      await expectNoLeak(() => tf.variableGrads(() => phase.losses(batch, new SeededRandom(3)).total, phase.variables), `${phase.name} gradients`);
    }
    model.dispose();
  });

  it('bad input gets an error naming it', () => {
    const model = createInfomiModel(config('pvae+ls'));
    const batch = imageBatch(2, 0);
    expect(() => model.withAttributeCodes(batch, tf.tensor2d([[1, 0, 1], [0, 1, 0]]))).toThrow(/z2 has shape \[2,3\], expected \[2, 2\] \(one value per attribute: top, left\)/);
    expect(() => model.reconstruct({ x: tf.zeros([2, 16, 16, 1]) })).toThrow(/batch.x has shape \[2,16,16,1\], expected \[batch, 8, 8, 1\]/);
    const [phase] = model.phases();
    expect(() => phase.losses({ x: batch.x }, new SeededRandom(0))).toThrow(/batch.y \(attributes top, left\) is missing/);
    expect(() => phase.losses({ x: tf.slice(batch.x, [0], [1]), y: tf.tensor2d([[1, 0]]) }, new SeededRandom(0))).toThrow(/at least 2 examples per batch/);
    expect(() => model.transfer(batch, batch, 2)).toThrow(/label 2 is out of range 0..1 \(top, left\)/);
    const entry = INFOMI_MODELS['pvae+gan'];
    expect(() => entry.resolveConfig({ 'weights.style': 1 }, ENVIRONMENT)).toThrow(/weights.style is not a term of the model's loss/);
    expect(() => entry.resolveConfig({ colour: 1 }, ENVIRONMENT)).toThrow(/'colour' is not an option/);
    expect(() => entry.resolveConfig({}, { ...ENVIRONMENT, labels: [] })).toThrow(/labels must name the attributes z2 carries/);
    expect(() => entry.resolveConfig({}, { ...ENVIRONMENT, exclusive: true })).toThrow(/must be independent binary attributes/);
    expect(() => entry.resolveConfig({ convStages: '8,16,32,64' }, ENVIRONMENT)).toThrow(/convStages has 4 stride-2 stages, but the image side 8 does not divide by 2\^4/);
    expect(() => entry.resolveConfig({}, { ...ENVIRONMENT, input: { kind: 'vector', dim: 3 } } as never)).toThrow(/must be images/);
    model.dispose();
  });
});

describe('registry', () => {
  it('every entry lists capabilities its model implements, and resolving is idempotent', () => {
    for (const entry of models) {
      const resolved = entry.resolveConfig({ 'weights.gan': '5', convStages: '8,16', hidden: 32, z1Dim: '4' }, ENVIRONMENT);
      expect(entry.resolveConfig(resolved as unknown as Record<string, unknown>, ENVIRONMENT)).toEqual(resolved);
      expect(resolved.weights.gan).toBe(5);
      const model = entry.create(resolved);
      for (const capability of entry.capabilities) {
        expect(CAPABILITIES).toContain(capability);
        expect(missingCapabilityMethods(model, capability), `${entry.name} ${capability}`).toEqual([]);
      }
      model.dispose();
    }
  });
});
