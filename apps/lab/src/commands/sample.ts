/**
 * `disentangle sample <run-dir>`: decodes prior draws of any trained model with the
 * 'sample' capability, one row per label pattern, to <run>/images/samples-<step>.png (or
 * --out). Models that ignore labels fill one 'prior' row. For point sets the sampled points,
 * in the data's original coordinates, go to samples-<step>.csv instead.
 *
 *   disentangle sample runs/csvae-faces                                  # "none" + each label alone
 *   disentangle sample runs/csvae-faces --labels Eyeglasses=1,Beard=0    # one pattern (repeatable)
 *   disentangle sample runs/condvae-face-expressions --label smile --count 16
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { SeededRandom } from '@disentangle/kernels';
import { concatenate, writeImageGrid } from '@disentangle/data';
import { requireCapability } from '@disentangle/metrics';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BLANK_VALUE, zoomFor } from '../figures/image-figures';
import { samplePatterns } from '../figures/label-patterns';
import { conditionPatterns } from '../figures/condition-figures';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';
import { openRunForCommand, outputPath, stderrLog, type TrainedRunCommandOptions } from './trained-run-options';

export interface SampleOptions extends TrainedRunCommandOptions {
  /** Samples per label pattern (default 8). */
  count?: number;
  /** Label patterns such as 'Eyeglasses=1,Beard=0'; one row each. */
  labels?: string[];
  /** Label names: one row each with only that label on. */
  label?: string[];
  /** Seed of the prior draws (default 0). */
  seed?: number;
  out?: string;
}

export async function runSample(runDir: string, options: SampleOptions = {}): Promise<string[]> {
  const log = options.log ?? stderrLog;
  const count = options.count ?? 8;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`sample: count must be a positive integer, got ${count}`);
  const { run, entry, model, data, step } = await openRunForCommand(runDir, options);
  try {
    const sampler = requireCapability(model, 'sample', 'disentangle sample');
    const prepared = data!;
    const { labelNames, exclusive, input } = prepared;
    const conditional = entry.needs.labels !== 'none' && labelNames.length > 0;
    const asked = Boolean(options.labels?.length || options.label?.length);
    // Mixed labels (a class and attributes) need a one-hot class in every row: by default the test split's own rows.
    let patterns = prepared.classColumns && !asked ? conditionPatterns(prepared, 8) : samplePatterns(labelNames, exclusive, options);
    if (!conditional) {
      if (options.labels?.length || options.label?.length) log(`sample: ${entry.name} is unconditional; the labels asked for are ignored`);
      patterns = [{ name: 'prior', values: new Array<number>(labelNames.length).fill(0) }];
    }
    log(`sample: ${entry.name} at step ${step}, ${count} per pattern: ${patterns.map((p) => p.name).join(', ')}`);
    const random = new SeededRandom(options.seed ?? 0).fork('sample');
    const parts: Float32Array[] = [];
    for (const p of patterns) {
      for (let start = 0; start < count; start += 256) {
        const n = Math.min(256, count - start);
        const y = labelNames.length ? tf.tensor2d(new Array(n).fill(p.values).flat(), [n, labelNames.length]) : undefined;
        const out = tf.tidy(() => sampler.sample(n, random, y));
        parts.push((await out.data()) as Float32Array);
        tf.dispose([out, ...(y ? [y] : [])]);
      }
    }
    const values = concatenate(parts);

    if (input.kind === 'vector') {
      const path = outputPath(options.out, run.imagesDir, `samples-${step}.csv`);
      // Point sets were standardised for training; give the points back in their own coordinates.
      const mean = prepared.dataset.standardisation?.mean ?? new Array<number>(input.dim).fill(0);
      const std = prepared.dataset.standardisation?.std ?? new Array<number>(input.dim).fill(1);
      const coordinates = input.dim === 3 ? ['x', 'y', 'z'] : Array.from({ length: input.dim }, (_, i) => `x${i}`);
      const lines = [['pattern', ...labelNames, ...coordinates].join(',')];
      patterns.forEach((p, r) => {
        for (let s = 0; s < count; s++) {
          const row = r * count + s;
          const point = Array.from({ length: input.dim }, (_, c) => values[row * input.dim + c] * std[c] + mean[c]);
          lines.push([p.name, ...p.values, ...point.map((v) => v.toPrecision(6))].join(','));
        }
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
      title: `${entry.name} samples, step ${step}`,
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
    .description("decode prior draws of a trained run (models with the 'sample' capability), one row per label pattern")
    .argument('<run-dir>', 'a run directory written by `disentangle train` or `reproduce`')
    .option('--count <n>', 'samples per label pattern', parsePositiveInt, 8)
    .option('--labels <pattern>', "a label pattern, e.g. 'Eyeglasses=1,Beard=0' (labels not named are 0; repeatable: one row each)", collect)
    .option('--label <name>', 'one row with only this label on (repeatable)', collect)
    .option('--out <file>', 'output file (default <run>/images/samples-<step>.png, .csv for point sets)');
  withCommonOptions(command).action(async (runDir: string, options: SampleCommandOptions) => {
    const paths = await runSample(runDir, options);
    process.stdout.write(`${paths.join('\n')}\n`);
  });
}
