/**
 * Pictures of models driven by their conditions (paper 003's figures), through capabilities:
 *   writeManipulation  — rows: test examples; columns: the start and each cumulative attribute
 *                        change (Fig. 4, "adding different attributes step by step");
 *   writeCodeTraversal — rows: conditions; columns: one unsupervised code c_u swept over its
 *                        range, the noise and the other codes fixed per row (Figs. 6–7).
 * `conditionPatterns` picks the label rows to show: each class once (exclusive labels), else
 * the distinct label rows of the test split (mixed labels need a one-hot class in every row).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, type AttributeChange, type GenerativeModel } from '@disentangle/kernels';
import { concatenate, disposeBatch, gatherBatch, labelsOf, type PreparedData } from '@disentangle/data';
import { hasCapability, requireCapability, switchReferenceFor } from '@disentangle/metrics';
import { grid } from './image-figures';
import { patternName, resolveLabel, type LabelPattern } from './label-patterns';

export function conditionPatterns(data: PreparedData, limit = 8): LabelPattern[] {
  const k = data.labelNames.length;
  if (data.exclusive) return data.labelNames.slice(0, Math.max(limit, k)).map((name, c) => ({ name, values: Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)) }));
  const seen = new Set<string>();
  const patterns: LabelPattern[] = [];
  for (const i of data.split.test) {
    const values = labelsOf(data, i);
    const key = values.join('');
    if (seen.has(key)) continue;
    seen.add(key);
    patterns.push({ name: patternName(data.labelNames, values), values });
    if (patterns.length >= limit) break;
  }
  return patterns;
}

/** The changes that flip `sequence`'s attributes of example `index` one after another. */
export function flipSequence(data: PreparedData, index: number, sequence: string[]): AttributeChange[] {
  const y = labelsOf(data, index);
  return sequence.map((name) => {
    const label = resolveLabel(data.labelNames, name);
    return { label, value: y[label] > 0.5 ? 0 : 1 };
  });
}

export async function writeManipulation(file: string, model: GenerativeModel, data: PreparedData, indices: number[], sequence: string[], { title, seed = 0 }: { title?: string; seed?: number } = {}): Promise<void> {
  const editor = requireCapability(model, 'manipulate', 'the manipulation figure');
  const reference = hasCapability(model, 'switchAttributes') ? await switchReferenceFor(requireCapability(model, 'switchAttributes'), data) : undefined;
  const random = new SeededRandom(seed).fork('manipulation');
  const rows: Float32Array[] = [];
  for (const index of indices) {
    const batch = gatherBatch(data, [index]);
    try {
      const steps = editor.manipulate(batch, flipSequence(data, index, sequence), random, reference);
      rows.push(concatenate(await Promise.all(steps.map(async (t) => (await t.data()) as Float32Array))));
      tf.dispose(steps);
    } finally {
      disposeBatch(batch);
    }
  }
  await grid(file, data, concatenate(rows), {
    columns: sequence.length + 1,
    title,
    columnLabels: ['start', ...sequence.map((name, s) => `${s === 0 ? '' : '+'}flip ${name}`)],
    rowLabels: indices.map((i) => patternName(data.labelNames, labelsOf(data, i)).slice(0, 18)),
  });
}

export async function writeCodeTraversal(file: string, model: GenerativeModel, data: PreparedData, code: string | undefined, { steps = 7, title, seed = 0 }: { steps?: number; title?: string; seed?: number } = {}): Promise<void> {
  const coded = requireCapability(model, 'unsupervisedCodes', 'the code traversal figure');
  const codes = coded.unsupervisedCodes;
  if (codes.length === 0) throw new Error(`${model.name} was trained without unsupervised codes (continuousCodes / discreteCodes = 0); nothing to traverse`);
  const j = code === undefined ? 0 : codes.findIndex((c) => c.name === code);
  if (j < 0) throw new Error(`unknown code '${code}'; this model's codes are ${codes.map((c) => c.name).join(', ')}`);
  const { range, kind } = codes[j];
  const values = kind === 'discrete' ? [0, 1] : Array.from({ length: steps }, (_, s) => range[0] + ((range[1] - range[0]) * s) / (steps - 1));
  const patterns = conditionPatterns(data, 10);
  const parts: Float32Array[] = [];
  for (const [row, pattern] of patterns.entries()) {
    const n = values.length;
    // One noise draw per row (the same seed for every column): only c_j changes along the row.
    const out = tf.tidy(() => {
      const c = tf.tensor2d(values.flatMap((v) => codes.map((other, i) => (i === j ? v : other.kind === 'discrete' ? 0 : (other.range[0] + other.range[1]) / 2))), [n, codes.length]);
      const y = tf.tensor2d(new Array(n).fill(pattern.values).flat(), [n, pattern.values.length]);
      return tf.concat(values.map((_, s) => coded.sampleWithCodes(1, new SeededRandom(seed + row).fork('traversal'), tf.slice(c, [s, 0], [1, -1]) as tf.Tensor2D, tf.slice(y, [s, 0], [1, -1]) as tf.Tensor2D)));
    });
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  await grid(file, data, concatenate(parts), {
    columns: values.length,
    title,
    columnLabels: values.map((v) => `${codes[j].name}=${Number(v.toFixed(2))}`),
    rowLabels: patterns.map((p) => p.name.slice(0, 18)),
  });
}
