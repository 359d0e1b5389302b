/**
 * `sweep report`: a paper's report from the store, each number the mean ± sample std of
 * its seeds (n stated). Each seed's numbers are read once, from its cell's evaluation.json
 * at the run's final step, so a job that ran twice counts once. Claims are judged on the
 * means, and on each seed's own numbers ("holds in 3/3 seeds"). Figures are drawn from the
 * first seed's runs.
 */
import { writeFileAtomic, type BackendChoice } from '@disentangle/kernels';
import { metricById, type MetricResult } from '@disentangle/metrics';
import { spreadOf } from '@disentangle/sweep';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { cellBudget, cellMetrics, cellRunPath, finished, metricKey, numberKey, planReproduction } from '../reproduce/cells';
import { createDataSource, EVALUATION_FILE, trainingSeconds, type CellNumber, type CellRun } from '../reproduce/cell-run';
import type { PaperDeclaration } from '../reproduce/declaration';
import { drawFigure, drawnTitle } from '../reproduce/figures';
import { renderReport } from '../reproduce/report';
import { machineDescription, type Reproduction } from '../reproduce/runner';
import { assembleTables } from '../reproduce/tables';
import { RunDirectory } from '@disentangle/training';
import { writeJson } from '../runs/model-run';
import { SWEEP_JOB_FILE } from './cell-job-handler';
import { jobName, seedDir, sweepDir } from './sweep-jobs';

/** A mean over seeds, with what it is a mean of. */
export interface SeedSpread {
  std: number;
  /** Seeds with a number. */
  seeds: number;
  values: number[];
}

export type AggregatedResult = MetricResult & { spread?: SeedSpread };

export interface SweepReportOptions {
  paper: PaperDeclaration;
  budget: string;
  seeds: number[];
  store: string;
  registry: ModelRegistry;
  backend: BackendChoice;
  /** The command that writes this report, printed in it ... */
  command: string;
  /** ... after the ones that ran the sweep (enqueue, workers), if given. */
  earlier?: string[];
  log?: (line: string) => void;
}

/** The cells whose run or numbers are not in the store yet, by job name. */
export class SweepIncompleteError extends Error {
  constructor(readonly missing: string[]) {
    super(`the sweep is not finished: ${missing.length} job${missing.length === 1 ? '' : 's'} without final numbers in the store (${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ', …' : ''}); \`disentangle sweep status\` shows where they stand`);
    this.name = 'SweepIncompleteError';
  }
}

async function readSaved(runPath: string): Promise<{ step: number; results: Record<string, CellNumber> } | undefined> {
  try {
    return JSON.parse(await readFile(join(runPath, EVALUATION_FILE), 'utf8')) as { step: number; results: Record<string, CellNumber> };
  } catch {
    return undefined;
  }
}

/** When a run's job finished (its sweep-job.json), in ms. */
async function readJob(runPath: string): Promise<number | undefined> {
  try {
    const job = JSON.parse(await readFile(join(runPath, SWEEP_JOB_FILE), 'utf8')) as { completedAt?: string };
    return job.completedAt ? Date.parse(job.completedAt) : undefined;
  } catch {
    return undefined;
  }
}

/** Mean of each number over the seeds that have it; errors only where no seed has a number. */
export function aggregateSeeds(perSeed: Map<string, CellNumber>[]): Map<string, CellNumber> {
  const keys = new Set(perSeed.flatMap((numbers) => [...numbers.keys()]));
  const out = new Map<string, CellNumber>();
  for (const key of keys) {
    const results = perSeed.map((n) => n.get(key)).filter((r): r is MetricResult => r !== undefined && !('error' in r));
    const spread = spreadOf(results.map((r) => r.value));
    if (!spread) {
      const failed = perSeed.map((n) => n.get(key)).find((r) => r && 'error' in r);
      out.set(key, failed ?? { error: 'no seed has a finite number' });
      continue;
    }
    // Details every seed has (per-label entries of labels a seed's data did not draw are left out).
    const detailKeys = Object.keys(results[0].details ?? {}).filter((k) => results.every((r) => r.details?.[k] !== undefined));
    const details = Object.fromEntries(detailKeys.map((k) => [k, spreadOf(results.map((r) => r.details![k]))?.mean ?? Number.NaN]));
    const aggregated: AggregatedResult = {
      value: spread.mean,
      n: results[0].n,
      ...(results[0].judge ? { judge: results[0].judge } : {}),
      ...(detailKeys.length ? { details } : {}),
      spread: { std: spread.std, seeds: spread.n, values: results.map((r) => r.value) },
    };
    out.set(key, aggregated);
  }
  return out;
}

