/**
 * Data for the paper-004 models: a dataset, its label matrix y ∈ {0,1}^[N, K] and a
 * train/validation/test split (80/10/10, as the paper splits TFD). Images come from the
 * dataset registry; the swiss roll becomes a dataset of 1×1×3 "images" holding its
 * standardised 3-D points, so one batch iterator serves both.
 */
import { SeededRandom } from '@disentangle/kernels';
import { balancedIndices, labelMatrix, loadDataset, makeSwissRoll, splitIndices, subset, type ImageDataset } from '@disentangle/data';
import type { InputSpec } from '@disentangle/csvae';

export interface CsvaeDataSpec {
  /** 'swiss-roll' or any `loadDataset` name ('faces', 'face-expressions', 'celeba', ...). */
  dataset: string;
  /** Attribute names (multi-label) or 'one-hot' (the dataset's class label, exclusive). */
  labels: string[] | 'one-hot';
  count: number;
  seed: number;
  size?: number;
  identities?: number;
  dir?: string;
  /**
   * Paper subsets: keep every example with this attribute and `negativesPerPositive` times
   * as many without (CelebA-Glasses: 2; CelebA-FacialHair: 1). Several entries are joined
   * (CelebA-GlassesFacialHair).
   */
  subsets?: { attribute: string; negativesPerPositive: number }[];
}

export interface CsvaeData {
  spec: CsvaeDataSpec;
  dataset: ImageDataset;
  /** Labels [count, K] row-aligned with the dataset. */
  y: Float32Array;
  labelNames: string[];
  exclusive: boolean;
  input: InputSpec;
  split: { train: Int32Array; validation: Int32Array; test: Int32Array };
  /** Swiss roll only: the mean and standard deviation used to standardise each coordinate. */
  standardisation?: { mean: number[]; std: number[] };
}

function swissRollDataset(spec: CsvaeDataSpec): { dataset: ImageDataset; standardisation: { mean: number[]; std: number[] } } {
  const random = new SeededRandom(spec.seed).fork('swiss-roll');
  const roll = makeSwissRoll(spec.count, () => random.uniformNumber());
  const mean = [0, 1, 2].map((c) => roll.points.reduce((s, v, i) => (i % 3 === c ? s + v : s), 0) / spec.count);
  const std = [0, 1, 2].map((c) => Math.sqrt(roll.points.reduce((s, v, i) => (i % 3 === c ? s + (v - mean[c]) ** 2 : s), 0) / spec.count));
  const images = roll.points.map((v, i) => (v - mean[i % 3]) / std[i % 3]);
  const dataset: ImageDataset = {
    name: 'swiss-roll',
    count: spec.count,
    height: 1,
    width: 1,
    channels: 3,
    images,
    labels: roll.labels,
    labelNames: ['off', 'on'],
    attributes: Uint8Array.from(roll.labels),
    attributeNames: ['label'],
    factors: roll.factors,
    factorSpecs: roll.factorSpecs,
    source: `makeSwissRoll(seed ${spec.seed})`,
  };
  return { dataset, standardisation: { mean, std } };
}

export async function loadCsvaeData(spec: CsvaeDataSpec): Promise<CsvaeData> {
  let dataset: ImageDataset;
  let standardisation: CsvaeData['standardisation'];
  if (spec.dataset === 'swiss-roll') {
    ({ dataset, standardisation } = swissRollDataset(spec));
  } else {
    dataset = await loadDataset(spec.dataset, { count: spec.count, seed: spec.seed, size: spec.size, identities: spec.identities, dir: spec.dir });
  }
  if (spec.subsets?.length) {
    const keep = new Set<number>();
    spec.subsets.forEach(({ attribute, negativesPerPositive }, i) => {
      for (const index of balancedIndices(dataset, attribute, { seed: spec.seed + i, negativesPerPositive })) keep.add(index);
    });
    dataset = subset(dataset, Int32Array.from([...keep].sort((a, b) => a - b)));
  }
  const matrix = labelMatrix(dataset, spec.labels === 'one-hot' ? { label: 'one-hot' } : { attributes: spec.labels });
  const { train, validation, test } = splitIndices(dataset.count, { train: 0.8, validation: 0.1, test: 0.1, seed: spec.seed });
  const input: InputSpec = spec.dataset === 'swiss-roll'
    ? { kind: 'vector', dim: 3 }
    : { kind: 'image', size: dataset.height, channels: dataset.channels };
  return { spec, dataset, y: matrix.values, labelNames: matrix.names, exclusive: matrix.exclusive, input, split: { train, validation, test }, standardisation };
}

/** Rows `indices` of the dataset as model inputs and labels (plain arrays; see `toBatch`). */
export function gatherRows(data: CsvaeData, indices: ArrayLike<number>): { x: Float32Array; y: Float32Array; count: number } {
  const { dataset } = data;
  const width = dataset.height * dataset.width * dataset.channels;
  const k = data.labelNames.length;
  const x = new Float32Array(indices.length * width);
  const y = new Float32Array(indices.length * k);
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    x.set(dataset.images.subarray(i * width, (i + 1) * width), b * width);
    y.set(data.y.subarray(i * k, (i + 1) * k), b * k);
  }
  return { x, y, count: indices.length };
}
