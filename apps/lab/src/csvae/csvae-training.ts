/**
 * Trains a paper-004 model on `CsvaeData` with the one trainer: one Adam per model phase
 * (the paper's β, ε), the paper's MultiStepLR schedule (exact or scaled to the run), the
 * batch iterator's cursor and the noise stream saved with each checkpoint for exact resume.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchIterator } from '@disentangle/data';
import { PAPER_OPTIMISATION, type LatentSubspaceModel } from '@disentangle/csvae';
import { SeededRandom, type ModelBatch } from '@disentangle/kernels';
import type { RunDirectory } from '../run/run-directory';
import { milestonesInSteps, multiStepLearningRate, setLearningRate } from '../training/learning-rate';
import { train, type TrainResult, type TrainingPhase } from '../training/trainer';
import { gatherRows, type CsvaeData } from './csvae-data';

export interface CsvaeTrainingOptions {
  run: RunDirectory;
  model: LatentSubspaceModel;
  data: CsvaeData;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** 'paper': milestones at the paper's epochs; 'scaled': the same shape over this run's steps; 'constant'. */
  schedule: 'paper' | 'scaled' | 'constant';
  seed: number;
  timeBudgetSeconds?: number;
  checkpointEvery?: number;
  logEvery?: number;
  label?: string;
  progressStream?: NodeJS.WriteStream;
}

/** Model inputs as tensors: [n, dim] vectors or [n, size, size, channels] images. */
export function toBatch(data: CsvaeData, rows: { x: Float32Array; y: Float32Array; count: number }): ModelBatch & { y: tf.Tensor2D } {
  const { input } = data;
  const shape = input.kind === 'vector' ? [rows.count, input.dim] : [rows.count, input.size, input.size, input.channels];
  return { x: tf.tensor(rows.x, shape), y: tf.tensor2d(rows.y, [rows.count, data.labelNames.length]) };
}

export async function trainCsvae(options: CsvaeTrainingOptions): Promise<TrainResult> {
  const { model, data, steps, batchSize } = options;
  const iterator = new BatchIterator(data.dataset, { batchSize, seed: options.seed, indices: data.split.train, dropLast: data.split.train.length >= batchSize });
  const noise = new SeededRandom(options.seed).fork('noise');

  // Every phase of a step sees the same batch; the previous step's tensors are freed when the next is drawn.
  let cached: { step: number; batch: ModelBatch } | undefined;
  const batchFor = (step: number): ModelBatch => {
    if (cached?.step !== step) {
      if (cached) tf.dispose([cached.batch.x, cached.batch.y!]);
      // Drawn inside the first phase's gradient scope: kept, or that scope's end would free it.
      const batch = toBatch(data, gatherRows(data, iterator.next().indices));
      cached = { step, batch: { x: tf.keep(batch.x), y: tf.keep(batch.y) } };
    }
    return cached.batch;
  };

  const p = PAPER_OPTIMISATION;
  const phases: TrainingPhase[] = model.phases().map((phase) => ({
    name: phase.name,
    variables: phase.variables,
    optimizer: tf.train.adam(options.learningRate, p.beta1, p.beta2, p.epsilon),
    losses: (step: number) => phase.losses(batchFor(step), noise),
  }));
  const rate =
    options.schedule === 'constant'
      ? () => options.learningRate
      : multiStepLearningRate(
          options.learningRate,
          milestonesInSteps(p.milestoneEpochs, { mode: options.schedule, stepsPerEpoch: iterator.batchesPerEpoch, totalSteps: steps, paperEpochs: p.epochs }),
          p.gamma,
        );

  try {
    return await train({
      run: options.run,
      totalSteps: steps,
      variables: model.variables,
      phases,
      update: model.update,
      beforeStep: (step) => setLearningRate(phases.map((ph) => ph.optimizer), rate(step)),
      checkpointEvery: options.checkpointEvery,
      logEvery: options.logEvery,
      timeBudgetSeconds: options.timeBudgetSeconds,
      label: options.label ?? model.name,
      progressStream: options.progressStream,
      getState: () => ({ iterator: iterator.getState(), noise: noise.getState() }),
      setState: (state) => {
        iterator.setState(state.iterator as never);
        noise.setState(state.noise as never);
      },
    });
  } finally {
    if (cached) tf.dispose([cached.batch.x, cached.batch.y!]);
    for (const phase of phases) phase.optimizer.dispose();
  }
}
