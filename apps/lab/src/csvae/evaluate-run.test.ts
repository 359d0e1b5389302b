// tfjs-core first: the engine (and its Tensor class) must be the CommonJS copy the ops use.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '@disentangle/kernels';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainCsvaeRun } from './csvae-run';
import { evaluateCsvaeRun } from './evaluate-run';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const previousCache = process.env.DISENTANGLE_CACHE_DIR;

describe('disentangle eval <run-dir> on a CSVAE run', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    process.env.DISENTANGLE_CACHE_DIR = await mkdtemp(join(os.tmpdir(), 'eval-cache-'));
  });
  afterAll(() => {
    if (previousCache === undefined) delete process.env.DISENTANGLE_CACHE_DIR;
    else process.env.DISENTANGLE_CACHE_DIR = previousCache;
  });

  it('writes Table 1 (judged switch accuracy), the removal counterfactual and MIG/DCI as metrics.json', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'eval-run-'));
    const { run, model } = await trainCsvaeRun({
      runsDir, name: 'tiny', model: 'csvae',
      data: { dataset: 'faces', labels: ['Eyeglasses'], count: 240, seed: 2, size: 32 },
      modelConfig: { convStages: [8, 16, 16], hidden: [32], headHidden: 16, zDim: 4 },
      steps: 3, batchSize: 8, seed: 2, backend: { backend: 'cpu' } as unknown as BackendChoice, progressStream: quiet,
    });
    model.dispose();
    const { rows, markdown } = await evaluateCsvaeRun(run.path, { judgeSteps: 5, judgeCount: 200 });
    const names = rows.map((r) => r.name);
    expect(names).toEqual(['attribute-switch accuracy', 'removal counterfactual MSE', 'MIG', 'DCI disentanglement']);
    const accuracy = rows[0];
    expect(accuracy.value).toBeGreaterThanOrEqual(0);
    expect(accuracy.value).toBeLessThanOrEqual(1);
    expect(accuracy.judge).toMatch(/faces/);
    expect(accuracy.n).toBe(24); // one switch per test image (10% of 240)
    const json = JSON.parse(await readFile(join(run.path, 'metrics.json'), 'utf8')) as { rows?: unknown[] } | unknown[];
    expect(JSON.stringify(json)).toContain('attribute-switch accuracy');
    expect(await readFile(markdown, 'utf8')).toMatch(/attribute-switch accuracy/);
  });
});
