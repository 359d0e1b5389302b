/**
 * What a checkpoint may not be: corrupt bytes of the right size (issue 15, item 2), NaN
 * weights saved by a diverged step (item 5), a temporary latest.json left by a crash (item 14).
 */
import { saveWeights } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDirName, listCheckpoints, loadLatestCheckpoint, saveCheckpoint } from './checkpoints';
import { NonFiniteTensorsError } from './finite-tensors';
import { RunDirectory } from './run-directory';
import { NonFiniteLossError, NonFiniteWeightsError, train } from './trainer';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const DEAD_PID = 99_999_999;
let root: string;
let run: RunDirectory;
let warnings: string[];
const onWarning = (m: string) => warnings.push(m);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'integrity-'));
  run = await RunDirectory.create(root, 'run', {});
  warnings = [];
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function saveSteps(steps: number[]): Promise<void> {
  for (const step of steps) {
    const w = tf.fill([4], step);
    await saveCheckpoint(run, step, { w });
    w.dispose();
  }
}

const weightsOf = (step: number) => path.join(run.checkpointsDir, checkpointDirName(step), 'weights.bin');

describe('a corrupt checkpoint of the right size', () => {
  for (const [kind, fill] of [['zeros', () => Buffer.alloc(16)], ['random bytes', () => Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 97 + 13) % 256))]] as const) {
    it(`(${kind}) is not loaded: the previous one is, with a warning naming it`, async () => {
      await saveSteps([10, 20]);
      await fs.writeFile(weightsOf(20), fill());
      const loaded = await loadLatestCheckpoint(run, { onWarning });
      expect(loaded!.step).toBe(10);
      expect(Array.from(await loaded!.tensors.w.data())).toEqual([10, 10, 10, 10]);
      tf.dispose(loaded!.tensors);
      expect(warnings.join('\n')).toMatch(/step-00000020.*SHA-256/);
    });
  }

  it('holding NaN (written without the checks) is skipped like a corrupt one, naming the tensor', async () => {
    await saveSteps([10]);
    const nan = tf.tensor1d([1, Number.NaN, 3, 4]);
    await saveWeights(path.join(run.checkpointsDir, checkpointDirName(20)), { w: nan }, { metadata: { checkpoint: { step: 20, savedAt: '', state: {} } } });
    nan.dispose();
    await fs.writeFile(path.join(run.checkpointsDir, 'latest.json'), JSON.stringify({ step: 20, dir: checkpointDirName(20) }));
    const loaded = await loadLatestCheckpoint(run, { onWarning });
    expect(loaded!.step).toBe(10);
    tf.dispose(loaded!.tensors);
    expect(warnings.join('\n')).toMatch(/step-00000020.*non-finite values in "w" \(1 non-finite values, e\.g\. NaN\)/);
  });
});

describe('a diverged step', () => {
  it('is never saved: saveCheckpoint names the non-finite tensor and keeps latest.json', async () => {
    await saveSteps([10]);
    const w = tf.tensor1d([1, Number.POSITIVE_INFINITY, 3, 4]);
    const error = await saveCheckpoint(run, 20, { w }).catch((e: Error) => e);
    w.dispose();
    expect(error).toBeInstanceOf(NonFiniteTensorsError);
    expect((error as Error).message).toMatch(/checkpoint of step 20 not saved: non-finite values in "w"/);
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([10]);
    expect(JSON.parse(await fs.readFile(path.join(run.checkpointsDir, 'latest.json'), 'utf8')).step).toBe(10);
  });

  it('with a non-finite loss stops with an error listing the good checkpoints and how to resume from one', async () => {
    // Step 6's loss is infinite (its scale is), whether the weights broke too or not.
    const w = tf.variable(tf.zeros([2]), true, 'diverge_weights');
    const optimizer = tf.train.sgd(0.25);
    let calls = 0;
    const losses = () => {
      calls++;
      const scale = calls === 6 ? Number.POSITIVE_INFINITY : 1;
      return { total: tf.sum(tf.square(tf.sub(tf.mul(w, scale), 2))) as tf.Scalar };
    };
    const error = await train({ run, totalSteps: 20, variables: { w }, optimizer, losses, checkpointEvery: 3, logEvery: 1, progressStream: quiet }).catch((e: Error) => e);
    tf.dispose([w, optimizer as unknown as tf.Tensor]);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toContain('Saved checkpoints: step 3');
    expect((error as Error).message).toContain('`fromStep`');
    expect((error as Error).message).toContain('--from-step N');
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([3]);
  });

  it('saves nothing when weights break on a checkpoint step, and fromStep resumes from an older checkpoint, dropping the later ones', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'diverge_at_checkpoint');
    const optimizer = tf.train.sgd(0.25);
    // Step 6 has a finite loss (0) but a NaN gradient (sqrt's at 0, times 0): the weights break, the loss does not.
    let calls = 0;
    const losses = () => {
      calls++;
      if (calls === 6) return { total: tf.sum(tf.sqrt(tf.mul(tf.sub(w, w), 1))) as tf.Scalar }; // loss 0, gradient ∞·0 = NaN
      return { total: tf.sum(tf.square(tf.sub(w, 2))) as tf.Scalar };
    };
    const error = await train({ run, totalSteps: 20, variables: { w }, optimizer, losses, checkpointEvery: 2, logEvery: 1, progressStream: quiet }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonFiniteWeightsError);
    expect((error as Error).message).toMatch(/checkpoint of step 6 not saved: non-finite values in "w"/);
    expect((error as Error).message).toContain('Saved checkpoints: step 2, 4; nothing after step 4 was saved');
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([2, 4]);

    // Resume from step 2 on purpose: step 4's checkpoint and the metrics after step 2 go.
    calls = 100;
    const resumed = await train({ run, totalSteps: 8, variables: { w }, optimizer, losses, checkpointEvery: 2, logEvery: 1, progressStream: quiet, fromStep: 2, onWarning });
    expect(resumed.resumedFrom).toBe(2);
    expect(warnings.join('\n')).toContain('deleted the later checkpoints (step 4)');
    expect((await run.readMetrics()).map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(train({ run, totalSteps: 9, variables: { w }, optimizer, losses, progressStream: quiet, fromStep: 3 })).rejects.toThrow(/no checkpoint of step 3 in .*checkpoints; there are steps 4, 6, 8/);
    // fromStep 0 starts over: every checkpoint and metrics line goes, and the next resume finds the new ones.
    const over = await train({ run, totalSteps: 3, variables: { w }, optimizer, losses, checkpointEvery: 100, logEvery: 1, progressStream: quiet, fromStep: 0, onWarning });
    expect(over.resumedFrom).toBe(0);
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([3]);
    expect((await run.readMetrics()).map((m) => m.step)).toEqual([1, 2, 3]);
    const latest = await loadLatestCheckpoint(run, { onWarning });
    expect(latest!.step).toBe(3);
    tf.dispose(latest!.tensors);
    tf.dispose([w, optimizer as unknown as tf.Tensor]);
  });
});

describe('a temporary latest.json left by a crash', () => {
  it('is removed by the next checkpoint; a live writer’s is left alone', async () => {
    const stale = path.join(run.checkpointsDir, `.latest.json.tmp-${DEAD_PID}-abc123`);
    const live = path.join(run.checkpointsDir, `.latest.json.tmp-${process.ppid}-def456`);
    await fs.writeFile(stale, '{"step":');
    await fs.writeFile(live, '{"step":');
    await saveSteps([10]);
    const left = await fs.readdir(run.checkpointsDir);
    expect(left).not.toContain(path.basename(stale));
    expect(left).toContain(path.basename(live));
  });
});
