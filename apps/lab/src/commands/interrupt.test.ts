import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

describe('Ctrl-C or SIGTERM during training', () => {
  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) it(`${signal} finishes the step, saves a checkpoint and the summary, and exits ${exitCode} (resume itself: registered-model.test.ts)`, async () => {
    expect(existsSync(cli), `${cli} is missing: run the build first (turbo runs it before the tests)`).toBe(true);
    const runsDir = await mkdtemp(join(os.tmpdir(), `interrupt-${signal}-`));
    const args = [cli, 'train', 'vae', '--dataset', 'swiss-roll', '--labels', 'label', '--count', '400', '--name', 'interrupted', '--runs-dir', runsDir, '--backend', 'wasm', '--threads', '1', '--batch', '8', '--steps', '100000', '--seconds', '600'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // Wait until training is under way (the backend line, then a few seconds of steps), then interrupt.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`training did not start within 60 s:\n${stderr}`)), 60_000);
      child.stderr.on('data', () => {
        if (/backend: wasm/.test(stderr)) {
          clearTimeout(timer);
          setTimeout(resolve, 2500);
        }
      });
    });
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toContain(`(${signal}): finishing this step and saving a checkpoint`);
    expect(stderr).toContain(`interrupted by ${signal} at step`);
    // Non-zero, so `train && eval` does not go on as if training had finished.
    expect(code).toBe(exitCode);
    const latest = JSON.parse(await readFile(join(runsDir, 'interrupted', 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
    expect(latest.step).toBeGreaterThan(0);
    const summary = JSON.parse(await readFile(join(runsDir, 'interrupted', 'summary.json'), 'utf8')) as { stoppedBy: string; step: number };
    expect(summary).toMatchObject({ stoppedBy: 'interrupt', step: latest.step });
  });
});
