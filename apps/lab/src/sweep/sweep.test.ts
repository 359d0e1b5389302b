// Sweeps through BullMQ on a throwaway loopback Redis (issue 18): the built CLI's `sweep`,
// `worker`, `sweep status` and `sweep report` on a toy declaration loaded through
// DISENTANGLE_PAPERS, with worker processes that are killed, a Redis that restarts, and a
// job that always fails. Every wait is bounded; every process is stopped at the end.
import { startTestRedis, type TestRedis } from '@disentangle/sweep/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const toyPaper = fileURLToPath(new URL('../../test/sweep/toy-sweep-paper.mjs', import.meta.url));

let redis: TestRedis;
let store: string;
let env: NodeJS.ProcessEnv;
const children = new Set<ChildProcess>();

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `done` resolves when it exits, or rejects after `limitMs` (and kills it). */
function start(args: string[], limitMs = 120_000): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`disentangle ${args.join(' ')} ran over ${limitMs / 1000} s:\n${stderr.slice(-3000)}`));
    }, limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => stderr };
}

async function run(args: string[], limitMs?: number): Promise<Finished> {
  const finished = await start(args, limitMs).done;
  if (finished.code !== 0) throw new Error(`disentangle ${args.join(' ')} exited ${finished.code}:\n${finished.stderr.slice(-3000)}`);
  return finished;
}

