/**
 * Data by spec, for every model: a `DataSpec` (a dataset of the registry plus what a
 * training run does with it — which labels, which subset, how much supervision, which
 * split) becomes `PreparedData`: the examples, the label matrix y, the model's input shape,
 * a train/validation/test split and, for semi-supervised runs, the mask of labelled rows.
 * A run's config.json records the spec, so the same data come back for sample, swap, eval.
 *
 *   prepareData({ dataset: 'faces', count: 4000, labels: ['Eyeglasses'], subsets: [{ attribute: 'Eyeglasses', negativesPerPositive: 2 }] })
 *   prepareData({ dataset: 'face-expressions', labels: 'one-hot' })
 *   prepareData({ dataset: 'faces', labels: ['Eyeglasses'], supervision: 0.2 })   // 20% of labels kept, stratified
 *   prepareData({ dataset: 'swiss-roll', labels: ['label'] })                      // vectors
 *   prepareData({ dataset: 'faces', labels: ['one-hot', 'Eyeglasses', 'Smiling'] }) // identity one-hot | 2 attributes
 */
import { SeededRandom, type InputSpec, type ModelBatch } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { BatchIterator } from './batch-iterator';
import { createResidentBatchSource } from './resident-batches';
import { labelMatrix, type LabelMatrixSpec } from './label-matrix';
import { loadDataset } from './load-dataset';
import { balancedIndices, semiSupervisedMask, splitIndices, subset, type SplitIndices } from './subset';
import type { ImageDataset } from './types';

export interface DataSpec {
  /** A name of the dataset registry: faces, face-expressions, chairs, sprites, swiss-roll, mnist, celeba (with dir), ... */
  dataset: string;
  /** Examples to draw (procedural) or to load at most (real sets). Default 1000. */
  count?: number;
  /** Image side (procedural sets render at it, or at a multiple and downsample; real sets resize to it). */
  size?: number;
  /** Seed of the draw, the subsets, the split and the supervision mask. Default 0. */
  seed?: number;
  /** Procedural faces: number of identities. */
  identities?: number;
  /** Procedural: seed of the identities' factors (default: seed), so other draws can show the same people. */
  identitySeed?: number;
  /** Directory of a real dataset. */
  dir?: string;
  /**
   * The labels y a model sees: binary attribute names (multi-label, e.g. ['Eyeglasses',
   * 'Beard']), 'one-hot' for the dataset's class label (exclusive), or none (default).
   * Both at once: a list whose first entry is 'one-hot', then attribute names, e.g.
   * `['one-hot', 'Eyeglasses', 'Smiling']` on 'faces' gives y = [identity one-hot | Eyeglasses,
   * Smiling], labelNames = class names then attribute names, exclusive false and
   * classColumns = the number of classes. 'one-hot' anywhere else in a list is an error.
   */
  labels?: string[] | 'one-hot';
  /**
   * Paper subsets: keep every example with the attribute and `negativesPerPositive` times as
   * many without (CSVAE's CelebA-Glasses: 2). Several entries keep the union.
   */
  subsets?: { attribute: string; negativesPerPositive: number }[];
  /** Semi-supervised: the fraction of each label pattern's examples whose labels are kept (paper 001: 0.2). */
  supervision?: number;
  /** Train / validation / test fractions. Default 0.8 / 0.1 / 0.1. */
  split?: { train: number; validation: number; test: number };
}

export interface PreparedData {
  spec: DataSpec;
  dataset: ImageDataset;
  /** The model's input: [count, dim] vectors for point sets, square NHWC images otherwise. */
  input: InputSpec;
  /** Labels [count, K] row-aligned with the dataset (K = 0 without labels). */
  y: Float32Array;
  labelNames: string[];
  /** True for one-hot labels (exactly one on per row). */
  exclusive: boolean;
  /** The number of leading one-hot class columns of y (0 without a class label; all of them for 'one-hot'). */
  classColumns: number;
  /** Semi-supervised runs: 1 where a row's labels may be used in training, [count]. */
  labelled?: Uint8Array;
  split: SplitIndices;
}

const DEFAULT_SPLIT = { train: 0.8, validation: 0.1, test: 0.1 };

