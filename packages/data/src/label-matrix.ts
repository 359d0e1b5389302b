/**
 * The label matrix y ∈ {0,1}^[count, K] a conditional model (CSVAE, a conditional VAE) is
 * trained on, from a dataset's binary attributes (several non-exclusive labels, e.g. CelebA's
 * Eyeglasses and Beard) or from its class labels (one-hot, mutually exclusive, e.g. TFD's
 * expressions), or both side by side (a class and attributes, e.g. a face's identity plus
 * Eyeglasses and Smiling: one-hot columns first, then the attribute columns).
 */
import type { ImageDataset } from './types';

export interface LabelMatrix {
  /** Row-major [count, names.length], every entry 0 or 1. */
  values: Float32Array;
  count: number;
  /** Column names: the picked attribute names, or the dataset's labelNames. */
  names: string[];
  /** true for one-hot rows (exactly one 1 per row), false for independent binary attributes or a mix. */
  exclusive: boolean;
  /** How many leading columns are the one-hot class (0 for attributes only), so a model can split y. */
  classColumns: number;
}

export type LabelMatrixSpec = { attributes: string[] } | { label: 'one-hot' } | { label: 'one-hot'; attributes: string[] };

/**
 * y ∈ {0,1}^[count, K] for a conditional model.
 *
 * - `{ attributes: ['Eyeglasses', 'Beard'] }`: those columns of `dataset.attributes`, by name,
 *   in the order given (exclusive = false). An unknown name is an error listing the dataset's
 *   attribute names; a dataset without attributes is an error.
 * - `{ label: 'one-hot' }`: the one-hot encoding of `dataset.labels` over `dataset.labelNames`
 *   (exclusive = true); over the classes that occur only, in the names' order, when there are
 *   more than MAX_ALL_CLASSES names (an identity label). A dataset without labels (or label
 *   names), or a label outside 0..K−1, is an error.
 * - `{ label: 'one-hot', attributes: ['Eyeglasses'] }`: both, [one-hot | attributes] per row,
 *   names = labelNames then the attribute names, exclusive = false, classColumns = K. An
 *   attribute named like a class is an error (column names must be unique). An empty
 *   attribute list is plain one-hot.
 */
/** Class labels with at most this many names keep a column for every class, drawn or not (digits, azimuths, expressions). */
export const MAX_ALL_CLASSES = 100;

export function labelMatrix(dataset: ImageDataset, spec: LabelMatrixSpec): LabelMatrix {
  const where = `labelMatrix of '${dataset.name}'`;
  const oneHot = !!spec && 'label' in spec && spec.label === 'one-hot';
  const attributes = spec && 'attributes' in spec && Array.isArray(spec.attributes) ? spec.attributes : undefined;
  // Mixed labels keep only the classes that occur: faces drawn with `identities: 10` carry 10 of the generator's 1000 identity names.
  if (oneHot && attributes && attributes.length > 0) return mixedMatrix(oneHotMatrix(dataset, where, true), attributeMatrix(dataset, attributes, where), where);
  // So does a class label of more than MAX_ALL_CLASSES names: faces' 1000 identities are drawn a few at a time.
  if (oneHot) return oneHotMatrix(dataset, where, (dataset.labelNames?.length ?? 0) > MAX_ALL_CLASSES);
  if (attributes) return attributeMatrix(dataset, attributes, where);
  throw new Error(`${where}: spec must be { attributes: string[] }, { label: 'one-hot' } or { label: 'one-hot', attributes: string[] }, got ${JSON.stringify(spec)}`);
}

/** Class columns then attribute columns, row by row. */
function mixedMatrix(classes: LabelMatrix, attributes: LabelMatrix, where: string): LabelMatrix {
  const clash = attributes.names.find((name) => classes.names.includes(name));
  if (clash !== undefined) throw new Error(`${where}: attribute '${clash}' has the name of a class; label names must be unique`);
  const { count } = classes;
  const a = classes.names.length;
  const b = attributes.names.length;
  const values = new Float32Array(count * (a + b));
  for (let i = 0; i < count; i++) {
    values.set(classes.values.subarray(i * a, (i + 1) * a), i * (a + b));
    values.set(attributes.values.subarray(i * b, (i + 1) * b), i * (a + b) + a);
  }
  return { values, count, names: [...classes.names, ...attributes.names], exclusive: false, classColumns: a };
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
  return { values, count, names: [...names], exclusive: false, classColumns: 0 };
}

function oneHotMatrix(dataset: ImageDataset, where: string, occurringOnly = false): LabelMatrix {
  const { count, labels, labelNames } = dataset;
  if (!labels) {
    const hint = dataset.attributeNames?.length ? `; its binary attributes (${dataset.attributeNames.join(', ')}) can be used with { attributes: [...] }` : '';
    throw new Error(`${where}: the dataset has no class labels for { label: 'one-hot' }${hint}`);
  }
  if (!labelNames || labelNames.length === 0) throw new Error(`${where}: the dataset has labels but no labelNames, so the number of classes is unknown`);
  if (labels.length !== count) throw new Error(`${where}: labels has ${labels.length} values for ${count} examples`);
  for (let i = 0; i < count; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= labelNames.length) {
      throw new Error(`${where}: label ${label} of example ${i} is outside 0..${labelNames.length - 1} (${labelNames.join(', ')})`);
    }
  }
  const classes = occurringOnly ? [...new Set(labels)].sort((a, b) => a - b) : labelNames.map((_, c) => c);
  const column = new Map(classes.map((c, j) => [c, j]));
  const K = classes.length;
  const values = new Float32Array(count * K);
  for (let i = 0; i < count; i++) values[i * K + column.get(labels[i])!] = 1;
  return { values, count, names: classes.map((c) => labelNames[c]), exclusive: true, classColumns: K };
}
