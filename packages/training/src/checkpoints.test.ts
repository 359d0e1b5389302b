import { loadWeights } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkpointDirName,
  collectOptimizerWeights,
  listCheckpoints,
  loadLatestCheckpoint,
  restoreCheckpoint,
  restoreOptimizerWeights,
  saveCheckpoint,
} from './checkpoints';
import { RunDirectory } from './run-directory';

let root: string;
let run: RunDirectory;
let warnings: string[];
const collectWarnings = { onWarning: (m: string) => warnings.push(m) };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'checkpoints-'));
  run = await RunDirectory.create(root, 'run', { model: 'toy', steps: 100 });
  warnings = [];
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

async function saveSteps(steps: number[]): Promise<void> {
  for (const step of steps) {
    const w = tf.fill([2, 2], step);
    await saveCheckpoint(run, step, { w }, { step, rng: { seed: 7, draws: step * 3 } });
    w.dispose();
  }
}

describe('saveCheckpoint / loadLatestCheckpoint', () => {
  it('a fresh run has no checkpoint', async () => {
    expect(await loadLatestCheckpoint(run, collectWarnings)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('keeps the last 3 checkpoints and points latest.json at the newest', async () => {
    await saveSteps([10, 20, 30, 40]);
    const kept = await listCheckpoints(run);
    expect(kept.map((c) => c.step)).toEqual([20, 30, 40]);
    expect(kept.map((c) => path.basename(c.dir))).toEqual(['step-00000020', 'step-00000030', 'step-00000040']);
    expect(JSON.parse(await fs.readFile(path.join(run.checkpointsDir, 'latest.json'), 'utf8'))).toEqual({
      step: 40,
      dir: 'step-00000040',
    });
    // Only the step directories and latest.json: no temporary leftovers.
    expect((await fs.readdir(run.checkpointsDir)).sort()).toEqual([
      'latest.json',
      'step-00000020',
      'step-00000030',
      'step-00000040',
    ]);

    const latest = await loadLatestCheckpoint(run, collectWarnings);
    expect(latest).not.toBeNull();
    expect(latest!.step).toBe(40);
    expect(latest!.state).toEqual({ step: 40, rng: { seed: 7, draws: 120 } });
    expect(await values(latest!.tensors.w)).toEqual([40, 40, 40, 40]);
    expect(warnings).toEqual([]);
    tf.dispose(latest!.tensors);
  });

  it('honours a custom keep count', async () => {
    for (const step of [1, 2, 3]) {
      const w = tf.scalar(step);
      await saveCheckpoint(run, step, { w }, {}, { keep: 1 });
      w.dispose();
    }
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([3]);
  });

  it('stores the state in the tf.io manifest metadata', async () => {
    await saveSteps([5]);
    const { tensors, metadata } = await loadWeights(path.join(run.checkpointsDir, checkpointDirName(5)));
    expect(metadata).toMatchObject({ checkpoint: { step: 5, state: { step: 5, rng: { seed: 7, draws: 15 } } } });
    tf.dispose(tensors);
  });

  it('finds step 40 after latest.json is deleted', async () => {
    await saveSteps([10, 20, 30, 40]);
    await fs.rm(path.join(run.checkpointsDir, 'latest.json'));
    const latest = await loadLatestCheckpoint(run, collectWarnings);
    expect(latest!.step).toBe(40);
    expect(await values(latest!.tensors.w)).toEqual([40, 40, 40, 40]);
    expect(warnings.join('\n')).toMatch(/no usable .*latest\.json/);
    tf.dispose(latest!.tensors);
  });

  it('falls back when latest.json is garbage or names a missing directory', async () => {
    await saveSteps([10, 20]);
    const latestFile = path.join(run.checkpointsDir, 'latest.json');
    await fs.writeFile(latestFile, '{"step": 2');
    let latest = await loadLatestCheckpoint(run, collectWarnings);
    expect(latest!.step).toBe(20);
    tf.dispose(latest!.tensors);

    await fs.writeFile(latestFile, JSON.stringify({ step: 30, dir: 'step-00000030' }));
    latest = await loadLatestCheckpoint(run, collectWarnings);
    expect(latest!.step).toBe(20);
    expect(warnings.at(-1)).toMatch(/step-00000030, which cannot be loaded/);
    tf.dispose(latest!.tensors);
  });

  it('skips a corrupt newest checkpoint, and throws when none loads', async () => {
    await saveSteps([10, 20, 30]);
    await fs.truncate(path.join(run.checkpointsDir, checkpointDirName(30), 'weights.bin'), 5);
    const latest = await loadLatestCheckpoint(run, collectWarnings);
    expect(latest!.step).toBe(20);
    expect(warnings[0]).toMatch(/corrupt weights file/);
    tf.dispose(latest!.tensors);

    for (const step of [10, 20]) await fs.writeFile(path.join(run.checkpointsDir, checkpointDirName(step), 'model.json'), 'nope');
    await expect(loadLatestCheckpoint(run, collectWarnings)).rejects.toThrow(/no loadable checkpoint in .*step-00000030: corrupt/s);
  });

  it('saves variables by name and restores them strictly', async () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'checkpoints-test/w');
    await saveCheckpoint(run, 1, [w], { note: 'x' });
    const latest = await loadLatestCheckpoint(run, collectWarnings);
    const other = tf.variable(tf.zeros([3]), true, 'checkpoints-test/other');
    await restoreCheckpoint(latest!, { 'checkpoints-test/w': other });
    expect(await values(other)).toEqual([1, 2, 3]);
    const wrong = tf.variable(tf.zeros([4]), true, 'checkpoints-test/wrong');
    await expect(restoreCheckpoint(latest!, { 'checkpoints-test/w': wrong })).rejects.toThrow(
      /variable "checkpoints-test\/w": shape \[4\] in the model, \[3\] in checkpoint/,
    );
    tf.dispose([latest!.tensors, w, other, wrong]);
  });

  it('rejects tensor names that collide with optimizer state, and bad steps', async () => {
    const t = tf.scalar(1);
    await expect(saveCheckpoint(run, 1, { 'optimizer/x': t })).rejects.toThrow(/reserved for optimizer state/);
    await expect(saveCheckpoint(run, -1, { t })).rejects.toThrow(/non-negative integer/);
    t.dispose();
  });
});

/** A small least-squares problem: loss = mean((x·w + b − y)²). */
const X = [
  [1, 2, 3],
  [0, -1, 1],
  [2, 0, 1],
  [1, 1, 1],
  [-1, 3, 0],
];
const Y = [1, 0, 2, -1, 0.5];

interface Problem {
  w: tf.Variable;
  b: tf.Variable;
  optimizer: tf.Optimizer;
}

let problemCount = 0;
function makeProblem(init: { w: number[]; b: number }): Problem {
  problemCount += 1;
  return {
    w: tf.variable(tf.tensor2d(init.w, [3, 1]), true, `adam-problem-${problemCount}/w`),
    b: tf.variable(tf.scalar(init.b), true, `adam-problem-${problemCount}/b`),
    optimizer: tf.train.adam(0.05),
  };
}

function trainStep(p: Problem): void {
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y, [5, 1]);
  p.optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, p.w), p.b), y))) as tf.Scalar, false, [p.w, p.b]);
  tf.dispose([x, y]);
}