function checkSpec(spec: DataSpec): void {
  const fail = (field: string, message: string): never => {
    throw new Error(`data spec: ${field} ${message}`);
  };
  if (!spec || typeof spec.dataset !== 'string' || spec.dataset === '') fail('dataset', 'must name a dataset of the registry');
  for (const field of ['count', 'size', 'identities'] as const) {
    const v = spec[field];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) fail(field, `must be a positive integer, got ${String(v)}`);
  }
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) fail('seed', `must be an integer, got ${String(spec.seed)}`);
  if (spec.identitySeed !== undefined && !Number.isSafeInteger(spec.identitySeed)) fail('identitySeed', `must be an integer, got ${String(spec.identitySeed)}`);
  if (spec.labels !== undefined && spec.labels !== 'one-hot' && !(Array.isArray(spec.labels) && spec.labels.every((l) => typeof l === 'string' && l !== ''))) {
    fail('labels', `must be a list of attribute names or 'one-hot', got ${JSON.stringify(spec.labels)}`);
  }
  if (Array.isArray(spec.labels) && spec.labels.indexOf('one-hot', 1) > 0) {
    fail('labels', `may have 'one-hot' only as its first entry (the class columns come first), got it at position ${spec.labels.indexOf('one-hot', 1)} of ${JSON.stringify(spec.labels)}`);
  }
  if (spec.supervision !== undefined) {
    if (!(spec.supervision > 0 && spec.supervision <= 1)) fail('supervision', `must be in (0, 1], got ${String(spec.supervision)}`);
    if (spec.labels === undefined) fail('supervision', 'needs labels (a semi-supervised run masks some of them)');
  }
  for (const [i, s] of (spec.subsets ?? []).entries()) {
    if (!s || typeof s.attribute !== 'string' || !(s.negativesPerPositive >= 0)) fail(`subsets[${i}]`, 'must be { attribute, negativesPerPositive ≥ 0 }');
  }
}

/** The model input shape of a dataset: vectors for point sets, square images otherwise. */
export function inputSpecOf(dataset: ImageDataset): InputSpec {
  if (dataset.layout === 'vector') return { kind: 'vector', dim: dataset.height * dataset.width * dataset.channels };
  if (dataset.height !== dataset.width) throw new Error(`dataset '${dataset.name}': images are ${dataset.height}×${dataset.width}; the models take square images (set size)`);
  return { kind: 'image', size: dataset.height, channels: dataset.channels };
}

/**
 * Each row's label pattern as a class id, for stratifying the supervision mask over
 * multi-label data. The pattern is keyed as a string of 0/1 (a 2^K number overflows with many
 * columns, e.g. 1000 identities plus attributes); ids are the keys' ranks in sorted order,
 * which for fixed-length 0/1 strings is the order of the binary numbers, so masks for small K
 * are the same as with numeric ids.
 */
export function patternIds(y: Float32Array, k: number, count: number): Int32Array {
  const keys = new Array<string>(count);
  const bits = new Array<string>(k);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < k; j++) bits[j] = y[i * k + j] > 0.5 ? '1' : '0';
    keys[i] = bits.join('');
  }
  const rank = new Map([...new Set(keys)].sort().map((key, id) => [key, id]));
  return Int32Array.from(keys, (key) => rank.get(key)!);
}

/** The labelMatrix spec of `DataSpec.labels`: 'one-hot', attribute names, or 'one-hot' then attribute names. */
function labelMatrixSpec(labels: string[] | 'one-hot'): LabelMatrixSpec {
  if (labels === 'one-hot') return { label: 'one-hot' };
  if (labels[0] === 'one-hot') return { label: 'one-hot', attributes: labels.slice(1) };
  return { attributes: labels };
}

/** Loads and prepares the data a spec describes (see the module comment). */
export async function prepareData(spec: DataSpec): Promise<PreparedData> {
  checkSpec(spec);
  const seed = spec.seed ?? 0;
  let dataset = await loadDataset(spec.dataset, { count: spec.count ?? 1000, seed, size: spec.size, identities: spec.identities, identitySeed: spec.identitySeed, dir: spec.dir });
  if (spec.subsets?.length) {
    const keep = new Set<number>();
    spec.subsets.forEach(({ attribute, negativesPerPositive }, i) => {
      for (const index of balancedIndices(dataset, attribute, { seed: seed + i, negativesPerPositive })) keep.add(index);
    });
    dataset = subset(dataset, Int32Array.from([...keep].sort((a, b) => a - b)));
  }
  let y: Float32Array = new Float32Array(0);
  let labelNames: string[] = [];
  let exclusive = false;
  let classColumns = 0;
  if (spec.labels !== undefined) {
    ({ values: y, names: labelNames, exclusive, classColumns } = labelMatrix(dataset, labelMatrixSpec(spec.labels)));
  }
  const fractions = spec.split ?? DEFAULT_SPLIT;
  const split = splitIndices(dataset.count, { ...fractions, seed });
  if (split.train.length === 0) throw new Error(`data spec: dataset '${spec.dataset}' left no training examples (count ${dataset.count}, split ${JSON.stringify(fractions)})`);
  const labelled = spec.supervision === undefined
    ? undefined
    : semiSupervisedMask(patternIds(y, labelNames.length, dataset.count), { fraction: spec.supervision, seed });
  return { spec, dataset, input: inputSpecOf(dataset), y, labelNames, exclusive, classColumns, labelled, split };
}