const queue = () => ['--queue', redis.url];
const worker = (...extra: string[]) => ['worker', ...queue(), '--store', store, '--backend', 'wasm', '--threads', '1', '--stall-seconds', '3', ...extra];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out after ${limitMs / 1000} s waiting for ${what}`);
}

async function jsonl(file: string): Promise<{ step: number }[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { step: number });
}

describe('sweeps through BullMQ on Redis', () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    store = await mkdtemp(join(os.tmpdir(), 'sweep-store-'));
    env = { ...process.env, DISENTANGLE_PAPERS: toyPaper, DISENTANGLE_CACHE_DIR: await mkdtemp(join(os.tmpdir(), 'sweep-cache-')) };
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await redis?.stop();
  });

  it('fans 6 jobs (2 models × 3 seeds) over 2 worker processes; a second enqueue adds none; the report gives mean ± std over the seeds', async () => {
    expect(existsSync(cli), `${cli} is missing: run the build first (turbo runs it before the tests)`).toBe(true);
    const first = await run(['sweep', 'toy-sweep', '--quick', '--seeds', '0,1,2', ...queue(), '--store', store]);
    expect(first.stdout).toContain('toy-sweep (quick), seeds 0, 1, 2: 6 jobs, 6 added, 0 already queued');
    const second = await run(['sweep', 'toy-sweep', '--quick', '--seeds', '0,1,2', ...queue(), '--store', store]);
    expect(second.stdout).toContain('6 jobs, 0 added, 6 already queued');

    const workers = [start(worker('--until-empty')), start(worker('--until-empty'))];
    const ended = await Promise.all(workers.map((w) => w.done));
    expect(ended.map((e) => e.code)).toEqual([0, 0]);
    // Every job ran once, on its first try, whichever worker took it.
    const taken = ended.map((e) => [...e.stderr.matchAll(/: (toy-sweep\/quick\/seed-\d\/roll-\w+) done/g)].map((m) => m[1]));
    expect(taken.flat().sort()).toEqual(['0', '1', '2'].flatMap((s) => [`toy-sweep/quick/seed-${s}/roll-condvae`, `toy-sweep/quick/seed-${s}/roll-vae`]));

    const status = await run(['sweep', 'status', ...queue()]);
    expect(status.stdout).toMatch(/toy-sweep\/quick\/seed-2\/roll-vae\s+completed\s+40\/40\s+1/);
    expect(status.stdout).toContain('6 jobs: 0 waiting, 0 running, 0 delayed, 6 done, 0 failed');
    for (const seed of [0, 1, 2]) {
      const job = JSON.parse(await readFile(join(store, 'toy-sweep-quick', `seed-${seed}`, 'roll-vae', 'sweep-job.json'), 'utf8')) as { attempt: number; step: number };
      expect(job).toMatchObject({ attempt: 1, step: 40 });
    }

    const reported = await run(['sweep', 'report', 'toy-sweep', '--quick', '--seeds', '0,1,2', '--store', store, '--backend', 'wasm', '--threads', '1']);
    const results = JSON.parse(await readFile(join(store, 'toy-sweep-quick', 'results.json'), 'utf8')) as { seeds: number[]; tables: { cells: Record<string, Record<string, { value: number; spread: { std: number; seeds: number; values: number[] } }>> }[]; claims: { verdict: string; perSeed: { verdict: string }[] }[] };
    expect(results.seeds).toEqual([0, 1, 2]);
    const knn = results.tables[0].cells.vae.knn;
    // The mean and sample std of the three seeds' own numbers, each read once from its run.
    const own = await Promise.all([0, 1, 2].map(async (s) => (JSON.parse(await readFile(join(store, 'toy-sweep-quick', `seed-${s}`, 'roll-vae', 'evaluation.json'), 'utf8')) as { results: Record<string, { value: number }> }).results['knn-label-readout {"parts":"all"}'].value));
    expect(knn.spread.values).toEqual(own);
    expect(knn.value).toBeCloseTo((own[0] + own[1] + own[2]) / 3, 12);
    const mean = knn.value;
    expect(knn.spread.std).toBeCloseTo(Math.sqrt(own.reduce((a, v) => a + (v - mean) ** 2, 0) / 2), 12);
    expect(results.claims[1]).toMatchObject({ verdict: 'does not hold', perSeed: [{ verdict: 'does not hold' }, { verdict: 'does not hold' }, { verdict: 'does not hold' }] });
    const text = await readFile(reported.stdout.match(/report: (.*)/)![1], 'utf8');
    expect(text).toContain('**Seeds 0, 1, 2** (n = 3)');
    expect(text).toMatch(/\| vae \| \d\.\d{3} ± \d\.\d{3} \|/);
    expect(text).toMatch(/Per seed: holds in 0\/3 \(seed 0 ✗, seed 1 ✗, seed 2 ✗\)/);
  });

  it('a worker SIGKILLed mid-job: the other worker resumes the job from its last checkpoint, and the run logs each step once', async () => {
    await run(['sweep', 'toy-sweep', '--budget', 'long', ...queue(), '--store', store]);
    const runPath = join(store, 'toy-sweep-long', 'seed-0', 'roll-vae');
    const doomed = start(worker('--checkpoint-every', '100'));
    // Killed once it has checkpoints to resume from and is still far from the end.
    const step = await waitFor('a checkpoint of the long job', async () => {
      const latest = await readFile(join(runPath, 'checkpoints', 'latest.json'), 'utf8').catch(() => undefined);
      const at = latest ? (JSON.parse(latest) as { step: number }).step : 0;
      return at >= 300 ? at : undefined;
    });
    doomed.child.kill('SIGKILL');
    await doomed.done;
    expect(step).toBeLessThan(2000);

    const successor = await start(worker('--until-empty')).done;
    expect(successor.code).toBe(0);
    expect(successor.stderr).toMatch(/taking over the stale lock .* \(process \d+ is gone\)/);
    const summary = JSON.parse(await readFile(join(runPath, 'summary.json'), 'utf8')) as { step: number; resumedFrom: number };
    expect(summary.step).toBe(2500);
    expect(summary.resumedFrom).toBeGreaterThanOrEqual(step);
    const steps = (await jsonl(join(runPath, 'metrics.jsonl'))).map((m) => m.step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(2500);
    expect(JSON.parse(await readFile(join(runPath, 'sweep-job.json'), 'utf8'))).toMatchObject({ attempt: 2, step: 2500 });
    const status = await run(['sweep', 'status', 'toy-sweep', ...queue()]);
    expect(status.stdout).toMatch(/toy-sweep\/long\/seed-0\/roll-vae\s+completed\s+2500\/2500\s+2/);
  });

  it('a worker stopped by SIGTERM saves its checkpoint, gives its job back without using a try, takes no other job and exits 143', async () => {
    await run(['sweep', 'toy-sweep', '--budget', 'stop', ...queue(), '--store', store]);
    const runPath = join(store, 'toy-sweep-stop', 'seed-0', 'roll-vae');
    const stopped = start(worker('--checkpoint-every', '100'));
    await waitFor('the first stop job under way', async () => ((await readFile(join(runPath, 'checkpoints', 'latest.json'), 'utf8').catch(() => undefined)) ? true : undefined));
    stopped.child.kill('SIGTERM');
    const ended = await stopped.done;
    expect(ended.code).toBe(143);
    expect(ended.stderr).toContain('SIGTERM: finishing the job in hand');
    const summary = JSON.parse(await readFile(join(runPath, 'summary.json'), 'utf8')) as { stoppedBy: string; step: number };
    expect(summary.stoppedBy).toBe('interrupt');
    const status = (await run(['sweep', 'status', 'toy-sweep', ...queue()])).stdout;
    // Back in the queue for any worker, on its first try; the second job was never taken.
    expect(status).toMatch(new RegExp(`toy-sweep/stop/seed-0/roll-vae\\s+(waiting|delayed)\\s+${summary.step}/2500\\s+1`));
    expect(status).toMatch(/toy-sweep\/stop\/seed-0\/roll-condvae\s+waiting\s+0/);

    const successor = await start(worker('--until-empty'), 180_000).done;
    expect(successor.code).toBe(0);
    const resumed = JSON.parse(await readFile(join(runPath, 'summary.json'), 'utf8')) as { step: number; resumedFrom: number };
    expect(resumed).toMatchObject({ step: 2500, resumedFrom: summary.step });
  });

  it('Redis restarted mid-sweep: the worker reconnects and the sweep finishes', async () => {
    await run(['sweep', 'toy-sweep', '--budget', 'restart', ...queue(), '--store', store]);
    const busy = start(worker('--until-empty'), 180_000);
    await waitFor('the first restart job under way', async () => (existsSync(join(store, 'toy-sweep-restart', 'seed-0', 'roll-condvae', 'metrics.jsonl')) || existsSync(join(store, 'toy-sweep-restart', 'seed-0', 'roll-vae', 'metrics.jsonl')) ? true : undefined));
    await redis.restart(1500);
    const ended = await busy.done;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+: .*; reconnecting/);
    const status = await run(['sweep', 'status', 'toy-sweep', ...queue()]);
    expect(status.stdout).toMatch(/toy-sweep\/restart\/seed-0\/roll-vae\s+completed/);
    expect(status.stdout).toMatch(/toy-sweep\/restart\/seed-0\/roll-condvae\s+completed/);
    for (const model of ['vae', 'condvae']) {
      const steps = (await jsonl(join(store, 'toy-sweep-restart', 'seed-0', `roll-${model}`, 'metrics.jsonl'))).map((m) => m.step);
      expect(new Set(steps).size).toBe(steps.length);
      expect(steps.at(-1)).toBe(1500);
    }
  });

  it('a job that always throws ends as failed after its tries, and status shows its error', async () => {
    await run(['sweep', 'toy-sweep', '--budget', 'broken', '--attempts', '2', ...queue(), '--store', store]);
    const ended = await start(worker('--until-empty')).done;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(/toy-sweep\/broken\/seed-0\/roll-vae failed on try 2: .*zDim/);
    const status = await run(['sweep', 'status', 'toy-sweep', ...queue()]);
    expect(status.stdout).toMatch(/toy-sweep\/broken\/seed-0\/roll-vae\s+failed\s+2\s+error: .*zDim/);
    expect(status.stdout).toMatch(/\d+ jobs: 0 waiting, 0 running, 0 delayed, \d+ done, 1 failed/);
    // The report refuses a sweep with a job that has no numbers, naming it.
    const report = await start(['sweep', 'report', 'toy-sweep', '--budget', 'broken', '--store', store, '--backend', 'wasm', '--threads', '1']).done;
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('the sweep is not finished: 1 job without final numbers in the store (toy-sweep/broken/seed-0/roll-vae)');
  });

  it('--local runs the same jobs with no Redis and writes the same kind of report', async () => {
    const local = await mkdtemp(join(os.tmpdir(), 'sweep-local-'));
    const finished = await run(['sweep', 'toy-sweep', '--quick', '--seeds', '3,4', '--local', '--store', local, '--backend', 'wasm', '--threads', '1']);
    expect(finished.stdout).toContain(`report: ${join(local, 'toy-sweep-quick', 'report.md')}`);
    expect((await readdir(join(local, 'toy-sweep-quick'))).sort()).toEqual(['figures', 'report.md', 'results.json', 'seed-3', 'seed-4']);
    const text = await readFile(join(local, 'toy-sweep-quick', 'report.md'), 'utf8');
    expect(text).toContain('**Seeds 3, 4** (n = 2)');
    expect(text).toContain('Command: `disentangle sweep toy-sweep --quick --seeds 3,4 --local --store');
  });

  it('an unreachable Redis is an error that names it, not a hang', async () => {
    const finished = await start(['sweep', 'status', '--queue', 'redis://127.0.0.1:1'], 30_000).done;
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });
});
