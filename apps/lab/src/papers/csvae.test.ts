// Paper 004 through the generic pieces: the declaration is sound against the real registry,
// and CSVAE on the swiss roll, trained with the one trainer, shows Figure 2's mechanism —
// the adversary first reads the label from z, then is driven toward chance, while w holds it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '@disentangle/kernels';
import { computeMetric, createMetricContext } from '@disentangle/metrics';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry } from '../registry/model-registry';
import { checkDeclaration } from '../reproduce/runner';
import { openModelRun, trainModelRun } from '../runs/model-run';
import { csvaePaper } from './csvae';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;

describe('paper 004 (CSVAE) declaration', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names only models, datasets, metrics and columns that exist', async () => {
    checkDeclaration(csvaePaper, await loadModelRegistry());
  });

  it('swiss roll: the adversary rises above 0.7, then falls below 0.65 while 15-NN reads the label from w at > 95%; the run reopens identically', async () => {
    const registry = await loadModelRegistry();
    const runsDir = await mkdtemp(join(os.tmpdir(), 'csvae-roll-'));
    const { run, model, data } = await trainModelRun({
      registry, model: 'csvae', data: { dataset: 'swiss-roll', labels: ['label'], count: 3000, seed: 0 },
      steps: 700, batch: 64, learningRate: 1e-3, seed: 0, runsDir, name: 'roll', backend: cpu, progressStream: quiet, pictures: false,
    });
    const accuracy = (await run.readMetrics()).map((m) => Number(m['adversary.accuracy']));
    const peak = Math.max(...accuracy.slice(0, 40));
    const last = accuracy.slice(-8).reduce((s, v) => s + v, 0) / 8;
    expect(peak).toBeGreaterThan(0.7);
    expect(last).toBeLessThan(0.65);
    expect(last).toBeLessThan(peak - 0.1);
    const context = createMetricContext({ model, data });
    const fromW = await computeMetric(context, 'knn-label-readout', { parts: 'label' });
    expect(fromW.value).toBeGreaterThan(0.95);
    const codes = await computeMetric(context, 'label-subspace-gap');
    model.dispose();

    const reopened = await openModelRun(run.path, registry);
    expect(reopened.step).toBe(700);
    const again = await computeMetric(createMetricContext({ model: reopened.model, data: reopened.data! }), 'label-subspace-gap');
    expect(again.value).toBe(codes.value);
    reopened.model.dispose();
  });
});