/** Rows `indices` as a model batch: x [n, ...input], y [n, K] when the data have labels, the supervision mask when set. */
export function gatherBatch(data: PreparedData, indices: ArrayLike<number>): ModelBatch {
  const { dataset, input } = data;
  const width = dataset.height * dataset.width * dataset.channels;
  const k = data.labelNames.length;
  const n = indices.length;
  const x = new Float32Array(n * width);
  const y = new Float32Array(n * k);
  const labelled = data.labelled ? new Float32Array(n) : undefined;
  for (let b = 0; b < n; b++) {
    const i = indices[b];
    x.set(dataset.images.subarray(i * width, (i + 1) * width), b * width);
    y.set(data.y.subarray(i * k, (i + 1) * k), b * k);
    if (labelled) labelled[b] = data.labelled![i];
  }
  const shape = input.kind === 'vector' ? [n, input.dim] : [n, input.size, input.size, input.channels];
  return {
    x: tf.tensor(x, shape),
    ...(k > 0 ? { y: tf.tensor2d(y, [n, k]) } : {}),
    ...(labelled ? { labelled: tf.tensor1d(labelled) } : {}),
  };
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: ModelBatch): void {
  tf.dispose([batch.x, batch.y, batch.labelled].filter((t): t is tf.Tensor => t !== undefined));
}

/** 'auto' keeps data on the GPU up to this size (the dataset and one epoch's copy of the training split). */
export const RESIDENT_BYTES_LIMIT = 1 << 30;

/**
 * Training batches for `@disentangle/training`'s `trainModel`: a seeded, shuffling,
 * resumable pass over the training split (its state is the iterator's {epoch, position}).
 * `resident`: keep the data on the device and slice each batch there (resident-batches.ts);
 * the same batches, without a copy from the CPU per step. 'auto' (the default) does so on WebGPU
 * when both copies fit in RESIDENT_BYTES_LIMIT (1 GiB), and copies each batch otherwise.
 */
export function createBatchSource(data: PreparedData, { batchSize, seed = 0, resident = 'auto' }: { batchSize: number; seed?: number; resident?: boolean | 'auto' }) {
  if (resident !== true && resident !== false && resident !== 'auto') throw new Error(`createBatchSource: resident must be true, false or 'auto', got ${JSON.stringify(resident)}`);
  const residentBytes = 4 * (data.dataset.images.length + (data.split.train.length * data.dataset.images.length) / data.dataset.count);
  const fits = residentBytes <= RESIDENT_BYTES_LIMIT;
  if (resident === true || (resident === 'auto' && fits && tf.getBackend() === 'webgpu')) return createResidentBatchSource(data, { batchSize, seed });
  const indices = data.split.train;
  const iterator = new BatchIterator(data.dataset, { batchSize, seed, indices, dropLast: indices.length >= batchSize });
  return {
    batchesPerEpoch: iterator.batchesPerEpoch,
    next: (): ModelBatch => gatherBatch(data, iterator.next().indices),
    getState: () => iterator.getState(),
    setState: (state: unknown) => iterator.setState(state as ReturnType<BatchIterator['getState']>),
    dispose: () => {},
  };
}

const CHUNK = 128;

/**
 * Runs `fn` over the rows `indices` in batches of 128 (inside `tf.tidy`) and concatenates
 * its outputs as one flat array: encodings, reconstructions, switched images.
 */
export async function mapBatches(
  data: PreparedData,
  indices: ArrayLike<number>,
  fn: (batch: ModelBatch, start: number) => tf.Tensor,
): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, indices.length - start) }, (_, i) => indices[start + i]);
    const batch = gatherBatch(data, rows);
    try {
      const out = tf.tidy(() => fn(batch, start));
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    } finally {
      disposeBatch(batch);
    }
  }
  return concatenate(parts);
}

/** The arrays one after the other, as one Float32Array. */
export function concatenate(parts: Float32Array[]): Float32Array {
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

/** The labels of row `index`, [K]. */
export function labelsOf(data: PreparedData, index: number): number[] {
  const k = data.labelNames.length;
  return Array.from(data.y.subarray(index * k, (index + 1) * k));
}

/** The data's raw inputs for `indices`, flat (e.g. to draw the originals beside reconstructions). */
export function inputsOf(data: PreparedData, indices: ArrayLike<number>): Float32Array {
  const { dataset } = data;
  const width = dataset.height * dataset.width * dataset.channels;
  const out = new Float32Array(indices.length * width);
  for (let b = 0; b < indices.length; b++) out.set(dataset.images.subarray(indices[b] * width, (indices[b] + 1) * width), b * width);
  return out;
}

/** A seeded stream for evaluation draws that does not disturb training streams. */
export function evaluationRandom(data: PreparedData, purpose: string): SeededRandom {
  return new SeededRandom(data.spec.seed ?? 0).fork(`evaluation-${purpose}`);
}
