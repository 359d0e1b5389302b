/**
 * The condition layout c_s of paper 003: a one-hot class (MNIST's digit, a face's identity),
 * binary attributes (Eyeglasses, Smiling…), or both (a face's identity and its attributes,
 * as the paper's CelebA experiments). The classifier heads (CGlow's, CAGlow's C) use a
 * softmax cross-entropy on the class part and a sigmoid cross-entropy per attribute (eq. 12
 * says "cross entropy loss or binary cross entropy loss for different specific tasks").
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits, logSoftmax } from '@disentangle/kernels';

export interface LabelLayout {
  /** All columns, in order. */
  names: string[];
  /** Columns 0..classColumns−1 are one class (softmax); 0 when there is none. */
  classColumns: number;
}

/** The layout from a config: exclusive labels are all class columns. */
export function labelLayout(config: { labels: string[]; exclusive: boolean; classColumns: number }): LabelLayout {
  return { names: config.labels, classColumns: config.exclusive ? config.labels.length : config.classColumns };
}

/** Throws an error naming the problem when y does not fit the layout (wrong width, values not 0/1, not one-hot). */
export function checkConditions(layout: LabelLayout, y: tf.Tensor | undefined, rows: number, where: string, { values: readValues = true }: { values?: boolean } = {}): tf.Tensor2D {
  const k = layout.names.length;
  if (y === undefined) throw new Error(`${where}: this model is conditional and needs labels y [${rows}, ${k}] (${layout.names.slice(0, 6).join(', ')}${k > 6 ? ', …' : ''})`);
  if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== k) {
    throw new Error(`${where}: labels have shape [${y.shape.join(',')}], expected [${rows}, ${k}] for the columns ${layout.names.slice(0, 6).join(', ')}${k > 6 ? ', …' : ''}`);
  }
  // A training step checks the shape only: reading the labels back would stall every step on a
  // GPU (and on WebGPU in Node a synchronous read fails outright); the batch source made them.
  if (!readValues) return y as tf.Tensor2D;
  const values = y.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) throw new Error(`${where}: label '${layout.names[i % k]}' of row ${Math.floor(i / k)} is ${values[i]}; conditions are 0 or 1`);
  }
  if (layout.classColumns > 0) {
    for (let r = 0; r < rows; r++) {
      let on = 0;
      for (let j = 0; j < layout.classColumns; j++) on += values[r * k + j];
      if (on !== 1) throw new Error(`${where}: row ${r} has ${on} of its ${layout.classColumns} class columns on; the class part is one-hot`);
    }
  }
  return y as tf.Tensor2D;
}

/** The index of column `name`, or an error listing the known conditions. */
export function conditionIndex(layout: LabelLayout, name: string): number {
  const i = layout.names.indexOf(name);
  if (i < 0) throw new Error(`unknown condition '${name}'; this model's conditions are ${layout.names.join(', ')}`);
  return i;
}

/**
 * −log q(c_s | ·) per example, summed over the parts, averaged over the batch:
 * −Σ_j y_j log softmax(l)_j over the class columns + Σ_a BCE(l_a, y_a) over the attributes.
 */
export function conditionCrossEntropy(layout: LabelLayout, logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const k = layout.names.length;
    const c = layout.classColumns;
    const terms: tf.Tensor[] = [];
    if (c > 0) {
      const classLogits = c === k ? logits : tf.slice(logits, [0, 0], [-1, c]);
      const classY = c === k ? y : tf.slice(y, [0, 0], [-1, c]);
      terms.push(tf.neg(tf.sum(tf.mul(classY, logSoftmax(classLogits, -1)), -1)));
    }
    if (c < k) {
      const attributeLogits = c === 0 ? logits : tf.slice(logits, [0, c], [-1, k - c]);
      const attributeY = c === 0 ? y : tf.slice(y, [0, c], [-1, k - c]);
      terms.push(tf.sum(bceWithLogits(attributeLogits, attributeY), -1));
    }
    return tf.mean(terms.length === 1 ? terms[0] : tf.add(terms[0], terms[1])) as tf.Scalar;
  });
}
