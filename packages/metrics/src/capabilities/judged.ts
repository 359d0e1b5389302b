/**
 * Judging images with an evaluation classifier: its predictions for a flat image array,
 * and whether each image shows a wanted label (attribute head for binary labels, class head
 * for exclusive ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InputSpec } from '@disentangle/kernels';
import type { EvaluationClassifier } from '../evaluation-classifier';

export interface Judgement {
  /** Attribute probabilities [n, attributeNames.length] (attribute judges). */
  attributes?: Float32Array;
  /** Class ids [n] (label judges). */
  label?: Int32Array;
}

/** The judge's predictions for images [n, size, size, channels] (flat). */
export async function judgeImages(classifier: EvaluationClassifier, images: Float32Array, input: InputSpec): Promise<Judgement> {
  if (input.kind !== 'image') throw new Error('a judge scores images; these data are vectors');
  const { size, channels } = input;
  const pixels = size * size * channels;
  const n = images.length / pixels;
  const attributes: number[] = [];
  const labels: number[] = [];
  for (let start = 0; start < n; start += 128) {
    const count = Math.min(128, n - start);
    const x = tf.tensor4d(images.subarray(start * pixels, (start + count) * pixels), [count, size, size, channels]);
    const p = classifier.predict(x);
    if (p.attributes) attributes.push(...(await p.attributes.data()));
    if (p.label) labels.push(...(await p.label.data()));
    tf.dispose([x, p.attributes, p.label, p.labelProbabilities].filter((t) => t !== undefined) as tf.Tensor[]);
  }
  return { attributes: attributes.length ? Float32Array.from(attributes) : undefined, label: labels.length ? Int32Array.from(labels) : undefined };
}

/**
 * For each image n: does the judge see labels[n] = targets[n] on label `labelOf[n]`?
 * `labelNames` are the data's label names; an attribute judge must know each of them.
 */
export function judgedMatches(
  classifier: EvaluationClassifier,
  judgement: Judgement,
  labelNames: string[],
  exclusive: boolean,
  wanted: { label: number; on: boolean }[],
): boolean[] {
  if (exclusive || judgement.label) {
    if (!judgement.label) throw new Error(`judge ${classifier.name} has no class head for the exclusive labels ${labelNames.join(', ')}`);
    const classNames = classifier.config.classNames;
    return wanted.map((w, n) => {
      const predicted = judgement.label![n];
      const name = classNames ? classNames[predicted] : String(predicted);
      return (name === labelNames[w.label] || (!classNames && predicted === w.label)) === w.on;
    });
  }
  const names = classifier.config.attributeNames ?? [];
  const columns = labelNames.map((name) => {
    const c = names.indexOf(name);
    if (c < 0) throw new Error(`judge ${classifier.name} has no attribute '${name}' (it has ${names.join(', ')})`);
    return c;
  });
  return wanted.map((w, n) => (judgement.attributes![n * names.length + columns[w.label]] > 0.5) === w.on);
}

/** Fraction of `true`, and per label. */
export function accuracyByLabel(matches: boolean[], labels: number[], labelNames: string[]): { value: number; perLabel: Record<string, number>; n: number } {
  const tally = labelNames.map(() => [0, 0]);
  matches.forEach((ok, i) => {
    tally[labels[i]][1]++;
    if (ok) tally[labels[i]][0]++;
  });
  const total = tally.reduce((s, t) => s + t[1], 0);
  return {
    value: tally.reduce((s, t) => s + t[0], 0) / Math.max(1, total),
    perLabel: Object.fromEntries(labelNames.map((name, k) => [name, tally[k][1] ? tally[k][0] / tally[k][1] : Number.NaN])),
    n: total,
  };
}

/** The judge as a result names it: its name and headline held-out accuracy. */
export function judgeSummary(judge: { name: string; accuracy: number }): { name: string; accuracy: number } {
  return { name: judge.name, accuracy: judge.accuracy };
}
