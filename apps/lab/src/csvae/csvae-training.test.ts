import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRows, knnAccuracy } from './csvae-evaluation';
import { trainCsvaeRun } from './csvae-run';
import { openCsvaeRun } from './trained-run';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;

describe('CSVAE on the swiss roll, through the one trainer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('hides the label from z: the adversary first learns to read it, then falls toward chance, while w holds it', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'csvae-roll-'));
    const { run, model, data } = await trainCsvaeRun({
      runsDir, name: 'roll', model: 'csvae', data: { dataset: 'swiss-roll', labels: ['label'], count: 3000, seed: 0 },
      steps: 700, batchSize: 64, learningRate: 1e-3, seed: 0, backend: cpu, progressStream: quiet,
    });
    const accuracy = (await run.readMetrics()).map((m) => Number(m['adversary.accuracy']));
    const peak = Math.max(...accuracy.slice(0, 40));
    const last = accuracy.slice(-8).reduce((s, v) => s + v, 0) / 8;
    expect(peak).toBeGreaterThan(0.7);
    expect(last).toBeLessThan(0.65);
    expect(last).toBeLessThan(peak - 0.1);
    // The label lives in W: 15-NN reads it from w almost perfectly.
    const train = { codes: await encodeRows(model, data, data.split.train), labels: Array.from(data.split.train, (i) => data.y[i]) };
    const test = { codes: await encodeRows(model, data, data.split.test), labels: Array.from(data.split.test, (i) => data.y[i]) };
    expect(knnAccuracy(train, test, model.codeWidth, [2, 3])).toBeGreaterThan(0.95);
    model.dispose();

    // The run reopens from its checkpoint with the same encodings.
    const reopened = await openCsvaeRun(run.path);
    expect(reopened.step).toBe(700);
    const again = await encodeRows(reopened.model, reopened.data, data.split.test.slice(0, 20));
    expect(Array.from(again)).toEqual(Array.from(test.codes.slice(0, 20 * model.codeWidth)));
    reopened.model.dispose();
  });

  it('resumes a stopped run where it left off', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'csvae-resume-'));
    const common = {
      runsDir, name: 'r', model: 'condvae-info' as const, data: { dataset: 'swiss-roll', labels: ['label'], count: 500, seed: 1 },
      batchSize: 32, seed: 1, backend: cpu, progressStream: quiet,
    };
    const first = await trainCsvaeRun({ ...common, steps: 10 });
    first.model.dispose();
    const second = await trainCsvaeRun({ ...common, steps: 25 });
    expect(second.result.resumedFrom).toBe(10);
    expect(second.result.step).toBe(25);
    const steps = (await second.run.readMetrics()).map((m) => m.step);
    expect(new Set(steps).size).toBe(steps.length); // no step logged twice
    second.model.dispose();
  });
});
