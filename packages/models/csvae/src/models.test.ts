import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { CAPABILITIES, missingCapabilityMethods, SeededRandom, type ModelPhase } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSwitchReference } from './attribute-switch';
import { CSVAE_MODEL_NAMES, resolveCsvaeConfig, type CsvaeConfigInput, type CsvaeModelName } from './config';
import type { Csvae } from './models/csvae';
import type { LatentSubspaceModel } from './models/latent-model';
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

/** 8×8 grey images whose top half is bright exactly when the label is on. */
function imageBatch(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const r = new SeededRandom(seed);
  const y = Array.from({ length: n }, (_, i) => [i % 2]);
  const pixels = new Float32Array(n * 8 * 8);
  for (let i = 0; i < n; i++) for (let p = 0; p < 64; p++) pixels[i * 64 + p] = (y[i][0] && p < 32 ? 0.8 : 0.2) + 0.1 * r.uniformNumber();
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(y) };
}

const vectorConfig = (model: CsvaeModelName): CsvaeConfigInput => ({ model, input: { kind: 'vector', dim: 3 }, labels: ['a', 'b'], hidden: [16, 16], headHidden: 16, adversaryHidden: [16, 16], seed: 3 });
const imageConfig = (model: CsvaeModelName): CsvaeConfigInput => ({
  model, input: { kind: 'image', size: 8, channels: 1 }, labels: ['top'], zDim: 3, convStages: [4, 8], hidden: [16], adversaryHidden: [8], seed: 1,
});

