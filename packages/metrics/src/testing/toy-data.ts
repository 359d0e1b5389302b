/**
 * A tiny procedural set for testing the generation metrics (paper 003 Tables 1–3, code
 * factors) where a hand-built judge is exact: 4×4 grey images whose pixels *are* the labels
 * and factors, so what the judge sees is what a fake model drew.
 *
 * pixel 0..2   one-hot class (identity) zero / one / two
 * pixel 3..5   attributes A, B, C (0/1, or a probability a fake model chose)
 * pixel 6..10  brightness (continuous factor in [0, 1])
 * pixel 11..15 tilt · (j + 1)/5 (continuous factor in [0, 1])
 * 'hidden' is a third continuous factor that is not drawn (no read-out can find it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@disentangle/kernels';
import { splitIndices, type ImageDataset, type PreparedData } from '@disentangle/data';
import type { EvaluationClassifier } from '../evaluation-classifier';
import type { MetricJudge } from '../metric-registry';

export const CLASS_NAMES = ['zero', 'one', 'two'];
export const ATTRIBUTE_NAMES = ['A', 'B', 'C'];
export const PIXELS = 16;

export type ToyLabels = 'class' | 'attributes' | 'mixed' | 'none';

/** One toy image: class id, attribute values (probabilities allowed), brightness, tilt. */
export function renderToy(classId: number, attributes: number[], brightness: number, tilt: number, out = new Float32Array(PIXELS), offset = 0): Float32Array {
  out.fill(0, offset, offset + PIXELS);
  if (classId >= 0) out[offset + classId] = 1;
  attributes.forEach((v, a) => (out[offset + 3 + a] = v));
  for (let j = 0; j < 5; j++) {
    out[offset + 6 + j] = brightness;
    out[offset + 11 + j] = (tilt * (j + 1)) / 5;
  }
  return out;
}

/** Prepared toy data with the given label layout (y = [one-hot | A B C] for 'mixed'). */
export function toyData(labels: ToyLabels, count = 300, seed = 0): PreparedData {
  const random = new SeededRandom(seed);
  const images = new Float32Array(count * PIXELS);
  const classes = new Int32Array(count);
  const attributes = new Uint8Array(count * 3);
  const factors = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    classes[i] = i % 3;
    for (let a = 0; a < 3; a++) attributes[i * 3 + a] = random.uniformNumber() < 0.5 ? 1 : 0;
    for (let f = 0; f < 3; f++) factors[i * 3 + f] = random.uniformNumber();
    renderToy(classes[i], Array.from(attributes.subarray(i * 3, i * 3 + 3)), factors[i * 3], factors[i * 3 + 1], images, i * PIXELS);
  }
  const dataset: ImageDataset = {
    name: 'toy',
    count,
    height: 4,
    width: 4,
    channels: 1,
    images,
    labels: classes,
    labelNames: CLASS_NAMES,
    attributes,
    attributeNames: ATTRIBUTE_NAMES,
    factors,
    factorSpecs: ['brightness', 'tilt', 'hidden'].map((name) => ({ name, kind: 'continuous' as const, range: [0, 1] as [number, number], description: '' })),
    source: 'test',
  };
  const classColumns = labels === 'class' ? 3 : labels === 'mixed' ? 3 : 0;
  const names = labels === 'class' ? CLASS_NAMES : labels === 'attributes' ? ATTRIBUTE_NAMES : labels === 'mixed' ? [...CLASS_NAMES, ...ATTRIBUTE_NAMES] : [];
  const k = names.length;
  const y = new Float32Array(count * k);
  for (let i = 0; i < count; i++) {
    if (classColumns) y[i * k + classes[i]] = 1;
    if (labels === 'attributes' || labels === 'mixed') for (let a = 0; a < 3; a++) y[i * k + classColumns + a] = attributes[i * 3 + a];
  }
  // Through a variable: `classColumns` is new in PreparedData, and this compiles with or without it.
  const data = {
    spec: { dataset: 'toy', labels: labels === 'class' ? ('one-hot' as const) : labels === 'none' ? undefined : names },
    dataset,
    input: { kind: 'image' as const, size: 4, channels: 1 as const },
    y,
    labelNames: names,
    exclusive: labels === 'class',
    classColumns,
    split: splitIndices(count, { train: 0.5, test: 0.5, seed }),
  };
  return data;
}

/** Class id and attribute values that row `r` of labels y [n, K] asks for, in the data's layout. */
export function askedOf(data: PreparedData, y: Float32Array, r: number): { classId: number; attributes: number[] } {
  const k = data.labelNames.length;
  const row = Array.from(y.subarray(r * k, (r + 1) * k));
  const classColumns = (data as PreparedData & { classColumns?: number }).classColumns ?? 0;
  const classPart = row.slice(0, classColumns);
  return { classId: classPart.length ? classPart.indexOf(Math.max(...classPart)) : -1, attributes: row.slice(classColumns) };
}

/**
 * A hand-built judge of the toy set: class = argmax of pixels 0..2, p(attribute) = its pixel
 * (clipped to [0, 1]), features = the 16 pixels. Exact on toy images by construction.
 */
export function toyJudge(): MetricJudge {
  const classifier = {
    name: 'toy-judge',
    config: { classNames: CLASS_NAMES, attributeNames: ATTRIBUTE_NAMES },
    predict: (x: tf.Tensor) =>
      tf.tidy(() => {
        const flat = tf.reshape(x, [-1, PIXELS]) as tf.Tensor2D;
        const logits = tf.mul(10, tf.slice(flat, [0, 0], [-1, 3]));
        return {
          label: tf.argMax(logits, 1) as tf.Tensor1D,
          labelProbabilities: tf.softmax(logits) as tf.Tensor2D,
          attributes: tf.clipByValue(tf.slice(flat, [0, 3], [-1, 3]), 0, 1) as tf.Tensor2D,
        };
      }),
    features: (x: tf.Tensor) => tf.reshape(x, [-1, PIXELS]) as tf.Tensor2D,
  };
  return { name: 'toy-judge', accuracy: 1, classifier: classifier as unknown as EvaluationClassifier };
}
