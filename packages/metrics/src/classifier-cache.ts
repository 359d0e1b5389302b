/**
 * Trained evaluation classifiers cached on disk, one directory per dataset + config + seed:
 *
 * ```
 * <cacheDir>/<dataset>-<size>px-<task>-seed<seed>-<hash>/model.json   manifest + metadata
 *                                                       /weights.bin
 * ```
 * `<hash>` is the first 10 hex digits of SHA-256 over the canonical JSON of everything that
 * changes the trained weights (dataset name and load options, task, widths, seed, steps, batch
 * size, learning rate, test fraction, cache format version), so a different config never
 * reuses a stale judge. The metadata (`userDefinedMetadata` of model.json) holds the judge's
 * name, the classifier config, the training options, the held-out report, the date, and the
 * training time. The default cache directory is `$DISENTANGLE_CACHE_DIR/classifiers` or
 * `~/.cache/disentangle/classifiers`.
 *
 * Node only (uses node:fs, node:os, node:crypto).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assignVariables, loadWeights, saveWeights } from '@disentangle/kernels';
import {
  loadDataset,
  PROCEDURAL_GENERATORS,
  publishedSplit,
  splitDataset,
  subset,
  type ImageDataset,
  type LoadDatasetOptions,
} from '@disentangle/data';
import {
  EvaluationClassifier,
  classifierName,
  evaluateClassifier,
  trainEvaluationClassifier,
  type ClassifierTask,
  type EvaluationClassifierConfig,
  type HeldOutReport,
} from './evaluation-classifier';

/** Bump when the architecture or training procedure changes, so old caches are not reused. */
export const CLASSIFIER_CACHE_VERSION = 1;

export interface JudgeOptions {
  /** Dataset name for `loadDataset` (e.g. 'faces', 'sprites', 'mnist', 'celeba'). */
  dataset: string;
  /** Options for `loadDataset` (size, count, seed of the procedural draw, dir of a real set). Defaults: size 32 when supported, count 4000, seed 0. */
  data?: LoadDatasetOptions;
  /** Heads; default 'attributes' when the dataset has binary attributes, else 'label'. */
  task?: ClassifierTask;
  widths?: [number, number, number];
  /** Seed of the weights and batches. Default 0. */
  seed?: number;
  /** Training steps. Default 600. */
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Fraction held out as the test split when the dataset has no published split. Default 0.2. */
  testFraction?: number;
  /** Cache root. Default `defaultClassifierCacheDir()`. */
  cacheDir?: string;
  /** Retrain even when a cached judge exists (it is replaced). */
  retrain?: boolean;
  /** Dataset loader (tests inject one); default `loadDataset` from @disentangle/data. */
  load?: (name: string, options: LoadDatasetOptions) => Promise<ImageDataset>;
  onProgress?: (step: number, loss: number) => void;
}

export interface JudgeResult {
  classifier: EvaluationClassifier;
  report: HeldOutReport;
  /** True when the judge was read from the cache rather than trained now. */
  fromCache: boolean;
  /** Checkpoint directory. */
  dir: string;
  key: string;
  metadata: ClassifierMetadata;
}

export interface ClassifierMetadata {
  name: string;
  key: string;
  cacheVersion: number;
  classifier: EvaluationClassifierConfig;
  training: { steps: number; batchSize: number; learningRate: number; testFraction: number; seed: number; firstLoss: number; lastLoss: number; seconds: number; backend: string };
  dataset: { name: string; options: LoadDatasetOptions; source: string; trainCount: number; testCount: number; split: 'published' | 'seeded' };
  /** Headline held-out accuracy (label accuracy, else mean attribute balanced accuracy). */
  accuracy: number;
  heldOut: HeldOutReport;
  date: string;
}

export function defaultClassifierCacheDir(): string {
  const root = process.env.DISENTANGLE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'disentangle');
  return path.join(root, 'classifiers');
}

/** Sorted-key JSON, so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface ResolvedJudgeOptions {
  dataset: string;
  data: LoadDatasetOptions;
  task?: ClassifierTask;
  widths: [number, number, number];
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  testFraction: number;
}

function resolveJudgeOptions(options: JudgeOptions): ResolvedJudgeOptions {
  if (typeof options.dataset !== 'string' || options.dataset === '') throw new Error('judge: dataset must be a dataset name');
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`judge: testFraction must be in (0, 1), got ${testFraction}`);
  return {
    dataset: options.dataset,
    data: {
      count: 4000,
      seed: 0,
      size: PROCEDURAL_GENERATORS[options.dataset]?.sizes.includes(32) ? 32 : undefined,
      // Options given as undefined keep their defaults (and the cache key stays the same).
      ...Object.fromEntries(Object.entries(options.data ?? {}).filter(([, v]) => v !== undefined)),
    },
    task: options.task,
    widths: options.widths ?? [16, 32, 64],
    seed: options.seed ?? 0,
    steps: options.steps ?? 600,
    batchSize: options.batchSize ?? 32,
    learningRate: options.learningRate ?? 2e-3,
    testFraction,
  };
}

/**
 * The cache key of a judge config: `<dataset>-<size>px-<task>-seed<seed>-<hash>` (size and
 * task read "auto" when left to the dataset). Any change to the config changes the hash.
 */
