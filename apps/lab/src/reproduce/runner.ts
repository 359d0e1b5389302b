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
import { prepareData, type DataSpec, type PreparedData } from '@disentangle/data';
import { computeMetric, createMetricContext, METRICS, metricById, metricUnavailable, type MetricJudge, type MetricResult } from '@disentangle/metrics';
import { CHECKPOINTS_DIR, listCheckpoints } from '@disentangle/training';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { judgeFor } from '../runs/judges';
import { trainModelRun, writeJson } from '../runs/model-run';
import { judgeClaim, type ClaimResult, type TableNumbers } from './claims';
import type { Budget, PaperDeclaration, TableDeclaration, TrainingBudget } from './declaration';
import { drawFigure } from './figures';
import { renderReport } from './report';

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
  tables: { id: string; cells: Record<string, Record<string, MetricResult | undefined>>; calibration: Record<string, Record<string, MetricResult | undefined>>; errors: Record<string, string> }[];
  claims: ClaimResult[];
  figures: { id: string; file: string; title: string }[];
}

const EVALUATION_FILE = 'evaluation.json';

function metricKey(metric: string, options?: Record<string, unknown>): string {
  return options && Object.keys(options).length ? `${metric} ${JSON.stringify(options)}` : metric;
}

/** Throws before anything trains when the declaration names a model, dataset, metric, table or column that does not exist. */
export function checkDeclaration(paper: PaperDeclaration, registry: ModelRegistry): void {
  const fail = (message: string): never => {
    throw new Error(`paper declaration '${paper.id}': ${message}`);
  };
  const tables = new Map(paper.tables.map((t) => [t.id, t]));
  for (const table of paper.tables) {
    for (const model of table.rows) if (!registry.has(model)) fail(`table '${table.id}' names model '${model}', which is not in the registry (${registry.names().join(', ')})`);
    for (const column of table.columns) {
      if (!paper.datasets[column.dataset]) fail(`table '${table.id}' column '${column.key}' names dataset '${column.dataset}', not one of ${Object.keys(paper.datasets).join(', ')}`);
      if (!Object.hasOwn(METRICS, column.metric)) fail(`table '${table.id}' column '${column.key}' names metric '${column.metric}', not one of ${Object.keys(METRICS).join(', ')}`);
    }
    for (const row of table.calibration ?? []) if (!Object.hasOwn(METRICS, row.metric)) fail(`table '${table.id}' calibration '${row.label}' names unknown metric '${row.metric}'`);
  }
  for (const claim of paper.claims) {
    const table = tables.get(claim.check.table) ?? fail(`claim '${claim.id}' names table '${claim.check.table}', which does not exist`);
    const check = claim.check;
    const models = check.kind === 'best' || check.kind === 'compare' ? [check.model] : check.models;
    for (const m of models) if (!table.rows.includes(m)) fail(`claim '${claim.id}' names model '${m}', not a row of table '${table.id}'`);
    const columns = check.kind === 'compare' ? [check.column] : (check.columns ?? []);
    for (const c of columns) if (!table.columns.some((col) => col.key === c)) fail(`claim '${claim.id}' names column '${c}', not a column of table '${table.id}'`);
  }
  for (const [name, budget] of Object.entries(paper.budgets)) {
    for (const [model, layer] of Object.entries(budget.models ?? {})) {
      if (layer.initFrom !== undefined && !registry.has(layer.initFrom)) fail(`budget '${name}' starts ${model} from '${layer.initFrom}', which is not in the registry`);
    }
  }
  for (const figure of paper.figures) {
    if (!paper.datasets[figure.dataset]) fail(`figure '${figure.id}' names dataset '${figure.dataset}'`);
    for (const model of figure.models) if (!registry.has(model)) fail(`figure '${figure.id}' names model '${model}', which is not in the registry`);
  }
  for (const [name, budget] of Object.entries(paper.budgets)) {
    for (const id of budget.tables ?? []) if (!tables.has(id)) fail(`budget '${name}' lists table '${id}', which does not exist`);
    for (const id of budget.figures ?? []) if (!paper.figures.some((f) => f.id === id)) fail(`budget '${name}' lists figure '${id}', which does not exist`);
  }
}

/** The budget of one cell: the budget's training, then its dataset's, then its model's overrides. */
export function cellBudget(budget: Budget, dataset: string, model: string): TrainingBudget {
  const layers = [budget.training, budget.datasets?.[dataset] ?? {}, budget.models?.[model] ?? {}];
  return layers.reduce<TrainingBudget>(
    (merged, layer) => ({ ...merged, ...layer, options: { ...merged.options, ...layer.options }, data: { ...merged.data, ...layer.data } }),
    { steps: budget.training.steps },
  );
}

