import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { validateModelEntry, type ModelEnvironment } from '@disentangle/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSVAE_MODEL_NAMES, IMAGE_WEIGHTS, PAPER_OPTIMISATION, PAPER_WEIGHTS } from './config';
import { CSVAE_MODELS, models } from './index';

const images: ModelEnvironment = { input: { kind: 'image', size: 32, channels: 3 }, labels: ['Eyeglasses', 'Beard'], exclusive: false, seed: 4 };
const vectors: ModelEnvironment = { input: { kind: 'vector', dim: 3 }, labels: ['label'], exclusive: false, seed: 0 };

describe('registry entries (the ModelEntry contract)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('exports one valid entry per model, for paper 004', () => {
    expect(models.map((m) => m.name)).toEqual([...CSVAE_MODEL_NAMES]);
    for (const entry of models) {
      expect(() => validateModelEntry(entry, '@disentangle/csvae')).not.toThrow();
      expect(entry).toBe(CSVAE_MODELS[entry.name]);
      expect(entry.paper).toMatchObject({ id: 'csvae', number: '004' });
      expect(entry.needs.inputs).toEqual(['image', 'vector']);
      expect(entry.needs.labelKinds).toEqual(['multi-label', 'exclusive']);
      expect(entry.needs.labels).toBe(entry.name === 'vae' ? 'none' : 'required');
      expect(entry.description).toMatch(/ELBO in nats \(a lower bound\)/);
      expect(Object.keys(entry.options).length).toBeGreaterThan(5);
      expect(Object.values(entry.options).every((help) => typeof help === 'string' && help.length > 10)).toBe(true);
    }
    expect(CSVAE_MODELS.csvae.capabilities).toEqual(expect.arrayContaining(['encode', 'decode', 'reconstruct', 'sample', 'switchAttributes', 'variety', 'transfer', 'logLikelihood']));
    expect(CSVAE_MODELS.vae.capabilities).not.toContain('variety');
    expect(CSVAE_MODELS.csvae.options).toHaveProperty(['weights.entropy']);
    expect(CSVAE_MODELS.vae.options).not.toHaveProperty(['weights.entropy']);
  });

  it("carries the paper's optimisation: Adam(0.9, 0.999, 1e-8), lr 5e-4, batch 64, MultiStepLR at 3^i epochs, γ = 0.1^(1/7), 2300 epochs", () => {
    for (const entry of models) {
      expect(entry.optimization).toEqual({
        learningRate: 5e-4,
        batchSize: 64,
        adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        schedule: { milestoneEpochs: [1, 3, 9, 27, 81, 243, 729], gamma: PAPER_OPTIMISATION.gamma, paperEpochs: 2300 },
      });
    }
    expect(PAPER_OPTIMISATION.gamma ** 7).toBeCloseTo(0.1, 12);
  });

  it('resolveConfig fills defaults by input kind from the data, and is idempotent', () => {
    for (const entry of models) {
      for (const environment of [images, vectors]) {
        const once = entry.resolveConfig({}, environment);
        expect(once.model).toBe(entry.name);
        expect(once.labels).toEqual(environment.labels);
        expect(once.seed).toBe(environment.seed);
        expect(entry.resolveConfig(once as unknown as Record<string, unknown>, environment)).toEqual(once);
        expect(entry.resolveConfig(JSON.parse(JSON.stringify(once)), environment)).toEqual(once);
      }
    }
    const image = CSVAE_MODELS.csvae.resolveConfig({}, images);
    expect(image).toMatchObject({ normalization: 'batch', likelihood: 'gaussian', reconstructionReduction: 'sum', outputActivation: 'sigmoid', weights: IMAGE_WEIGHTS });
    expect(CSVAE_MODELS.csvae.resolveConfig({}, vectors)).toMatchObject({ normalization: 'none', reconstructionReduction: 'mean', outputActivation: 'linear', weights: PAPER_WEIGHTS });
  });

  it('takes overrides as values, command-line strings and dotted names', () => {
    const config = CSVAE_MODELS.csvae.resolveConfig(
      { zDim: '6', convStages: '8,16,32', wHidden: [32], 'weights.entropy': '50', 'priors.present.mean': 2, likelihood: 'bernoulli', seed: 9 },
      images,
    );
    expect(config).toMatchObject({ zDim: 6, convStages: [8, 16, 32], wConvStages: [8, 16, 32], wHidden: [32], likelihood: 'bernoulli', seed: 9 });
    expect(config.weights).toEqual({ ...IMAGE_WEIGHTS, entropy: 50 });
    expect(config.priors).toEqual({ absent: { mean: 0, std: 0.1 }, present: { mean: 2, std: 1 } });
    expect(CSVAE_MODELS.csvae.resolveConfig(config as unknown as Record<string, unknown>, images)).toEqual(config);
  });

  it('names the bad field: unknown options, bad values, and what the data decides', () => {
    const csvae = CSVAE_MODELS.csvae;
    expect(() => csvae.resolveConfig({ zdim: 4 }, images)).toThrow(/'zdim' is not an option of csvae \(known: .*zDim/);
    expect(() => csvae.resolveConfig({ zDim: 0 }, images)).toThrow(/zDim must be a positive integer/);
    expect(() => csvae.resolveConfig({ convStages: 'wide' }, images)).toThrow(/convStages must be a non-empty list/);
    expect(() => csvae.resolveConfig({ 'weights.beta9': 1 }, images)).toThrow(/weights.beta9 is not a loss weight/);
    expect(() => csvae.resolveConfig({ 'zDim.x': 1 }, images)).toThrow(/'zDim.x' has a dotted name/);
    expect(() => csvae.resolveConfig({ model: 'vae' }, images)).toThrow(/model is 'vae', but this entry builds 'csvae'/);
    expect(() => csvae.resolveConfig({ labels: ['Smiling'] }, images)).toThrow(/labels are \["Smiling"\], but the data has \["Eyeglasses","Beard"\]/);
    expect(() => csvae.resolveConfig({ input: { kind: 'vector', dim: 3 } }, images)).toThrow(/input is .*but the data is/);
    expect(() => csvae.resolveConfig({}, { ...images, labels: [] })).toThrow(/labels must name at least one binary label/);
    expect(CSVAE_MODELS.vae.resolveConfig({}, { ...images, labels: [] }).labels).toEqual([]);
    expect(() => csvae.create({ ...csvae.resolveConfig({}, images), model: 'vae' })).toThrow(/create\(\) got a config for 'vae'/);
  });

  it('create builds the named model from a resolved config, with the capabilities its entry lists', () => {
    for (const entry of models) {
      const model = entry.create(entry.resolveConfig({ convStages: [4, 8], hidden: [8], wConvStages: [4, 8], wHidden: [8] }, { ...images, input: { kind: 'image', size: 8, channels: 3 } }));
      expect(model.name).toBe(entry.name);
      expect(model.update).toBe(entry.name === 'csvae' || entry.name === 'condvae-info' ? 'coupled' : 'single');
      model.dispose();
    }
  });
});
