/**
 * `disentangle sample <run-dir>`: decodes prior draws of a trained paper-004 model
 * (z ~ N(0, I), and for CSVAE w ~ p(w | y)) for one or more label patterns and writes them as
 * an image grid, one row per pattern, to <run>/images/samples-<step>.png (or --out). For the
 * swiss roll (vector inputs) the sampled 3-D points, in the data's original coordinates, go
 * to <run>/images/samples-<step>.csv instead.
 *
 *   disentangle sample runs/csvae-faces                                  # "none" + each label alone
 *   disentangle sample runs/csvae-faces --labels Eyeglasses=1,Beard=0    # one pattern (repeatable)
 *   disentangle sample runs/condvae-face-expressions --label smile --count 16
 *
 * VAE is unconditional: its samples ignore the labels and fill a single row.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LatentSubspaceModel } from '@disentangle/csvae';
import { writeImageGrid } from '@disentangle/data';
import { initBackend, SeededRandom, type BackendRequest } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { loadCsvaeData } from '../csvae/csvae-data';
import { openCsvaeRun, type CsvaeRunConfig } from '../csvae/trained-run';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';

/** Options shared by `runSample` and `runSwap`. */
export interface TrainedRunCommandOptions {
  /** When given, `initBackend` runs first; otherwise the active backend is used (e.g. from reproduce). */
  backend?: BackendRequest;
  threads?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface SampleOptions extends TrainedRunCommandOptions {
  /** Samples per label pattern (default 8). */
  count?: number;
  /** Label patterns such as 'Eyeglasses=1,Beard=0' (a bare name means =1; unnamed labels are 0); one row each. */
  labels?: string[];
  /** Label names: one row each with only that label on. */
  label?: string[];
  /** Seed of the prior draws (default 0). */
  seed?: number;
  /** Output file instead of <run>/images/samples-<step>.png (.csv for vector runs). */
  out?: string;
}

/** A label pattern y ∈ {0,1}^K and its row label. */
export interface LabelPattern {
  name: string;
  values: number[];
}

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

/** Initialises the backend when one is requested, and says which one runs. */
export async function prepareBackend(options: TrainedRunCommandOptions, log: (line: string) => void): Promise<void> {
  if (!options.backend) return;
  const backend = await initBackend({ backend: options.backend, threads: options.threads });
  log(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
}

/** Index of label `name` in `labelNames` (exact, else case-insensitive); a clear error naming the run's labels otherwise. */
export function resolveLabel(labelNames: readonly string[], name: string): number {
  const wanted = name.trim();
  let index = labelNames.indexOf(wanted);
  if (index < 0) {
    const matches = labelNames.flatMap((l, i) => (l.toLowerCase() === wanted.toLowerCase() ? [i] : []));
    if (matches.length === 1) index = matches[0];
  }
  if (index < 0) throw new Error(`unknown label '${wanted}'; this run's labels are: ${labelNames.join(', ')}`);
  return index;
}

function patternName(labelNames: readonly string[], values: number[]): string {
  const on = values.flatMap((v, i) => (v > 0.5 ? [labelNames[i]] : []));
  return on.length ? on.join('+') : 'none';
}

function checkExclusive(labelNames: readonly string[], exclusive: boolean, values: number[], text: string): void {
  if (exclusive && values.filter((v) => v > 0.5).length !== 1) {
    throw new Error(`label pattern '${text}': this run's labels are exclusive (exactly one of ${labelNames.join(', ')} is on)`);
  }
}

/** 'Eyeglasses=1,Beard=0' → a pattern; a bare name means =1 and labels not named are 0. */
export function parseLabelPattern(labelNames: readonly string[], exclusive: boolean, text: string): LabelPattern {
  const values = new Array<number>(labelNames.length).fill(0);
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error(`label pattern '${text}' is empty; expected e.g. ${labelNames[0]}=1`);
  for (const part of parts) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    if (extra !== undefined || (value !== undefined && value !== '0' && value !== '1')) {
      throw new Error(`label pattern '${text}': expected NAME=0 or NAME=1, got '${part}'`);
    }
    values[resolveLabel(labelNames, name)] = value === '0' ? 0 : 1;
  }
  checkExclusive(labelNames, exclusive, values, text);
  return { name: patternName(labelNames, values), values };
}

/** The patterns to sample: those asked for, else "none" (non-exclusive labels) and each label alone. */
export function samplePatterns(labelNames: readonly string[], exclusive: boolean, options: Pick<SampleOptions, 'labels' | 'label'>): LabelPattern[] {
  const k = labelNames.length;
  const only = (c: number) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
  const asked = [
    ...(options.labels ?? []).map((text) => parseLabelPattern(labelNames, exclusive, text)),
    ...(options.label ?? []).map((name) => {
      const c = resolveLabel(labelNames, name);
      return { name: labelNames[c], values: only(c) };
    }),
  ];
  if (asked.length) return asked;
  return [
    ...(exclusive ? [] : [{ name: 'none', values: new Array<number>(k).fill(0) }]),
    ...labelNames.map((name, c) => ({ name, values: only(c) })),
  ];
}

/** Pixel zoom so a cell is about 96 px wide. */
export function zoomFor(size: number): number {
  return Math.max(1, Math.round(96 / size));
}

/** An image value that shows as the grid's background (for empty cells). */
export const BLANK_VALUE = 40 / 255;

/** The path under `dir` for `base`-<step>.<ext>, or --out (resolved). */
export function outputPath(out: string | undefined, dir: string, file: string): string {
  return out ? resolve(out) : join(dir, file);
}

/** Decodes prior draws for `labels` [n, K] in chunks. */
async function drawSamples(model: LatentSubspaceModel, labels: number[][], random: SeededRandom): Promise<Float32Array> {
  const chunk = 256;
  const parts: Float32Array[] = [];
  for (let start = 0; start < labels.length; start += chunk) {
    const rows = labels.slice(start, start + chunk);
    const y = tf.tensor2d(rows, [rows.length, model.labelCount]);
    const out = tf.tidy(() => model.sample(rows.length, random, y));
    parts.push((await out.data()) as Float32Array);
    tf.dispose([y, out]);
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

export async function runSample(runDir: string, options: SampleOptions = {}): Promise<string[]> {
  const log = options.log ?? stderrLog;
  await prepareBackend(options, log);
  const count = options.count ?? 8;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`sample: count must be a positive integer, got ${count}`);
  const opened = await openCsvaeRun(runDir, { loadData: false });
  const { run, model, step } = opened;
  try {
    const { labels: labelNames, exclusive, input } = model.config;
    let patterns = samplePatterns(labelNames, exclusive, options);
    if (model.name === 'vae') {
      if (options.labels?.length || options.label?.length) log('sample: vae is unconditional; the labels asked for are ignored');
      patterns = [{ name: 'prior', values: new Array<number>(labelNames.length).fill(0) }];
    }
    log(`sample: ${model.name} at step ${step}, ${count} per pattern: ${patterns.map((p) => p.name).join(', ')}`);
    const random = new SeededRandom(options.seed ?? 0).fork('sample');
    const rows = patterns.flatMap((p) => new Array<number[]>(count).fill(p.values));
    const values = await drawSamples(model, rows, random);

    if (input.kind === 'vector') {
      const path = outputPath(options.out, run.imagesDir, `samples-${step}.csv`);
      // The swiss roll was standardised for training; give the points back in its own coordinates.
      const data = await loadCsvaeData((run.config as CsvaeRunConfig).data);
      const mean = data.standardisation?.mean ?? new Array<number>(input.dim).fill(0);
      const std = data.standardisation?.std ?? new Array<number>(input.dim).fill(1);
      const coordinates = input.dim === 3 ? ['x', 'y', 'z'] : Array.from({ length: input.dim }, (_, i) => `x${i}`);
      const lines = [['pattern', ...labelNames, ...coordinates].join(',')];
      rows.forEach((y, r) => {
        const point = Array.from({ length: input.dim }, (_, c) => values[r * input.dim + c] * std[c] + mean[c]);
        lines.push([patterns[Math.floor(r / count)].name, ...y, ...point.map((v) => v.toPrecision(6))].join(','));
      });
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${lines.join('\n')}\n`);
      return [path];
    }

    const { size, channels } = input;
    const cell = size * size * channels;
    const columns = Math.min(count, 16);
    const rowsPerPattern = Math.ceil(count / columns);
    const cells = patterns.length * rowsPerPattern * columns;
    const grid = new Float32Array(cells * cell).fill(BLANK_VALUE);
    patterns.forEach((_, p) => grid.set(values.subarray(p * count * cell, (p + 1) * count * cell), p * rowsPerPattern * columns * cell));
    const path = outputPath(options.out, run.imagesDir, `samples-${step}.png`);
    await writeImageGrid(path, { data: grid, count: cells, height: size, width: size, channels }, {
      columns,
      zoom: zoomFor(size),
      rowLabels: patterns.flatMap((p) => [p.name, ...new Array<string>(rowsPerPattern - 1).fill('')]),
      title: `${model.name} samples, step ${step}`,
    });
    return [path];
  } finally {
    model.dispose();
  }
}

interface SampleCommandOptions extends CommonOptions {
  count: number;
  labels?: string[];
  label?: string[];
  out?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addSampleCommand(program: Command): void {
  const command = program
    .command('sample')
    .description('decode prior draws of a trained paper-004 run, one row per label pattern (images/samples-<step>.png)')
    .argument('<run-dir>', 'a run directory written by `disentangle train`')
    .option('--count <n>', 'samples per label pattern', parsePositiveInt, 8)
    .option('--labels <pattern>', "a label pattern, e.g. 'Eyeglasses=1,Beard=0' (labels not named are 0; repeatable: one row each)", collect)
    .option('--label <name>', 'one row with only this label on (repeatable)', collect)
    .option('--out <file>', 'output file (default <run>/images/samples-<step>.png, .csv for the swiss roll)');
  withCommonOptions(command).action(async (runDir: string, options: SampleCommandOptions) => {
    const paths = await runSample(runDir, options);
    process.stdout.write(`${paths.join('\n')}\n`);
  });
}
