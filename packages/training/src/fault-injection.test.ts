/**
 * Fault injection: a child training process (test/train-child.mjs, the built package) is
 * SIGKILLed at random moments — mid-step, mid-checkpoint, mid-metrics-write — and at the
 * worst one on purpose (a step directory committed, latest.json not yet pointing at it),
 * then resumed, again and again. The run that survives must end bit for bit where an
 * uninterrupted run ends (weights and optimizer state: the final checkpoint's weights.bin),
 * with every step in metrics.jsonl exactly once and no leftovers (stale locks, temporaries).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '@disentangle/kernels';
import { describe, expect, it } from 'vitest';
import { RunDirectory } from './run-directory';

const child = fileURLToPath(new URL('../test/train-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const STEPS = 200;
const RANDOM_KILLS = 20;
/** Checkpoint steps at which the child kills itself between the step directory and latest.json. */
const TARGETED_KILLS = [25, 100, 175];

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs the child; with `kill`, SIGKILLs it `kill.afterMs` after it takes its `kill.afterBatches`-th
 * batch. Counting batches, not time, keeps each life a few steps long on a fast machine and a
 * slow one alike (a timer alone let an idle machine finish the run before the kills were spent).
 */
function runChild(root: string, name: string, extraEnv: Record<string, string> = {}, kill?: { afterBatches: number; afterMs: number }): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, RUN_ROOT: root, RUN_NAME: name, STEPS: String(STEPS), CHECKPOINT_EVERY: '5', LOG_EVERY: '1', ...(kill ? { REPORT_BATCHES: '1' } : {}), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (kill && (stdout.match(/^batch$/gm)?.length ?? 0) >= kill.afterBatches) {
        setTimeout(() => proc.kill('SIGKILL'), kill.afterMs);
        kill = undefined;
      }
    });
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function finalWeights(root: string, name: string): Promise<Buffer> {
  return fs.readFile(path.join(root, name, 'checkpoints', `step-${String(STEPS).padStart(8, '0')}`, 'weights.bin'));
}

describe('fault injection: SIGKILL at random moments, then resume', () => {
  it(`survives ${RANDOM_KILLS} random and ${TARGETED_KILLS.length} targeted kills: weights bit-exact, each step logged once`, async () => {
    expect(existsSync(built), `${built} is missing: build the package first (turbo builds before the tests)`).toBe(true);
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fault-injection-'));
    const straight = await runChild(root, 'straight');
    expect(straight.stdout, straight.stderr).toContain(`done ${STEPS} completed`);

    const random = new SeededRandom(15);
    let killed = 0;
    let finished = false;
    for (const step of TARGETED_KILLS) {
      const exit = await runChild(root, 'killed', { KILL_BEFORE_LATEST: String(step) });
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      killed++;
    }
    for (let i = 0; i < RANDOM_KILLS; i++) {
      // 1–5 steps into this life, then 0–3 ms more: mid-step, mid-checkpoint or mid-metrics-write.
      const exit = await runChild(root, 'killed', {}, { afterBatches: 1 + random.int(5), afterMs: random.uniformNumber() * 3 });
      if (exit.signal === 'SIGKILL') killed++;
      else {
        expect(exit.stdout, exit.stderr).toContain(`done ${STEPS} completed`);
        finished = true;
        break;
      }
    }
    if (!finished) {
      const last = await runChild(root, 'killed');
      expect(last.stdout, last.stderr).toContain(`done ${STEPS} completed`);
    }
    expect(killed).toBeGreaterThanOrEqual(TARGETED_KILLS.length + RANDOM_KILLS / 2);

    expect((await finalWeights(root, 'killed')).equals(await finalWeights(root, 'straight'))).toBe(true);
    const metrics = await (await RunDirectory.open(path.join(root, 'killed'))).readMetrics();
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    const reference = await (await RunDirectory.open(path.join(root, 'straight'))).readMetrics();
    expect(metrics.map((m) => m.total)).toEqual(reference.map((m) => m.total));
    // No lock, no temporary file or directory is left behind once the run has finished.
    expect((await fs.readdir(path.join(root, 'killed'))).sort()).toEqual(['checkpoints', 'config.json', 'images', 'metrics.jsonl']);
    expect((await fs.readdir(path.join(root, 'killed', 'checkpoints'))).filter((f) => f.startsWith('.'))).toEqual([]);
    console.log(`fault injection: ${killed} kills survived (${TARGETED_KILLS.length} between a step directory and latest.json)`);
    await fs.rm(root, { recursive: true, force: true });
  }, 120_000);
});
