/**
 * `trainModel`: trains any `GenerativeModel` (the kernels contract) with the one trainer.
 * It gives each of the model's phases its own Adam (or the optimiser you build), draws one
 * batch per step from a `BatchSource` that every phase of the step shares, feeds the
 * phases a seeded noise stream (drawn on the GPU on WebGPU), applies a learning-rate schedule, and saves the batch
 * source's and the noise stream's state in every checkpoint so a resumed run continues
 * exactly where it stopped.
 */
import { SeededRandom, type GenerativeModel, type ModelBatch, type ModelPhase } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import type { RunDirectory } from './run-directory';
import { setLearningRate } from './learning-rate';
import { adam as cachedAdam } from './adam';
import { train, type TrainerOptions, type TrainResult, type TrainingPhase } from './trainer';

/** Where training batches come from. Its state (a cursor, an RNG) is JSON saved with each checkpoint. */
export interface BatchSource {
  /** The next batch (drawn inside `tf.tidy`). The trainer disposes it once every phase of its step has used it. */
  next(): ModelBatch;
  getState(): unknown;
  setState(state: unknown): void;
  /** Batches per pass over the data (for schedules given in epochs); default 1. */
  readonly batchesPerEpoch?: number;
  /** Frees what the source holds (device copies of the data); called when training ends. */
  dispose?(): void;
}

export interface TrainModelOptions {
  model: GenerativeModel;
  run: RunDirectory;
  batches: BatchSource;
  /** Step count to reach; a resumed run continues from its checkpoint's step. */
  steps: number;
  /** Initial rate of every phase's Adam (ignored with `optimizer`). Default 1e-3. */
  learningRate?: number;
  adam?: { beta1: number; beta2: number; epsilon: number };
  /** Builds a phase's optimiser instead of Adam. Each phase must get its own. */
  optimizer?: (phase: ModelPhase) => tf.Optimizer;
  /** The rate at each step (e.g. `learningRateSchedule(...)`); default constant `learningRate`. */
  schedule?: (step: number) => number;
  /** Seed of the noise stream the phases draw from (reparameterisation, Gumbel noise). Default 0. */
  seed?: number;
  /**
   * Draw the noise on the backend with Philox (SeededRandom's `deviceDraws`: no upload per
   * draw). Default: on WebGPU only, where an upload costs a GPU round trip; elsewhere the host
   * draws keep earlier runs' numbers.
   */
  deviceNoise?: boolean;
  checkpointEvery?: number;
  logEvery?: number;
  timeBudgetSeconds?: number;
  label?: string;
  progressStream?: NodeJS.WriteStream;
  /** After each step (see `train`'s `onStep`). */
  onStep?: TrainerOptions['onStep'];
  /** Resume from the checkpoint of exactly this step (see `train`'s `fromStep`). */
  fromStep?: number;
  /** Told about skipped checkpoints, missing optimizer state, stale locks (default console.warn). */
  onWarning?: (message: string) => void;
  /** Fault-injection hook for tests (see `train`'s `beforeLatest`). */
  beforeLatest?: TrainerOptions['beforeLatest'];
}

function disposeBatch(batch: ModelBatch): void {
  tf.dispose([batch.x, batch.y, batch.labelled].filter((t): t is tf.Tensor => t !== undefined));
}

export async function trainModel(options: TrainModelOptions): Promise<TrainResult> {
  const { model, batches } = options;
  const learningRate = options.learningRate ?? 1e-3;
  const adam = options.adam ?? { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  const noise = new SeededRandom(options.seed ?? 0).fork('noise');
  noise.deviceDraws = options.deviceNoise ?? tf.getBackend() === 'webgpu';

  let current: ModelBatch | undefined;
  const phases: TrainingPhase[] = model.phases().map((phase) => ({
    name: phase.name,
    variables: phase.variables,
    activeFrom: phase.activeFrom,
    activeUntil: phase.activeUntil,
    optimizer: options.optimizer ? options.optimizer(phase) : cachedAdam(learningRate, adam.beta1, adam.beta2, adam.epsilon),
    losses: () => {
      if (!current) throw new Error('trainModel: no batch drawn for this step');
      return phase.losses(current, noise);
    },
  }));
  const rate = options.schedule;
  try {
    return await train({
      run: options.run,
      totalSteps: options.steps,
      variables: model.variables,
      phases,
      update: model.update,
      // Outside every gradient tape: the batch lives until the next step draws its own.
      beforeStep: (step) => {
        if (current) disposeBatch(current);
        // In a tidy scope, so tensors the source makes on the way to the batch are freed.
        current = tf.tidy(() => batches.next() as unknown as tf.TensorContainer) as unknown as ModelBatch;
        if (rate) setLearningRate(phases.map((p) => p.optimizer), rate(step));
      },
      checkpointEvery: options.checkpointEvery,
      logEvery: options.logEvery,
      timeBudgetSeconds: options.timeBudgetSeconds,
      label: options.label ?? model.name,
      progressStream: options.progressStream,
      onStep: options.onStep,
      fromStep: options.fromStep,
      onWarning: options.onWarning,
      beforeLatest: options.beforeLatest,
      getState: () => ({ batches: batches.getState(), noise: noise.getState() }),
      setState: (state) => {
        batches.setState(state.batches);
        noise.setState(state.noise as ReturnType<SeededRandom['getState']>);
      },
    });
  } finally {
    if (current) disposeBatch(current);
    batches.dispose?.();
    for (const phase of phases) phase.optimizer.dispose();
  }
}
