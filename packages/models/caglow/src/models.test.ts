import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { CAPABILITIES, missingCapabilityMethods, SeededRandom, type ModelBatch, type ModelPhase } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { resolveCaglowConfig, type CaglowConfigInput, type CaglowModelName } from './config';
import type { CaglowModel } from './models/caglow-model';
import type { FlowModel } from './models/flow-model';
import { CAGLOW_MODELS, createCaglowModel, loadCaglowModel, models, saveCaglowModel } from './registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 8×8 grey images, bright in the top half for class 0 and the bottom half for class 1, plus noise. */
function imageBatch(n: number, seed: number): ModelBatch & { y: tf.Tensor2D } {
  const r = new SeededRandom(seed);
  const pixels: number[] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c ? [0, 1] : [1, 0]);
    for (let p = 0; p < 64; p++) {
      const top = p < 32;
      pixels.push(Math.min(1, Math.max(0, (top === (c === 0) ? 0.8 : 0.15) + 0.05 * r.normalNumber())));
    }
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(labels) };
}

function config(model: CaglowModelName, extra: Partial<CaglowConfigInput> = {}): CaglowConfigInput {
  return {
    model,
    input: { kind: 'image', size: 8, channels: 1 },
    labels: ['top', 'bottom'],
    exclusive: true,
    flow: { levels: 2, stepsPerLevel: 2, hidden: 8, nBits: 5 },
    noiseDim: 4,
    encoderHidden: [16],
    trunkHidden: [16],
    continuousCodes: 1,
    discreteCodes: 1,
    ...extra,
  };
}

/** The phase's total on the fixed batch, with the same noise every time. */
function totalOf(phase: ModelPhase, batch: ModelBatch): number {
  return tf.tidy(() => phase.losses(batch, new SeededRandom(7)).total.dataSync()[0]);
}

function trainPhase(phase: ModelPhase, batch: ModelBatch, steps: number, rate = 1e-2): void {
  const optimizer = tf.train.adam(rate);
  for (let s = 0; s < steps; s++) {
    const random = new SeededRandom(7);
    tf.tidy(() => {
      optimizer.minimize(() => phase.losses(batch, random).total, false, phase.variables);
    });
  }
  optimizer.dispose();
}

describe('Glow and CGlow (paper 003 baselines)', () => {
  it.each(['glow', 'cglow'] as const)('%s: its one phase (eq. 9) lowers bits/dim on a fixed batch', (name) => {
    const model = createCaglowModel(config(name)) as FlowModel;
    const batch = imageBatch(16, 1);
    const [phase] = model.phases();
    const before = totalOf(phase, batch);
    trainPhase(phase, batch, 25);
    const after = totalOf(phase, batch);
    expect(after).toBeLessThan(before - 0.3);
    model.dispose();
  });

  it('cglow is conditional: sampling without labels or with an unknown layout is an error naming it', () => {
    const model = createCaglowModel(config('cglow')) as FlowModel;
    expect(() => model.sample(2, new SeededRandom(0))).toThrow(/needs labels y \[2, 2\] \(top, bottom\)/);
    expect(() => model.sample(2, new SeededRandom(0), tf.tensor2d([[1, 1], [0, 1]]))).toThrow(/row 0 has 2 of its 2 class columns on/);
    expect(() => model.sample(1, new SeededRandom(0), tf.tensor2d([[0.5, 0.5]]))).toThrow(/label 'top' of row 0 is 0.5/);
    model.dispose();
  });

  it('glow + pre-store: manipulate adds the stored mean latent differences, step by step', () => {
    const model = createCaglowModel(config('glow', { labels: ['top', 'bottom'], exclusive: false })) as FlowModel;
    const batch = imageBatch(8, 2);
    const codes = model.encode(batch).mu;
    const reference = model.switchReference(codes.dataSync() as Float32Array, batch.y.dataSync() as Float32Array);
    const steps = model.manipulate(batch, [{ label: 0, value: 1 }], new SeededRandom(0), reference);
    expect(steps).toHaveLength(2);
    // Step 0 reconstructs x (to its quantisation bin), step 1 moves rows with top = 0 by μ_top^on − μ_top^off.
    const x = batch.x.dataSync();
    const r0 = steps[0].dataSync();
    for (let i = 0; i < x.length; i++) expect(Math.abs(r0[i] - x[i])).toBeLessThan(1 / 32 + 1e-4);
    const moved = model.encode({ x: steps[1], y: batch.y }).mu.arraySync();
    const start = codes.arraySync();
    const shift = reference.presentMean[0].map((v, d) => v - reference.absentMean[0][d]);
    const row = 1; // class 1: top is off, so it gets the shift
    const error = moved[row].reduce((s, v, d) => s + Math.abs(v - (start[row][d] + shift[d])), 0) / shift.length;
    expect(error).toBeLessThan(0.2); // up to the re-quantisation of the edited image
    expect(() => model.manipulate(batch, [{ label: 5, value: 1 }], new SeededRandom(0), reference)).toThrow(/names condition 5; this model has 2 \(top, bottom\)/);
    model.dispose();
  });
});

