/**
 * Subsets, deterministic splits, class-balanced subsets and semi-supervised label masks.
 * Everything here returns index arrays or copies; the source dataset is never modified.
 */
import { SeededRandom } from '@disentangle/kernels';
import type { ImageDataset } from './types';

function checkIndices(count: number, indices: ArrayLike<number>, where: string): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`${where}: index ${index} at position ${i} is outside 0..${count - 1}`);
    }
  }
}

function gatherRows<T extends Float32Array | Int32Array | Uint8Array>(source: T, rowLength: number, indices: ArrayLike<number>): T {
  const Ctor = source.constructor as new (n: number) => T;
  const out = new Ctor(indices.length * rowLength);
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i] * rowLength;
    out.set(source.subarray(start, start + rowLength), i * rowLength);
  }
  return out;
}

/** The examples at `indices` (in that order, repeats allowed), every row-aligned field copied. */
export function subset(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  checkIndices(dataset.count, indices, `subset of '${dataset.name}'`);
  const pixels = dataset.height * dataset.width * dataset.channels;
  const nAttributes = dataset.attributeNames?.length ?? 0;
  const nFactors = dataset.factorSpecs?.length ?? 0;
  return {
    ...dataset,
    count: indices.length,
    images: gatherRows(dataset.images, pixels, indices),
    labels: dataset.labels && gatherRows(dataset.labels, 1, indices),
    attributes: dataset.attributes && gatherRows(dataset.attributes, nAttributes, indices),
    factors: dataset.factors && gatherRows(dataset.factors, nFactors, indices),
    identities: dataset.identities && gatherRows(dataset.identities, 1, indices),
    partition: dataset.partition && gatherRows(dataset.partition, 1, indices),
    source: `${dataset.source} [${indices.length} of ${dataset.count}]`,
  };
}

export interface SplitFractions {
  train: number;
  validation?: number;
  test?: number;
  /** Seed of the shuffle (`new SeededRandom(seed).fork('split')`). */
  seed: number;
}

export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Splits 0..count−1 into disjoint train/validation/test index sets after a seeded shuffle:
 * validation gets round(count·validation), test round(count·test), train the rest when the
 * fractions sum to 1 (so the three cover everything), else round(count·train). Each set is
 * sorted ascending. Same count and seed → same split.
 */
export function splitIndices(count: number, fractions: SplitFractions): SplitIndices {
  const train = fractions.train;
  const validation = fractions.validation ?? 0;
  const test = fractions.test ?? 0;
  for (const [field, value] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (!(value >= 0 && value <= 1)) throw new Error(`splitDataset: fraction ${field} must be in [0, 1], got ${value}`);
  }
  const sum = train + validation + test;
  if (sum > 1 + 1e-9) throw new Error(`splitDataset: fractions sum to ${sum}, more than 1`);
  if (!Number.isSafeInteger(fractions.seed)) throw new Error(`splitDataset: seed must be a safe integer, got ${String(fractions.seed)}`);
  const order = new SeededRandom(fractions.seed).fork('split').permutation(count);
  const nValidation = Math.round(count * validation);
  const nTest = Math.round(count * test);
  const nTrain = Math.abs(sum - 1) < 1e-9 ? count - nValidation - nTest : Math.min(Math.round(count * train), count - nValidation - nTest);
  const part = (start: number, length: number) => order.slice(start, start + length).sort();
  return { train: part(0, nTrain), validation: part(nTrain, nValidation), test: part(nTrain + nValidation, nTest) };
}

/** `splitIndices` applied to a dataset: the three sub-datasets and the indices they came from. */
export function splitDataset(
  dataset: ImageDataset,
  fractions: SplitFractions,
): { train: ImageDataset; validation: ImageDataset; test: ImageDataset; indices: SplitIndices } {
  const indices = splitIndices(dataset.count, fractions);
  return { train: subset(dataset, indices.train), validation: subset(dataset, indices.validation), test: subset(dataset, indices.test), indices };
}

