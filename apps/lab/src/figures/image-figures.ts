/**
 * The pictures people look at after training, for any model through its capabilities:
 * reconstructions, samples per label pattern, attribute switches, the variety of one
 * attribute across its style space, style transfer, and a comparison of one switch across
 * several models. Each writes one labelled PNG grid and returns nothing but the file.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerativeModel, SwitchReference } from '@disentangle/kernels';
import { concatenate, gatherBatch, disposeBatch, inputsOf, labelsOf, mapBatches, writeImageGrid, type PreparedData } from '@disentangle/data';
import { requireCapability, switchOutputs, type SwitchRequest } from '@disentangle/metrics';
import { patternName, type LabelPattern } from './label-patterns';
import { SeededRandom } from '@disentangle/kernels';

/** Pixel zoom so a cell is about 96 px wide. */
export function zoomFor(size: number): number {
  return Math.max(1, Math.round(96 / size));
}

/** An image value that shows as the grid's background (for empty cells). */
export const BLANK_VALUE = 40 / 255;

function imageShape(data: PreparedData) {
  if (data.input.kind !== 'image') throw new Error(`pictures need image data; '${data.spec.dataset}' holds vectors`);
  return data.input;
}

export async function grid(file: string, data: PreparedData, values: Float32Array, options: { columns: number; rowLabels?: string[]; columnLabels?: string[]; title?: string }): Promise<void> {
  const { size, channels } = imageShape(data);
  const count = values.length / (size * size * channels);
  await writeImageGrid(file, { data: values, count, height: size, width: size, channels }, { zoom: zoomFor(size), ...options });
}

/** Up to `limit` indices (test split first, then train) whose label k is on (`on`) or off, skipping `exclude`. */
export function examplesWith(data: PreparedData, k: number, on: boolean, limit: number, exclude: number[] = []): number[] {
  const found: number[] = [];
  for (const split of [data.split.test, data.split.train]) {
    for (const i of split) {
      if (found.length >= limit) return found;
      if (!exclude.includes(i) && !found.includes(i) && labelsOf(data, i)[k] > 0.5 === on) found.push(i);
    }
  }
  return found;
}

/** The target of switching label k for labels y: flipped, or one-hot k for exclusive labels. */
export function switchTarget(data: PreparedData, y: number[], k: number): number[] {
  return data.exclusive ? y.map((_, c) => (c === k ? 1 : 0)) : y.map((v, c) => (c === k ? 1 - v : v));
}

/** Inputs (rows 1, 3, ...) above their reconstructions (rows 2, 4, ...). */
export async function writeReconstructions(file: string, model: GenerativeModel, data: PreparedData, indices: number[], { columns = 8, title }: { columns?: number; title?: string } = {}): Promise<void> {
  const reconstructor = requireCapability(model, 'reconstruct', 'the reconstructions figure');
  const originals = inputsOf(data, indices);
  const outputs = await mapBatches(data, indices, (batch) => reconstructor.reconstruct(batch));
  const cell = originals.length / indices.length;
  const rows: Float32Array[] = [];
  const rowLabels: string[] = [];
  for (let start = 0; start < indices.length; start += columns) {
    const end = Math.min(indices.length, start + columns);
    const pad = new Float32Array((columns - (end - start)) * cell).fill(BLANK_VALUE);
    rows.push(originals.subarray(start * cell, end * cell), pad, outputs.subarray(start * cell, end * cell), pad);
    rowLabels.push('input', 'recon');
  }
  await grid(file, data, concatenate(rows), { columns, rowLabels, title });
}

/** `perRow` prior draws per label pattern, one row each (one 'prior' row for models that ignore labels). */
export async function writeSamples(file: string, model: GenerativeModel, data: PreparedData, patterns: LabelPattern[], { perRow = 8, seed = 0, conditional = true, title }: { perRow?: number; seed?: number; conditional?: boolean; title?: string } = {}): Promise<void> {
  const sampler = requireCapability(model, 'sample', 'the samples figure');
  const random = new SeededRandom(seed).fork('samples');
  const k = data.labelNames.length;
  const rows = conditional && k > 0 ? patterns : [{ name: 'prior', values: new Array<number>(k).fill(0) }];
  const parts: Float32Array[] = [];
  for (const pattern of rows) {
    const y = k > 0 ? tf.tensor2d(new Array(perRow).fill(pattern.values).flat(), [perRow, k]) : undefined;
    const out = tf.tidy(() => sampler.sample(perRow, random, y));
    parts.push((await out.data()) as Float32Array);
    tf.dispose([out, ...(y ? [y] : [])]);
  }
  await grid(file, data, concatenate(parts), { columns: perRow, rowLabels: rows.map((p) => p.name), title });
}

/** Inputs on top, and below one row per label with that label switched (G_ij). */
export async function writeSwitches(file: string, model: GenerativeModel, data: PreparedData, reference: SwitchReference, indices: number[], labels: number[], { title }: { title?: string } = {}): Promise<void> {
  const switcher = requireCapability(model, 'switchAttributes', 'the switch figure');
  const requests: SwitchRequest[] = labels.flatMap((k) => indices.map((index) => ({ index, target: switchTarget(data, labelsOf(data, index), k), label: k })));
  const switched = await switchOutputs(switcher, data, requests, reference);
  await grid(file, data, concatenate([inputsOf(data, indices), switched]), {
    columns: indices.length,
    title,
    rowLabels: ['input', ...labels.map((k) => `${data.exclusive ? '->' : 'flip'} ${data.labelNames[k]}`)],
    columnLabels: indices.map((i) => patternName(data.labelNames, labelsOf(data, i))),
  });
}