describe('CAGlow (paper 003 §3)', () => {
  it('stage 1 trains only the flow; stage 2 only the supervision block and E (activeFrom / activeUntil)', () => {
    const model = createCaglowModel(config('caglow', { flowSteps: 100 })) as CaglowModel;
    const [flow, block, encoder] = model.phases();
    expect([flow.name, block.name, encoder.name]).toEqual(['flow', 'supervision', 'encoder']);
    expect(flow.activeUntil).toBe(100);
    expect(block.activeFrom).toBe(100);
    expect(encoder.activeFrom).toBe(100);
    const sets = [flow, block, encoder].map((p) => new Set(p.variables));
    for (const v of block.variables) expect(sets[0].has(v) || sets[2].has(v)).toBe(false);
    model.dispose();
    const tuned = createCaglowModel(config('caglow', { flowSteps: 100, fineTuneFlow: true })) as CaglowModel;
    expect(tuned.phases()[0].activeUntil).toBeUndefined();
    tuned.dispose();
  });

  it('each phase lowers its own losses on a fixed batch', () => {
    const model = createCaglowModel(config('caglow')) as CaglowModel;
    const batch = imageBatch(16, 3);
    const [flow, block, encoder] = model.phases();
    for (const [phase, steps, margin] of [[flow, 25, 0.3], [block, 40, 0.3], [encoder, 40, 0.3]] as const) {
      const before = totalOf(phase, batch);
      trainPhase(phase, batch, steps);
      expect(totalOf(phase, batch)).toBeLessThan(before - margin);
    }
    model.dispose();
  });

  it("E's samples pass through F⁻¹ into images of the data's shape, in [0, 1]", () => {
    const model = createCaglowModel(config('caglow')) as CaglowModel;
    const y = tf.tensor2d([[1, 0], [0, 1], [1, 0]]);
    const images = model.sample(3, new SeededRandom(0), y);
    expect(images.shape).toEqual([3, 8, 8, 1]);
    const values = images.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const traversal = model.sampleWithCodes(3, new SeededRandom(0), tf.tensor2d([[-1, 0], [0, 1], [1, 0]]), y);
    expect(traversal.shape).toEqual([3, 8, 8, 1]);
    model.dispose();
  });

  it('leaves no tensors behind: sampling, codes, manipulation, encoding and each phase’s gradients (the step’s cached real latents aside)', async () => {
    const model = createCaglowModel(config('caglow', { labels: ['top', 'glasses'], exclusive: false })) as CaglowModel;
    const batch = imageBatch(4, 6);
    const y = tf.tensor2d([[1, 0], [0, 1]]);
    const codes = tf.tensor2d([[0.5, 0], [-0.5, 1]]);
    // The first call caches this batch's real latents (kept until the next batch): warm it up first.
    tf.dispose(model.supervisionLosses(batch, new SeededRandom(0)) as unknown as tf.Tensor[]);
    await expectNoLeak(() => model.sample(2, new SeededRandom(1), y), 'sample');
    await expectNoLeak(() => model.sampleWithCodes(2, new SeededRandom(1), codes, y), 'sampleWithCodes');
    await expectNoLeak(() => model.manipulate({ x: batch.x, y: batch.y }, [{ label: 1, value: 1 }], new SeededRandom(2)), 'manipulate');
    await expectNoLeak(() => model.encode(batch), 'encode');
    for (const phase of model.phases()) {
      await expectNoLeak(() => tf.variableGrads(() => phase.losses(batch, new SeededRandom(3)).total, phase.variables), `${phase.name} gradients`);
    }
    model.dispose();
  });

  it('bad conditions and codes get errors naming them', () => {
    const model = createCaglowModel(config('caglow')) as CaglowModel;
    const y = tf.tensor2d([[1, 0]]);
    expect(() => model.sampleWithCodes(1, new SeededRandom(0), tf.tensor2d([[1.5, 0]]), y)).toThrow(/code 'c1' of row 0 is 1.5, outside its range \[-1, 1\]/);
    expect(() => model.sampleWithCodes(1, new SeededRandom(0), tf.tensor2d([[0, 0.5]]), y)).toThrow(/code 'd1' of row 0 is 0.5, outside its values \{0, 1\}/);
    expect(() => model.sample(1, new SeededRandom(0), tf.tensor2d([[1, 0, 0]]))).toThrow(/labels have shape \[1,3\], expected \[1, 2\] for the columns top, bottom/);
    expect(() => CAGLOW_MODELS.caglow.resolveConfig({ 'weights.style': 1 }, { input: { kind: 'image', size: 8, channels: 1 }, labels: ['a'], exclusive: true, seed: 0 })).toThrow(/weights.style is not a loss of eq. 15/);
    expect(() => CAGLOW_MODELS.caglow.resolveConfig({ colour: 1 }, { input: { kind: 'image', size: 8, channels: 1 }, labels: ['a'], exclusive: true, seed: 0 })).toThrow(/'colour' is not an option of caglow/);
    expect(() => CAGLOW_MODELS.cglow.resolveConfig({}, { input: { kind: 'image', size: 8, channels: 1 }, labels: [], exclusive: false, seed: 0 })).toThrow(/labels are empty, but cglow is conditional/);
    expect(() => CAGLOW_MODELS.glow.resolveConfig({ 'flow.levels': 4 }, { input: { kind: 'image', size: 8, channels: 1 }, labels: [], exclusive: false, seed: 0 })).toThrow(/side 8 does not divide by 2\^4/);
    model.dispose();
  });

  it('manipulate keeps E’s noise and codes and changes only the condition', () => {
    const model = createCaglowModel(config('caglow', { labels: ['top', 'glasses'], exclusive: false })) as CaglowModel;
    const batch = { x: tf.zeros([2, 8, 8, 1]), y: tf.tensor2d([[1, 0], [0, 1]]) };
    const steps = model.manipulate(batch, [{ label: 1, value: 1 }, { label: 0, value: 0 }], new SeededRandom(4));
    expect(steps).toHaveLength(3);
    // Row 1 already has glasses: step 1 changes nothing for it.
    const a = steps[0].arraySync() as number[][][][];
    const b = steps[1].arraySync() as number[][][][];
    expect(b[1]).toEqual(a[1]);
    expect(b[0]).not.toEqual(a[0]);
    model.dispose();
  });
});

