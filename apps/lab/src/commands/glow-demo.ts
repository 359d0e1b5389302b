/**
 * `disentangle glow-demo`: trains a small Glow (Kingma & Dhariwal 2018; @disentangle/flows)
 * on procedurally drawn 16×16 grey shapes and writes into runs/<name>/:
 *   images/samples.png      64 samples at temperature 0.7 (ε ~ N(0, 0.7²) at every level)
 *   images/data.png         64 training shapes as the model sees them (quantised to n_bits)
 *   images/loss-curve.svg   bits/dim against the step
 *   summary.json            backend, steps, bits/dim first vs last logged, held-out bits/dim, ms/step
 * Bits/dim are those of dequantised data (uniform noise in each of the 2^n_bits bins), the
 * upper bound Glow reports: bpd = −(log p(x̃) − D·log 2^n_bits) / (D·log 2).
 * Running it again continues the same run from its last checkpoint; --fresh starts over.
 */
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, SeededRandom, writeFileAtomic } from '@disentangle/kernels';
import { Glow, postprocessImages, preprocessImages, quantize, type GlowConfig } from '@disentangle/flows';
import { makeShapesDataset } from '../demo/shapes';
import { renderLossCurveSvg } from '../images/loss-curve';
import { writeGridPng } from '../images/png-grid';
import { RunDirectory } from '../run/run-directory';
import { train } from '../training/trainer';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';

export interface GlowDemoOptions extends CommonOptions {
  name: string;
  runsDir: string;
  steps: number;
  seconds: number;
  batch: number;
  trainSize: number;
  learningRate: number;
  levels: number;
  stepsPerLevel: number;
  hidden: number;
  nBits: number;
  temperature: number;
  fresh?: boolean;
}

export const GLOW_DEMO_IMAGE_SIZE = 16;

