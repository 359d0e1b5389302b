/**
 * `disentangle worker`: takes a sweep's jobs from the queue, trains each cell with resume
 * into the shared store, evaluates it, and reports its steps as the job's progress. Start
 * one per machine (or per GPU); kill one and another takes its job over from the last
 * checkpoint once its lock lapses (--stall-seconds).
 *
 *   disentangle worker --queue redis://10.0.0.5:6379 --store /mnt/sweeps
 *   disentangle worker --queue redis://127.0.0.1:6379 --store runs/sweeps --until-empty
 */
import type { Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { BullSweepQueue, startBullWorker } from '@disentangle/sweep';
import { SIGNAL_EXIT_CODES } from '@disentangle/training';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPapers } from '../papers';
import { loadModelRegistry } from '../registry/model-registry';
import { createCellJobHandler } from '../sweep/cell-job-handler';
import { DEFAULT_STORE } from './sweep';
import { parsePositiveInt, parsePositiveNumber, withBackendOptions, type CommonOptions } from './common-options';

interface WorkerOptions extends Omit<CommonOptions, 'seed'> {
  queue?: string;
  store: string;
  concurrency: number;
  stallSeconds: number;
  checkpointEvery?: number;
  untilEmpty?: boolean;
}

export function addWorkerCommand(program: Command): void {
  const command = program
    .command('worker')
    .description("run a sweep's queued jobs (BullMQ on Redis) into a store shared by all workers")
    .option('--queue <url>', 'the Redis of the queue, redis://HOST:PORT')
    .option('--store <dir>', 'where runs are written: the same store (e.g. a network mount) for every worker', DEFAULT_STORE)
    .option('--concurrency <n>', 'jobs at once in this process (tfjs has one backend per process: keep 1 unless jobs are tiny)', parsePositiveInt, 1)
    .option('--stall-seconds <s>', "a job whose worker stops renewing its lock this long is given to another worker", parsePositiveNumber, 60)
    .option('--checkpoint-every <n>', 'checkpoint period of the runs (what a successor resumes from)', parsePositiveInt)
    .option('--until-empty', 'exit once no job of any sweep is waiting, running or delayed');
  withBackendOptions(command).action(async (options: WorkerOptions) => {
    if (!options.queue) throw new Error('worker: give the queue, --queue redis://HOST:PORT');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const papers = await loadPapers();
    const registry = await loadModelRegistry();
    const backend = await initBackend({ backend: options.backend, threads: options.threads });
    log(`worker ${process.pid}: backend ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}, store ${options.store}, queue ${options.queue}`);
    const watcher = options.untilEmpty ? await BullSweepQueue.open(options.queue) : undefined;
    const handler = createCellJobHandler({ papers, registry, store: options.store, backend, log, checkpointEvery: options.checkpointEvery });
    const worker = startBullWorker(options.queue, handler, { concurrency: options.concurrency, stallSeconds: options.stallSeconds, log });
    worker.worker.on('completed', (job) => log(`worker ${process.pid}: ${job.name} done`));

    let stopping: NodeJS.Signals | undefined;
    let closing: Promise<void> | undefined;
    const closeOnce = () => (closing ??= worker.close());
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = signal;
      log(`worker ${process.pid}: ${signal}: finishing the job in hand (its checkpoint is saved) and stopping`);
      // At once, so that no new job is taken while the one in hand winds down.
      void closeOnce();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // Until a signal, or (--until-empty) until the queue has stayed empty for two looks in a row.
    for (let emptyLooks = 0; !stopping; ) {
      await sleep(1000);
      if (!watcher) continue;
      const pending = await watcher.pending().catch(() => 1); // Redis away: not empty, wait for it
      emptyLooks = pending === 0 ? emptyLooks + 1 : 0;
      if (emptyLooks >= 2) break;
    }
    await closeOnce();
    await watcher?.close();
    log(`worker ${process.pid}: stopped`);
    if (stopping) process.exitCode = SIGNAL_EXIT_CODES[stopping as 'SIGINT' | 'SIGTERM'];
  });
}
