/**
 * What a sweep needs from a job queue, whether BullMQ on Redis (bull-queue.ts) or the
 * process itself (local-queue.ts): add jobs under idempotent ids, hand them to a handler
 * with retries, and say where each one stands.
 */

/** One job: `id` is idempotent (jobIdOf of its config), `name` is for people. */
export interface SweepJob<T = unknown> {
  id: string;
  name: string;
  data: T;
}

/** What a handler gets besides the job's data. */
export interface JobControl {
  /** 1 for the first try; retries and resumed stalled jobs count up. */
  readonly attempt: number;
  /** Reports progress: steps done of the total (rate-limited by the queue unless `now`). */
  progress(step: number, total: number, now?: boolean): void;
  /**
   * Gives the job back without using up a try, to be taken again after `ms` (a source run
   * not finished yet, a run another worker still trains). The handler returns what this returns.
   */
  defer(ms: number, why: string): Promise<never>;
}

export type JobHandler<T = unknown, R = unknown> = (job: SweepJob<T>, control: JobControl) => Promise<R>;

export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

export interface JobStatus {
  id: string;
  name: string;
  state: JobState;
  /** Tries made so far (failed ones and the current one). */
  attempts: number;
  progress?: { step: number; total: number };
  /** Why it failed last (a failed job, or one waiting for its retry). */
  error?: string;
  /** Why it was last deferred. */
  deferred?: string;
  data: unknown;
}

export interface EnqueueResult {
  added: string[];
  /** Ids already in the queue (any state): left as they are. */
  existing: string[];
}

export interface RetryPolicy {
  /** Tries before a job is marked failed (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled each time (default 2000). */
  backoffMs?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 3, backoffMs: 2000 };

/** Counts by state, in a fixed order. */
export function countStates(jobs: readonly JobStatus[]): Record<JobState, number> {
  const counts: Record<JobState, number> = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
  for (const job of jobs) counts[job.state]++;
  return counts;
}
