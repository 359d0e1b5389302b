// A model that lives outside the lab, in its own package, registered only through
// DISENTANGLE_MODEL_PACKAGES: train, sample, swap, eval and `models` drive it as they drive
// the zoo, with no change to the lab.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry, MODEL_PACKAGES_VARIABLE } from '../registry/model-registry';
import { runEvalRunDirectory } from './eval';
import { formatModelDetails, formatModelTable } from './models';
import { runSample } from './sample';
import { runSwap } from './swap';
import { runTrainCommand } from './train';

const toyPackage = fileURLToPath(new URL('../../test/toy-model-package/index.ts', import.meta.url));
const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const size = async (file: string) => {
  const png = PNG.sync.read(await readFile(file));
  return { width: png.width, height: png.height };
};

describe('a model registered from its own package', () => {
  const previous = { models: process.env[MODEL_PACKAGES_VARIABLE], cache: process.env.DISENTANGLE_CACHE_DIR };
  let runPath: string;

  beforeAll(async () => {
    process.env[MODEL_PACKAGES_VARIABLE] = toyPackage;
    process.env.DISENTANGLE_CACHE_DIR = await mkdtemp(join(os.tmpdir(), 'toy-cache-'));
  });
  afterAll(() => {
    for (const [key, value] of [[MODEL_PACKAGES_VARIABLE, previous.models], ['DISENTANGLE_CACHE_DIR', previous.cache]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('is listed by `models` beside the zoo, with its paper, needs and capabilities', async () => {
    const registry = await loadModelRegistry();
    expect(registry.names()).toContain('toy-subspace');
    expect(registry.names()).toContain('csvae');
    expect(formatModelTable(registry)).toMatch(/toy-subspace\s+toy \(999\)\s+image, labels \(multi-label\/exclusive\)\s+encode, decode, reconstruct, sample, switchAttributes, variety, transfer/);
    expect(formatModelDetails(registry.get('toy-subspace'), registry.sourceOf('toy-subspace'))).toContain('zDim');
  });

  it('trains with `train`, resumes, and writes the pictures its capabilities allow', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'toy-runs-'));
    const common = { dataset: 'faces', labels: 'Eyeglasses', count: 160, size: 32, identities: 20, backend: 'wasm' as const, threads: 2, seed: 2, schedule: 'constant' as const, runsDir, name: 'toy', progressStream: quiet, set: { zDim: 3 } };
    const first = await runTrainCommand('toy-subspace', { ...common, steps: 20 });
    expect(tf.getBackend()).toBe('wasm');
    const metrics = await first.run.readMetrics();
    expect(metrics[metrics.length - 1].total).toBeLessThan(metrics[0].total);
    expect(first.run.config.modelConfig).toMatchObject({ zDim: 3, labels: ['Eyeglasses'] });
    expect(first.run.config.loaded.count).toBe(160);
    first.model.dispose();
    const second = await runTrainCommand('toy-subspace', { ...common, steps: 30 });
    expect(second.summary.resumedFrom).toBe(20);
    second.model.dispose();
    runPath = second.run.path;
    for (const file of ['reconstructions.png', 'samples.png', 'switches.png', 'loss-curve.svg']) {
      expect((await readFile(join(runPath, 'images', file))).length).toBeGreaterThan(500);
    }
  });

  it('samples, swaps (switch, variety, transfer) and evaluates through the same commands', async () => {
    const [samples] = await runSample(runPath, { count: 4, log: () => {} });
    expect((await size(samples)).height).toBeGreaterThan(2 * 96); // a 'none' row and an 'Eyeglasses' row
    const swaps = await runSwap(runPath, { count: 3, grid: 3, log: () => {} });
    expect(swaps.map((p) => p.split('/').pop())).toEqual(['switch-30.png', 'variety-Eyeglasses-30.png', 'transfer-Eyeglasses-30.png']);
    expect(await size(swaps[1])).toMatchObject({ height: expect.any(Number) });
    const { rows } = await runEvalRunDirectory(runPath, { judgeSteps: 5, judgeCount: 120, log: () => {} });
    const names = rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['attribute-switch accuracy', 'no-op floor', 'labels kept by reconstructions', 'reconstruction MSE', 'label read by 15-NN (label)', 'subspace gap / prior gap', 'MIG', 'DCI disentanglement', 'removal counterfactual MSE']));
    expect(names).not.toContain('identity MSE'); // binary labels: Method 2 does not apply
    const gap = rows.find((r) => r.name === 'subspace gap / prior gap')!;
    expect(gap.value).toBeCloseTo(1, 5); // w_k = 2·y_k exactly
    const readout = rows.find((r) => r.name === 'label read by 15-NN (label)')!;
    expect(readout.value).toBe(1);
    const switched = rows.find((r) => r.name === 'attribute-switch accuracy')!;
    expect(switched.judge).toMatch(/^disentangle-resnet-eval\/faces/);
    expect(await readFile(join(runPath, 'metrics.md'), 'utf8')).toContain('| attribute-switch accuracy |');
  });
});
