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
import { join } from 'node:path';
import { SeededRandom } from '@disentangle/kernels';
import { Glow, postprocessImages, preprocessImages, quantize, type GlowConfig } from '@disentangle/flows';
import { fillRandomBatch, makeShapesDataset } from '../bench/shapes';
import { writeGridPng } from '../images/png-grid';
import { train } from '@disentangle/training';
import { parsePositiveInt } from './common-options';
import { describeTrainingResult, finishTrainingRun, startTrainingRun, withTrainingRunOptions, type TrainingRunOptions } from '../runs/training-run';

export interface GlowDemoOptions extends TrainingRunOptions {
  levels: number;
  stepsPerLevel: number;
  hidden: number;
  nBits: number;
  temperature: number;
}

export const GLOW_DEMO_IMAGE_SIZE = 16;

export async function runGlowDemo(options: GlowDemoOptions): Promise<{ runDir: string; summary: Record<string, unknown> }> {
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
  const { choice, run } = await startTrainingRun(options, { command: 'glow-demo', model: 'glow', ...glowConfig });

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
    fillRandomBatch(trainSet.images, pixels, batchImages, stepRandom);
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

  const { summary } = await finishTrainingRun(
    run,
    choice,
    result,
    { metrics: ['bitsPerDim'], title: `Glow L=${options.levels} K=${options.stepsPerLevel} on 16×16 shapes (${options.nBits}-bit): bits/dim`, yLabel: 'bits/dim' },
    (metrics) => {
      const first = metrics[0];
      const last = metrics[metrics.length - 1];
      return {
        batch: options.batch,
        parameters: Object.values(model.variables()).filter((v) => v.trainable).reduce((n, v) => n + v.size, 0),
        bitsPerDimFirst: first ? { step: first.step, value: first.bitsPerDim } : null,
        bitsPerDimLast: last ? { step: last.step, value: last.bitsPerDim } : null,
        testBitsPerDim,
        msPerStep,
        temperature: options.temperature,
      };
    },
  );
  model.dispose();
  optimizer.dispose();
  return { runDir: run.path, summary };
}

export function addGlowDemoCommand(program: Command): void {
  withTrainingRunOptions(
    program
      .command('glow-demo')
      .description('train a small Glow on drawn 16×16 shapes for a few minutes and write samples, a bits/dim curve and a summary')
      .option('--levels <n>', 'Glow levels L', parsePositiveInt, 2)
      .option('--steps-per-level <n>', 'steps of flow per level K', parsePositiveInt, 4)
      .option('--hidden <n>', 'hidden channels of the coupling networks', parsePositiveInt, 32)
      .option('--n-bits <n>', 'bits per pixel value the data is quantised to', parsePositiveInt, 5)
      .option('--temperature <x>', 'sampling temperature', Number, 0.7),
    { name: 'glow-demo', steps: 5000, seconds: 180, batch: 32, trainSize: 4096, learningRate: 1e-3 },
  ).action(async (options: GlowDemoOptions) => {
    const { runDir, summary } = await runGlowDemo(options);
    const first = summary.bitsPerDimFirst as { step: number; value: number } | null;
    const last = summary.bitsPerDimLast as { step: number; value: number } | null;
    process.stdout.write(
      [
        describeTrainingResult(summary),
        first && last ? `bits/dim: ${first.value.toFixed(3)} at step ${first.step} → ${last.value.toFixed(3)} at step ${last.step}; held-out ${(summary.testBitsPerDim as number).toFixed(3)}` : '',
        summary.msPerStep ? `${(summary.msPerStep as number).toFixed(0)} ms/step` : '',
        `wrote ${join(runDir, 'images', 'samples.png')}, data.png, loss-curve.svg and ${join(runDir, 'summary.json')}`,
      ]
        .filter(Boolean)
        .join('\n') + '\n',
    );
  });
}
