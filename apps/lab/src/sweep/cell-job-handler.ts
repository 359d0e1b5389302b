/**
 * What a worker does with one cell job: check that its own declaration of the paper gives
 * the job's id (a worker on an older checkout must not train other settings under the same
 * name), wait for an initFrom source run, then train-with-resume and evaluate the cell in
 * the store through the reproduce runner's `runCell`. A finished run trains no step again,
 * and its numbers come from evaluation.json, so a job run twice counts once.
 */
import type { BackendChoice } from '@disentangle/kernels';
import { jobIdOf, type JobControl, type JobHandler, type SweepJob } from '@disentangle/sweep';
import { RunLockedError } from '@disentangle/training';
import { join, relative } from 'node:path';
import { paperById } from '../papers';
import type { ModelRegistry } from '../registry/model-registry';
import { cellBudget, cellRunPath, finished, planReproduction } from '../reproduce/cells';
import { createDataSource, runCell, type DataSource } from '../reproduce/cell-run';
import type { PaperDeclaration } from '../reproduce/declaration';
import { writeJson } from '../runs/model-run';
import { TrainingInterruptedError } from '../runs/training-run';
import { cellJobs, seedDir, sweepDir, type CellJobData } from './sweep-jobs';

export const SWEEP_JOB_FILE = 'sweep-job.json';

export interface CellJobHandlerOptions {
  papers: readonly PaperDeclaration[];
  registry: ModelRegistry;
  store: string;
  backend: BackendChoice;
  log?: (line: string) => void;
  progressStream?: NodeJS.WriteStream;
  /** Checkpoint period of the runs (default the runner's 250): what a killed worker's successor resumes from. */
  checkpointEvery?: number;
  /** How long to wait before a job whose source run is unfinished, or whose run another worker holds, is tried again (ms; default 15 s). */
  retryWaitMs?: number;
}

export interface CellJobResult {
  run: string;
  step: number;
  numbers: number;
  errors: number;
}

export function createCellJobHandler(o: CellJobHandlerOptions): JobHandler<CellJobData, CellJobResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const waitMs = o.retryWaitMs ?? 15_000;
  // Data and judges per (paper, budget, seed), shared by consecutive and concurrent jobs; a
  // source no job uses is dropped once more than `keep` are held.
  const sources = new Map<string, { source: DataSource; users: number }>();
  const keep = 2;
  const acquire = (paper: PaperDeclaration, job: CellJobData) => {
    const key = `${job.paper}|${job.budget}|${job.seed}`;
    let held = sources.get(key);
    if (!held) {
      held = { source: createDataSource(paper, job.budget, job.seed, log), users: 0 };
      sources.set(key, held);
    }
    held.users++;
    sources.delete(key);
    sources.set(key, held); // most recently used last
    for (const [other, entry] of sources) {
      if (sources.size <= keep) break;
      if (entry.users > 0) continue;
      sources.delete(other);
      for (const judge of entry.source.judges.values()) judge.then((j) => j.classifier.dispose(), () => {});
    }
    return { source: held.source, release: () => void held!.users-- };
  };

  return async (job: SweepJob<CellJobData>, control: JobControl) => {
    const d = job.data;
    const paper = paperById(d.paper, o.papers);
    const plan = planReproduction(paper, d.budget, o.registry);
    const mine = cellJobs(paper, d.budget, plan, [d.seed]).find((j) => j.data.dataset === d.dataset && j.data.model === d.model);
    if (!mine || mine.id !== job.id || jobIdOf(d) !== job.id) {
      throw new Error(`${job.name}: this worker's declaration of paper '${d.paper}' (budget '${d.budget}') gives ${mine ? `job ${mine.id}` : 'no such cell'}, not ${job.id}: the sweep was enqueued from other settings; run the worker from the same checkout as \`sweep\``);
    }
    const dir = seedDir(o.store, d.paper, d.budget, d.seed);
    const cell = { dataset: d.dataset, model: d.model };
    if (d.training.initFrom !== undefined) {
      const source = { dataset: d.dataset, model: d.training.initFrom };
      if (!(await finished(cellRunPath(dir, source), cellBudget(plan.budget, source.dataset, source.model).steps))) return control.defer(waitMs, `waiting for its source run ${source.dataset}-${source.model} (seed ${d.seed}) to finish`);
    }
    log(`${job.name}: try ${control.attempt}, ${d.training.steps} steps`);
    const { source, release } = acquire(paper, d);
    try {
      const { run, numbers } = await runCell(
        { paper, budgetName: d.budget, registry: o.registry, dir, seed: d.seed, backend: o.backend, source, log, progressStream: o.progressStream, checkpointEvery: o.checkpointEvery, onStep: (step, total) => control.progress(step, total) },
        cell,
        d.metrics,
      );
      control.progress(run.step, d.training.steps);
      const errors = [...numbers.values()].filter((n) => 'error' in n).length;
      await writeJson(join(run.run, SWEEP_JOB_FILE), { id: job.id, name: job.name, attempt: control.attempt, step: run.step, completedAt: new Date().toISOString() });
      return { run: relative(sweepDir(o.store, d.paper, d.budget), run.run), step: run.step, numbers: numbers.size - errors, errors };
    } catch (error) {
      // Another worker still trains this run (a job taken again after its lock lapsed): wait for it, without using a try.
      if (error instanceof RunLockedError) return control.defer(waitMs, error.message);
      // This worker is stopping (SIGINT/SIGTERM): the checkpoint is saved; give the job back for any worker.
      if (error instanceof TrainingInterruptedError) {
        control.progress(error.step, d.training.steps, true);
        return control.defer(0, `worker stopped by ${error.signal} at step ${error.step}`);
      }
      throw error;
    } finally {
      release();
    }
  };
}