async function parameters(p: Problem): Promise<number[]> {
  return [...(await values(p.w)), ...(await values(p.b))];
}

function disposeProblem(p: Problem): void {
  tf.dispose([p.w, p.b]);
  p.optimizer.dispose();
}

function maxAbsDifference(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('optimizer state across a resume', () => {
  const init = { w: [0.5, -1, 2], b: 0.1 };

  it("restores Adam's moments so the next updates equal an uninterrupted run's", async () => {
    // Uninterrupted: 6 steps.
    const straight = makeProblem(init);
    for (let i = 0; i < 6; i++) trainStep(straight);
    const expected = await parameters(straight);

    // Interrupted: 4 steps, checkpoint, throw everything away.
    const first = makeProblem(init);
    for (let i = 0; i < 4; i++) trainStep(first);
    const atFour = await parameters(first);
    await saveCheckpoint(run, 4, { w: first.w, b: first.b }, { step: 4 }, { optimizers: { main: first.optimizer } });
    disposeProblem(first);

    // A new process: fresh variables (other values) and a fresh Adam, restored from disk.
    const resumed = makeProblem({ w: [0, 0, 0], b: 0 });
    const checkpoint = await loadLatestCheckpoint(run, collectWarnings);
    expect(checkpoint!.step).toBe(4);
    // w, b, then Adam's iteration count, its two moments for each of the two variables, and β₁ᵗ, β₂ᵗ.
    const names = Object.keys(checkpoint!.tensors);
    expect(names.slice(0, 3)).toEqual(['w', 'b', 'optimizer/main/iter']);
    expect(names.slice(-2)).toEqual(['optimizer/main/@accBeta1', 'optimizer/main/@accBeta2']);
    expect(names).toHaveLength(9);
    await restoreCheckpoint(checkpoint!, { w: resumed.w, b: resumed.b }, { optimizers: { main: resumed.optimizer } });
    tf.dispose(checkpoint!.tensors);
    expect(await parameters(resumed)).toEqual(atFour);
    expect(resumed.optimizer.iterations).toBe(4);
    for (let i = 0; i < 2; i++) trainStep(resumed);
    const got = await parameters(resumed);
    expect(maxAbsDifference(got, expected)).toBeLessThan(1e-6);

    // Without the optimizer state (a fresh Adam on the restored weights) the updates differ:
    // this is what the test above would catch.
    const naive = makeProblem({ w: [0, 0, 0], b: 0 });
    const again = await loadLatestCheckpoint(run, collectWarnings);
    await restoreCheckpoint(again!, { w: naive.w, b: naive.b });
    tf.dispose(again!.tensors);
    for (let i = 0; i < 2; i++) trainStep(naive);
    expect(maxAbsDifference(await parameters(naive), expected)).toBeGreaterThan(1e-3);

    tf.dispose([straight, resumed, naive].flatMap((p) => [p.w, p.b]));
    [straight, resumed, naive].forEach((p) => p.optimizer.dispose());
  });

  it('collect and restore leak no tensors and replace the old slot variables', async () => {
    const p = makeProblem(init);
    trainStep(p);
    const saved = await collectOptimizerWeights(p.optimizer, 'opt/');
    expect(Object.keys(saved)[0]).toBe('opt/iter');
    expect(Object.keys(saved)).toHaveLength(7); // iter + 2 moments × 2 variables + β₁ᵗ, β₂ᵗ
    await expectNoLeak(async () => {
      const weights = await collectOptimizerWeights(p.optimizer, 'opt/');
      tf.dispose(weights);
    }, 'collectOptimizerWeights');
    await expectNoLeak(() => restoreOptimizerWeights(p.optimizer, saved, 'opt/'), 'restoreOptimizerWeights');
    await expectNoLeak(async () => {
      await saveCheckpoint(run, 1, { w: p.w, b: p.b }, {}, { optimizers: { main: p.optimizer } });
      const loaded = await loadLatestCheckpoint(run, collectWarnings);
      await restoreCheckpoint(loaded!, { w: p.w, b: p.b }, { optimizers: { main: p.optimizer } });
      tf.dispose(loaded!.tensors);
    }, 'checkpoint round trip');
    tf.dispose(saved);
    disposeProblem(p);
  });

  it('errors when the checkpoint has no state for a requested optimizer', async () => {
    const p = makeProblem(init);
    await saveCheckpoint(run, 1, { w: p.w, b: p.b });
    const loaded = await loadLatestCheckpoint(run, collectWarnings);
    await expect(restoreCheckpoint(loaded!, { w: p.w, b: p.b }, { optimizers: { main: p.optimizer } })).rejects.toThrow(
      /holds no state for optimizer "main"/,
    );
    tf.dispose(loaded!.tensors);
    disposeProblem(p);
  });
});
