/**
 * One training run of any registry model on any data spec, from start to pictures, and the
 * reverse: a run directory back to its model (weights restored) and data. `train`, `sample`,
 * `swap`, `eval`, `reproduce` and `demo` all go through here; none of them names a model.
 *
 * runs/<name>/config.json records everything that rebuilds the run:
 *   { kind: 'model-run', model, modelConfig (resolved), data (the DataSpec), loaded, steps, training }
 */
import { writeFileAtomic, type BackendChoice, type GenerativeModel, type ModelEntry, type ModelEnvironment } from '@disentangle/kernels';
import { createBatchSource, DATASETS, prepareData, type DataSpec, type PreparedData } from '@disentangle/data';
import {
  assertRunUnlocked,
  RunDirectory,
  learningRateSchedule,
  loadLatestCheckpoint,
  restoreCheckpoint,
  trainModel,
  type ScheduleMode,
  type TrainResult,
} from '@disentangle/training';
import * as tf from '@tensorflow/tfjs-core';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelRegistry } from '../registry/model-registry';
import { checkDataNeeds } from './data-needs';
import { finishTrainingRun, TrainingInterruptedError } from './training-run';
import { writeRunPictures } from './run-pictures';
import { checkTrainingOptions } from './training-options';

export interface ModelRunConfig extends Record<string, unknown> {
  kind: 'model-run';
  model: string;
  /** The entry's resolved config: `entry.create(modelConfig)` rebuilds the architecture. */
  modelConfig: Record<string, unknown>;
  /** What the data decided about the model (resolveConfig's second argument). */
  environment: ModelEnvironment;
  data: DataSpec;
  /** What the data spec actually loaded (`available`: how many the source holds, for real sets). */
  loaded: { count: number; source: string; train: number; validation: number; test: number; available?: number };
  /** Steps to reach (may change on resume). */
  steps: number;
  training: { batch: number; learningRate: number; schedule: ScheduleMode; seed: number };
  /** The run whose weights started this one (init-from.json says which step and how many variables came from it). */
  initFrom?: string;
}

export function isModelRunConfig(config: Record<string, unknown>): config is ModelRunConfig {
  return config.kind === 'model-run' && typeof config.model === 'string' && typeof config.modelConfig === 'object' && typeof config.data === 'object';
}

export interface TrainRunOptions {
  registry: ModelRegistry;
  model: string;
  data: DataSpec | PreparedData;
  /** Model config overrides (`--set field=value`). */
  options?: Record<string, unknown>;
  steps: number;
  /** Default: the entry's paper batch size / learning rate. */
  batch?: number;
  learningRate?: number;
  /** Default 'scaled': the paper's MultiStepLR shrunk to this run. */
  schedule?: ScheduleMode;
  seed: number;
  seconds?: number;
  fresh?: boolean;
  runsDir: string;
  name: string;
  backend: BackendChoice;
  checkpointEvery?: number;
  /** Write reconstructions, samples and switches into images/ (default true). */
  pictures?: boolean;
  progressStream?: NodeJS.WriteStream;
  /** After each training step: the step reached and the total (a sweep worker's job progress). */
  onStep?: (step: number, totalSteps: number) => void;
  label?: string;
  /** Resume from the checkpoint of exactly this step (`--from-step`); later checkpoints are deleted. */
  fromStep?: number;
  /** Where notes and warnings go (default stderr). */
  log?: (line: string) => void;
  /**
   * A trained run whose weights start this one (CAGlow's stage 1 = a trained Glow): every
   * variable both models have, by name and shape, is copied before the first step. Ignored
   * when this run already has a checkpoint (it resumes from its own).
   */
  initFrom?: string;
}

export interface ModelRun {
  run: RunDirectory<ModelRunConfig>;
  entry: ModelEntry<any>;
  model: GenerativeModel;
  data: PreparedData;
  result: TrainResult;
  summary: Record<string, unknown>;
}

