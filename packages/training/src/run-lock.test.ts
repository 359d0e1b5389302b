/** One trainer per run (issue 15, item 4): a live owner is named, a stale lock is taken over. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireRunLock, assertRunUnlocked, LOCK_FILE, LOCK_HEARTBEAT_MS, REMOTE_LOCK_STALE_MS, RunLockedError } from './run-lock';
import { RunDirectory } from './run-directory';
import { train } from './trainer';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
let root: string;
let run: RunDirectory;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'run-lock-'));
  run = await RunDirectory.create(root, 'run', {});
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function problem(name: string) {
  const w = tf.variable(tf.zeros([2]), true, `${name}_${Math.random()}`);
  const optimizer = tf.train.sgd(0.1);
  return { variables: { w }, optimizer, losses: () => tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar, dispose: () => tf.dispose([w, optimizer as unknown as tf.Tensor]) };
}

describe('the run lock', () => {
  it('makes a second trainer on the same run fail, naming the first; the steps are logged once', async () => {
    const a = problem('a');
    const b = problem('b');
    let second: Error | undefined;
    const first = train({ run, totalSteps: 30, variables: a.variables, optimizer: a.optimizer, losses: () => ({ total: a.losses() }), logEvery: 1, progressStream: quiet,
      beforeStep: (step) => {
        // While the first trains, a second trainer starts on the same run.
        if (step === 3) void train({ run, totalSteps: 30, variables: b.variables, optimizer: b.optimizer, losses: () => ({ total: b.losses() }), progressStream: quiet }).catch((e: Error) => (second = e));
      },
    });
    await first;
    expect(second).toBeInstanceOf(RunLockedError);
    expect(second!.message).toContain(`is being trained by process ${process.pid}`);
    expect(second!.message).toContain(path.join(run.path, LOCK_FILE));
    expect((await run.readMetrics()).map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Released at the end: the run trains again.
    await expect(fs.stat(path.join(run.path, LOCK_FILE))).rejects.toThrow();
    a.dispose();
    b.dispose();
  });

  it('names another live process that holds the lock, and takes over the lock of a dead one', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    const lockPath = path.join(run.path, LOCK_FILE);
    await fs.writeFile(lockPath, JSON.stringify({ pid: sleeper.pid, host: os.hostname(), since: '2026-12-01T00:00:00.000Z', command: 'disentangle train csvae' }));
    const error = await acquireRunLock(run.path).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain(`process ${sleeper.pid} (since 2026-12-01T00:00:00.000Z: disentangle train csvae)`);

    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    const warnings: string[] = [];
    const lock = await acquireRunLock(run.path, (m) => warnings.push(m));
    expect(warnings).toEqual([`taking over the stale lock ${lockPath} (process ${sleeper.pid} is gone)`]);
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    await expect(fs.stat(lockPath)).rejects.toThrow();
  });

  it("treats another host's lock as live while it is touched, and as stale after 5 minutes untouched (a sweep worker on a lost machine)", async () => {
    const lockPath = path.join(run.path, LOCK_FILE);
    await fs.writeFile(lockPath, JSON.stringify({ pid: 4242, host: 'gpu-box-7', since: '2026-12-01T00:00:00.000Z' }));
    const error = await acquireRunLock(run.path).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain('process 4242 on host gpu-box-7');
    await expect(assertRunUnlocked(run.path)).rejects.toThrow(RunLockedError);

    const untouched = new Date(Date.now() - REMOTE_LOCK_STALE_MS - 5000);
    await fs.utimes(lockPath, untouched, untouched);
    await expect(assertRunUnlocked(run.path)).resolves.toBeUndefined();
    const warnings: string[] = [];
    const lock = await acquireRunLock(run.path, (m) => warnings.push(m));
    expect(warnings[0]).toMatch(new RegExp(`taking over the stale lock .* \\(host gpu-box-7 has not touched it for 30\\d s\\)`));
    await lock.release();
  });

  it('keeps touching its own lock while it holds it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const lock = await acquireRunLock(run.path);
      const lockPath = path.join(run.path, LOCK_FILE);
      const old = new Date(Date.now() - 3_600_000);
      await fs.utimes(lockPath, old, old);
      vi.advanceTimersByTime(LOCK_HEARTBEAT_MS + 10);
      await vi.waitFor(async () => expect((await fs.stat(lockPath)).mtimeMs).toBeGreaterThan(old.getTime() + 1000), { timeout: 2000, interval: 20 });
      await lock.release();
    } finally {
      vi.useRealTimers();
    }
  });
});
