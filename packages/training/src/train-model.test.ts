import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom, type GenerativeModel, type ModelBatch } from '@disentangle/kernels';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { learningRateSchedule } from './learning-rate';
import { RunDirectory } from './run-directory';
import { trainModel, type BatchSource } from './train-model';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
let count = 0;

/**
 * Two coupled players over a seeded stream of batches: 'fit' moves a toward the batch mean
 * plus noise, 'follow' moves b toward a. Each phase records the batch object it saw.
 */
function makeToy() {
  const id = count++;
  const a = tf.variable(tf.scalar(0), true, `toy_a${id}`);
  const b = tf.variable(tf.scalar(0), true, `toy_b${id}`);
  const seen: { fit: ModelBatch[]; follow: ModelBatch[] } = { fit: [], follow: [] };
  const model: GenerativeModel = {
    name: 'toy',
    variables: { a, b },
    update: 'coupled',
    getConfig: () => ({}),
    dispose: () => tf.dispose([a, b]),
    phases: () => [
      { name: 'fit', variables: [a], losses: (batch, random) => {
        seen.fit.push(batch);
        return { total: tf.mean(tf.square(tf.sub(tf.add(batch.x, tf.mul(0.1, random.normal([1]))), a))) as tf.Scalar };
      } },
      { name: 'follow', variables: [b], losses: (batch) => {
        seen.follow.push(batch);
        return { total: tf.square(tf.sub(a, b)) as tf.Scalar };
      } },
    ],
  };
  return { model, a, b, seen };
}

function makeBatches(seed: number): BatchSource & { drawn: number } {
  const random = new SeededRandom(seed).fork('data');
  const source = {
    drawn: 0,
    batchesPerEpoch: 5,
    next: () => {
      source.drawn++;
      return { x: tf.add(random.normal([4]), 2) };
    },
    getState: () => random.getState(),
    setState: (state: unknown) => random.setState(state as ReturnType<SeededRandom['getState']>),
  };
  return source;
}

describe('trainModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("gives every phase of a step the same batch, draws one per step, and frees them", async () => {
    const run = await RunDirectory.create(await mkdtemp(join(os.tmpdir(), 'train-model-')), 'toy', {});
    const { model, seen } = makeToy();
    const batches = makeBatches(0);
    const before = tf.memory().numTensors;
    await trainModel({ model, run, batches, steps: 6, learningRate: 0.1, progressStream: quiet });
    expect(batches.drawn).toBe(6);
    expect(seen.fit.length).toBe(6);
    seen.fit.forEach((batch, i) => expect(seen.follow[i]).toBe(batch));
    expect(new Set(seen.fit).size).toBe(6);
    // Only the batches' tensors are gone; the optimisers and the last batch are freed too.
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('resumes exactly: 10 steps then 10 more equal 20 straight (batch cursor and noise restored)', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'train-model-'));
    const straight = makeToy();
    await trainModel({ model: straight.model, run: await RunDirectory.create(root, 'straight', {}), batches: makeBatches(3), steps: 20, learningRate: 0.05, seed: 7, checkpointEvery: 5, progressStream: quiet });

    const first = makeToy();
    const resumedRun = await RunDirectory.create(root, 'resumed', {});
    await trainModel({ model: first.model, run: resumedRun, batches: makeBatches(3), steps: 10, learningRate: 0.05, seed: 7, checkpointEvery: 5, progressStream: quiet });
    first.model.dispose();
    const second = makeToy();
    const result = await trainModel({ model: second.model, run: resumedRun, batches: makeBatches(3), steps: 20, learningRate: 0.05, seed: 7, checkpointEvery: 5, progressStream: quiet });
    expect(result.resumedFrom).toBe(10);
    expect(second.a.dataSync()[0]).toBe(straight.a.dataSync()[0]);
    expect(second.b.dataSync()[0]).toBe(straight.b.dataSync()[0]);
    expect(straight.a.dataSync()[0]).toBeGreaterThan(0.5); // it did learn toward the batch mean 2
    straight.model.dispose();
    second.model.dispose();
  });

  it('applies a schedule to every phase before each step', async () => {
    const run = await RunDirectory.create(await mkdtemp(join(os.tmpdir(), 'train-model-')), 'toy', {});
    const { model } = makeToy();
    const rates: number[] = [];
    const schedule = learningRateSchedule(0.1, { schedule: { milestoneEpochs: [1], gamma: 0.5, paperEpochs: 2 }, mode: 'paper', stepsPerEpoch: 3, totalSteps: 6 });
    await trainModel({ model, run, batches: makeBatches(1), steps: 6, schedule: (step) => (rates.push(schedule(step)), schedule(step)), progressStream: quiet });
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05]);
    model.dispose();
  });
});

describe('the README example', () => {
  it('trains a user model from a plain script with the built package, and resumes when run again', async () => {
    const script = fileURLToPath(new URL('../examples/train-your-own-model.mjs', import.meta.url));
    const cwd = await mkdtemp(join(os.tmpdir(), 'training-example-'));
    const run = promisify(execFile);
    const first = await run(process.execPath, [script], { cwd });
    const match = /step 300: mean ≈ \((-?[\d.]+), (-?[\d.]+)\)/.exec(first.stdout);
    expect(match, first.stdout + first.stderr).not.toBeNull();
    expect(Number(match![1])).toBeCloseTo(3, 0);
    expect(Number(match![2])).toBeCloseTo(-1, 0);
    const again = await run(process.execPath, [script], { cwd });
    expect(again.stdout).toContain('step 300');
    const metrics = await (await RunDirectory.open(join(cwd, 'runs', 'gaussian'))).readMetrics();
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => 10 * (i + 1)));
  }, 120_000);
});