function isPrepared(data: DataSpec | PreparedData): data is PreparedData {
  return 'dataset' in data && typeof (data as PreparedData).dataset === 'object';
}

/** The loss-curve series: the first phase's total and each later phase's. */
function curveMetrics(last: Record<string, number>): string[] {
  const names = Object.keys(last);
  return ['total', ...names.filter((n) => /^[^.]+\.total$/.test(n))].filter((n) => names.includes(n));
}

/** What a config mismatch tells a CLI user: the flags that really exist. */
export const CLI_MISMATCH_ADVICE =
  'To keep this run, repeat its saved values (shown as "saved" above); to train the new settings beside it, give another --name; to delete it and start over, add --fresh.';

/** A model that needs labels, with none named, gets the dataset's default labels (and a note saying so). */
function withDefaultLabels(entry: ModelEntry<any>, spec: DataSpec, log: (line: string) => void): DataSpec {
  if (entry.needs.labels === 'none' || spec.labels !== undefined) return spec;
  const labels = DATASETS.resolve(spec.dataset, { dir: spec.dir }).defaultLabels;
  if (labels === undefined) return spec;
  log(`labels: ${entry.name} needs labels and none were given; using ${spec.dataset}'s default --labels ${labels === 'one-hot' ? 'one-hot' : labels.join(',')}`);
  return { ...spec, labels };
}

