/**
 * `disentangle data preview <name>`: loads or draws a dataset by name and writes a labelled
 * grid of examples (rows labelled by class, else by attribute) to
 * runs/data-preview/<name>.png, then prints its factor table (name, kind, range or values,
 * role, description) — or, for a real dataset without ground-truth factors, its labels and
 * attributes.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadDataset, writeImageGrid, type FactorSpec, type ImageDataset, type LoadDatasetOptions } from '@disentangle/data';
import { parseNonNegativeInt, parsePositiveInt } from './common-options';

export interface DataPreviewOptions {
  /** Examples in the grid (default 64). */
  count: number;
  /** Image side (procedural sets; celeba/chairs/folder resize to it). */
  size?: number;
  seed: number;
  /** Output PNG (default runs/data-preview/<name>.png). */
  out?: string;
  /** Directory of a real dataset. */
  dir?: string;
  /** Most rows (classes or attributes) shown (default 8). */
  rows: number;
  /**
   * A factor to sweep: each row is one example re-rendered across this factor's values
   * (procedural sets only). Default: the label factor when there are more classes than rows
   * (chairs: one chair per row turning through the azimuths).
   */
  sweep?: string;
  /** Values per sweep row (default 12). */
  sweepColumns?: number;
}

export type DatasetLoader = (name: string, options: LoadDatasetOptions) => Promise<ImageDataset>;

export interface DataPreviewResult {
  out: string;
  dataset: ImageDataset;
  rowLabels: string[];
  columns: number;
  /** The text printed to stdout: a summary line and the factor table. */
  report: string;
}

/** A plain-text table with padded columns. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function describeValues(spec: FactorSpec): string {
  if (spec.kind === 'continuous') return spec.range ? `[${spec.range[0]}, ${spec.range[1]}]` : 'real';
  if (spec.kind === 'binary') return '{0, 1}';
  const values = spec.values ?? [];
  const shown = values.length > 8 ? [...values.slice(0, 8), `… (${values.length})`] : values;
  return `{${shown.join(', ')}}`;
}

/** The factor table of a dataset (or its labels and attributes where it has no factors). */
export function factorReport(dataset: ImageDataset): string {
  const lines = [
    `${dataset.name}: ${dataset.count} images, ${dataset.height}×${dataset.width}×${dataset.channels}` +
      (dataset.labelNames ? `, ${dataset.labelNames.length} classes` : '') +
      (dataset.attributeNames?.length ? `, ${dataset.attributeNames.length} attributes` : '') +
      (dataset.identities ? `, ${new Set(dataset.identities).size} identities` : '') +
      ` (${dataset.source})`,
  ];
  if (dataset.factorSpecs?.length) {
    lines.push(
      formatTable(
        ['factor', 'kind', 'range / values', 'role', 'description'],
        dataset.factorSpecs.map((f) => [f.name, f.kind, describeValues(f), f.role ?? '', f.description]),
      ),
    );
  } else {
    lines.push('no ground-truth factors (a real dataset)');
  }
  if (dataset.labelNames) lines.push(`classes: ${dataset.labelNames.length > 20 ? `${dataset.labelNames.slice(0, 20).join(', ')}, … (${dataset.labelNames.length})` : dataset.labelNames.join(', ')}`);
  if (dataset.attributeNames?.length) lines.push(`attributes: ${dataset.attributeNames.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

interface Group {
  label: string;
  members: number[];
}

/** Up to `maxRows` groups spread evenly over `groups` (so 62 azimuth classes show the turn). */
function spread(groups: Group[], maxRows: number): Group[] {
  if (groups.length <= maxRows) return groups;
  if (maxRows === 1) return [groups[0]];
  return Array.from({ length: maxRows }, (_, k) => groups[Math.round((k * (groups.length - 1)) / (maxRows - 1))]);
}

/**
 * Picks grid rows: one per class, or one per attribute (its positives), whichever fills more
 * cells (a face set with 1000 identities is shown by attribute); else consecutive examples.
 */
function chooseRows(dataset: ImageDataset, count: number, maxRows: number): { rows: number[][]; labels: string[] } {
  const candidates: Group[][] = [];
  if (dataset.labels) {
    const byClass = new Map<number, number[]>();
    dataset.labels.forEach((label, i) => (byClass.get(label) ?? byClass.set(label, []).get(label)!).push(i));
    const names = dataset.labelNames;
    candidates.push([...byClass.keys()].sort((a, b) => a - b).map((label) => ({ label: names?.[label] ?? `class ${label}`, members: byClass.get(label)! })));
  }
  if (dataset.attributes && dataset.attributeNames?.length) {
    const stride = dataset.attributeNames.length;
    const groups: Group[] = [];
    dataset.attributeNames.forEach((name, a) => {
      const members: number[] = [];
      for (let i = 0; i < dataset.count; i++) if (dataset.attributes![i * stride + a]) members.push(i);
      if (members.length > 0) groups.push({ label: name, members });
    });
    if (groups.length > 0) candidates.push(groups);
  }
  let best: { rows: number[][]; labels: string[]; filled: number } | null = null;
  for (const groups of candidates) {
    const chosen = spread(groups, maxRows);
    const columns = Math.max(1, Math.ceil(count / chosen.length));
    const rows = chosen.map((g) => g.members.slice(0, columns));
    const filled = rows.reduce((n, r) => n + r.length, 0);
    if (!best || filled > best.filled) best = { rows, labels: chosen.map((g) => g.label), filled };
  }
  if (best) return best;
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const shown = Math.min(count, dataset.count);
  const rows: number[][] = [];
  for (let start = 0; start < shown; start += columns) rows.push(Array.from({ length: Math.min(columns, shown - start) }, (_, k) => start + k));
  return { rows, labels: rows.map((r) => `#${r[0]}`) };
}

/** The factor to sweep, if any: the one asked for, else a label factor with more classes than rows. */
function sweepFactor(dataset: ImageDataset, options: DataPreviewOptions): number | null {
  const specs = dataset.factorSpecs;
  if (!specs || !dataset.generator || !dataset.factors) {
    if (options.sweep) throw new Error(`--sweep needs a procedural dataset with factors; '${dataset.name}' has none`);
    return null;
  }
  if (options.sweep) {
    const index = specs.findIndex((f) => f.name === options.sweep);
    if (index < 0) throw new Error(`--sweep: '${dataset.name}' has no factor '${options.sweep}' (factors: ${specs.map((f) => f.name).join(', ')})`);
    return index;
  }
  const label = specs.findIndex((f) => f.role === 'label' && f.kind === 'categorical' && (f.values?.length ?? 0) > options.rows);
  return label >= 0 ? label : null;
}

/** Values of factor `spec` evenly spread over its codes or range. */
function sweepValues(spec: FactorSpec, count: number): number[] {
  if (spec.kind === 'binary') return [0, 1];
  if (spec.kind === 'categorical') {
    const n = spec.values?.length ?? count;
    const k = Math.min(count, n);
    return Array.from({ length: k }, (_, i) => Math.round((i * n) / k));
  }
  const [lo, hi] = spec.range ?? [0, 1];
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / Math.max(1, count - 1));
}

