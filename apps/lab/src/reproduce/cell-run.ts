/**
 * One cell of a reproduction: train (or resume) its run, then evaluate its metrics by id,
 * keeping every number in the run's evaluation.json so that a later call (or another
 * worker) computes only what is missing. The reproduce runner and the sweep worker both
 * call `runCell`; neither knows a model.
 */
import type { BackendChoice } from '@disentangle/kernels';
import { prepareData, type DataSpec, type PreparedData } from '@disentangle/data';
import { computeMetric, createMetricContext, metricById, metricUnavailable, type MetricJudge, type MetricResult } from '@disentangle/metrics';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { judgeFor, type JudgeBudget } from '../runs/judges';
import { trainModelRun, writeJson } from '../runs/model-run';
import { cellBudget, cellRunPath, finished, metricKey, numberKey, type Cell, type WantedMetric } from './cells';
import type { PaperDeclaration, TrainingBudget } from './declaration';

export const EVALUATION_FILE = 'evaluation.json';

export type CellNumber = MetricResult | { error: string };

/** One trained cell. */
export interface CellRun {
  dataset: string;
  model: string;
  run: string;
  step: number;
  /** Seconds this call spent on the cell (training, pictures, metrics; ~0 for a finished run reused). */
  seconds: number;
  /** Seconds of training, from the run's logs (summed over its sessions; gaps between them left out). */
  trainingSeconds: number;
  budget: TrainingBudget;
  /** The seed of a sweep's run (a plain reproduction has one seed for all). */
  seed?: number;
}

/** Each dataset's prepared data and judge, made once per process and seed. */
export interface DataSource {
  dataOf(key: string): Promise<PreparedData>;
  judgeOf(key: string): Promise<MetricJudge>;
  /** The judges made so far, by dataset key. */
  readonly judges: Map<string, Promise<MetricJudge>>;
  readonly data: Map<string, PreparedData>;
}

/** The data spec of dataset `key` at a budget and seed: the declaration's, then the budget's overrides. */
export function datasetSpec(paper: PaperDeclaration, budgetName: string, key: string, seed: number): DataSpec {
  const budget = paper.budgets[budgetName];
  return { ...paper.datasets[key].spec, seed, ...budget.training.data, ...budget.datasets?.[key]?.data };
}

/** The judge budget of dataset `key`. */
export function judgeBudget(paper: PaperDeclaration, budgetName: string, key: string): JudgeBudget {
  return { ...paper.budgets[budgetName].judge, dataset: paper.datasets[key].judge?.dataset };
}

export function createDataSource(paper: PaperDeclaration, budgetName: string, seed: number, log: (line: string) => void): DataSource {
  const data = new Map<string, PreparedData>();
  const judges = new Map<string, Promise<MetricJudge>>();
  const dataOf = async (key: string): Promise<PreparedData> => {
    if (!data.has(key)) data.set(key, await prepareData(datasetSpec(paper, budgetName, key, seed)));
    return data.get(key)!;
  };
  const judgeOf = (key: string) => {
    if (!judges.has(key)) judges.set(key, dataOf(key).then((d) => judgeFor(d, judgeBudget(paper, budgetName, key), log)));
    return judges.get(key)!;
  };
  return { dataOf, judgeOf, judges, data };
}

export interface CellContext {
  paper: PaperDeclaration;
  budgetName: string;
  registry: ModelRegistry;
  /** The reproduction's directory: the cell's run is `<dir>/<dataset>-<model>`. */
  dir: string;
  seed: number;
  backend: BackendChoice;
  source: DataSource;
  log: (line: string) => void;
  progressStream?: NodeJS.WriteStream;
  onStep?: (step: number, totalSteps: number) => void;
  checkpointEvery?: number;
}