/** Adam on every phase, coupled as the trainer does it (gradients at the same weights, then applied), on one fixed batch. */
function fit(model: LatentSubspaceModel, batch: { x: tf.Tensor; y: tf.Tensor2D }, steps: number, learningRate = 3e-3): number[] {
  const phases: ModelPhase[] = model.phases();
  const optimizers = phases.map(() => tf.train.adam(learningRate));
  const random = new SeededRandom(9);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const results = phases.map((phase) => tf.variableGrads(() => phase.losses(batch, random).total, phase.variables));
    losses.push(results[0].value.dataSync()[0]);
    results.forEach(({ grads }, i) => optimizers[i].applyGradients(phases[i].variables.map((v) => ({ name: v.name, tensor: grads[v.name] }))));
    results.forEach(({ value, grads }) => tf.dispose([value, ...Object.values(grads)]));
  }
  optimizers.forEach((o) => o.dispose());
  return losses;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the four models of paper 004', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const name of CSVAE_MODEL_NAMES) {
    it(`${name}: the loss falls on a fixed batch (vectors and images)`, () => {
      const vectors = vectorBatch(32, 1);
      const model = createCsvaeModel(vectorConfig(name));
      const v = fit(model, vectors, 60);
      expect(mean(v.slice(-3))).toBeLessThan(0.7 * mean(v.slice(0, 3)));
      model.dispose();
      const images = imageBatch(8, 2);
      const imageModel = createCsvaeModel(imageConfig(name));
      const im = fit(imageModel, images, 40, 1e-2);
      // The model phase's total (CSVAE's includes β4·M2 ≤ 0, which can only help); a Gaussian
      // likelihood on 64 pixels leaves plenty of room to fall.
      expect(mean(im.slice(-3))).toBeLessThan(0.6 * mean(im.slice(0, 3)));
      imageModel.dispose();
      tf.dispose([vectors, images]);
    });

    it(`${name}: save → load gives identical encodings and outputs, batch-norm statistics included`, async () => {
      const model = createCsvaeModel(imageConfig(name));
      const batch = imageBatch(8, 5);
      fit(model, batch, 3, 1e-2); // moves the weights and the moving statistics away from their starts
      expect(model.statisticNames.length).toBeGreaterThan(0);
      const moved = Array.from(await model.variables[model.statisticNames[0]].data());
      expect(moved.some((v) => v !== 0)).toBe(true);
      const dir = join(await mkdtemp(join(os.tmpdir(), 'csvae-save-')), 'model');
      await saveCsvaeModel(model, dir);
      const loaded = await loadCsvaeModel(dir);
      expect(loaded.getConfig()).toEqual(model.getConfig());
      for (const statistic of model.statisticNames) {
        expect(Array.from(await loaded.variables[statistic].data())).toEqual(Array.from(await model.variables[statistic].data()));
      }
      const a = model.encode(batch);
      const b = loaded.encode(batch);
      expect(Array.from(await b.mu.data())).toEqual(Array.from(await a.mu.data()));
      expect(Array.from(await b.logVar.data())).toEqual(Array.from(await a.logVar.data()));
      expect(Array.from(await loaded.reconstruct(batch).data())).toEqual(Array.from(await model.reconstruct(batch).data()));
      tf.dispose([a, b, batch]);
      model.dispose();
      loaded.dispose();
    });

    it(`${name}: every capability its entry lists is implemented`, async () => {
      const { CSVAE_MODELS } = await import('./registry');
      const model = createCsvaeModel(vectorConfig(name));
      for (const capability of CSVAE_MODELS[name].capabilities) expect(missingCapabilityMethods(model, capability)).toEqual([]);
      expect(CSVAE_MODELS[name].capabilities.every((c) => (CAPABILITIES as readonly string[]).includes(c))).toBe(true);
      model.dispose();
    });
  }

  it('every trainable variable is in exactly one phase; the moving statistics are in none but are saved', () => {
    for (const name of CSVAE_MODEL_NAMES) {
      const model = createCsvaeModel(imageConfig(name));
      const trainable = new Set(model.trainableVariables);
      const phases = model.phases();
      const seen = new Set<tf.Variable>();
      for (const phase of phases) for (const v of phase.variables) {
        expect(trainable.has(v)).toBe(true);
        expect(seen.has(v)).toBe(false);
        seen.add(v);
      }
      expect(seen.size).toBe(trainable.size);
      const statistics = model.statisticNames.map((n) => model.variables[n]);
      expect(statistics.length).toBeGreaterThan(0);
      expect(model.statisticNames.every((n) => /\/moving_(mean|variance)$/.test(n))).toBe(true);
      for (const s of statistics) {
        expect(seen.has(s)).toBe(false);
        expect(s.trainable).toBe(false);
      }
      expect(Object.keys(model.variables).length).toBe(trainable.size + statistics.length);
      expect(phases.map((p) => p.name)).toEqual(name === 'csvae' || name === 'condvae-info' ? ['model', 'adversary'] : ['model']);
      model.dispose();
    }
  });

  it('the model phase updates the moving statistics once per step; the coupled adversary phase and the capabilities do not', async () => {
    for (const name of ['csvae', 'condvae-info'] as const) {
      const model = createCsvaeModel(imageConfig(name));
      const batch = imageBatch(8, 7);
      const read = async () => Promise.all(model.statisticNames.map(async (n) => Array.from(await model.variables[n].data())));
      const [modelPhase, adversaryPhase] = model.phases();
      const random = new SeededRandom(1);
      const start = await read();
      tf.dispose(Object.values(modelPhase.losses(batch, random)));
      const afterModel = await read();
      expect(afterModel).not.toEqual(start);
      tf.dispose(Object.values(adversaryPhase.losses(batch, random)));
      tf.dispose([model.encode(batch), model.reconstruct(batch), model.evaluationTerms(batch, random)].flatMap((t) => (t instanceof tf.Tensor ? [t] : Object.values(t))));
      expect(await read()).toEqual(afterModel);
      model.dispose();
    }
  });

  it('evaluation mode (capabilities) differs from training mode (losses) once batch norm has statistics to use', async () => {
    const model = createCsvaeModel(imageConfig('vae'));
    const batch = imageBatch(8, 8);
    const random = () => new SeededRandom(4);
    // Same noise, same weights: only batch norm's mode differs between the two.
    const training = model.phases()[0].losses(batch, random());
    const evaluation = model.evaluationTerms(batch, random());
    expect(Math.abs(training.reconstruction.dataSync()[0] - evaluation.reconstruction.dataSync()[0])).toBeGreaterThan(1e-3);
    const plain = createCsvaeModel({ ...imageConfig('vae'), normalization: 'none' });
    const a = plain.phases()[0].losses(batch, random());
    const b = plain.evaluationTerms(batch, random());
    expect(a.reconstruction.dataSync()[0]).toBeCloseTo(b.reconstruction.dataSync()[0], 5);
    model.dispose();
    plain.dispose();
  });

  it('CSVAE: the adversary phase reads the model phase’s z for the same batch, and encodes afresh otherwise', () => {
    const model = createCsvaeModel(vectorConfig('csvae')) as Csvae;
    const batch = vectorBatch(16, 3);
    const [modelPhase, adversaryPhase] = model.phases();
    tf.dispose(Object.values(modelPhase.losses(batch, new SeededRandom(1))));
    // The shared z does not depend on the adversary phase's own noise.
    const shared = adversaryPhase.losses(batch, new SeededRandom(2)).crossEntropy.dataSync()[0];
    const fresh1 = adversaryPhase.losses(batch, new SeededRandom(2)).crossEntropy.dataSync()[0];
    const fresh2 = adversaryPhase.losses(batch, new SeededRandom(3)).crossEntropy.dataSync()[0];
    expect(fresh1).not.toBeCloseTo(fresh2, 6); // used once: these encode afresh with their own noise
    expect(shared).not.toBeCloseTo(fresh1, 6);
    const other = vectorBatch(16, 4);
    tf.dispose(Object.values(modelPhase.losses(batch, new SeededRandom(1))));
    const onOther = adversaryPhase.losses(other, new SeededRandom(2)).crossEntropy.dataSync()[0];
    expect(onOther).toBeCloseTo(adversaryPhase.losses(other, new SeededRandom(2)).crossEntropy.dataSync()[0], 6);
    model.dispose();
  });

  it('CSVAE: at initialisation q(w | x, y) is the prior p(w | y), whatever x', async () => {
    for (const config of [vectorConfig('csvae'), imageConfig('csvae')]) {
      const model = createCsvaeModel(config) as Csvae;
      const batch = config.input.kind === 'vector' ? vectorBatch(6, 2) : imageBatch(6, 2);
      const { w } = model.encodeParts(batch);
      const labels = batch.y.arraySync() as number[][];
      const mu = w.mu.arraySync() as number[][];
      const logVar = w.logVar.arraySync() as number[][];
      const wDim = model.config.wDim;
      labels.forEach((row, r) => row.forEach((on, k) => {
        for (let c = 0; c < wDim; c++) {
          expect(mu[r][k * wDim + c]).toBeCloseTo(on ? 3 : 0, 6);
          expect(logVar[r][k * wDim + c]).toBeCloseTo(on ? 0 : 2 * Math.log(0.1), 5);
        }
      }));
      model.dispose();
    }
  });

  it('CSVAE: trained on images, mean w of the on- and off-examples stays about the prior gap apart', async () => {
    const model = createCsvaeModel({ ...imageConfig('csvae'), wConvStages: [4, 8], wHidden: [8] }) as Csvae;
    const batch = imageBatch(16, 11);
    const losses = fit(model, batch, 60, 1e-2);
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    const { w } = model.encodeParts(batch);
    const mu = w.mu.arraySync() as number[][];
    const y = batch.y.arraySync() as number[][];
    const on = mu.filter((_, r) => y[r][0] > 0.5).map((row) => row[0]);
    const off = mu.filter((_, r) => y[r][0] < 0.5).map((row) => row[0]);
    // Prior means 3 and 0: the w encoder's label input cannot be ignored.
    expect(Math.abs(mean(on) - mean(off) - 3)).toBeLessThan(0.75);
    model.dispose();
  });

  it("CSVAE: codeParts are z (free) then w_1..w_K (one per label, with their prior's means) and tile the code", () => {
    const model = createCsvaeModel({ ...vectorConfig('csvae'), zDim: 3, wDim: 2, priors: { present: { mean: 2.5 } } }) as Csvae;
    const parts = model.codeParts();
    const priorMeans = { on: [2.5, 2.5], off: [0, 0] };
    expect(parts).toEqual([
      { name: 'z', start: 0, size: 3, role: 'free' },
      { name: 'w_1', start: 3, size: 2, label: 0, role: 'label', priorMeans },
      { name: 'w_2', start: 5, size: 2, label: 1, role: 'label', priorMeans },
    ]);
    let next = 0;
    for (const p of parts) {
      expect(p.start).toBe(next);
      next += p.size;
    }
    expect(next).toBe(model.codeWidth);
    model.dispose();
    for (const name of ['vae', 'condvae', 'condvae-info'] as const) {
      const baseline = createCsvaeModel(vectorConfig(name));
      expect(baseline.codeParts()).toEqual([{ name: 'code', start: 0, size: baseline.codeWidth }]);
      baseline.dispose();
    }
  });

  it('CSVAE: styleGrid spans the prior p(w_k | y_k = 1), not the encoded spread', () => {
    const model = createCsvaeModel({ ...vectorConfig('csvae'), priors: { present: { mean: 3, std: 1.5 } } }) as Csvae;
    // A reference whose on-examples barely spread (0.01), rotated 45°.
    const axis = [Math.SQRT1_2, Math.SQRT1_2];
    const reference = { presentMean: [], absentMean: [], subspaces: [0, 1].map(() => ({ mean: [2.9, 3.1], axes: [axis, [-Math.SQRT1_2, Math.SQRT1_2]], scales: [0.01, 0.005] })) };
    const grid = model.styleGrid(reference, 0, 3, 2);
    expect(grid).toHaveLength(9);
    expect(grid[4][0]).toBeCloseTo(3, 6); // centred at the prior mean, not the encoded mean
    expect(grid[4][1]).toBeCloseTo(3, 6);
    const distance = (p: number[]) => Math.hypot(p[0] - 3, p[1] - 3);
    // Row-major: the first axis moves slowly. Corners sit at ±2·1.5 along each axis.
    expect(distance(grid[1])).toBeCloseTo(3, 5);
    expect(distance(grid[0])).toBeCloseTo(3 * Math.SQRT2, 5);
    expect(grid[7][0] - grid[1][0]).toBeCloseTo(2 * 3 * axis[0], 5);
    // Without principal axes it walks the coordinate axes.
    const plain = model.styleGrid({ presentMean: [], absentMean: [] }, 1, 3, 1);
    expect(plain[0]).toEqual([1.5, 1.5]);
    expect(plain[8]).toEqual([4.5, 4.5]);
    expect(plain[1]).toEqual([1.5, 3]);
    expect(() => model.styleGrid(reference, 2, 3)).toThrow(/label must be an index/);
    model.dispose();
  });

  it('CSVAE: transfer decodes the target’s z and other w with w_k from the source, for every pair', async () => {
    const model = createCsvaeModel(vectorConfig('csvae')) as Csvae;
    fit(model, vectorBatch(16, 1), 5); // leave the initial q(w|x,y) = p(w|y)
    const all = vectorBatch(5, 12);
    const sources = { x: tf.slice(all.x, [0, 0], [2, 3]) as tf.Tensor2D, y: tf.slice(all.y, [0, 0], [2, 2]) as tf.Tensor2D };
    const targets = { x: tf.slice(all.x, [2, 0], [3, 3]) as tf.Tensor2D, y: tf.slice(all.y, [2, 0], [3, 2]) as tf.Tensor2D };
    const out = model.transfer(sources, targets, 1);
    expect(out.shape).toEqual([6, 3]);
    const s = model.encodeParts(sources);
    const t = model.encodeParts(targets);
    const sw = s.w.mu.arraySync() as number[][];
    const tw = t.w.mu.arraySync() as number[][];
    const tz = t.z.mu.arraySync() as number[][];
    const rows = Array.from({ length: 3 }, (_, ti) => Array.from({ length: 2 }, (_, si) => [...tz[ti], tw[ti][0], tw[ti][1], sw[si][2], sw[si][3]])).flat();
    const expected = Array.from(await model.decodeCode(tf.tensor2d(rows)).data());
    Array.from(await out.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // Exclusive labels: the other subspace goes to the absent prior's mean.
    const exclusive = createCsvaeModel({ ...vectorConfig('csvae'), exclusive: true }) as Csvae;
    const one = { x: tf.slice(all.x, [0, 0], [1, 3]) as tf.Tensor2D, y: tf.tensor2d([[1, 0]]) };
    const two = { x: tf.slice(all.x, [1, 0], [1, 3]) as tf.Tensor2D, y: tf.tensor2d([[0, 1]]) };
    const moved = exclusive.transfer(one, two, 0);
    const parts = exclusive.encodeParts(two);
    const source = exclusive.encodeParts(one).w.mu.arraySync() as number[][];
    const code = [...(parts.z.mu.arraySync() as number[][])[0], source[0][0], source[0][1], 0, 0];
    const expectedExclusive = Array.from(await exclusive.decodeCode(tf.tensor2d([code])).data());
    Array.from(await moved.data()).forEach((v, i) => expect(v).toBeCloseTo(expectedExclusive[i], 5));
    model.dispose();
    exclusive.dispose();
  });

  it('logLikelihood is the unweighted ELBO in nats: −(Σ squared error + (D/2) log π) − KL', async () => {
    const model = createCsvaeModel({ ...vectorConfig('vae'), reconstructionReduction: 'sum', weights: { reconstruction: 7, klZ: 3 } });
    const batch = vectorBatch(6, 13);
    const elbo = Array.from(await model.logLikelihood(batch, new SeededRandom(5)).data());
    const terms = model.evaluationTerms(batch, new SeededRandom(5)); // the same noise draw
    const expected = -(terms.reconstruction.dataSync()[0] + 1.5 * Math.log(Math.PI)) - terms.klZ.dataSync()[0];
    expect(mean(elbo)).toBeCloseTo(expected, 3);
    const csvae = createCsvaeModel(vectorConfig('csvae'));
    const bound = Array.from(await csvae.logLikelihood(batch, new SeededRandom(5)).data());
    expect(bound.every(Number.isFinite)).toBe(true);
    model.dispose();
    csvae.dispose();
  });

  it('rejects bad configs and batches with errors that name the field', () => {
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), labels: [] })).toThrow(/labels must name at least one/);
    expect(resolveCsvaeConfig({ ...vectorConfig('vae'), labels: [] }).labels).toEqual([]); // the VAE trains without labels
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), model: 'gan' as never })).toThrow(/model must be one of vae, condvae/);
    expect(() => resolveCsvaeConfig({ ...vectorConfig('csvae'), priors: { absent: { mean: 0, std: 0 } } })).toThrow(/priors.absent.std/);
    expect(() => resolveCsvaeConfig({ ...imageConfig('vae'), input: { kind: 'image', size: 8, channels: 2 as never } })).toThrow(/input.channels/);
    expect(() => resolveCsvaeConfig({ ...imageConfig('vae'), convStages: [4, 8, 16, 32] })).toThrow(/convStages has 4 stride-2 stages/);
    expect(() => resolveCsvaeConfig({ ...imageConfig('vae'), normalization: 'layer' as never })).toThrow(/normalization must be 'batch' or 'none'/);
    expect(() => resolveCsvaeConfig({ ...imageConfig('vae'), hidden: 'wide' as never })).toThrow(/hidden must be a non-empty list/);
    expect(() => resolveCsvaeConfig({ ...vectorConfig('vae'), weights: { entropy: -1 } })).toThrow(/weights.entropy must be a finite number ≥ 0/);
    const model = createCsvaeModel(vectorConfig('csvae'));
    const random = new SeededRandom(0);
    const [phase] = model.phases();
    expect(() => phase.losses({ x: tf.zeros([4, 3]) }, random)).toThrow(/batch.y .*missing/);
    expect(() => phase.losses({ x: tf.zeros([4, 5]), y: tf.zeros([4, 2]) as tf.Tensor2D }, random)).toThrow(/batch.x has shape \[4,5\], expected \[batch, 3\]/);
    expect(() => phase.losses({ x: tf.zeros([4, 3]), y: tf.zeros([4, 1]) as tf.Tensor2D }, random)).toThrow(/batch.y has shape \[4,1\], expected \[4, 2\]/);
    expect(() => model.decodeCode(tf.zeros([2, 5]) as tf.Tensor2D)).toThrow(/code has shape \[2,5\], expected \[n, 6\]/);
    model.dispose();
  });

  it('CSVAE switch: a switched-on label decodes from p_k, a switched-off one from the origin, others keep their w', async () => {
    const model = createCsvaeModel(vectorConfig('csvae')) as Csvae;
    const batch = vectorBatch(6, 4);
    const mu = model.encode(batch).mu;
    const reference = model.switchReference(mu.dataSync() as Float32Array, batch.y.dataSync() as Float32Array);
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
    const reference = model.switchReference(mu.dataSync() as Float32Array, batch.y.dataSync() as Float32Array);
    expect(reference).toEqual(buildSwitchReference(mu.dataSync() as Float32Array, batch.y.dataSync() as Float32Array, model.codeWidth, 2));
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
