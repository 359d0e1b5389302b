/**
 * A reproduction's plan: which (dataset, model) cells a budget trains, in which order, at
 * which budget, and which metrics each cell evaluates. The reproduce runner walks the plan
 * in one process; a sweep (../sweep/) turns each cell × seed into a queued job.
 */
import { METRICS, type MetricOptions } from '@disentangle/metrics';
import { CHECKPOINTS_DIR, listCheckpoints } from '@disentangle/training';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import type { Budget, FigureDeclaration, PaperDeclaration, TableDeclaration, TrainingBudget } from './declaration';

export interface Cell {
  dataset: string;
  model: string;
}

export interface ReproductionPlan {
  budget: Budget;
  tables: TableDeclaration[];
  figures: FigureDeclaration[];
  /** In training order: the budget's priority models first, each initFrom source before its users. */
  cells: Cell[];
}

/** A metric a cell evaluates; `calibration` rows measure the data and judge, not the model. */
export interface WantedMetric {
  metric: string;
  options?: MetricOptions & { calibration?: boolean };
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

/** The tables, figures and ordered cells of `paper` at budget `budgetName` (the declaration checked first). */
export function planReproduction(paper: PaperDeclaration, budgetName: string, registry: ModelRegistry): ReproductionPlan {
  checkDeclaration(paper, registry);
  const budget = paper.budgets[budgetName];
  if (!budget) throw new Error(`paper '${paper.id}' has no budget '${budgetName}'; budgets: ${Object.keys(paper.budgets).join(', ')}`);
  const tables = paper.tables.filter((t) => !budget.tables || budget.tables.includes(t.id));
  const figures = paper.figures.filter((f) => !budget.figures || budget.figures.includes(f.id));
  // Every (dataset, model) a table or figure needs, in declaration order.
  const cells: Cell[] = [];
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
  return { budget, tables, figures, cells };
}

/**
 * Moves each cell that starts from another model's run (`initFrom`) to just after that
 * model's cell on the same dataset, keeping the order otherwise; in place.
 */
export function orderAfterSources(cells: Cell[], sourceOf: (cell: Cell) => string | undefined, paper = 'paper'): void {
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

/**
 * The metrics `cell` evaluates: its columns in every table it is a row of, plus each
 * calibration row of its dataset that no earlier cell took (`calibrationTaken` records them).
 */
export function cellMetrics(tables: TableDeclaration[], cell: Cell, calibrationTaken: Set<string>): WantedMetric[] {
  const wanted: WantedMetric[] = [];
  for (const table of tables) {
    for (const column of table.columns) if (column.dataset === cell.dataset && table.rows.includes(cell.model)) wanted.push(column);
    for (const row of table.calibration ?? []) {
      const key = `${table.id}|${cell.dataset}|${row.label}`;
      if (calibratedColumns(table, row).some((c) => c.dataset === cell.dataset) && !calibrationTaken.has(key)) {
        calibrationTaken.add(key);
        wanted.push({ metric: row.metric, options: { ...row.options, calibration: true } });
      }
    }
  }
  return wanted;
}

/** How a metric with options is keyed in evaluation.json and in a reproduction's numbers. */
export function metricKey(metric: string, options?: Record<string, unknown>): string {
  return options && Object.keys(options).length ? `${metric} ${JSON.stringify(options)}` : metric;
}

/** The key of a wanted metric's number: `dataset|model|metric` (calibration rows: `dataset|*|metric`). */
export function numberKey(cell: Cell, wanted: WantedMetric): string {
  const { calibration, ...options } = wanted.options ?? {};
  return calibration ? `${cell.dataset}|*|${metricKey(wanted.metric, options)}` : `${cell.dataset}|${cell.model}|${metricKey(wanted.metric, wanted.options)}`;
}

/** The run directory of a cell inside a reproduction's directory. */
export function cellRunPath(dir: string, cell: Cell): string {
  return join(dir, `${cell.dataset}-${cell.model}`);
}

/** Whether the run at `runPath` has a checkpoint at `steps` or later. */
export async function finished(runPath: string, steps: number): Promise<boolean> {
  const checkpoints = await listCheckpoints({ checkpointsDir: join(runPath, CHECKPOINTS_DIR) });
  return checkpoints.some((c) => c.step >= steps);
}
