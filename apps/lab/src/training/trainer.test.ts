import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunDirectory } from '../run/run-directory';
import { NonFiniteLossError, train } from './trainer';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

/** A linear regression whose batches and noise come from a seeded stream, as a real model's do. */
let problemCount = 0;
function makeProblem(seed: number) {
  const id = problemCount++;
  const init = new SeededRandom(seed).fork('init');
  const variables = { w: tf.variable(init.normal([3, 1]), true, `w${id}`), b: tf.variable(tf.zeros([1]), true, `b${id}`) };
  const optimizer = tf.train.adam(0.1);
  const stream = new SeededRandom(seed).fork('train');
  const trueW = tf.tensor2d([[1], [-2], [0.5]]);
  const losses = () => {
    const x = stream.normal([8, 3]);
    const y = tf.add(tf.matMul(x, trueW), tf.mul(0.01, stream.normal([8, 1])));
    const pred = tf.add(tf.matMul(x, variables.w), variables.b);
    return { total: tf.mean(tf.square(tf.sub(pred, y))) as tf.Scalar };
  };
  const dispose = () => tf.dispose([variables.w, variables.b, trueW, optimizer as unknown as tf.Tensor]);
  return { variables, optimizer, stream, losses, dispose };
}

describe('train', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('lowers the loss and, interrupted and resumed, ends exactly where an uninterrupted run does', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-'));
    const straight = makeProblem(7);
    const runA = await RunDirectory.create(root, 'straight', { seed: 7 });
    const a = await train({ run: runA, totalSteps: 40, ...straight, checkpointEvery: 100, logEvery: 1, progressStream: quiet,
      getState: () => ({ rng: straight.stream.getState() }), setState: (s) => straight.stream.setState(s.rng as never) });
    expect(a.step).toBe(40);
    const metrics = await runA.readMetrics();
    const mean = (xs: typeof metrics) => xs.reduce((t, m) => t + m.total, 0) / xs.length;
    expect(mean(metrics.slice(-5))).toBeLessThan(0.1 * mean(metrics.slice(0, 5)));
    const wStraight = Array.from(await straight.variables.w.data());

    // The same run, stopped after 5 steps and continued by fresh objects, as after a crash.
    const runB = await RunDirectory.create(root, 'resumed', { seed: 7 });
    const first = makeProblem(7);
    const common = { checkpointEvery: 100, logEvery: 1, progressStream: quiet };
    const partial = await train({ run: runB, totalSteps: 5, ...first, ...common,
      getState: () => ({ rng: first.stream.getState() }), setState: (s) => first.stream.setState(s.rng as never) });
    expect(partial.step).toBe(5);
    first.dispose();
    const second = makeProblem(7); // fresh weights, fresh optimizer, fresh stream: all must come from the checkpoint
    const resumed = await train({ run: await RunDirectory.create(root, 'resumed', { seed: 7 }), totalSteps: 40, ...second, ...common,
      getState: () => ({ rng: second.stream.getState() }), setState: (s) => second.stream.setState(s.rng as never) });
    expect(resumed.resumedFrom).toBe(5);
    expect(resumed.step).toBe(40);
    const wResumed = Array.from(await second.variables.w.data());
    // Not bit-identical: tfjs Adam recomputes β^t with pow() on restore where it had multiplied step by step.
    for (let i = 0; i < 3; i++) expect(wResumed[i]).toBeCloseTo(wStraight[i], 5);
    straight.dispose();
    second.dispose();
  });

  it('stops on a non-finite loss with an error naming the step and the terms', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-nan-'));
    const run = await RunDirectory.create(root, 'nan', {});
    const w = tf.variable(tf.scalar(1), true, 'w_nan');
    const optimizer = tf.train.sgd(0.1);
    const losses = (step: number) => ({ total: (step < 3 ? tf.square(w) : tf.mul(tf.div(w, 0), 0)) as tf.Scalar, extra: tf.scalar(step) as tf.Scalar });
    const error = await train({ run, totalSteps: 10, variables: { w }, optimizer, losses, progressStream: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/step 4 .*total=NaN, extra=3/);
    w.dispose();
  });
});