/** Indices of the published split (`dataset.partition`: 0 train, 1 validation, 2 test), e.g. CelebA's. */
export function publishedSplit(dataset: ImageDataset): SplitIndices {
  if (!dataset.partition) throw new Error(`publishedSplit: dataset '${dataset.name}' has no published partition`);
  const lists: number[][] = [[], [], []];
  dataset.partition.forEach((p, i) => lists[p]?.push(i));
  return { train: Int32Array.from(lists[0]), validation: Int32Array.from(lists[1]), test: Int32Array.from(lists[2]) };
}

export interface SemiSupervisedOptions {
  /** Fraction of each class whose labels are kept (paper 001's supervision rate, e.g. 0.2). */
  fraction: number;
  seed: number;
}

/**
 * A label mask [count] with 1 where the label is kept: for each class c with n_c examples,
 * round(fraction · n_c) of them (at least one when fraction > 0), chosen by a seeded shuffle,
 * so every class keeps about `fraction` of its labels (stratified).
 */
export function semiSupervisedMask(labels: Int32Array | ImageDataset, options: SemiSupervisedOptions): Uint8Array {
  const values = labels instanceof Int32Array ? labels : labels.labels;
  if (!values) throw new Error(`semiSupervisedMask: dataset '${(labels as ImageDataset).name}' has no labels`);
  const { fraction, seed } = options;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`semiSupervisedMask: fraction must be in [0, 1], got ${fraction}`);
  const byClass = new Map<number, number[]>();
  values.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const random = new SeededRandom(seed).fork('semi-supervised');
  const mask = new Uint8Array(values.length);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = random.shuffle(byClass.get(label)!);
    const keep = fraction === 0 ? 0 : Math.max(1, Math.round(fraction * members.length));
    for (let k = 0; k < keep; k++) mask[members[k]] = 1;
  }
  return mask;
}

export interface BalancedSubsetOptions {
  /** Negatives kept per positive (CSVAE's CelebA-Glasses: 2). Default 2. */
  negativesPerPositive?: number;
  seed: number;
}

/** Column of a binary attribute by name or index, with a clear error listing the names. */
export function attributeColumn(dataset: ImageDataset, attribute: string | number): number {
  const names = dataset.attributeNames;
  if (!dataset.attributes || !names) throw new Error(`dataset '${dataset.name}' has no attributes`);
  const column = typeof attribute === 'number' ? attribute : names.indexOf(attribute);
  if (!Number.isInteger(column) || column < 0 || column >= names.length) {
    throw new Error(`dataset '${dataset.name}' has no attribute ${JSON.stringify(attribute)}; attributes: ${names.join(', ')}`);
  }
  return column;
}

/**
 * Indices of every example with `attribute` = 1 and min(k·positives, negatives) examples with
 * it = 0 drawn by a seeded shuffle (k = negativesPerPositive), sorted ascending.
 */
export function balancedIndices(dataset: ImageDataset, attribute: string | number, options: BalancedSubsetOptions): Int32Array {
  const column = attributeColumn(dataset, attribute);
  const ratio = options.negativesPerPositive ?? 2;
  if (!(ratio >= 0)) throw new Error(`balancedSubset: negativesPerPositive must be ≥ 0, got ${ratio}`);
  const stride = dataset.attributeNames!.length;
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < dataset.count; i++) (dataset.attributes![i * stride + column] ? positives : negatives).push(i);
  if (positives.length === 0) throw new Error(`balancedSubset: dataset '${dataset.name}' has no example with attribute '${dataset.attributeNames![column]}'`);
  new SeededRandom(options.seed).fork('balanced').shuffle(negatives);
  const chosen = negatives.slice(0, Math.min(negatives.length, Math.round(ratio * positives.length)));
  return Int32Array.from([...positives, ...chosen]).sort();
}

/** `balancedIndices` as a dataset (CSVAE's CelebA-Glasses: `balancedSubset(celeba, 'Eyeglasses', { seed })`). */
export function balancedSubset(dataset: ImageDataset, attribute: string | number, options: BalancedSubsetOptions): ImageDataset {
  return subset(dataset, balancedIndices(dataset, attribute, options));
}
