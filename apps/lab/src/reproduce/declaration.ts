/**
 * What a paper declaration holds (apps/lab/src/papers/<paper>.ts): the paper's tables as
 * model × dataset cells with metric ids, the budgets to train them at, the paper's numbers
 * and its claims, and its figures. One runner (runner.ts) reads any declaration; no code
 * specific to a paper runs outside its declaration.
 */
import type { DataSpec } from '@disentangle/data';
import type { MetricOptions } from '@disentangle/metrics';
import type { ScheduleMode } from '@disentangle/training';
import type { JudgeBudget } from '../runs/judges';

/** A dataset of the paper's experiments, on our data. */
export interface DatasetDeclaration {
  /** What the paper used, and what stands in for it here. */
  paper: string;
  spec: DataSpec;
  /** The judge of this dataset's judged metrics (its dataset, if not the spec's). */
  judge?: Pick<JudgeBudget, 'dataset'>;
}

/** One column of a table: a metric on one dataset. */
export interface MetricColumn {
  /** Unique within the table; claims and results name columns by it. */
  key: string;
  header: string;
  /** A key of the declaration's `datasets`. */
  dataset: string;
  /** A metric id of @disentangle/metrics. */
  metric: string;
  options?: MetricOptions;
  /** Overrides the metric's direction for this column (a metric option that reports a success rate, say; 'none' for a diagnostic). */
  prefer?: 'higher' | 'lower' | 'none';
  /** Show this entry of the result's details (one attribute's share of a per-attribute metric) instead of its value. */
  detail?: string;
}

/** Whether higher is better in `column` (undefined: a diagnostic without a direction). */
export function higherIsBetterIn(column: MetricColumn, metricHigherIsBetter: boolean | undefined): boolean | undefined {
  if (column.prefer === 'none') return undefined;
  return column.prefer ? column.prefer === 'higher' : metricHigherIsBetter;
}

export interface TableDeclaration {
  id: string;
  title: string;
  /** Where in the paper: 'Table 1', 'Figure 2', or 'beyond the paper'. */
  source: string;
  /** What is measured, in a sentence or two for the report. */
  description: string;
  /** Registry model names, one row each. */
  rows: string[];
  columns: MetricColumn[];
  /**
   * Rows that measure the data and the judge rather than a model, under the columns whose
   * metric is `appliesTo` (default: the first column's metric), on those columns' datasets.
   */
  calibration?: { label: string; metric: string; options?: MetricOptions; appliesTo?: string }[];
  /** The paper's numbers by model and column key, where its text kept them. */
  paper?: Record<string, Record<string, number>>;
  /** How values print: 'percent' (of a fraction) or a number of significant decimals. */
  format?: 'percent' | number;
}

/** A claim's check, computed from the table's numbers (higher/lower is better from the metric). */
export type ClaimCheck =
  /** `model` has the best value in every listed column (default: all columns) among `among` (default: every row); `prefer` overrides the metric's direction. */
  | { kind: 'best'; table: string; model: string; columns?: string[]; prefer?: 'higher' | 'lower'; among?: string[] }
  /** Each model is better than the next, in every listed column. */
  | { kind: 'order'; table: string; models: string[]; columns?: string[] }
  /** |a − b| ≤ tolerance in every listed column. */
  | { kind: 'close'; table: string; models: [string, string]; columns?: string[]; tolerance: number }
  /** model's value in `column` is greater / less than a value or another cell. */
  /** With `than.scale`, the other cell is multiplied first ("within 25% of Glow": less than 1.25 × Glow). */
  | { kind: 'compare'; table: string; model: string; column: string; relation: 'greater' | 'less'; than: number | { model: string; column?: string; scale?: number } };

export interface ClaimDeclaration {
  id: string;
  /** The paper's words. */
  quote: string;
  /** Where: '§5.2'. */
  source: string;
  check: ClaimCheck;
}

export type FigureKind = 'reconstructions' | 'samples' | 'switches' | 'variety' | 'transfer' | 'latents' | 'variety-comparison' | 'manipulation' | 'code-traversal' | 'flip-comparison' | 'attribute-sweep' | 'attribute-grid' | 'swap-comparison' | 'exchange-grid';

export interface FigureDeclaration {
  id: string;
  title: string;
  kind: FigureKind;
  dataset: string;
  /** One model (most kinds) or several ('variety-comparison', 'flip-comparison', 'swap-comparison'). */
  models: string[];
  /** The label a variety / transfer / comparison figure is about (default the first). */
  label?: string;
  /** 'manipulation': the attributes flipped one after another (cumulatively), in order. */
  sequence?: string[];
  /** 'code-traversal': the unsupervised code swept (default the first). */
  code?: string;
  /** 'attribute-sweep': the values the label's code is set to (default −1, 0, 0.5, 1, 2, 3, as the slides' Fig. 5). */
  values?: number[];
  /** 'attribute-grid': the attributes combined (default every label). */
  attributes?: string[];
  /** 'exchange-grid' (paper 000 Figs. 2–3): the classes the inputs are exchanged to, e.g. ['az0', 'az8'] (default 8 classes evenly spaced). */
  targets?: string[];
}

/** How long and how one cell trains. */
export interface TrainingBudget {
  steps: number;
  batch?: number;
  learningRate?: number;
  schedule?: ScheduleMode;
  /** Model config overrides (as `train --set`). */
  options?: Record<string, unknown>;
  /** Data spec overrides (count, identities). */
  data?: Partial<DataSpec>;
  /**
   * A model whose cell on the same dataset starts this one (its weights, by variable name):
   * CAGlow's stage 1 is the trained Glow of the same table. That cell trains first.
   */
  initFrom?: string;
}

export interface Budget {
  /** One line for the report: what this budget is for. */
  description: string;
  training: TrainingBudget;
  /** Overrides by dataset key, then by model name (later wins; options and data merge). */
  datasets?: Record<string, Partial<TrainingBudget>>;
  models?: Record<string, Partial<TrainingBudget>>;
  judge: Omit<JudgeBudget, 'dataset'>;
  /** Models whose cells train first (then the rest in declaration order): where the claims are, when time is short. */
  priority?: string[];
  /** Only these tables and figures (e.g. the demo); default all. */
  tables?: string[];
  figures?: string[];
}

export interface PaperDeclaration {
  /** `disentangle reproduce <id>`; the model entries' paper.id. */
  id: string;
  number: string;
  title: string;
  /** The paper's text in shared/papers. */
  file: string;
  datasets: Record<string, DatasetDeclaration>;
  budgets: { quick: Budget; full: Budget; [name: string]: Budget };
  tables: TableDeclaration[];
  claims: ClaimDeclaration[];
  figures: FigureDeclaration[];
  /** Stand-ins, reconstructions and deviations, each a sentence for the report. */
  notes: string[];
}
