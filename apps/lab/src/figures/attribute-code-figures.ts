/**
 * Pictures of attribute edits (paper 002's figures), through capabilities:
 *   writeFlipComparison — rows: test examples; columns: the input and each model's flip of
 *                         one attribute (Figs. 4–5: "flipping z2 when it represents Smiling");
 *   writeAttributeSweep — rows: test examples; columns: the input and one attribute's code
 *                         set to each value, inter- and extrapolating (the "young" sweep);
 *   writeAttributeGrid  — rows: test examples; columns: the input and every combination of
 *                         several attributes (the smiling × young × male grid).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerativeModel, SwitchReference } from '@disentangle/kernels';
import { concatenate, inputsOf, labelsOf, mapBatches, type PreparedData } from '@disentangle/data';
import { requireCapability, switchOutputs, type SwitchRequest } from '@disentangle/metrics';
import { grid, switchTarget } from './image-figures';
import { patternName, resolveLabel } from './label-patterns';

/** Column-major blocks (one per column, each [rows, ...]) rearranged into row-major grid order. */
function rowMajor(columns: Float32Array[], rows: number): Float32Array {
  const cell = columns[0].length / rows;
  const out = new Float32Array(columns.length * columns[0].length);
  for (let r = 0; r < rows; r++) columns.forEach((c, j) => out.set(c.subarray(r * cell, (r + 1) * cell), (r * columns.length + j) * cell));
  return out;
}

const rowNames = (data: PreparedData, indices: number[]) => indices.map((i) => patternName(data.labelNames, labelsOf(data, i)));

export async function writeFlipComparison(file: string, models: { name: string; model: GenerativeModel; reference: SwitchReference }[], data: PreparedData, indices: number[], label: string, { title }: { title?: string } = {}): Promise<void> {
  const k = resolveLabel(data.labelNames, label);
  const requests: SwitchRequest[] = indices.map((index) => ({ index, target: switchTarget(data, labelsOf(data, index), k), label: k }));
  const columns = [inputsOf(data, indices)];
  for (const { model, reference } of models) columns.push(await switchOutputs(requireCapability(model, 'switchAttributes', 'the flip comparison'), data, requests, reference));
  await grid(file, data, rowMajor(columns, indices.length), { columns: columns.length, title, rowLabels: rowNames(data, indices), columnLabels: ['input', ...models.map((m) => m.name)] });
}

export async function writeAttributeSweep(file: string, model: GenerativeModel, data: PreparedData, indices: number[], label: string, values: number[], { title }: { title?: string } = {}): Promise<void> {
  const coder = requireCapability(model, 'attributeCodes', 'the attribute sweep');
  const k = resolveLabel(data.labelNames, label);
  const width = data.labelNames.length;
  const codes = await mapBatches(data, indices, (batch) => coder.attributeCodes(batch));
  const columns = [inputsOf(data, indices)];
  for (const v of values) {
    columns.push(
      await mapBatches(data, indices, (batch, start) => {
        const n = batch.x.shape[0];
        const set = codes.slice(start * width, (start + n) * width);
        for (let i = 0; i < n; i++) set[i * width + k] = v;
        return tf.tidy(() => coder.withAttributeCodes(batch, tf.tensor2d(set, [n, width])));
      }),
    );
  }
  await grid(file, data, rowMajor(columns, indices.length), { columns: columns.length, title, rowLabels: rowNames(data, indices), columnLabels: ['input', ...values.map((v) => `${data.labelNames[k]}=${v}`)] });
}

export async function writeAttributeGrid(file: string, model: GenerativeModel, data: PreparedData, reference: SwitchReference, indices: number[], attributes: string[], { title }: { title?: string } = {}): Promise<void> {
  const switcher = requireCapability(model, 'switchAttributes', 'the attribute grid');
  const picked = attributes.map((name) => resolveLabel(data.labelNames, name));
  const cells = Array.from({ length: 2 ** picked.length }, (_, cell) => picked.map((_, a) => (cell >> (picked.length - 1 - a)) & 1));
  const columns = [inputsOf(data, indices)];
  for (const bits of cells) {
    const requests = indices.map((index) => {
      const target = labelsOf(data, index);
      picked.forEach((c, a) => (target[c] = bits[a]));
      return { index, target, label: picked[0] };
    });
    columns.push(await switchOutputs(switcher, data, requests, reference));
  }
  // Short column names: the initials of the attributes on (S Y M), '–' for none.
  const name = (bits: number[]) => picked.filter((_, a) => bits[a]).map((c) => data.labelNames[c][0]).join('') || '–';
  await grid(file, data, rowMajor(columns, indices.length), { columns: columns.length, title, rowLabels: rowNames(data, indices), columnLabels: ['input', ...cells.map(name)] });
}
