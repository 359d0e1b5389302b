/**
 * The judge's view of images in the data's own label columns: the class it sees (as an index
 * into the data's class names) and each data attribute's probability. Judges name their
 * classes and attributes (`config.classNames`, `config.attributeNames`), so the mapping goes
 * by name — a judge trained on all of a dataset's attributes scores data that use a few, and
 * a mixed-label judge (task 'label+attributes') gives both parts. Also the judge's pooled
 * features, the feature network of paper 003's Table 1 FID.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InputSpec } from '@disentangle/kernels';
import type { EvaluationClassifier } from '../evaluation-classifier';
import { judgeImages } from './judged';
import type { LabelLayout } from './label-layout';

export interface JudgedLabels {
  /** The class the judge sees, as an index into `layout.classNames` (−1: a class the data do not have), [n]. */
  classes?: Int32Array;
  /** p_l(x) for each attribute column of the layout, [n, L]. */
  attributes?: Float32Array;
}

/** Judges images [n, ...input] (flat) and maps its heads onto the layout's columns. */
export async function judgeLabels(classifier: EvaluationClassifier, images: Float32Array, input: InputSpec, layout: LabelLayout): Promise<JudgedLabels> {
  const judgement = await judgeImages(classifier, images, input);
  const out: JudgedLabels = {};
  if (layout.classColumns > 0) {
    if (!judgement.label) throw new Error(`judge ${classifier.name} has no class head for the classes ${preview(layout.classNames)}`);
    const names = classifier.config.classNames;
    const index = new Map(layout.classNames.map((name, c) => [name, c]));
    out.classes = Int32Array.from(judgement.label, (p) => (names ? (index.get(names[p]) ?? -1) : p < layout.classColumns ? p : -1));
  }
  const l = layout.attributeNames.length;
  if (l > 0) {
    const names = classifier.config.attributeNames ?? [];
    if (!judgement.attributes) throw new Error(`judge ${classifier.name} has no attribute head for the attributes ${preview(layout.attributeNames)}`);
    const columns = layout.attributeNames.map((name) => {
      const c = names.indexOf(name);
      if (c < 0) throw new Error(`judge ${classifier.name} has no attribute '${name}' (it has ${names.join(', ')})`);
      return c;
    });
    const n = judgement.attributes.length / names.length;
    const p = new Float32Array(n * l);
    for (let i = 0; i < n; i++) for (let a = 0; a < l; a++) p[i * l + a] = judgement.attributes[i * names.length + columns[a]];
    out.attributes = p;
  }
  return out;
}

/** The judge's global-pool features of images [n, ...input] (flat), in chunks of 128. */
export async function judgeFeatures(classifier: EvaluationClassifier, images: Float32Array, input: InputSpec): Promise<{ features: Float32Array; dim: number }> {
  if (input.kind !== 'image') throw new Error('a judge scores images; these data are vectors');
  const { size, channels } = input;
  const pixels = size * size * channels;
  const n = images.length / pixels;
  const parts: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < n; start += 128) {
    const count = Math.min(128, n - start);
    const x = tf.tensor4d(images.subarray(start * pixels, (start + count) * pixels), [count, size, size, channels]);
    const f = classifier.features(x);
    dim = f.shape[1];
    parts.push((await f.data()) as Float32Array);
    tf.dispose([x, f]);
  }
  const features = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((offset, p) => (features.set(p, offset), offset + p.length), 0);
  return { features, dim };
}

function preview(names: string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length})` : names.join(', ');
}
