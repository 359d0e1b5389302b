// The queue machinery on its own, with handlers that count: idempotent ids, seed spreads,
// the in-process queue's retries and deferrals, and BullMQ on a throwaway loopback Redis.
// (The lab's sweep.test.ts drives the same through real training, killed workers and a
// restarted Redis.)
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullSweepQueue, jobIdOf, runJobsLocally, spreadOf, stableJson, startBullWorker, type SweepJob } from './index';
import { startTestRedis, type TestRedis } from './testing';

describe('job ids', () => {
  it('are the same for equal configs whatever the key order, and differ when any value does', () => {
    const a = { paper: 'p', seed: 1, training: { steps: 10, options: { zDim: 2, beta: 1 } }, skip: undefined };
    const b = { training: { options: { beta: 1, zDim: 2 }, steps: 10 }, seed: 1, paper: 'p' };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(jobIdOf(a)).toBe(jobIdOf(b));
    expect(jobIdOf(a)).toMatch(/^j[0-9a-f]{20}$/);
    expect(jobIdOf({ ...b, seed: 2 })).not.toBe(jobIdOf(b));
    expect(jobIdOf({ ...b, training: { ...b.training, options: { beta: 1, zDim: 3 } } })).not.toBe(jobIdOf(b));
    expect(() => stableJson({ x: Number.NaN })).toThrow(/NaN has no JSON form/);
  });
});

describe('seed spreads', () => {
  it('give the mean and the sample standard deviation of the finite values', () => {
    expect(spreadOf([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4, min: 1, max: 4 });
    expect(spreadOf([5])).toEqual({ mean: 5, std: 0, n: 1, min: 5, max: 5 });
    expect(spreadOf([2, Number.NaN, 4])).toMatchObject({ mean: 3, n: 2 });
    expect(spreadOf([Number.NaN])).toBeUndefined();
  });
});

const jobs = (n: number, prefix = 'job'): SweepJob<{ i: number }>[] => Array.from({ length: n }, (_, i) => ({ id: jobIdOf({ prefix, i }), name: `${prefix}/${i}`, data: { i } }));

describe('the in-process queue', () => {
  it('runs each id once, retries a failing job up to its tries, and does not count a deferral as a try', async () => {
    const seen: string[] = [];
    let flaky = 0;
    let deferred = 0;
    const list = [...jobs(3), jobs(1)[0]]; // a duplicate id runs once
    const statuses = await runJobsLocally(
      list,
      async (job, control) => {
        seen.push(`${job.name}#${control.attempt}`);
        if (job.data.i === 0 && deferred++ === 0) return control.defer(1, 'waiting for job 1');
        if (job.data.i === 1 && flaky++ < 1) throw new Error('flaky once');
        if (job.data.i === 2) throw new Error('always broken');
        control.progress(5, 5);
        return job.data.i;
      },
      { attempts: 3, backoffMs: 1 },
    );
    expect(statuses.map((s) => [s.name, s.state, s.attempts])).toEqual([
      ['job/0', 'completed', 1],
      ['job/1', 'completed', 2],
      ['job/2', 'failed', 3],
    ]);
    expect(statuses[2].error).toBe('always broken');
    expect(statuses[0]).toMatchObject({ progress: { step: 5, total: 5 }, deferred: 'waiting for job 1' });
    expect(seen.filter((s) => s.startsWith('job/0'))).toEqual(['job/0#1', 'job/0#1']);
  });
});

describe('BullMQ on a loopback Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('adds each id once, runs every job on a worker, keeps progress, retries and failures, and defers without using a try', async () => {
    const queue = await BullSweepQueue.open(redis.url, 'unit');
    const worker = startBullWorker<{ i: number }, number>(
      redis.url,
      async (job, control) => {
        if (job.data.i === 3) throw new Error(`broken on try ${control.attempt}`);
        control.progress(job.data.i + 1, 10);
        return job.data.i;
      },
      { stallSeconds: 2, progressEveryMs: 0, log: () => {} },
      'unit',
    );
    try {
      const list = jobs(4, 'unit');
      expect(await queue.add(list, { attempts: 2, backoffMs: 50 })).toEqual({ added: list.map((j) => j.id), existing: [] });
      expect(await queue.add(list, { attempts: 2, backoffMs: 50 })).toEqual({ added: [], existing: list.map((j) => j.id) });
      const deadline = Date.now() + 20_000;
      let statuses = await queue.list('unit/');
      while (Date.now() < deadline && statuses.some((s) => s.state !== 'completed' && s.state !== 'failed')) {
        await sleep(100);
        statuses = await queue.list('unit/');
      }
      expect(statuses.map((s) => [s.name, s.state])).toEqual([
        ['unit/0', 'completed'],
        ['unit/1', 'completed'],
        ['unit/2', 'completed'],
        ['unit/3', 'failed'],
      ]);
      expect(statuses[2].progress).toEqual({ step: 3, total: 10 });
      expect(statuses[3]).toMatchObject({ attempts: 2, error: 'broken on try 2' });
      expect(await queue.pending()).toBe(0);
      expect(await queue.retryFailed('unit/')).toEqual([list[3].id]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('a deferred job is taken again later without using up a try', async () => {
    const queue = await BullSweepQueue.open(redis.url, 'defer');
    let takes = 0;
    const worker = startBullWorker<{ i: number }, string>(
      redis.url,
      async (_job, control) => {
        takes++;
        if (takes === 1) return control.defer(100, 'not yet');
        return `take ${takes}, try ${control.attempt}`;
      },
      { stallSeconds: 2, log: () => {} },
      'defer',
    );
    try {
      await queue.add(jobs(1, 'defer'), { attempts: 1 });
      const deadline = Date.now() + 20_000;
      let [status] = await queue.list('defer/');
      while (Date.now() < deadline && status.state !== 'completed' && status.state !== 'failed') {
        await sleep(100);
        [status] = await queue.list('defer/');
      }
      // One try allowed, taken twice: the deferral did not fail the job.
      expect(status.state).toBe('completed');
      expect(takes).toBe(2);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