/** Rows of examples re-rendered across one factor: the ground truth a traversal figure shows. */
async function writeSweepGrid(name: string, dataset: ImageDataset, factor: number, options: DataPreviewOptions): Promise<DataPreviewResult> {
  const specs = dataset.factorSpecs as FactorSpec[];
  const generator = dataset.generator!;
  const spec = specs[factor];
  const values = sweepValues(spec, options.sweepColumns ?? 12);
  const rows = Math.min(options.rows, dataset.count);
  const pixels = dataset.height * dataset.width * dataset.channels;
  const data = new Float32Array(rows * values.length * pixels);
  for (let r = 0; r < rows; r++) {
    const factors = Array.from(dataset.factors!.subarray(r * specs.length, (r + 1) * specs.length));
    values.forEach((value, c) => {
      factors[factor] = value;
      generator.render(factors, dataset.height, data, (r * values.length + c) * pixels);
    });
  }
  const out = options.out ?? join('runs', 'data-preview', `${name}.png`);
  const columnLabels = values.map((v) => (spec.kind === 'continuous' ? v.toFixed(2) : spec.values?.[v] ?? String(v)));
  const rowLabels = Array.from({ length: rows }, (_, r) => `#${r}`);
  await writeImageGrid(
    out,
    { data, count: rows * values.length, height: dataset.height, width: dataset.width, channels: dataset.channels },
    { columns: values.length, zoom: Math.max(1, Math.ceil(64 / dataset.height)), rowLabels, columnLabels, title: `${name}: each row one example, ${spec.name} swept (seed ${options.seed})` },
  );
  return { out, dataset, rowLabels, columns: values.length, report: factorReport(dataset) };
}

export async function runDataPreview(name: string, options: DataPreviewOptions, load: DatasetLoader = loadDataset): Promise<DataPreviewResult> {
  // Procedural sets draw a few times more examples than shown, so every class fills its row.
  const dataset = await load(name, { count: Math.max(4 * options.count, 256), size: options.size, seed: options.seed, dir: options.dir });
  const sweep = sweepFactor(dataset, options);
  if (sweep !== null) return writeSweepGrid(name, dataset, sweep, options);
  const { rows, labels } = chooseRows(dataset, options.count, options.rows);
  const columns = Math.max(...rows.map((r) => r.length));
  const pixels = dataset.height * dataset.width * dataset.channels;
  const data = new Float32Array(rows.length * columns * pixels); // empty cells stay black
  rows.forEach((members, r) => members.forEach((index, c) => data.set(dataset.images.subarray(index * pixels, (index + 1) * pixels), (r * columns + c) * pixels)));
  const out = options.out ?? join('runs', 'data-preview', `${name}.png`);
  await writeImageGrid(
    out,
    { data, count: rows.length * columns, height: dataset.height, width: dataset.width, channels: dataset.channels },
    { columns, zoom: Math.max(1, Math.ceil(64 / dataset.height)), rowLabels: labels, title: `${name} (seed ${options.seed}, ${dataset.height}×${dataset.width})` },
  );
  return { out, dataset, rowLabels: labels, columns, report: factorReport(dataset) };
}

export function addDataCommand(program: Command): void {
  const data = program.command('data').description('inspect the datasets: procedural sets with ground-truth factors and the real loaders');
  data
    .command('preview <name>')
    .description('write a labelled grid of examples and print the factor table')
    .option('--count <n>', 'examples in the grid', parsePositiveInt, 64)
    .option('--size <n>', 'image side (procedural sets; celeba/chairs/folder resize to it)', parsePositiveInt)
    .option('--seed <n>', 'seed of a procedural set', parseNonNegativeInt, 0)
    .option('--rows <n>', 'most rows (classes or attributes) shown', parsePositiveInt, 8)
    .option('--dir <dir>', 'directory of a real dataset (celeba, chairs, folder, idx)')
    .option('--out <file>', 'output PNG (default runs/data-preview/<name>.png)')
    .option('--sweep <factor>', 'one example per row, re-rendered across this factor (default for chairs: azimuth)')
    .action(async (name: string, options: DataPreviewOptions) => {
      const result = await runDataPreview(name, options);
      process.stdout.write(`${result.report}wrote ${result.out} (${result.rowLabels.length} rows × ${result.columns} columns)\n`);
    });
}
