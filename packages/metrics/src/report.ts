/**
 * Metric reports of a run: `metricsReport(runDir, rows)` writes
 *
 * ```
 * <runDir>/metrics.json   { format, date, command, metrics: MetricRow[] }   (non-finite numbers as null)
 * <runDir>/metrics.md     one markdown table row per metric
 * ```
 * atomically (temp file + rename). Each row names the metric, its value, the sample count,
 * and — where the metric was computed with a trained judge — the judge's name and held-out
 * accuracy (a metric scored by a 60%-accurate judge means little), the feature network for a
 * Fréchet distance (FID numbers on different networks are not comparable), and the command
 * that produced it. `validateMetricRow` refuses a row that omits these.
 *
 * Node only (writes files).
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '@disentangle/kernels';
import type { JudgeInfo } from './evaluation-classifier';
import type { FidResult } from './frechet-distance';

export const METRICS_JSON_FILE = 'metrics.json';
export const METRICS_MARKDOWN_FILE = 'metrics.md';
export const METRICS_REPORT_FORMAT = 'disentangle-metrics-v1';

export interface MetricRow {
  /** The metric's name as the paper writes it: 'Acc', 'FID', 'MI(z_u; c)', 'SR(+)', … */
  name: string;
  value: number;
  /** Sample count (images, pairs, …), or counts by role (e.g. FID's { a, b }). */
  n?: number | Record<string, number>;
  standardError?: number;
  /** Trained classifier that scored the images, and its held-out accuracy (required together). */
  judge?: string;
  judgeAccuracy?: number;
  /** Network whose features a Fréchet / perceptual distance used (required for names starting with 'FID'). */
  featureNetwork?: string;
  /** The command line that produced the number. */
  command?: string;
  /** Which paper's table the metric belongs to ('000' … '004'). */
  paper?: string;
  /** Model or ablation the row is about (e.g. 'csvae', 'S2'). */
  model?: string;
  higherIsBetter?: boolean;
  notes?: string;
}

export interface MetricsReportOptions {
  /** Default command recorded on rows that have none. */
  command?: string;
  /** Heading of metrics.md. Default 'Metrics'. */
  title?: string;
  /** Date written into metrics.json (tests fix it). Default now. */
  date?: Date;
}

/** Throws when a row is malformed or leaves out what makes its number interpretable. */
export function validateMetricRow(row: MetricRow): void {
  const where = `metric '${row?.name}'`;
  if (!row || typeof row.name !== 'string' || row.name.trim() === '') throw new Error('metricsReport: every metric needs a name');
  if (typeof row.value !== 'number') throw new Error(`metricsReport: ${where} has value ${String(row.value)}; expected a number (NaN allowed for 'not computable')`);
  if ((row.judge === undefined) !== (row.judgeAccuracy === undefined)) {
    throw new Error(`metricsReport: ${where} names a judge without its accuracy or an accuracy without a judge; give both (judgeInfo())`);
  }
  if (row.judgeAccuracy !== undefined && !(row.judgeAccuracy >= 0 && row.judgeAccuracy <= 1)) {
    throw new Error(`metricsReport: ${where} has judgeAccuracy ${row.judgeAccuracy}; expected a fraction in [0, 1]`);
  }
  if (/^FID\b/i.test(row.name) && !row.featureNetwork) {
    throw new Error(`metricsReport: ${where} is a Fréchet distance without a featureNetwork; FIDs on different networks are not comparable`);
  }
}

/** A row for a Fréchet distance result (carries its feature network and counts). */
export function fidRow(result: FidResult, extra: Partial<MetricRow> = {}): MetricRow {
  return { name: 'FID', value: result.value, n: result.n, featureNetwork: result.featureNetwork, higherIsBetter: false, ...extra };
}

/** A row for a metric scored by a judge: adds `{ judge, judgeAccuracy }`. */
export function judgedRow(name: string, value: number, judge: JudgeInfo, extra: Partial<MetricRow> = {}): MetricRow {
  return { name, value, judge: judge.judge, judgeAccuracy: judge.judgeAccuracy, ...extra };
}

function finiteOrNull(value: number | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return Number.isFinite(value) ? value : null;
}

function formatNumber(value: number | undefined, digits = 4): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return 'n/a';
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(3);
  return Number(value.toFixed(digits)).toString();
}

function formatCount(n: MetricRow['n']): string {
  if (n === undefined) return '';
  if (typeof n === 'number') return String(n);
  return Object.entries(n).map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** Markdown-escapes a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown table of metrics.md. */
export function formatMetricsMarkdown(rows: MetricRow[], options: MetricsReportOptions = {}): string {
  const lines = [
    `# ${options.title ?? 'Metrics'}`,
    '',
    '| metric | value | ± | n | judge (held-out acc.) | feature network | model | command |',
    '|---|---:|---:|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const judge = row.judge ? `${row.judge} (${formatNumber(100 * row.judgeAccuracy!, 1)}%)` : '';
    const command = row.command ?? options.command;
    lines.push(
      `| ${[
        row.name,
        formatNumber(row.value),
        formatNumber(row.standardError),
        formatCount(row.n),
        judge,
        row.featureNetwork ?? '',
        row.model ?? '',
        command ? `\`${command}\`` : '',
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  const notes = rows.filter((r) => r.notes);
  if (notes.length) {
    lines.push('', ...notes.map((r) => `- **${cell(r.name)}**: ${r.notes}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes metrics.json and metrics.md into `runDir` (created if missing); returns their paths.
 * Rows are validated first, so nothing is written when any row is malformed.
 */
export async function metricsReport(runDir: string, rows: MetricRow[], options: MetricsReportOptions = {}): Promise<{ json: string; markdown: string }> {
  if (!Array.isArray(rows)) throw new Error('metricsReport: rows must be an array of metric rows');
  rows.forEach(validateMetricRow);
  await mkdir(runDir, { recursive: true });
  const json = path.join(runDir, METRICS_JSON_FILE);
  const markdown = path.join(runDir, METRICS_MARKDOWN_FILE);
  const serialised = rows.map((row) => ({
    ...row,
    command: row.command ?? options.command,
    value: finiteOrNull(row.value),
    standardError: finiteOrNull(row.standardError),
    judgeAccuracy: finiteOrNull(row.judgeAccuracy),
  }));
  const document = {
    format: METRICS_REPORT_FORMAT,
    date: (options.date ?? new Date()).toISOString(),
    command: options.command,
    metrics: serialised,
  };
  await writeFileAtomic(json, `${JSON.stringify(document, null, 2)}\n`);
  await writeFileAtomic(markdown, formatMetricsMarkdown(rows, options));
  return { json, markdown };
}
