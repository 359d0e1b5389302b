/**
 * The one reproduce runner: reads any paper declaration, trains (or resumes) one run per
 * model × dataset cell of its tables and figures, evaluates each cell's metrics by id (kept
 * in the run's evaluation.json, so a second call only computes what is missing), draws the
 * figures, judges the claims from the numbers, and writes report.md and results.json.
 *
 *   runs/reproduce-<paper>[-<budget>]/<dataset>-<model>/   one run each (resumes)
 *   runs/reproduce-<paper>[-<budget>]/figures/             the declaration's figures
 *   runs/reproduce-<paper>[-<budget>]/report.md, results.json
 */
import { writeFileAtomic, type BackendChoice } from '@disentangle/kernels';
import type { DataSpec } from '@disentangle/data';
import { metricById } from '@disentangle/metrics';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { writeJson } from '../runs/model-run';
import { cellBudget, cellMetrics, cellRunPath, finished, metricKey, planReproduction } from './cells';
import { createDataSource, runCell, type CellNumber, type CellRun } from './cell-run';
import type { ClaimResult } from './claims';
import type { Budget, PaperDeclaration } from './declaration';
import { drawFigure, drawnTitle } from './figures';
import { renderReport } from './report';
import { assembleTables, type TableResult } from './tables';

export { calibratedColumns, cellBudget, checkDeclaration, orderAfterSources } from './cells';
export { trainingSeconds, type CellRun } from './cell-run';

export interface ReproduceOptions {
  paper: PaperDeclaration;
  registry: ModelRegistry;
  /** A key of the declaration's budgets ('quick', 'full', ...). */
  budget: string;
  runsDir: string;
  /** Directory of this reproduction (default runsDir/reproduce-<paper>[-<budget>], no suffix for 'full'). */
  dir?: string;
  seed: number;
  backend: BackendChoice;
  /** The command line, printed in the report. */
  command: string;
  log?: (line: string) => void;
  progressStream?: NodeJS.WriteStream;
  /**
   * Train only the cells of these models / datasets now (default: all). Cells outside the
   * filter that an earlier call finished are still evaluated and reported; the rest show as
   * not run. A budget too small for every cell trains in stages and loses nothing.
   */
  only?: { models?: string[]; datasets?: string[] };
}

export interface Reproduction {
  paper: { id: string; number: string; title: string; file: string };
  budget: { name: string } & Budget;
  command: string;
  /** Every call that trained into this directory, oldest first, this one last (staged runs). */
  commands: string[];
  machine: string;
  backend: string;
  seconds: number;
  datasets: Record<string, { paper: string; spec: DataSpec; loaded: { count: number; train: number; test: number } }>;
  judges: Record<string, { name: string; accuracy: number }>;
  runs: CellRun[];
  /** Cells left untrained by `only` (their numbers are missing; claims on them are not measurable). */
  skipped: { dataset: string; model: string }[];
  tables: TableResult[];
  claims: ClaimResult[];
  figures: { id: string; file: string; title: string }[];
  /** A sweep's seeds: every number is then a mean over them, with its spread (sweep/sweep-report.ts). */
  seeds?: number[];
  /** A sweep's jobs, its wall time (first logged step to last job's end) and its summed training time. */
  sweep?: { jobs: number; wallSeconds: number; trainingSeconds: number };
}

export function reproductionDir(runsDir: string, paper: string, budget: string): string {
  return join(runsDir, budget === 'full' ? `reproduce-${paper}` : `reproduce-${paper}-${budget}`);
}