/** Offsets in prior standard deviations along each axis of a steps-point sweep: '-2', '0', '+2'. */
export function sweepLabels(steps: number, span: number): string[] {
  return Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : -span + (2 * span * i) / (steps - 1))).map((v) => `${v > 0 ? '+' : ''}${Number(v.toFixed(1))}`);
}

/** One example switched to "label k on" at each point of the model's steps×steps style grid (CSVAE's Figure 3). */
export async function writeVariety(file: string, model: GenerativeModel, data: PreparedData, reference: SwitchReference, index: number, k: number, { steps = 5, span = 2, title }: { steps?: number; span?: number; title?: string } = {}): Promise<void> {
  const styled = requireCapability(model, 'variety', 'the variety figure');
  const points = styled.styleGrid(reference, k, steps, span);
  const y = labelsOf(data, index);
  const target = data.exclusive ? y.map((_, c) => (c === k ? 1 : 0)) : y.map((v, c) => (c === k ? 1 : v));
  const defaults = styled.styleGrid(reference, k, 1, 0)[0];
  const batch = gatherBatch(data, [index]);
  const parts: Float32Array[] = [];
  try {
    for (const point of points) {
      const out = tf.tidy(() => {
        const all = data.labelNames.map((_, c) => (c === k ? point : reference.subspaces?.[c]?.mean ?? defaults));
        return styled.switchAttributes(batch, tf.tensor2d([target], [1, y.length]), reference, { points: all });
      });
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    }
  } finally {
    disposeBatch(batch);
  }
  const labels = sweepLabels(steps, span);
  await grid(file, data, concatenate(parts), { columns: steps, title, rowLabels: labels.map((l) => `axis 1 ${l}σ`), columnLabels: labels.map((l) => `axis 2 ${l}σ`) });
}

/** A blank corner, sources across the top, targets down the side, and target content with the source's label-k style in each cell. */
export async function writeTransfer(file: string, model: GenerativeModel, data: PreparedData, sources: number[], targets: number[], k: number, { title }: { title?: string } = {}): Promise<void> {
  const transferer = requireCapability(model, 'transfer', 'the transfer figure');
  const a = gatherBatch(data, sources);
  const b = gatherBatch(data, targets);
  try {
    const out = tf.tidy(() => transferer.transfer(a, b, k));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    const xs = inputsOf(data, sources);
    const xt = inputsOf(data, targets);
    const cell = xs.length / sources.length;
    const columns = sources.length + 1;
    const cells = new Float32Array((targets.length + 1) * columns * cell).fill(BLANK_VALUE);
    cells.set(xs, cell);
    targets.forEach((_, r) => {
      cells.set(xt.subarray(r * cell, (r + 1) * cell), (r + 1) * columns * cell);
      cells.set(values.subarray(r * sources.length * cell, (r + 1) * sources.length * cell), ((r + 1) * columns + 1) * cell);
    });
    await grid(file, data, cells, { columns, title, columnLabels: ['', ...sources.map((_, i) => `source ${i + 1}`)], rowLabels: ['', ...targets.map((_, i) => `target ${i + 1}`)] });
  } finally {
    disposeBatch(a);
    disposeBatch(b);
  }
}

/**
 * One source switched to "label k on" in `steps` ways per model (CSVAE's Figure 3 across
 * models): models with label styles along their style grid's first axis (±span prior σ),
 * the others at label intensities 0.5 … 2.5 through the same switch.
 */
export async function writeVarietyComparison(
  file: string,
  models: { name: string; model: GenerativeModel; reference: SwitchReference }[],
  data: PreparedData,
  index: number,
  k: number,
  { steps = 7, span = 2, title }: { steps?: number; span?: number; title?: string } = {},
): Promise<void> {
  const y = labelsOf(data, index);
  const target = data.exclusive ? y.map((_, c) => (c === k ? 1 : 0)) : y.map((v, c) => (c === k ? 1 : v));
  const intensities = Array.from({ length: steps }, (_, i) => 0.5 + (2 * i) / Math.max(1, steps - 1));
  const rows: Float32Array[] = [];
  const batch = gatherBatch(data, [index]);
  try {
    for (const { model, reference } of models) {
      const switcher = requireCapability(model, 'switchAttributes', 'the variety comparison');
      const styles = 'styleGrid' in model ? requireCapability(model, 'variety').styleGrid(reference, k, steps, span) : undefined;
      const row: Float32Array[] = [inputsOf(data, [index])];
      for (let v = 0; v < steps; v++) {
        const out = tf.tidy(() => {
          const goal = tf.tensor2d([target], [1, y.length]);
          if (!styles) return switcher.switchAttributes(batch, goal, reference, { intensity: intensities[v] });
          // The grid is row-major over (axis 1, axis 2): its middle column walks axis 1.
          const point = styles[v * steps + Math.floor(steps / 2)];
          const points = data.labelNames.map((_, c) => (c === k ? point : reference.subspaces?.[c]?.mean ?? point));
          return switcher.switchAttributes(batch, goal, reference, { points });
        });
        row.push((await out.data()) as Float32Array);
        out.dispose();
      }
      rows.push(concatenate(row));
    }
  } finally {
    disposeBatch(batch);
  }
  await grid(file, data, concatenate(rows), { columns: steps + 1, title, rowLabels: models.map((m) => m.name), columnLabels: ['input', ...Array.from({ length: steps }, (_, i) => String(i + 1))] });
}
