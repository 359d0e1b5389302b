/**
 * `disentangle demo`: trains the small conv VAE on procedurally drawn shapes for about a
 * minute and writes what a person wants to look at into runs/<name>/:
 *   images/reconstructions.png  test shapes (odd rows) above their reconstructions (even rows)
 *   images/samples.png          decodings of z ~ N(0, I)
 *   images/loss-curve.svg       the training losses against the step
 *   summary.json                backend, steps, losses at start and end
 * Running it again continues the same run from its last checkpoint; --fresh starts over.
 */
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { SeededRandom } from '@disentangle/kernels';
import { ConvVae, DEFAULT_CONV_VAE } from '../demo/conv-vae';
import { fillRandomBatch, makeShapesDataset } from '../demo/shapes';
import { writeGridPng } from '../images/png-grid';
import { train } from '../training/trainer';
import { describeTrainingResult, finishTrainingRun, startTrainingRun, withTrainingRunOptions, type TrainingRunOptions } from './training-run';

type DemoOptions = TrainingRunOptions;

export async function runDemo(options: DemoOptions): Promise<{ runDir: string; summary: Record<string, unknown> }> {
  const { choice, run } = await startTrainingRun(options, { command: 'demo', model: 'conv-vae', ...DEFAULT_CONV_VAE });

  const size = DEFAULT_CONV_VAE.imageSize;
  const pixels = size * size;
  // Data and initial weights come from fixed streams of the seed, so a resumed run sees the same set.
  const dataRandom = new SeededRandom(options.seed).fork('data');
  const draw = () => dataRandom.uniformNumber();
  const trainSet = makeShapesDataset(options.trainSize, size, draw);
  const testSet = makeShapesDataset(32, size, draw);
  const initRandom = new SeededRandom(options.seed).fork('init');
  const model = new ConvVae(DEFAULT_CONV_VAE, () => initRandom.uniformNumber());
  const optimizer = tf.train.adam(options.learningRate);
  // The training stream (batches and ε) is the state a resume must continue exactly.
  const stepRandom = new SeededRandom(options.seed).fork('train');

  const batchImages = new Float32Array(options.batch * pixels);
  const losses = () => {
    fillRandomBatch(trainSet.images, pixels, batchImages, stepRandom);
    const x = tf.tensor4d(batchImages, [options.batch, size, size, 1]);
    const noise = stepRandom.normal([options.batch, DEFAULT_CONV_VAE.latentDim]) as tf.Tensor2D;
    return model.loss(x, noise);
  };

  const result = await train({
    run,
    totalSteps: options.steps,
    variables: model.variables,
    optimizer,
    losses,
    checkpointEvery: 250,
    logEvery: 10,
    timeBudgetSeconds: options.seconds,
    getState: () => ({ rng: stepRandom.getState() }),
    setState: (state) => stepRandom.setState(state.rng as ReturnType<SeededRandom['getState']>),
    label: 'demo',
  });

  // Pictures: test shapes above their reconstructions, and samples from the prior.
  const test = tf.tensor4d(testSet.images.slice(0, 16 * pixels), [16, size, size, 1]);
  const recon = model.reconstruct(test);
  const [testValues, reconValues] = await Promise.all([test.data(), recon.data()]);
  const pairs = new Float32Array(32 * pixels);
  for (let row = 0; row < 2; row++) {
    pairs.set(testValues.subarray(row * 8 * pixels, (row + 1) * 8 * pixels), 2 * row * 8 * pixels);
    pairs.set(reconValues.subarray(row * 8 * pixels, (row + 1) * 8 * pixels), (2 * row + 1) * 8 * pixels);
  }
  await writeGridPng(join(run.imagesDir, 'reconstructions.png'), { data: pairs, count: 32, height: size, width: size, channels: 1 }, { columns: 8, zoom: 3 });
  const sampleRandom = new SeededRandom(options.seed).fork('samples');
  const z = sampleRandom.normal([64, DEFAULT_CONV_VAE.latentDim]) as tf.Tensor2D;
  const samples = model.sample(z);
  await writeGridPng(join(run.imagesDir, 'samples.png'), { data: (await samples.data()) as Float32Array, count: 64, height: size, width: size, channels: 1 }, { columns: 8, zoom: 3 });
  tf.dispose([test, recon, z, samples]);

  const { summary } = await finishTrainingRun(run, choice, result, {
    metrics: ['total', 'reconstruction', 'kl'],
    title: 'conv VAE on shapes: negative ELBO (nats / image)',
  });
  model.dispose();
  optimizer.dispose();
  return { runDir: run.path, summary };
}

export function addDemoCommand(program: Command): void {
  withTrainingRunOptions(
    program
      .command('demo')
      .description('train a small conv VAE on drawn shapes for about a minute and write reconstructions, samples and a loss curve'),
    { name: 'demo', steps: 5000, seconds: 60, batch: 64, trainSize: 4096, learningRate: 3e-3 },
  ).action(async (options: DemoOptions) => {
    const { runDir, summary } = await runDemo(options);
    const first = summary.firstLogged as Record<string, number> | null;
    const last = summary.lastLogged as Record<string, number> | null;
    process.stdout.write(
      [
        describeTrainingResult(summary),
        first && last ? `negative ELBO: ${first.total.toFixed(1)} at step ${first.step} → ${last.total.toFixed(1)} at step ${last.step}` : '',
        `wrote ${join(runDir, 'images', 'reconstructions.png')}, samples.png, loss-curve.svg and ${join(runDir, 'summary.json')}`,
      ]
        .filter(Boolean)
        .join('\n') + '\n',
    );
  });
}