/** Trains `cell` to its budget (resuming), evaluates `wanted`, and returns the run and its numbers by key. */
export async function runCell(ctx: CellContext, cell: Cell, wanted: WantedMetric[]): Promise<{ run: CellRun; numbers: Map<string, CellNumber> }> {
  const { paper, log } = ctx;
  const budget = paper.budgets[ctx.budgetName];
  const trainingBudget = cellBudget(budget, cell.dataset, cell.model);
  const prepared = await ctx.source.dataOf(cell.dataset);
  const initFrom = trainingBudget.initFrom === undefined ? undefined : cellRunPath(ctx.dir, { dataset: cell.dataset, model: trainingBudget.initFrom });
  if (initFrom && !(await finished(initFrom, cellBudget(budget, cell.dataset, trainingBudget.initFrom!).steps))) {
    throw new Error(`reproduce ${paper.id}: ${cell.model} on ${cell.dataset} starts from the trained ${trainingBudget.initFrom} run (${initFrom}), which has not finished; train it first (reproduce ${paper.id} --models ${trainingBudget.initFrom})`);
  }
  const started = Date.now();
  const outcome = await trainModelRun({
    registry: ctx.registry,
    model: cell.model,
    data: prepared,
    options: trainingBudget.options,
    steps: trainingBudget.steps,
    batch: trainingBudget.batch,
    learningRate: trainingBudget.learningRate,
    schedule: trainingBudget.schedule,
    seed: ctx.seed,
    runsDir: ctx.dir,
    name: `${cell.dataset}-${cell.model}`,
    backend: ctx.backend,
    progressStream: ctx.progressStream,
    onStep: ctx.onStep,
    checkpointEvery: ctx.checkpointEvery,
    label: `${cell.dataset} ${cell.model}`,
    initFrom,
    log,
  });
  const { run, entry, model } = outcome;
  const numbers = new Map<string, CellNumber>();
  try {
    const logs = await run.readMetrics();
    const cached = await readEvaluation(run.path, outcome.result.step);
    const context = createMetricContext({ model, data: prepared, logs, judge: () => ctx.source.judgeOf(cell.dataset) });
    for (const item of wanted) {
      const key = metricKey(item.metric, item.options);
      const { calibration, ...metricOptions } = item.options ?? {};
      if (cached[key]) {
        numbers.set(numberKey(cell, item), cached[key]);
        continue;
      }
      const why = metricUnavailable(metricById(item.metric), calibration ? [] : entry.capabilities, prepared, calibration ? undefined : model);
      let result: CellNumber;
      if (why) result = { error: why };
      else {
        try {
          result = await computeMetric(context, item.metric, metricOptions);
          log(`  ${item.metric}${Object.keys(metricOptions).length ? ` ${JSON.stringify(metricOptions)}` : ''}: ${result.value.toFixed(4)}`);
        } catch (error) {
          result = { error: (error as Error).message };
          log(`  ${item.metric}: failed — ${(error as Error).message}`);
        }
      }
      numbers.set(numberKey(cell, item), result);
      cached[key] = result;
      await writeJson(join(run.path, EVALUATION_FILE), { step: outcome.result.step, results: cached });
    }
    const cellRun: CellRun = { dataset: cell.dataset, model: cell.model, run: run.path, step: outcome.result.step, seconds: (Date.now() - started) / 1000, trainingSeconds: trainingSeconds(logs), budget: trainingBudget };
    return { run: cellRun, numbers };
  } finally {
    model.dispose();
  }
}

/**
 * Training time from a run's log lines (`time` in ms, one line every few steps): the sum of
 * the gaps between consecutive lines, leaving out gaps over two minutes (a stop and a resume).
 */
export function trainingSeconds(logs: { time?: number }[]): number {
  let total = 0;
  for (let i = 1; i < logs.length; i++) {
    const gap = (logs[i].time ?? 0) - (logs[i - 1].time ?? 0);
    if (gap > 0 && gap < 120_000) total += gap;
  }
  return total / 1000;
}

/** The numbers a run's evaluation.json holds for `step` (errors left out: they are retried). */
export async function readEvaluation(runPath: string, step: number): Promise<Record<string, CellNumber>> {
  try {
    const saved = JSON.parse(await readFile(join(runPath, EVALUATION_FILE), 'utf8')) as { step: number; results: Record<string, CellNumber> };
    // Numbers of an older step describe other weights; errors are retried.
    if (saved.step !== step) return {};
    return Object.fromEntries(Object.entries(saved.results).filter(([, r]) => !('error' in r)));
  } catch {
    return {};
  }
}
