/**
 * `disentangle sweep`: a paper's runs over several seeds as queued jobs, through BullMQ on
 * Redis, or in this process with --local. `worker` (commands/worker.ts) runs the jobs.
 *
 *   disentangle sweep cvae-gan --quick --seeds 0,1,2 --queue redis://127.0.0.1:6379   enqueue (twice: no duplicates)
 *   disentangle worker --queue redis://127.0.0.1:6379 --store /mnt/store            on each machine
 *   disentangle sweep status --queue redis://127.0.0.1:6379                          queued, running, done, failed
 *   disentangle sweep report cvae-gan --quick --seeds 0,1,2 --store /mnt/store       mean ± std over seeds
 *   disentangle sweep cvae-gan --quick --seeds 0,1 --local --store runs/sweeps       no Redis: all in this process
 */
import type { Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { BullSweepQueue, countStates, runJobsLocally, type JobStatus } from '@disentangle/sweep';
import { loadPapers, paperById } from '../papers';
import { loadModelRegistry } from '../registry/model-registry';
import { publishReproduction } from '../reproduce/publish';
import { createCellJobHandler } from '../sweep/cell-job-handler';
import { parseSeeds, planSweep, sweepDir } from '../sweep/sweep-jobs';
import { reportSweep } from '../sweep/sweep-report';
import { parsePositiveInt, withBackendOptions, type CommonOptions } from './common-options';

interface SweepOptions extends Omit<CommonOptions, 'seed'> {
  queue?: string;
  store: string;
  seeds?: string;
  quick?: boolean;
  budget?: string;
  local?: boolean;
  publish?: string;
  attempts: number;
  paper?: string;
  retryFailed?: boolean;
}

export const DEFAULT_STORE = 'runs/sweeps';

/** The command line that repeats a sweep's step (printed in its report). */
function sweepCommandLine(action: string, paper: string, budget: string, seeds: number[], extra = ''): string {
  const budgetFlag = budget === 'full' ? '' : budget === 'quick' ? ' --quick' : ` --budget ${budget}`;
  return `disentangle sweep ${action ? `${action} ` : ''}${paper}${budgetFlag} --seeds ${seeds.join(',')}${extra}`;
}

/** One line per job, and the counts. */
export function formatStatus(jobs: readonly JobStatus[]): string {
  const counts = countStates(jobs);
  const width = Math.max(20, ...jobs.map((j) => j.name.length));
  const lines = [`${'job'.padEnd(width)}  ${'state'.padEnd(9)}  ${'steps'.padEnd(11)}  tries  note`];
  for (const job of jobs) {
    const steps = job.progress ? `${job.progress.step}/${job.progress.total}` : '';
    const note = job.state === 'failed' || (job.error && job.state !== 'completed') ? `error: ${job.error}` : job.state === 'delayed' && job.deferred ? job.deferred : '';
    lines.push(`${job.name.padEnd(width)}  ${job.state.padEnd(9)}  ${steps.padEnd(11)}  ${String(job.attempts).padEnd(5)}  ${note}`.trimEnd());
  }
  lines.push(`${jobs.length} jobs: ${counts.waiting} waiting, ${counts.active} running, ${counts.delayed} delayed, ${counts.completed} done, ${counts.failed} failed`);
  return lines.join('\n');
}

export function addSweepCommand(program: Command): void {
  const command = program
    .command('sweep')
    .description("a paper's runs over several seeds as queued jobs (BullMQ on Redis, or --local); `sweep status`, `sweep report <paper>`")
    .argument('<paper-or-action>', 'a paper to enqueue, or status | report | retry')
    .argument('[paper]', 'the paper of `report` (and the filter of `status` / `retry`)')
    .option('--queue <url>', 'the Redis of the queue, redis://HOST:PORT')
    .option('--store <dir>', 'where the runs are (what the workers were given as --store)', DEFAULT_STORE)
    .option('--seeds <list>', 'seeds, comma-separated (default 0)')
    .option('--quick', 'the quick budget')
    .option('--budget <name>', "a budget of the declaration (default 'full')")
    .option('--local', 'no Redis: run every job in this process, then write the report')
    .option('--attempts <n>', 'tries before a job is marked failed', parsePositiveInt, 3)
    .option('--publish <dir>', 'report: also copy it with figures (and the first seed\'s pictures and weights) to <dir>/<paper>-<budget>-seeds.md and <dir>/<paper>-<budget>-seeds/');
  withBackendOptions(command).action(async (first: string, second: string | undefined, options: SweepOptions) => {
    const papers = await loadPapers();
    const budget = options.budget ?? (options.quick ? 'quick' : 'full');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    if (first === 'status' || first === 'retry') {
      if (!options.queue) throw new Error(`sweep ${first}: give the queue, --queue redis://HOST:PORT`);
      const queue = await BullSweepQueue.open(options.queue);
      try {
        const prefix = second ? `${paperById(second, papers).id}/` : '';
        if (first === 'retry') process.stdout.write(`put back ${(await queue.retryFailed(prefix)).length} failed jobs\n`);
        else process.stdout.write(`${formatStatus(await queue.list(prefix))}\n`);
      } finally {
        await queue.close();
      }
      return;
    }
    const report = first === 'report';
    const paper = paperById(report ? (second ?? '') : first, papers);
    const seeds = parseSeeds(options.seeds);
    const registry = await loadModelRegistry();
    const { jobs } = planSweep(paper, budget, seeds, registry);
    if (!report && !options.local) {
      if (!options.queue) throw new Error(`sweep ${paper.id}: give the queue (--queue redis://HOST:PORT), or --local to run the jobs in this process`);
      const queue = await BullSweepQueue.open(options.queue);
      try {
        const { added, existing } = await queue.add(jobs, { attempts: options.attempts });
        process.stdout.write(`${paper.id} (${budget}), seeds ${seeds.join(', ')}: ${jobs.length} jobs, ${added.length} added, ${existing.length} already queued\n`);
        process.stdout.write(`run workers:   disentangle worker --queue ${options.queue} --store ${options.store}\nwatch:         disentangle sweep status --queue ${options.queue}\nwhen done:     ${sweepCommandLine('report', paper.id, budget, seeds, ` --store ${options.store}`)}\n`);
      } finally {
        await queue.close();
      }
      return;
    }
    const backend = await initBackend({ backend: options.backend, threads: options.threads });
    log(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
    if (options.local) {
      const handler = createCellJobHandler({ papers, registry, store: options.store, backend, log });
      const statuses = await runJobsLocally(jobs, handler, { attempts: options.attempts, log });
      const failed = statuses.filter((s) => s.state !== 'completed');
      if (failed.length) {
        process.stdout.write(`${formatStatus(statuses)}\n`);
        throw new Error(`sweep ${paper.id}: ${failed.length} jobs failed; the report needs every one`);
      }
    }
    const command = options.local ? sweepCommandLine('', paper.id, budget, seeds, ` --local --store ${options.store}`) : sweepCommandLine('report', paper.id, budget, seeds, ` --store ${options.store}`);
    // The queue's address is the user's own: the report names its place, not this one.
    const earlier = options.local ? [] : [sweepCommandLine('', paper.id, budget, seeds, ' --queue redis://HOST:PORT'), `disentangle worker --queue redis://HOST:PORT --store ${options.store}`];
    const { report: file } = await reportSweep({ paper, budget, seeds, store: options.store, registry, backend, command, earlier, log });
    process.stdout.write(`report: ${file}\n`);
    // Pictures and weights of the first seed only (the report shows those): the others add megabytes.
    if (options.publish) process.stdout.write(`published: ${await publishReproduction(sweepDir(options.store, paper.id, budget), options.publish, `${paper.id}-${budget}-seeds`, (run) => run.seed === seeds[0])}\n`);
  });
}