export async function reportSweep(o: SweepReportOptions): Promise<{ report: string; results: Reproduction }> {
  const { paper, registry } = o;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = planReproduction(paper, o.budget, registry);
  const dir = sweepDir(o.store, paper.id, o.budget);
  const started = Date.now();

  const runs: CellRun[] = [];
  const missing: string[] = [];
  // From the first logged step of any run to the last job's end.
  const span = { first: Infinity, last: 0 };
  const perSeed: Map<string, CellNumber>[] = [];
  for (const seed of o.seeds) {
    const numbers = new Map<string, CellNumber>();
    const calibrationTaken = new Set<string>();
    for (const cell of plan.cells) {
      const wanted = cellMetrics(plan.tables, cell, calibrationTaken);
      const budget = cellBudget(plan.budget, cell.dataset, cell.model);
      const runPath = cellRunPath(seedDir(o.store, paper.id, o.budget, seed), cell);
      const saved = await readSaved(runPath);
      const keys = wanted.map((w) => metricKey(w.metric, w.options));
      // A cell only a figure needs has no numbers: its run must have finished.
      const done = wanted.length === 0 ? await finished(runPath, budget.steps) : saved !== undefined && saved.step >= budget.steps && keys.every((k) => saved.results[k]);
      if (!done) {
        missing.push(jobName({ paper: paper.id, budget: o.budget, seed, ...cell }));
        continue;
      }
      for (const [i, w] of wanted.entries()) numbers.set(numberKey(cell, w), saved!.results[keys[i]]);
      const logs = await (await RunDirectory.open(runPath)).readMetrics();
      span.first = Math.min(span.first, logs[0]?.time ?? Infinity);
      span.last = Math.max(span.last, (await readJob(runPath)) ?? logs.at(-1)?.time ?? 0);
      runs.push({ ...cell, run: runPath, step: saved?.step ?? budget.steps, seconds: 0, trainingSeconds: trainingSeconds(logs), budget, seed });
    }
    perSeed.push(numbers);
  }
  if (missing.length) throw new SweepIncompleteError(missing);

  const seedResults = perSeed.map((numbers) => assembleTables(paper, plan.tables, numbers));
  const { tables, claims } = assembleTables(paper, plan.tables, aggregateSeeds(perSeed));
  for (const [i, claim] of claims.entries()) claim.perSeed = o.seeds.map((seed, s) => ({ seed, verdict: seedResults[s].claims[i].verdict }));

  // Figures and judges from the first seed's runs and data.
  await mkdir(join(dir, 'figures'), { recursive: true });
  const source = createDataSource(paper, o.budget, o.seeds[0], log);
  const drawn: Reproduction['figures'] = [];
  for (const figure of plan.figures) {
    const file = join(dir, 'figures', `${figure.id}.png`);
    try {
      const seedRuns = seedDir(o.store, paper.id, o.budget, o.seeds[0]);
      const ready = (model: string) => finished(cellRunPath(seedRuns, { dataset: figure.dataset, model }), cellBudget(plan.budget, figure.dataset, model).steps);
      const { omitted } = await drawFigure(figure, { registry, dir: seedRuns, data: await source.dataOf(figure.dataset), file, ready });
      drawn.push({ id: figure.id, file: `figures/${figure.id}.png`, title: `${drawnTitle(figure, omitted)} (seed ${o.seeds[0]})` });
    } catch (error) {
      log(`figure ${figure.id}: failed — ${(error as Error).message}`);
    }
  }
  const judges: Reproduction['judges'] = {};
  for (const key of new Set(plan.tables.flatMap((t) => t.columns.filter((c) => metricById(c.metric).needsJudge).map((c) => c.dataset)))) {
    const judge = await source.judgeOf(key);
    judges[key] = { name: judge.name, accuracy: judge.accuracy };
    judge.classifier.dispose();
  }
  for (const key of plan.cells.map((c) => c.dataset)) await source.dataOf(key);

  const results: Reproduction = {
    paper: { id: paper.id, number: paper.number, title: paper.title, file: paper.file },
    budget: { name: o.budget, ...plan.budget },
    command: o.command,
    commands: [...(o.earlier ?? []), o.command],
    machine: `the workers' (each run's summary.json names its backend); this report: ${machineDescription(o.backend)}`,
    backend: o.backend.backend,
    seconds: (Date.now() - started) / 1000,
    datasets: Object.fromEntries([...source.data].map(([key, d]) => [key, { paper: paper.datasets[key].paper, spec: d.spec, loaded: { count: d.dataset.count, train: d.split.train.length, test: d.split.test.length } }])),
    judges,
    runs,
    skipped: [],
    tables,
    claims,
    figures: drawn,
    seeds: o.seeds,
    sweep: { jobs: runs.length, wallSeconds: Math.max(0, (span.last - span.first) / 1000), trainingSeconds: runs.reduce((a, r) => a + r.trainingSeconds, 0) },
  };
  const report = join(dir, 'report.md');
  await writeJson(join(dir, 'results.json'), results);
  await writeFileAtomic(report, renderReport(paper, results, dir));
  return { report, results };
}
