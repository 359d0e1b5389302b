/**
 * The same jobs and handler with no Redis: run one after another in this process, each
 * with the same retry policy as on BullMQ. A deferred job goes to the back of the line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY, type JobHandler, type JobStatus, type RetryPolicy, type SweepJob } from './queue';

class Deferred extends Error {
  constructor(
    readonly ms: number,
    why: string,
  ) {
    super(why);
  }
}

export interface LocalRunOptions extends RetryPolicy {
  /** Told about each job's start, retry and end. */
  log?: (line: string) => void;
  /** Give up on a job deferred this many times (default 100): its dependency never came. */
  maxDefers?: number;
}

/** Runs every job to completion or failure, in order; returns each job's final status. */
export async function runJobsLocally<T, R>(jobs: readonly SweepJob<T>[], handler: JobHandler<T, R>, options: LocalRunOptions = {}): Promise<JobStatus[]> {
  const { attempts, backoffMs } = { ...DEFAULT_RETRY, ...options };
  const log = options.log ?? (() => {});
  const maxDefers = options.maxDefers ?? 100;
  const statuses = new Map<string, JobStatus>(jobs.map((j) => [j.id, { id: j.id, name: j.name, state: 'waiting', attempts: 0, data: j.data }]));
  const line = [...new Map(jobs.map((j) => [j.id, j])).values()]; // one run per id, as on BullMQ
  const defers = new Map<string, number>();
  while (line.length > 0) {
    const job = line.shift()!;
    const status = statuses.get(job.id)!;
    status.state = 'active';
    status.attempts++;
    log(`${job.name}: try ${status.attempts} of ${attempts}`);
    try {
      await handler(job, {
        attempt: status.attempts,
        progress: (step, total) => {
          status.progress = { step, total };
        },
        defer: async (ms, why) => {
          throw new Deferred(ms, why);
        },
      });
      status.state = 'completed';
      delete status.error;
    } catch (error) {
      if (error instanceof Deferred) {
        status.attempts--; // a deferral is not a try
        const count = (defers.get(job.id) ?? 0) + 1;
        defers.set(job.id, count);
        status.deferred = error.message;
        if (count > maxDefers) {
          status.state = 'failed';
          status.error = `deferred ${count} times: ${error.message}`;
          continue;
        }
        status.state = 'delayed';
        line.push(job);
        if (line.length === 1) await sleep(error.ms);
        continue;
      }
      status.error = (error as Error).message;
      if (status.attempts >= attempts) {
        status.state = 'failed';
        log(`${job.name}: failed after ${status.attempts} tries: ${status.error}`);
      } else {
        status.state = 'waiting';
        log(`${job.name}: try ${status.attempts} failed (${status.error}); retrying`);
        await sleep(backoffMs * 2 ** (status.attempts - 1));
        line.unshift(job);
      }
    }
  }
  return jobs.map((j) => statuses.get(j.id)!).filter((s, i, all) => all.indexOf(s) === i);
}