describe('registry and save/load', () => {
  it('every entry lists capabilities its model implements', () => {
    for (const entry of models) {
      const model = entry.create(entry.resolveConfig(entry.name === 'glow' ? {} : {}, { input: { kind: 'image', size: 8, channels: 1 }, labels: ['top', 'bottom'], exclusive: true, seed: 0 }));
      for (const capability of entry.capabilities) {
        expect(CAPABILITIES).toContain(capability);
        expect(missingCapabilityMethods(model, capability)).toEqual([]);
      }
      model.dispose();
    }
  });

  it.each(['glow', 'cglow', 'caglow'] as const)('%s: save → load gives identical samples for a seed', async (name) => {
    const model = createCaglowModel(config(name));
    const batch = imageBatch(8, 5);
    // A few steps so the weights are not their zero initialisation.
    for (const phase of model.phases()) trainPhase(phase, batch, 3);
    const dir = join(await mkdtemp(join(os.tmpdir(), 'caglow-save-')), name);
    await saveCaglowModel(model, dir);
    const loaded = await loadCaglowModel(dir);
    const y = tf.tensor2d([[1, 0], [0, 1]]);
    const a = model.sample(2, new SeededRandom(11), y).dataSync();
    const b = loaded.sample(2, new SeededRandom(11), y).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(resolveCaglowConfig(loaded.config)).toEqual(resolveCaglowConfig(model.config));
    model.dispose();
    loaded.dispose();
  });
});
