/**
 * Exact resume on wasm with one thread (deterministic): a seeded run stopped and resumed in
 * a fresh model with a fresh Adam ends bit for bit where an uninterrupted run ends. This needs
 * Adam's running β₁ᵗ, β₂ᵗ from the checkpoint: tfjs's `setWeights` recomputes them as powers,
 * which differ from the accumulated products in the last bits.
 */
import { initBackend, SeededRandom, type GenerativeModel } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunDirectory } from './run-directory';
import { trainModel, type BatchSource } from './train-model';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
let made = 0;

/** A two-layer regression net with seeded weights, and a seeded batch stream. */
function makeRun(): { model: GenerativeModel; batches: BatchSource } {
  const id = made++;
  const init = new SeededRandom(1).fork('init');
  const variables = {
    w1: tf.variable(tf.mul(init.normal([8, 32]), 0.3), true, `exact_w1_${id}`),
    b1: tf.variable(tf.zeros([32]), true, `exact_b1_${id}`),
    w2: tf.variable(tf.mul(init.normal([32, 1]), 0.3), true, `exact_w2_${id}`),
  };
  const trueW = new SeededRandom(2).normal([8, 1]);
  const model: GenerativeModel = {
    name: 'exact', variables, update: 'single', getConfig: () => ({}),
    dispose: () => tf.dispose([...Object.values(variables), trueW]),
    phases: () => [{
      name: 'main', variables: Object.values(variables),
      losses: ({ x, y }, random) => {
        // Noise on the hidden units, so the noise stream's state must resume too.
        const h = tf.tanh(tf.add(tf.add(tf.matMul(x, variables.w1), variables.b1), tf.mul(random.normal([32, 32]), 0.1)));
        return { total: tf.mean(tf.square(tf.sub(tf.matMul(h, variables.w2), y!))) as tf.Scalar };
      },
    }],
  };
  const data = new SeededRandom(3);
  const batches: BatchSource = {
    next: () => {
      const x = data.normal([32, 8]);
      return { x, y: tf.sin(tf.matMul(x, trueW)) as tf.Tensor2D };
    },
    getState: () => data.getState(),
    setState: (s) => data.setState(s as never),
  };
  return { model, batches };
}

async function weightBytes(model: GenerativeModel): Promise<Buffer[]> {
  return Promise.all(Object.values(model.variables).map(async (v) => Buffer.from(((await v.data()) as Float32Array).buffer)));
}

describe('exact resume on wasm, 1 thread', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  }, 60_000);

  it.each([
    ['drawn on the host', false],
    ['drawn with Philox on the backend (as on WebGPU)', true],
  ])('40 steps straight equal 40 steps stopped at 5, 17 and 29 and resumed: bit for bit, noise %s', async (_, deviceNoise) => {
    expect(tf.getBackend()).toBe('wasm');
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'exact-resume-'));
    const options = { steps: 40, learningRate: 0.01, seed: 4, checkpointEvery: 1000, progressStream: quiet, deviceNoise };

    const straight = makeRun();
    await trainModel({ ...straight, ...options, run: await RunDirectory.create(root, 'straight', {}) });
    const expected = await weightBytes(straight.model);
    straight.model.dispose();

    // Three restarts, each in new variables with a new Adam and a new batch stream: only the checkpoint carries state.
    let actual: Buffer[] = [];
    for (const [i, stop] of [5, 17, 29, 40].entries()) {
      const part = makeRun();
      const result = await trainModel({ ...part, ...options, steps: stop, run: await RunDirectory.create(root, 'resumed', {}) });
      expect(result.resumedFrom).toBe([0, 5, 17, 29][i]);
      actual = await weightBytes(part.model);
      part.model.dispose();
    }
    actual.forEach((bytes, i) => expect(bytes.equals(expected[i]), `variable ${i} differs`).toBe(true));
    await fs.rm(root, { recursive: true, force: true });
  }, 60_000);
});