export async function runGlowDemo(options: GlowDemoOptions): Promise<{ runDir: string; summary: Record<string, unknown> }> {
  const choice = await initBackend({ backend: options.backend, threads: options.threads });
  process.stderr.write(`backend: ${choice.backend}${choice.threads ? ` (${choice.threads} thread${choice.threads > 1 ? 's' : ''})` : ''}\n`);

  const runDir = join(options.runsDir, options.name);
  if (options.fresh) await rm(runDir, { recursive: true, force: true });
  const size = GLOW_DEMO_IMAGE_SIZE;
  const glowConfig: GlowConfig = {
    imageShape: [size, size, 1],
    levels: options.levels,
    stepsPerLevel: options.stepsPerLevel,
    hiddenChannels: options.hidden,
    coupling: 'affine',
    affineScale: 'sigmoid',
    permutation: 'lu',
    nBits: options.nBits,
    name: 'glow',
  };
  const config = {
    command: 'glow-demo',
    model: 'glow',
    ...glowConfig,
    seed: options.seed,
    steps: options.steps,
    batch: options.batch,
    trainSize: options.trainSize,
    learningRate: options.learningRate,
  };
  const run = await RunDirectory.openOrCreate(options.runsDir, options.name, config);

  const pixels = size * size;
  // Data, initial weights and the ActNorm initialisation batch come from fixed streams of the seed.
  const dataRandom = new SeededRandom(options.seed).fork('data');
  const draw = () => dataRandom.uniformNumber();
  const trainSet = makeShapesDataset(options.trainSize, size, draw);
  const testSet = makeShapesDataset(64, size, draw);
  const initRandom = new SeededRandom(options.seed).fork('init');
  const model = new Glow(glowConfig, () => initRandom.normalNumber());
  // ActNorm's data-dependent initialisation on a larger first batch (Glow uses 256). On a
  // resumed run the checkpoint's weights (initialised flags included) replace these.
  const initCount = Math.min(256, options.trainSize);
  tf.tidy(() => {
    const initImages = tf.tensor4d(trainSet.images.slice(0, initCount * pixels), [initCount, size, size, 1]);
    model.initialize(preprocessImages(initImages, options.nBits, initRandom));
  });
  const optimizer = tf.train.adam(options.learningRate);
  const stepRandom = new SeededRandom(options.seed).fork('train');

  const batchImages = new Float32Array(options.batch * pixels);
  const losses = () => {
    for (let b = 0; b < options.batch; b++) {
      const index = stepRandom.int(options.trainSize);
      batchImages.set(trainSet.images.subarray(index * pixels, (index + 1) * pixels), b * pixels);
    }
    const x = preprocessImages(tf.tensor4d(batchImages, [options.batch, size, size, 1]), options.nBits, stepRandom);
    const { total, bitsPerDim } = model.losses(x);
    return { total, bitsPerDim };
  };

  const started = Date.now();
  const result = await train({
    run,
    totalSteps: options.steps,
    variables: model.variables(),
    optimizer,
    losses,
    checkpointEvery: 250,
    logEvery: 10,
    timeBudgetSeconds: options.seconds,
    getState: () => ({ rng: stepRandom.getState() }),
    setState: (state) => stepRandom.setState(state.rng as ReturnType<SeededRandom['getState']>),
    label: 'glow-demo',
  });
  const stepsRun = result.step - result.resumedFrom;
  const msPerStep = stepsRun > 0 ? (Date.now() - started) / stepsRun : null;

  // Held-out bits/dim (one dequantisation draw).
  const evalRandom = new SeededRandom(options.seed).fork('eval');
  const testBitsPerDim = tf.tidy(() => {
    const x = preprocessImages(tf.tensor4d(testSet.images, [64, size, size, 1]), options.nBits, evalRandom);
    return tf.mean(model.bitsPerDim(x)).dataSync()[0];
  });

  const sampleRandom = new SeededRandom(options.seed).fork('samples');
  const samples = tf.tidy(() => postprocessImages(model.sample(64, { temperature: options.temperature, random: sampleRandom })));
  await writeGridPng(join(run.imagesDir, 'samples.png'), { data: (await samples.data()) as Float32Array, count: 64, height: size, width: size, channels: 1 }, { columns: 8, zoom: 4 });
  const data = tf.tidy(() => postprocessImages(quantize(tf.tensor4d(trainSet.images.slice(0, 64 * pixels), [64, size, size, 1]), options.nBits)));
  await writeGridPng(join(run.imagesDir, 'data.png'), { data: (await data.data()) as Float32Array, count: 64, height: size, width: size, channels: 1 }, { columns: 8, zoom: 4 });
  tf.dispose([samples, data]);

  const metrics = await run.readMetrics();
  const series = [{ name: 'bits/dim', steps: metrics.map((m) => m.step), values: metrics.map((m) => Number(m.bitsPerDim)) }];
  await writeFileAtomic(
    join(run.imagesDir, 'loss-curve.svg'),
    renderLossCurveSvg(series, { title: `Glow L=${options.levels} K=${options.stepsPerLevel} on 16×16 shapes (${options.nBits}-bit): bits/dim`, yLabel: 'bits/dim' }),
  );

  const first = metrics[0] ?? null;
  const last = metrics[metrics.length - 1] ?? null;
  const summary = {
    backend: choice.backend,
    threads: choice.threads,
    resumedFrom: result.resumedFrom,
    step: result.step,
    stoppedBy: result.stoppedBy,
    batch: options.batch,
    parameters: Object.values(model.variables()).filter((v) => v.trainable).reduce((n, v) => n + v.size, 0),
    bitsPerDimFirst: first ? { step: first.step, value: first.bitsPerDim } : null,
    bitsPerDimLast: last ? { step: last.step, value: last.bitsPerDim } : null,
    testBitsPerDim,
    msPerStep,
    temperature: options.temperature,
  };
  await writeFileAtomic(join(run.path, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  model.dispose();
  optimizer.dispose();
  return { runDir: run.path, summary };
}

export function addGlowDemoCommand(program: Command): void {
  withCommonOptions(
    program
      .command('glow-demo')
      .description('train a small Glow on drawn 16×16 shapes for a few minutes and write samples, a bits/dim curve and a summary')
      .option('--name <name>', 'run name under --runs-dir', 'glow-demo')
      .option('--runs-dir <dir>', 'where runs are written', 'runs')
      .option('--steps <n>', 'maximum training steps', parsePositiveInt, 5000)
      .option('--seconds <n>', 'training time budget in seconds', parsePositiveInt, 180)
      .option('--batch <n>', 'batch size', parsePositiveInt, 32)
      .option('--train-size <n>', 'number of drawn training shapes', parsePositiveInt, 4096)
      .option('--learning-rate <x>', 'Adam learning rate', Number, 1e-3)
      .option('--levels <n>', 'Glow levels L', parsePositiveInt, 2)
      .option('--steps-per-level <n>', 'steps of flow per level K', parsePositiveInt, 4)
      .option('--hidden <n>', 'hidden channels of the coupling networks', parsePositiveInt, 32)
      .option('--n-bits <n>', 'bits per pixel value the data is quantised to', parsePositiveInt, 5)
      .option('--temperature <x>', 'sampling temperature', Number, 0.7)
      .option('--fresh', 'delete the run directory first instead of resuming it'),
  ).action(async (options: GlowDemoOptions) => {
    const { runDir, summary } = await runGlowDemo(options);
    const first = summary.bitsPerDimFirst as { step: number; value: number } | null;
    const last = summary.bitsPerDimLast as { step: number; value: number } | null;
    process.stdout.write(
      [
        `trained to step ${summary.step} on ${summary.backend}${summary.resumedFrom ? ` (resumed from step ${summary.resumedFrom})` : ''}`,
        first && last ? `bits/dim: ${first.value.toFixed(3)} at step ${first.step} → ${last.value.toFixed(3)} at step ${last.step}; held-out ${(summary.testBitsPerDim as number).toFixed(3)}` : '',
        summary.msPerStep ? `${(summary.msPerStep as number).toFixed(0)} ms/step` : '',
        `wrote ${join(runDir, 'images', 'samples.png')}, data.png, loss-curve.svg and ${join(runDir, 'summary.json')}`,
      ]
        .filter(Boolean)
        .join('\n') + '\n',
    );
  });
}