export function classifierCacheKey(options: JudgeOptions): { key: string; hash: string } {
  const r = resolveJudgeOptions(options);
  const hash = createHash('sha256')
    .update(canonicalJson({ ...r, version: CLASSIFIER_CACHE_VERSION }))
    .digest('hex')
    .slice(0, 10);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const key = `${safe(r.dataset)}-${r.data.size ?? 'auto'}px-${safe(r.task ?? 'auto')}-seed${r.seed}-${hash}`;
  return { key, hash };
}

function headlineAccuracy(report: HeldOutReport): number {
  return report.label?.accuracy ?? report.meanAttributeBalancedAccuracy ?? Number.NaN;
}

/** JSON turns NaN into null: turn it back. */
function revive(report: HeldOutReport): HeldOutReport {
  const fix = (v: unknown) => (v === null ? Number.NaN : (v as number));
  return {
    ...report,
    label: report.label && { ...report.label, balancedAccuracy: fix(report.label.balancedAccuracy) },
    attributes: report.attributes?.map((a) => ({ ...a, balancedAccuracy: fix(a.balancedAccuracy) })),
    meanAttributeBalancedAccuracy: report.meanAttributeBalancedAccuracy === undefined ? undefined : fix(report.meanAttributeBalancedAccuracy),
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Loads a cached judge from its checkpoint directory (throws when there is none). */
export async function loadCachedClassifier(dir: string): Promise<{ classifier: EvaluationClassifier; metadata: ClassifierMetadata }> {
  const { tensors, metadata } = await loadWeights(dir);
  try {
    const meta = metadata as unknown as ClassifierMetadata;
    if (!meta.classifier || !meta.heldOut || !meta.name) throw new Error(`${dir} is not an evaluation-classifier checkpoint (no classifier metadata)`);
    const classifier = new EvaluationClassifier(meta.classifier);
    try {
      assignVariables(tensors, classifier.namedVariables(), { source: `checkpoint ${dir}` });
    } catch (error) {
      classifier.dispose();
      throw error;
    }
    classifier.name = meta.name;
    meta.heldOut = revive(meta.heldOut);
    classifier.heldOut = meta.heldOut;
    return { classifier, metadata: meta };
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * The evaluation classifier ("judge") for a dataset: read from the cache when a judge with
 * the same config exists, else trained on the dataset's train split, evaluated on its test
 * split, and saved. The split is the dataset's published one when it has train and test
 * parts, else a seeded shuffle (seed = the judge's seed) holding out `testFraction`.
 */
export async function loadOrTrainClassifier(options: JudgeOptions): Promise<JudgeResult> {
  const r = resolveJudgeOptions(options);
  const { key, hash } = classifierCacheKey(options);
  const dir = path.join(options.cacheDir ?? defaultClassifierCacheDir(), key);
  if (!options.retrain && (await exists(path.join(dir, 'model.json')))) {
    const { classifier, metadata } = await loadCachedClassifier(dir);
    return { classifier, report: metadata.heldOut, fromCache: true, dir, key, metadata };
  }

  const load = options.load ?? loadDataset;
  const data = { ...r.data };
  const full = await load(r.dataset, data);
  const task: ClassifierTask = r.task ?? (full.attributes && full.attributeNames?.length ? 'attributes' : 'label');
  let train: ImageDataset;
  let test: ImageDataset;
  let split: 'published' | 'seeded' = 'seeded';
  const published = full.partition ? publishedSplit(full) : undefined;
  if (published && published.train.length > 0 && published.test.length > 0) {
    train = subset(full, published.train);
    test = subset(full, published.test);
    split = 'published';
  } else {
    const parts = splitDataset(full, { train: 1 - r.testFraction, test: r.testFraction, seed: r.seed });
    train = parts.train;
    test = parts.test;
  }
  if (full.height !== full.width) throw new Error(`judge: dataset '${r.dataset}' has ${full.height}×${full.width} images; the evaluation classifier takes square images`);
  const numClasses = full.labelNames?.length ?? (full.labels ? full.labels.reduce((m, v) => Math.max(m, v), 0) + 1 : undefined);
  const config: EvaluationClassifierConfig = {
    dataset: r.dataset,
    imageSize: full.height,
    channels: full.channels,
    task,
    numClasses: task === 'attributes' ? undefined : numClasses,
    classNames: task === 'attributes' ? undefined : full.labelNames,
    attributeNames: task === 'label' ? undefined : full.attributeNames,
    widths: r.widths,
    seed: r.seed,
  };
  const classifier = new EvaluationClassifier(config);
  classifier.name = classifierName(r.dataset, r.seed, hash);
  try {
    const training = await trainEvaluationClassifier(classifier, train, {
      steps: r.steps,
      batchSize: r.batchSize,
      learningRate: r.learningRate,
      seed: r.seed,
      onProgress: options.onProgress,
    });
    const report = await evaluateClassifier(classifier, test);
    const metadata: ClassifierMetadata = {
      name: classifier.name,
      key,
      cacheVersion: CLASSIFIER_CACHE_VERSION,
      classifier: config,
      training: { batchSize: r.batchSize, learningRate: r.learningRate, testFraction: r.testFraction, seed: r.seed, ...training, backend: tf.getBackend() },
      dataset: { name: r.dataset, options: data, source: full.source, trainCount: train.count, testCount: test.count, split },
      accuracy: headlineAccuracy(report),
      heldOut: report,
      date: new Date().toISOString(),
    };
    await saveWeights(dir, classifier.namedVariables(), { metadata: metadata as unknown as Record<string, unknown> });
    return { classifier, report, fromCache: false, dir, key, metadata };
  } catch (error) {
    classifier.dispose();
    throw error;
  }
}
