/**
 * One paper-004 training run from start to pictures, shared by `disentangle train` and
 * `disentangle reproduce csvae`: load the data, build the model, train (resuming the run
 * when it exists), then write the loss curve, summary.json and the pictures.
 */
import { createCsvaeModel, PAPER_OPTIMISATION, type CsvaeConfigInput, type CsvaeModelName, type LatentSubspaceModel } from '@disentangle/csvae';
import { writeImageGrid } from '@disentangle/data';
import { SeededRandom, type BackendChoice } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finishTrainingRun } from '../commands/training-run';
import { RunDirectory } from '../run/run-directory';
import type { TrainResult } from '../training/trainer';
import { loadCsvaeData, type CsvaeData, type CsvaeDataSpec } from './csvae-data';
import { mapRows, switchOutputs, switchReferenceFor, switchRequests } from './csvae-evaluation';
import { trainCsvae } from './csvae-training';
import type { CsvaeRunConfig } from './trained-run';

export interface CsvaeRunOptions {
  runsDir: string;
  name: string;
  model: CsvaeModelName;
  data: CsvaeDataSpec;
  /** Overrides of the model config (zDim, wDim, convStages, weights, ...). */
  modelConfig?: Partial<CsvaeConfigInput>;
  steps: number;
  batchSize?: number;
  learningRate?: number;
  schedule?: 'paper' | 'scaled' | 'constant';
  seed: number;
  seconds?: number;
  fresh?: boolean;
  backend: BackendChoice;
  progressStream?: NodeJS.WriteStream;
  label?: string;
}

export interface CsvaeRunResult {
  run: RunDirectory;
  model: LatentSubspaceModel;
  data: CsvaeData;
  result: TrainResult;
  summary: Record<string, unknown>;
}

export async function trainCsvaeRun(options: CsvaeRunOptions): Promise<CsvaeRunResult> {
  const data = await loadCsvaeData(options.data);
  const model = createCsvaeModel({
    ...options.modelConfig,
    model: options.model,
    input: data.input,
    labels: data.labelNames,
    exclusive: data.exclusive,
    seed: options.seed,
  });
  const batchSize = options.batchSize ?? PAPER_OPTIMISATION.batchSize;
  const learningRate = options.learningRate ?? PAPER_OPTIMISATION.learningRate;
  const schedule = options.schedule ?? 'scaled';
  if (options.fresh) await rm(join(options.runsDir, options.name), { recursive: true, force: true });
  const config: CsvaeRunConfig = {
    family: 'csvae',
    command: `train ${options.model}`,
    model: model.config,
    data: options.data,
    steps: options.steps,
    batch: batchSize,
    learningRate,
    schedule,
    seed: options.seed,
  };
  const run = await RunDirectory.openOrCreate(options.runsDir, options.name, config);
  const result = await trainCsvae({
    run, model, data, steps: options.steps, batchSize, learningRate, schedule, seed: options.seed,
    timeBudgetSeconds: options.seconds, progressStream: options.progressStream, label: options.label ?? `${options.model} ${options.name}`,
    checkpointEvery: 250,
  });
  await writeCsvaePictures(run, model, data, options.seed);
  const { summary } = await finishTrainingRun(run, options.backend, result, {
    metrics: model.update === 'single' ? ['total', 'reconstruction'] : ['total', 'reconstruction', 'adversary.total'],
    title: `${options.model} on ${options.data.dataset}`,
  }, { model: options.model, dataset: options.data.dataset, labels: data.labelNames });
  return { run, model, data, result, summary };
}

/** Images a person looks at after training (not for the swiss roll, whose inputs are points). */
export async function writeCsvaePictures(run: RunDirectory, model: LatentSubspaceModel, data: CsvaeData, seed: number): Promise<void> {
  if (data.input.kind !== 'image') return;
  const { size, channels } = data.input;
  const images = (values: Float32Array, count: number) => ({ data: values, count, height: size, width: size, channels });
  const test = Array.from(data.split.test.slice(0, 8));
  const originals = await mapRows(data, test, (b) => tf.clone(b.x));
  const reconstructions = await mapRows(data, test, (b) => model.reconstruct(b));
  const both = new Float32Array(originals.length * 2);
  both.set(originals);
  both.set(reconstructions, originals.length);
  await writeImageGrid(join(run.imagesDir, 'reconstructions.png'), images(both, 16), { columns: 8, zoom: 3, rowLabels: ['input', 'recon'] });

  // Samples: one row per label pattern "only label k on" (plus "all off" for non-exclusive labels).
  const k = data.labelNames.length;
  const patterns = [...(data.exclusive ? [] : [new Array<number>(k).fill(0)]), ...data.labelNames.map((_, c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)))];
  const random = new SeededRandom(seed).fork('samples');
  const perRow = 8;
  const labels = tf.tensor2d(patterns.flatMap((p) => new Array(perRow).fill(p).flat()), [patterns.length * perRow, k]);
  const samples = tf.tidy(() => model.sample(patterns.length * perRow, random, labels));
  await writeImageGrid(join(run.imagesDir, 'samples.png'), images((await samples.data()) as Float32Array, patterns.length * perRow), {
    columns: perRow, zoom: 3, rowLabels: patterns.map((p) => (p.every((v) => v === 0) ? 'none' : data.labelNames[p.indexOf(1)])),
  });
  tf.dispose([labels, samples]);

  // Attribute switches of the first test images (Method 1's G_ij).
  const reference = await switchReferenceFor(model, data);
  const requests = switchRequests(data, test.slice(0, 6));
  const switched = await switchOutputs(model, data, requests, reference);
  const columns = Math.min(requests.length, 12);
  const shown = requests.slice(0, columns);
  const sources = await mapRows(data, shown.map((r) => r.index), (b) => tf.clone(b.x));
  const grid = new Float32Array(sources.length * 2);
  grid.set(sources);
  grid.set(switched.subarray(0, sources.length), sources.length);
  await writeImageGrid(join(run.imagesDir, 'switches.png'), images(grid, 2 * columns), {
    columns, zoom: 3, rowLabels: ['input', 'switched'],
    columnLabels: shown.map((r) => `${r.target[r.label] > 0.5 ? '+' : '-'}${data.labelNames[r.label]}`),
  });
}
