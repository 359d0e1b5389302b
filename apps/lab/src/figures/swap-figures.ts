/**
 * Paper 001's Fig. 2, through the 'swapLabels' capability: rows are test pairs (I_g with the
 * label, I_w without); columns the two inputs, then for each model I_w given I_g's label part
 * (y and its features u) and I_g given I_w's ("should be I_w with the glasses of I_g", "should
 * be I_g, but without the glasses"). Column "m +" is model m's I_w given I_g's part, "m −" its I_g given I_w's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerativeModel } from '@disentangle/kernels';
import { inputsOf, type PreparedData } from '@disentangle/data';
import { requireCapability } from '@disentangle/metrics';
import { grid } from './image-figures';

/** Images of rows `into` with label k's part taken from rows `from` (paired), flat. */
async function swappedImages(model: GenerativeModel, data: PreparedData, into: number[], from: number[], k: number): Promise<Float32Array> {
  const swapper = requireCapability(model, 'swapLabels', 'the swap figure');
  const { height, width, channels } = data.dataset;
  const shape = [into.length, height, width, channels] as [number, number, number, number];
  const out = tf.tidy(() => swapper.swapLabels({ x: tf.tensor4d(inputsOf(data, into), shape) }, { x: tf.tensor4d(inputsOf(data, from), shape) }, k));
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

export async function writeSwapComparison(file: string, models: { name: string; model: GenerativeModel }[], data: PreparedData, withLabel: number[], without: number[], k: number, { title }: { title?: string } = {}): Promise<void> {
  const label = data.labelNames[k];
  const columns = [inputsOf(data, withLabel), inputsOf(data, without)];
  const headers = [`I_g`, `I_w`];
  for (const { name, model } of models) {
    columns.push(await swappedImages(model, data, without, withLabel, k), await swappedImages(model, data, withLabel, without, k));
    headers.push(`${name} +`, `${name} −`);
  }
  const cell = columns[0].length / withLabel.length;
  const cells = new Float32Array(columns.length * columns[0].length);
  withLabel.forEach((_, r) => columns.forEach((c, j) => cells.set(c.subarray(r * cell, (r + 1) * cell), (r * columns.length + j) * cell)));
  await grid(file, data, cells, { columns: columns.length, title, columnLabels: headers, rowLabels: withLabel.map((_, r) => `pair ${r + 1}`) });
}
