/**
 * SIGINT and SIGTERM stop a training process after the step in flight, with a checkpoint of
 * that step and its metrics line, however far the next logging or checkpoint step is (issue
 * 15, items 7 and 8). The child (test/train-child.mjs, the built package) then exits 130 / 143
 * as the CLI does.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunDirectory } from './run-directory';

const child = fileURLToPath(new URL('../test/train-child.mjs', import.meta.url));
const FAR = '1000000';

async function stopWith(signal: 'SIGINT' | 'SIGTERM') {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'stop-signals-'));
  const proc = spawn(process.execPath, [child], {
    env: { ...process.env, RUN_ROOT: root, STEPS: FAR, CHECKPOINT_EVERY: FAR, LOG_EVERY: FAR, SIGNAL_EXIT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('ready')) setTimeout(() => proc.kill(signal), 300);
  });
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  // Without a prompt stop the child would train a million steps: give it 10 s, then fail.
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { root, code, stdout, stderr };
}

describe('stop signals', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} stops after the current step, saves it, logs it, and the process exits ${code}`, async () => {
      const { root, code: exit, stdout, stderr } = await stopWith(signal);
      expect(exit, stderr).toBe(code);
      expect(stderr).toContain(`(${signal}): finishing this step and saving a checkpoint`);
      const stopped = Number(/done (\d+) interrupt/.exec(stdout)?.[1]);
      expect(stopped).toBeGreaterThan(0);
      const latest = JSON.parse(await fs.readFile(path.join(root, 'child', 'checkpoints', 'latest.json'), 'utf8'));
      expect(latest.step).toBe(stopped);
      expect((await (await RunDirectory.open(path.join(root, 'child'))).readMetrics()).map((m) => m.step)).toEqual([stopped]);
      await fs.rm(root, { recursive: true, force: true });
    }, 30_000);
  }
});