export async function trainModelRun(o: TrainRunOptions): Promise<ModelRun> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const entry = o.registry.get(o.model);
  // Every option is checked before anything is written: a typo must not leave a run behind.
  checkTrainingOptions(o);
  const data = isPrepared(o.data) ? o.data : await prepareData(withDefaultLabels(entry, o.data, log));
  checkDataNeeds(entry, data);
  const environment: ModelEnvironment = { input: data.input, labels: data.labelNames, exclusive: data.exclusive, ...(data.classColumns ? { classColumns: data.classColumns } : {}), seed: o.seed };
  const modelConfig = entry.resolveConfig(o.options ?? {}, environment) as Record<string, unknown>;
  const batch = o.batch ?? entry.optimization.batchSize;
  const learningRate = o.learningRate ?? entry.optimization.learningRate;
  const schedule = o.schedule ?? 'scaled';
  const trainCount = data.split.train.length;
  if (batch > trainCount) log(`warning: --batch ${batch} is larger than the ${trainCount} training examples; every step uses the whole training split (${trainCount})`);
  // Built before anything is written: a bad rate or schedule fails here.
  const batches = createBatchSource(data, { batchSize: batch, seed: o.seed });
  const rate = learningRateSchedule(learningRate, { schedule: entry.optimization.schedule, mode: schedule, stepsPerEpoch: batches.batchesPerEpoch, totalSteps: o.steps });
  // A run another process trains is neither deleted (--fresh) nor has its config rewritten.
  await assertRunUnlocked(resolve(o.runsDir, o.name));
  if (o.fresh) await rm(join(o.runsDir, o.name), { recursive: true, force: true });
  const config: ModelRunConfig = {
    kind: 'model-run',
    model: entry.name,
    modelConfig,
    environment,
    data: data.spec,
    loaded: { count: data.dataset.count, source: data.dataset.source, train: data.split.train.length, validation: data.split.validation.length, test: data.split.test.length, ...(data.dataset.available !== undefined ? { available: data.dataset.available } : {}) },
    steps: o.steps,
    training: { batch, learningRate, schedule, seed: o.seed },
    ...(o.initFrom ? { initFrom: o.initFrom } : {}),
  };
  const run = await RunDirectory.create(o.runsDir, o.name, config, { mismatchAdvice: CLI_MISMATCH_ADVICE });
  const model = entry.create(modelConfig);
  try {
    if (o.initFrom && !(await loadLatestCheckpoint(run))) await writeJson(join(run.path, 'init-from.json'), await warmStart(model, o.initFrom));
    const result = await trainModel({
      model,
      run,
      batches,
      steps: o.steps,
      learningRate,
      adam: entry.optimization.adam,
      schedule: rate,
      seed: o.seed,
      checkpointEvery: o.checkpointEvery ?? 250,
      timeBudgetSeconds: o.seconds,
      label: o.label ?? `${entry.name} ${o.name}`,
      progressStream: o.progressStream,
      onStep: o.onStep,
      fromStep: o.fromStep,
      onWarning: (message) => log(`warning: ${message}`),
    });
    // Interrupted: the checkpoint is saved; write the summary and stop at once (no pictures).
    const skipped = result.signal || o.pictures === false ? [] : await writeRunPictures(run, entry, model, data, o.seed).then((p) => p.skipped);
    for (const { file, reason } of skipped) log(`warning: ${file} not drawn: ${reason}`);
    const logged = await run.readMetrics();
    const { summary } = await finishTrainingRun(run, o.backend, result, { metrics: curveMetrics(logged[logged.length - 1] ?? {}), title: `${entry.name} on ${data.spec.dataset}` }, { model: entry.name, dataset: data.spec.dataset, labels: data.labelNames, ...(skipped.length ? { picturesNotDrawn: skipped } : {}) });
    if (result.signal) throw new TrainingInterruptedError(result.signal, result.step, run.path);
    return { run, entry, model, data, result, summary };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export interface OpenedRun {
  run: RunDirectory<ModelRunConfig>;
  entry: ModelEntry<any>;
  model: GenerativeModel;
  /** Undefined when opened with `loadData: false`. */
  data?: PreparedData;
  step: number;
}

/** Rebuilds a trained run: the registry entry, the model with the latest checkpoint's weights, and (by default) its data. */
export async function openModelRun(runPath: string, registry: ModelRegistry, { loadData = true }: { loadData?: boolean } = {}): Promise<OpenedRun> {
  const run = await RunDirectory.open<ModelRunConfig>(runPath);
  if (!isModelRunConfig(run.config)) {
    throw new Error(`${run.path} is not a model run (its config.json has no kind: 'model-run'); runs come from \`disentangle train <model>\` or \`disentangle reproduce\``);
  }
  const entry = registry.get(run.config.model);
  const checkpoint = await loadLatestCheckpoint(run);
  if (!checkpoint) throw new Error(`${run.path} has no checkpoint yet; train it first (disentangle train ${run.config.model} --name ${run.name} ...)`);
  const model = entry.create(entry.resolveConfig(run.config.modelConfig, run.config.environment));
  try {
    await restoreCheckpoint(checkpoint, model.variables);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(checkpoint.tensors);
  }
  const data = loadData ? await prepareData(run.config.data) : undefined;
  return { run, entry, model, data, step: checkpoint.step };
}

/** Copies the latest checkpoint of the run at `source` into `model`'s variables of the same names (and shapes). */
export async function warmStart(model: GenerativeModel, source: string): Promise<{ run: string; step: number; variables: number }> {
  const from = await RunDirectory.open(source).catch(() => {
    throw new Error(`initFrom: ${source} is not a run directory; train that run first`);
  });
  const checkpoint = await loadLatestCheckpoint(from);
  if (!checkpoint) throw new Error(`initFrom: ${source} has no checkpoint yet; train it first`);
  try {
    let copied = 0;
    for (const [name, tensor] of Object.entries(checkpoint.tensors)) {
      const variable = model.variables[name];
      if (!variable) continue;
      if (variable.shape.join() !== tensor.shape.join()) throw new Error(`initFrom: ${source}'s '${name}' has shape [${tensor.shape}], but this model's is [${variable.shape}]`);
      variable.assign(tensor);
      copied++;
    }
    if (copied === 0) throw new Error(`initFrom: ${source} shares no variable names with ${model.name}; nothing to start from`);
    return { run: source, step: checkpoint.step, variables: copied };
  } finally {
    tf.dispose(checkpoint.tensors);
  }
}

/** Writes `<run>/evaluation.json` atomically. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
