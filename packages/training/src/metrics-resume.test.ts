/**
 * metrics.jsonl agrees with the restored step in every case (issue 15, item 3): also when a
 * resume finds no checkpoint (a kill before the first one, a deleted checkpoints/), when the
 * latest checkpoint is unusable, and after a crash cut the last line short.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDirName } from './checkpoints';
import { RunDirectory } from './run-directory';
import { train } from './trainer';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
let root: string;
let run: RunDirectory;
let count = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'metrics-resume-'));
  run = await RunDirectory.create(root, 'run', {});
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function trainTo(totalSteps: number, checkpointEvery: number): Promise<void> {
  const w = tf.variable(tf.zeros([2]), true, `metrics_w_${count++}`);
  const optimizer = tf.train.sgd(0.1);
  await train({ run, totalSteps, variables: { w }, optimizer, losses: () => ({ total: tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar }), checkpointEvery, logEvery: 1, progressStream: quiet, onWarning: () => undefined });
  tf.dispose([w, optimizer as unknown as tf.Tensor]);
}

const steps = async () => (await run.readMetrics()).map((m) => m.step);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('metrics.jsonl after a resume', () => {
  it('has each step once when the checkpoints directory was deleted (the run starts over)', async () => {
    await trainTo(6, 100);
    await fs.rm(run.checkpointsDir, { recursive: true });
    await trainTo(6, 100);
    expect(await steps()).toEqual(oneToN(6));
  });

  it('has each step once after a kill before the first checkpoint (lines logged, no checkpoint)', async () => {
    for (const step of [1, 2, 3]) await run.appendMetrics({ step, total: 1 });
    await fs.appendFile(run.metricsPath, '{"step":4,"ti'); // the kill cut this write short
    await trainTo(5, 100);
    expect(await steps()).toEqual(oneToN(5));
  });

  it('has each step once when the latest checkpoint is corrupt and an older one is restored', async () => {
    await trainTo(8, 4);
    await fs.writeFile(path.join(run.checkpointsDir, checkpointDirName(8), 'weights.bin'), Buffer.alloc(8));
    await trainTo(10, 4);
    expect(await steps()).toEqual(oneToN(10));
  });
});
