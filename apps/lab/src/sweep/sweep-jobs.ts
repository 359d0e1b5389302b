/**
 * A paper's sweep as jobs: one per (model × dataset × seed) cell of its budget, each with
 * the resolved config that decides its numbers (the cell's training budget, data spec,
 * judge budget and metrics) and an id hashed from that config. The store holds one
 * reproduction directory per seed, laid out as `reproduce` lays out its own:
 *
 *   <store>/<paper>-<budget>/seed-<s>/<dataset>-<model>/   one run (config, checkpoints, evaluation.json)
 *   <store>/<paper>-<budget>/report.md, results.json, figures/   written by `sweep report`
 */
import { jobIdOf, type SweepJob } from '@disentangle/sweep';
import type { DataSpec } from '@disentangle/data';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { cellBudget, cellMetrics, planReproduction, type Cell, type ReproductionPlan, type WantedMetric } from '../reproduce/cells';
import { datasetSpec, judgeBudget } from '../reproduce/cell-run';
import type { PaperDeclaration, TrainingBudget } from '../reproduce/declaration';
import type { JudgeBudget } from '../runs/judges';

/** What a job carries: enough to find its cell, plus the config its id is hashed from. */
export interface CellJobData {
  paper: string;
  budget: string;
  seed: number;
  dataset: string;
  model: string;
  training: TrainingBudget;
  data: DataSpec;
  judge: JudgeBudget;
  metrics: WantedMetric[];
}

export function sweepDir(store: string, paper: string, budget: string): string {
  return join(store, `${paper}-${budget}`);
}

export function seedDir(store: string, paper: string, budget: string, seed: number): string {
  return join(sweepDir(store, paper, budget), `seed-${seed}`);
}

/** The job of every cell of `plan` for each seed, in training order (seed by seed). */
export function cellJobs(paper: PaperDeclaration, budgetName: string, plan: ReproductionPlan, seeds: readonly number[]): SweepJob<CellJobData>[] {
  const jobs: SweepJob<CellJobData>[] = [];
  for (const seed of seeds) {
    const calibrationTaken = new Set<string>();
    for (const cell of plan.cells) {
      const metrics = cellMetrics(plan.tables, cell, calibrationTaken);
      const data: CellJobData = {
        paper: paper.id,
        budget: budgetName,
        seed,
        dataset: cell.dataset,
        model: cell.model,
        training: cellBudget(plan.budget, cell.dataset, cell.model),
        data: datasetSpec(paper, budgetName, cell.dataset, seed),
        judge: judgeBudget(paper, budgetName, cell.dataset),
        metrics,
      };
      jobs.push({ id: jobIdOf(data), name: jobName(data), data });
    }
  }
  return jobs;
}

export function jobName(job: Pick<CellJobData, 'paper' | 'budget' | 'seed' | 'dataset' | 'model'>): string {
  return `${job.paper}/${job.budget}/seed-${job.seed}/${job.dataset}-${job.model}`;
}

/** Seeds from `--seeds 0,1,2` (default [0]): distinct non-negative integers. */
export function parseSeeds(text: string | undefined): number[] {
  if (text === undefined) return [0];
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean);
  const parsed = seeds.map(Number);
  const bad = seeds.filter((s, i) => !Number.isSafeInteger(parsed[i]) || parsed[i] < 0);
  if (bad.length || parsed.length === 0) throw new Error(`--seeds ${text}: give distinct non-negative integers, comma-separated (e.g. 0,1,2)`);
  if (new Set(parsed).size !== parsed.length) throw new Error(`--seeds ${text}: a seed is repeated`);
  return parsed;
}

/** The sweep's jobs for `paper` at `budgetName` over `seeds` (the declaration checked first). */
export function planSweep(paper: PaperDeclaration, budgetName: string, seeds: readonly number[], registry: ModelRegistry): { plan: ReproductionPlan; jobs: SweepJob<CellJobData>[] } {
  const plan = planReproduction(paper, budgetName, registry);
  return { plan, jobs: cellJobs(paper, budgetName, plan, seeds) };
}

export type { Cell };