export function reproductionDir(runsDir: string, paper: string, budget: string): string {
  return join(runsDir, budget === 'full' ? `reproduce-${paper}` : `reproduce-${paper}-${budget}`);
}

export async function reproducePaper(o: ReproduceOptions): Promise<{ dir: string; report: string; results: Reproduction }> {
  const { paper, registry } = o;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  checkDeclaration(paper, registry);
  const budget = paper.budgets[o.budget];
  if (!budget) throw new Error(`paper '${paper.id}' has no budget '${o.budget}'; budgets: ${Object.keys(paper.budgets).join(', ')}`);
  const tables = paper.tables.filter((t) => !budget.tables || budget.tables.includes(t.id));
  const figures = paper.figures.filter((f) => !budget.figures || budget.figures.includes(f.id));
  const dir = o.dir ?? reproductionDir(o.runsDir, paper.id, o.budget);
  await mkdir(join(dir, 'figures'), { recursive: true });
  const started = Date.now();

  // Data, judges: once per dataset key.
  const data = new Map<string, PreparedData>();
  const dataOf = async (key: string): Promise<PreparedData> => {
    if (!data.has(key)) {
      const declared = paper.datasets[key];
      const spec: DataSpec = { ...declared.spec, seed: o.seed, ...budget.training.data, ...budget.datasets?.[key]?.data };
      data.set(key, await prepareData(spec));
    }
    return data.get(key)!;
  };
  const judges = new Map<string, Promise<MetricJudge>>();
  const judgeOf = (key: string) => {
    if (!judges.has(key)) judges.set(key, dataOf(key).then((d) => judgeFor(d, { ...budget.judge, dataset: paper.datasets[key].judge?.dataset }, log)));
    return judges.get(key)!;
  };

  // The cells: every (dataset, model) a table or figure needs, in declaration order.
  const cells: { dataset: string; model: string }[] = [];
  const addCell = (dataset: string, model: string) => {
    if (!cells.some((c) => c.dataset === dataset && c.model === model)) cells.push({ dataset, model });
  };
  for (const table of tables) for (const column of table.columns) for (const model of table.rows) addCell(column.dataset, model);
  for (const figure of figures) for (const model of figure.models) addCell(figure.dataset, model);
  // The budget's priority models train first (where the claims are), in declaration order otherwise.
  const rank = (model: string) => {
    const at = budget.priority?.indexOf(model) ?? -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  cells.sort((a, b) => rank(a.model) - rank(b.model));
  orderAfterSources(cells, (cell) => cellBudget(budget, cell.dataset, cell.model).initFrom, paper.id);
  for (const name of o.only?.models ?? []) if (!cells.some((c) => c.model === name)) throw new Error(`reproduce ${paper.id}: --models names '${name}', which no table or figure of budget '${o.budget}' trains (${[...new Set(cells.map((c) => c.model))].join(', ')})`);
  for (const key of o.only?.datasets ?? []) if (!cells.some((c) => c.dataset === key)) throw new Error(`reproduce ${paper.id}: --datasets names '${key}', which no table or figure of budget '${o.budget}' uses (${[...new Set(cells.map((c) => c.dataset))].join(', ')})`);
  const wanted = (cell: { dataset: string; model: string }) =>
    (!o.only?.models || o.only.models.includes(cell.model)) && (!o.only?.datasets || o.only.datasets.includes(cell.dataset));

  const runs: CellRun[] = [];
  const skipped: Reproduction['skipped'] = [];
  const numbers = new Map<string, MetricResult | { error: string }>(); // `${dataset}|${model}|${metricKey}`
  const calibrationDone = new Set<string>();
  for (const [index, cell] of cells.entries()) {
    const trainingBudget = cellBudget(budget, cell.dataset, cell.model);
    if (!wanted(cell) && !(await finished(join(dir, `${cell.dataset}-${cell.model}`), trainingBudget.steps))) {
      log(`[${index + 1}/${cells.length}] ${cell.model} on ${cell.dataset}: not run (outside --models / --datasets)`);
      skipped.push({ dataset: cell.dataset, model: cell.model });
      continue;
    }
    const prepared = await dataOf(cell.dataset);
    const initFrom = trainingBudget.initFrom === undefined ? undefined : join(dir, `${cell.dataset}-${trainingBudget.initFrom}`);
    if (initFrom && !(await finished(initFrom, cellBudget(budget, cell.dataset, trainingBudget.initFrom!).steps))) {
      throw new Error(`reproduce ${paper.id}: ${cell.model} on ${cell.dataset} starts from the trained ${trainingBudget.initFrom} run (${initFrom}), which has not finished; train it first (reproduce ${paper.id} --models ${trainingBudget.initFrom})`);
    }
    log(`[${index + 1}/${cells.length}] ${cell.model} on ${cell.dataset}: ${trainingBudget.steps} steps${initFrom ? `, starting from ${trainingBudget.initFrom}` : ''}`);
    const cellStarted = Date.now();
    const outcome = await trainModelRun({
      registry,
      model: cell.model,
      data: prepared,
      options: trainingBudget.options,
      steps: trainingBudget.steps,
      batch: trainingBudget.batch,
      learningRate: trainingBudget.learningRate,
      schedule: trainingBudget.schedule,
      seed: o.seed,
      runsDir: dir,
      name: `${cell.dataset}-${cell.model}`,
      backend: o.backend,
      progressStream: o.progressStream,
      label: `${cell.dataset} ${cell.model}`,
      initFrom,
    });
    const { run, entry, model } = outcome;
    try {
      const logs = await run.readMetrics();
      runs.push({ dataset: cell.dataset, model: cell.model, run: run.path, step: outcome.result.step, seconds: (Date.now() - cellStarted) / 1000, trainingSeconds: trainingSeconds(logs), budget: trainingBudget });
      // Metrics of this cell, and the data-level calibration rows of its dataset once.
      const wanted: { metric: string; options?: Record<string, unknown> }[] = [];
      for (const table of tables) {
        for (const column of table.columns) if (column.dataset === cell.dataset && table.rows.includes(cell.model)) wanted.push(column);
        for (const row of table.calibration ?? []) {
          if (calibratedColumns(table, row).some((c) => c.dataset === cell.dataset) && !calibrationDone.has(`${table.id}|${cell.dataset}|${row.label}`)) {
            calibrationDone.add(`${table.id}|${cell.dataset}|${row.label}`);
            wanted.push({ metric: row.metric, options: { ...row.options, calibration: true } });
          }
        }
      }
      const cached = await readEvaluation(run.path, outcome.result.step);
      const context = createMetricContext({ model, data: prepared, logs, judge: () => judgeOf(cell.dataset) });
      for (const { metric, options } of wanted) {
        const key = metricKey(metric, options);
        const { calibration, ...metricOptions } = options ?? {};
        const numberKey = calibration ? `${cell.dataset}|*|${metricKey(metric, metricOptions)}` : `${cell.dataset}|${cell.model}|${key}`;
        if (cached[key]) {
          numbers.set(numberKey, cached[key]);
          continue;
        }
        const why = metricUnavailable(metricById(metric), calibration ? [] : entry.capabilities, prepared, calibration ? undefined : model);
        let result: MetricResult | { error: string };
        if (why) result = { error: why };
        else {
          try {
            result = await computeMetric(context, metric, metricOptions);
            log(`  ${metric}${Object.keys(metricOptions).length ? ` ${JSON.stringify(metricOptions)}` : ''}: ${result.value.toFixed(4)}`);
          } catch (error) {
            result = { error: (error as Error).message };
            log(`  ${metric}: failed — ${(error as Error).message}`);
          }
        }
        numbers.set(numberKey, result);
        cached[key] = result;
        await writeJson(join(run.path, EVALUATION_FILE), { step: outcome.result.step, results: cached });
      }
    } finally {
      model.dispose();
    }
  }

  // Figures: reopened from the runs' checkpoints, one model at a time.
  const drawn: Reproduction['figures'] = [];
  for (const figure of figures) {
    const file = join(dir, 'figures', `${figure.id}.png`);
    try {
      await drawFigure(figure, { registry, dir, data: await dataOf(figure.dataset), file });
      drawn.push({ id: figure.id, file: `figures/${figure.id}.png`, title: figure.title });
      log(`figure ${figure.id}: ${file}`);
    } catch (error) {
      log(`figure ${figure.id}: failed — ${(error as Error).message}`);
    }
  }

  const tableNumbers: Record<string, TableNumbers> = {};
  const tableResults: Reproduction['tables'] = tables.map((table) => {
    const { cells: byModel, calibration, errors } = collect(table, numbers);
    tableNumbers[table.id] = { declaration: table, cells: byModel };
    return { id: table.id, cells: byModel, calibration, errors };
  });
  const claims = paper.claims.filter((c) => tableNumbers[c.check.table]).map((claim) => judgeClaim(claim, tableNumbers));

  // Every judge behind a judged column is listed, even when its numbers came from the runs' caches.
  for (const table of tables) {
    for (const column of table.columns) {
      if (metricById(column.metric).needsJudge && paper.datasets[column.dataset] && numbers.has(`${column.dataset}|${table.rows[0]}|${metricKey(column.metric, column.options)}`)) judgeOf(column.dataset);
    }
  }
  const judgeInfo: Reproduction['judges'] = {};
  for (const [key, judge] of judges) {
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
    datasets: Object.fromEntries([...data].map(([key, d]) => [key, { paper: paper.datasets[key].paper, spec: d.spec, loaded: { count: d.dataset.count, train: d.split.train.length, test: d.split.test.length } }])),
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

/**
 * Moves each cell that starts from another model's run (`initFrom`) to just after that
 * model's cell on the same dataset, keeping the order otherwise; in place.
 */
export function orderAfterSources(cells: { dataset: string; model: string }[], sourceOf: (cell: { dataset: string; model: string }) => string | undefined, paper = 'paper'): void {
  for (let i = 0, moves = 0; i < cells.length; i++) {
    const from = sourceOf(cells[i]);
    if (from === undefined) continue;
    const at = cells.findIndex((c) => c.dataset === cells[i].dataset && c.model === from);
    if (at < 0) throw new Error(`reproduce ${paper}: ${cells[i].model} on ${cells[i].dataset} starts from ${from}, which no table or figure trains on ${cells[i].dataset}`);
    if (at < i) continue;
    if (++moves > cells.length * cells.length) throw new Error(`reproduce ${paper}: the initFrom sources form a cycle`);
    cells.splice(at, 0, ...cells.splice(i, 1)); // removing cell i first puts the source at at − 1
    i--;
  }
}

/** The columns a calibration row sits under. */
export function calibratedColumns(table: TableDeclaration, row: NonNullable<TableDeclaration['calibration']>[number]) {
  const metric = row.appliesTo ?? table.columns[0]?.metric;
  return table.columns.filter((c) => c.metric === metric);
}

/** One entry of a result's details as a cell of its own (same n and judge); an error when the metric did not report it. */
function detailOf(result: MetricResult, detail: string, where: string, errors: Record<string, string>): MetricResult | undefined {
  const value = result.details?.[detail];
  if (value === undefined) {
    errors[where] = `the metric reported no detail '${detail}' (it has ${Object.keys(result.details ?? {}).join(', ') || 'none'})`;
    return undefined;
  }
  return { value, n: result.n, judge: result.judge };
}

/** A table's cells and calibration rows from the computed numbers. */
function collect(table: TableDeclaration, numbers: Map<string, MetricResult | { error: string }>) {
  const cells: Record<string, Record<string, MetricResult | undefined>> = {};
  const calibration: Record<string, Record<string, MetricResult | undefined>> = {};
  const errors: Record<string, string> = {};
  const take = (key: string, where: string): MetricResult | undefined => {
    const found = numbers.get(key);
    if (found && 'error' in found) {
      errors[where] = found.error;
      return undefined;
    }
    return found;
  };
  for (const model of table.rows) {
    cells[model] = {};
    for (const column of table.columns) {
      const where = `${model} / ${column.key}`;
      const result = take(`${column.dataset}|${model}|${metricKey(column.metric, column.options)}`, where);
      cells[model][column.key] = column.detail && result ? detailOf(result, column.detail, where, errors) : result;
    }
  }
  for (const row of table.calibration ?? []) {
    calibration[row.label] = {};
    for (const column of calibratedColumns(table, row)) {
      const where = `${row.label} / ${column.key}`;
      const result = take(`${column.dataset}|*|${metricKey(row.metric, row.options)}`, where);
      calibration[row.label][column.key] = column.detail && result ? detailOf(result, column.detail, where, errors) : result;
    }
  }
  return { cells, calibration, errors };
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

/** The commands recorded by an earlier call's results.json in `dir` (none on a first call). */
async function previousCommands(dir: string): Promise<string[]> {
  try {
    const earlier = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Partial<Reproduction>;
    return earlier.commands ?? (earlier.command ? [earlier.command] : []);
  } catch {
    return [];
  }
}

/** Whether the run at `runPath` has a checkpoint at `steps` or later. */
async function finished(runPath: string, steps: number): Promise<boolean> {
  const checkpoints = await listCheckpoints({ checkpointsDir: join(runPath, CHECKPOINTS_DIR) });
  return checkpoints.some((c) => c.step >= steps);
}

async function readEvaluation(runPath: string, step: number): Promise<Record<string, MetricResult | { error: string }>> {
  try {
    const saved = JSON.parse(await readFile(join(runPath, EVALUATION_FILE), 'utf8')) as { step: number; results: Record<string, MetricResult | { error: string }> };
    // Numbers of an older step describe other weights; errors are retried.
    if (saved.step !== step) return {};
    return Object.fromEntries(Object.entries(saved.results).filter(([, r]) => !('error' in r)));
  } catch {
    return {};
  }
}

function machineDescription(backend: BackendChoice): string {
  const cpus = os.cpus();
  return `${cpus.length}× ${cpus[0]?.model?.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, tfjs ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`;
}

