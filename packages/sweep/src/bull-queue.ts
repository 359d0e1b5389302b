/**
 * The sweep's queue on BullMQ. Jobs are added under their idempotent ids with a retry
 * policy; a worker holds a lock on each job it runs and renews it while it runs. A worker
 * that dies (SIGKILL, a lost machine) stops renewing, so after `stallSeconds` another
 * worker's stalled-job check puts the job back and someone takes it again: the handler
 * must resume, not restart (the lab's handler resumes from the run's last checkpoint).
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { commandConnection, workerConnection } from './redis-connection';
import { DEFAULT_RETRY, type EnqueueResult, type JobHandler, type JobState, type JobStatus, type RetryPolicy, type SweepJob } from './queue';

/** The one queue every sweep shares; job names tell the sweeps apart. */
export const SWEEP_QUEUE = 'disentangle-sweep';

const STATES: Record<string, JobState> = { wait: 'waiting', waiting: 'waiting', prioritized: 'waiting', 'waiting-children': 'waiting', paused: 'waiting', active: 'active', delayed: 'delayed', completed: 'completed', failed: 'failed' };

interface Progress {
  step?: number;
  total?: number;
  deferred?: string;
}

/** The producer and status side: enqueue, list, retry failed jobs. */
export class BullSweepQueue {
  private constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
  ) {}

  static async open(url: string, name = SWEEP_QUEUE): Promise<BullSweepQueue> {
    const redis = await commandConnection(url);
    return new BullSweepQueue(new Queue(name, { connection: redis }), redis);
  }

  /** Adds the jobs whose ids are not in the queue yet (in any state); the rest are left as they are. */
  async add(jobs: readonly SweepJob[], retry: RetryPolicy = {}): Promise<EnqueueResult> {
    const { attempts, backoffMs } = { ...DEFAULT_RETRY, ...retry };
    const result: EnqueueResult = { added: [], existing: [] };
    for (const job of jobs) {
      if (await this.queue.getJob(job.id)) {
        result.existing.push(job.id);
        continue;
      }
      await this.queue.add(job.name, job.data, { jobId: job.id, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: false, removeOnFail: false });
      result.added.push(job.id);
    }
    return result;
  }

  /** Every job (or those whose name starts with `prefix`), oldest first. */
  async list(prefix = ''): Promise<JobStatus[]> {
    const jobs = await this.queue.getJobs(['waiting', 'prioritized', 'waiting-children', 'paused', 'active', 'delayed', 'completed', 'failed']);
    const statuses: JobStatus[] = [];
    for (const job of jobs) {
      if (!job?.id || !job.name.startsWith(prefix)) continue;
      statuses.push(await statusOf(job));
    }
    return statuses.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Jobs not finished yet (waiting, active or delayed), of every sweep. */
  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'paused', 'active', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** Puts failed jobs (of `prefix`) back to waiting with fresh tries; returns their ids. */
  async retryFailed(prefix = ''): Promise<string[]> {
    const retried: string[] = [];
    for (const job of await this.queue.getJobs(['failed'])) {
      if (!job?.id || !job.name.startsWith(prefix)) continue;
      await job.retry('failed');
      retried.push(job.id);
    }
    return retried;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

async function statusOf(job: Job): Promise<JobStatus> {
  const state = STATES[await job.getState()] ?? 'waiting';
  const progress = (typeof job.progress === 'object' ? job.progress : {}) as Progress;
  return {
    id: job.id!,
    name: job.name,
    state,
    attempts: Math.max(job.attemptsStarted ?? 0, job.attemptsMade),
    ...(progress.total !== undefined ? { progress: { step: progress.step ?? 0, total: progress.total } } : {}),
    ...(job.failedReason ? { error: job.failedReason } : {}),
    ...(progress.deferred ? { deferred: progress.deferred } : {}),
    data: job.data,
  };
}

export interface WorkerOptions {
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal (default 60 s): a dead worker's job is
   * taken again after about this long. Renewals come from the worker's event loop, so keep
   * it well above the longest synchronous stretch of the handler.
   */
  stallSeconds?: number;
  /** Times a job may stall (its worker died) before it is failed (default 10). */
  maxStalls?: number;
  /** Progress is written to Redis at most this often (default 1 s). */
  progressEveryMs?: number;
  log?: (line: string) => void;
}

/** Starts a worker that runs `handler` on the queue's jobs until `close()`. */
export function startBullWorker<T, R>(url: string, handler: JobHandler<T, R>, options: WorkerOptions = {}, name = SWEEP_QUEUE): { worker: Worker; close(): Promise<void> } {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let lastRedisError = 0;
  const redis = workerConnection(url, (error) => {
    // Reconnection is automatic; say so once every ten seconds, not on every retry.
    if (Date.now() - lastRedisError > 10_000) log(`worker: Redis at ${url}: ${error.message}; reconnecting`);
    lastRedisError = Date.now();
  });
  const stallMs = Math.round((options.stallSeconds ?? 60) * 1000);
  const progressEveryMs = options.progressEveryMs ?? 1000;
  const worker = new Worker(
    name,
    async (job: Job, token?: string) => {
      let lastProgress = 0;
      let reported: Promise<unknown> = Promise.resolve();
      const control = {
        attempt: Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1),
        progress: (step: number, total: number, force = false) => {
          const now = Date.now();
          if (!force && now - lastProgress < progressEveryMs && step < total) return;
          lastProgress = now;
          reported = job.updateProgress({ step, total }).catch(() => {}); // a lost update is not worth failing a job over
        },
        defer: async (ms: number, why: string): Promise<never> => {
          await reported;
          await job.updateProgress({ ...((typeof job.progress === 'object' ? job.progress : {}) as Progress), deferred: why });
          await job.moveToDelayed(Date.now() + ms, token);
          throw new DelayedError(why);
        },
      };
      return handler({ id: job.id!, name: job.name, data: job.data as T }, control);
    },
    { connection: redis, concurrency: options.concurrency ?? 1, lockDuration: stallMs, stalledInterval: Math.max(500, Math.round(stallMs / 2)), maxStalledCount: options.maxStalls ?? 10 },
  );
  worker.on('error', (error) => log(`worker: ${error.message}`));
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof DelayedError)) log(`worker: ${job.name} failed on try ${job.attemptsMade}: ${error.message}`);
  });
  return {
    worker,
    close: async () => {
      await worker.close();
      redis.disconnect();
    },
  };
}
