/**
 * The label matrix y ∈ {0,1}^[count, K] a conditional model (CSVAE, a conditional VAE) is
 * trained on, from a dataset's binary attributes (several non-exclusive labels, e.g. CelebA's
 * Eyeglasses and Beard) or from its class labels (one-hot, mutually exclusive, e.g. TFD's
 * expressions).
 */
import type { ImageDataset } from './types';

export interface LabelMatrix {
  /** Row-major [count, names.length], every entry 0 or 1. */
  values: Float32Array;
  count: number;
  /** Column names: the picked attribute names, or the dataset's labelNames. */
  names: string[];
  /** true for one-hot rows (exactly one 1 per row), false for independent binary attributes. */
  exclusive: boolean;
}

export type LabelMatrixSpec = { attributes: string[] } | { label: 'one-hot' };

/**
 * y ∈ {0,1}^[count, K] for a conditional model.
 *
 * - `{ attributes: ['Eyeglasses', 'Beard'] }`: those columns of `dataset.attributes`, by name,
 *   in the order given (exclusive = false). An unknown name is an error listing the dataset's
 *   attribute names; a dataset without attributes is an error.
 * - `{ label: 'one-hot' }`: the one-hot encoding of `dataset.labels` over `dataset.labelNames`
 *   (exclusive = true). A dataset without labels (or label names), or a label outside
 *   0..K−1, is an error.
 */
export function labelMatrix(dataset: ImageDataset, spec: LabelMatrixSpec): LabelMatrix {
  const where = `labelMatrix of '${dataset.name}'`;
  if (spec && 'attributes' in spec && Array.isArray(spec.attributes)) return attributeMatrix(dataset, spec.attributes, where);
  if (spec && 'label' in spec && spec.label === 'one-hot') return oneHotMatrix(dataset, where);
  throw new Error(`${where}: spec must be { attributes: string[] } or { label: 'one-hot' }, got ${JSON.stringify(spec)}`);
}

function attributeMatrix(dataset: ImageDataset, names: string[], where: string): LabelMatrix {
  const { count } = dataset;
  const all = dataset.attributeNames;
  if (!dataset.attributes || !all || all.length === 0) {
    throw new Error(`${where}: the dataset has no binary attributes; use { label: 'one-hot' } for its class labels${dataset.labels ? '' : ' (it has none either)'}`);
  }
  if (names.length === 0) throw new Error(`${where}: attributes is empty; the dataset's attributes are: ${all.join(', ')}`);
  const columns = names.map((name) => {
    const k = all.indexOf(name);
    if (k < 0) throw new Error(`${where}: unknown attribute '${name}'; the dataset's attributes are: ${all.join(', ')}`);
    return k;
  });
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`${where}: attribute '${duplicate}' is listed twice`);
  const stride = all.length;
  if (dataset.attributes.length !== count * stride) {
    throw new Error(`${where}: attributes has ${dataset.attributes.length} values, expected count×attributes = ${count}×${stride}`);
  }
  const K = names.length;
  const values = new Float32Array(count * K);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < K; j++) {
      const v = dataset.attributes[i * stride + columns[j]];
      if (v !== 0 && v !== 1) throw new Error(`${where}: attribute '${names[j]}' of example ${i} is ${v}, expected 0 or 1`);
      values[i * K + j] = v;
    }
  }
  return { values, count, names: [...names], exclusive: false };
}

function oneHotMatrix(dataset: ImageDataset, where: string): LabelMatrix {
  const { count, labels, labelNames } = dataset;
  if (!labels) {
    const hint = dataset.attributeNames?.length ? `; its binary attributes (${dataset.attributeNames.join(', ')}) can be used with { attributes: [...] }` : '';
    throw new Error(`${where}: the dataset has no class labels for { label: 'one-hot' }${hint}`);
  }
  if (!labelNames || labelNames.length === 0) throw new Error(`${where}: the dataset has labels but no labelNames, so the number of classes is unknown`);
  if (labels.length !== count) throw new Error(`${where}: labels has ${labels.length} values for ${count} examples`);
  const K = labelNames.length;
  const values = new Float32Array(count * K);
  for (let i = 0; i < count; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= K) {
      throw new Error(`${where}: label ${label} of example ${i} is outside 0..${K - 1} (${labelNames.join(', ')})`);
    }
    values[i * K + label] = 1;
  }
  return { values, count, names: [...labelNames], exclusive: true };
}