export async function reproducePaper(o: ReproduceOptions): Promise<{ dir: string; report: string; results: Reproduction }> {
  const { paper, registry } = o;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { budget, tables, figures, cells } = planReproduction(paper, o.budget, registry);
  const dir = o.dir ?? reproductionDir(o.runsDir, paper.id, o.budget);
  await mkdir(join(dir, 'figures'), { recursive: true });
  const started = Date.now();
  const source = createDataSource(paper, o.budget, o.seed, log);
  for (const name of o.only?.models ?? []) if (!cells.some((c) => c.model === name)) throw new Error(`reproduce ${paper.id}: --models names '${name}', which no table or figure of budget '${o.budget}' trains (${[...new Set(cells.map((c) => c.model))].join(', ')})`);
  for (const key of o.only?.datasets ?? []) if (!cells.some((c) => c.dataset === key)) throw new Error(`reproduce ${paper.id}: --datasets names '${key}', which no table or figure of budget '${o.budget}' uses (${[...new Set(cells.map((c) => c.dataset))].join(', ')})`);
  const wanted = (cell: { dataset: string; model: string }) =>
    (!o.only?.models || o.only.models.includes(cell.model)) && (!o.only?.datasets || o.only.datasets.includes(cell.dataset));

  const runs: CellRun[] = [];
  const skipped: Reproduction['skipped'] = [];
  const numbers = new Map<string, CellNumber>();
  // Calibration rows go with the first cell of their dataset that runs in this call.
  const calibrationTaken = new Set<string>();
  const context = { paper, budgetName: o.budget, registry, dir, seed: o.seed, backend: o.backend, source, log, progressStream: o.progressStream };
  for (const [index, cell] of cells.entries()) {
    const trainingBudget = cellBudget(budget, cell.dataset, cell.model);
    if (!wanted(cell) && !(await finished(cellRunPath(dir, cell), trainingBudget.steps))) {
      log(`[${index + 1}/${cells.length}] ${cell.model} on ${cell.dataset}: not run (outside --models / --datasets)`);
      skipped.push({ dataset: cell.dataset, model: cell.model });
      continue;
    }
    log(`[${index + 1}/${cells.length}] ${cell.model} on ${cell.dataset}: ${trainingBudget.steps} steps${trainingBudget.initFrom ? `, starting from ${trainingBudget.initFrom}` : ''}`);
    const done = await runCell(context, cell, cellMetrics(tables, cell, calibrationTaken));
    runs.push(done.run);
    for (const [key, value] of done.numbers) numbers.set(key, value);
  }

  // Figures: reopened from the runs' checkpoints, one model at a time.
  const drawn: Reproduction['figures'] = [];
  for (const figure of figures) {
    const file = join(dir, 'figures', `${figure.id}.png`);
    try {
      const ready = (model: string) => finished(cellRunPath(dir, { dataset: figure.dataset, model }), cellBudget(budget, figure.dataset, model).steps);
      const { omitted } = await drawFigure(figure, { registry, dir, data: await source.dataOf(figure.dataset), file, ready });
      drawn.push({ id: figure.id, file: `figures/${figure.id}.png`, title: drawnTitle(figure, omitted) });
      log(`figure ${figure.id}: ${file}`);
    } catch (error) {
      log(`figure ${figure.id}: failed — ${(error as Error).message}`);
    }
  }

  const { tables: tableResults, claims } = assembleTables(paper, tables, numbers);

  // Every judge behind a judged column is listed, even when its numbers came from the runs' caches.
  for (const table of tables) {
    for (const column of table.columns) {
      if (metricById(column.metric).needsJudge && paper.datasets[column.dataset] && numbers.has(`${column.dataset}|${table.rows[0]}|${metricKey(column.metric, column.options)}`)) source.judgeOf(column.dataset);
    }
  }
  const judgeInfo: Reproduction['judges'] = {};
  for (const [key, judge] of source.judges) {
    const j = await judge.catch(() => undefined);
    if (j) {
      judgeInfo[key] = { name: j.name, accuracy: j.accuracy };
      j.classifier.dispose();
    }
  }
  const results: Reproduction = {
    paper: { id: paper.id, number: paper.number, title: paper.title, file: paper.file },
    budget: { name: o.budget, ...budget },
    command: o.command,
    commands: [...(await previousCommands(dir)).filter((c) => c !== o.command), o.command],
    machine: machineDescription(o.backend),
    backend: o.backend.backend,
    seconds: (Date.now() - started) / 1000,
    datasets: Object.fromEntries([...source.data].map(([key, d]) => [key, { paper: paper.datasets[key].paper, spec: d.spec, loaded: { count: d.dataset.count, train: d.split.train.length, test: d.split.test.length } }])),
    judges: judgeInfo,
    runs,
    skipped,
    tables: tableResults,
    claims,
    figures: drawn,
  };
  const report = join(dir, 'report.md');
  await writeJson(join(dir, 'results.json'), results);
  await writeFileAtomic(report, renderReport(paper, results, dir));
  return { dir, report, results };
}

/** The commands recorded by an earlier call's results.json in `dir` (none on a first call). */
async function previousCommands(dir: string): Promise<string[]> {
  try {
    const earlier = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Partial<Reproduction>;
    return earlier.commands ?? (earlier.command ? [earlier.command] : []);
  } catch {
    return [];
  }
}

export function machineDescription(backend: BackendChoice): string {
  const cpus = os.cpus();
  return `${cpus.length}× ${cpus[0]?.model?.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, tfjs ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`;
}

