import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { inputsOf, prepareData, type PreparedData } from '@disentangle/data';
import type { GenerativeModel, ModelBatch } from '@disentangle/kernels';
import { PNG } from 'pngjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeGridCells, exchangeTargets, writeExchangeGrid } from './exchange-figures';

/** Reconstructs as x/2; exchanges to class c as an image filled with c/100, so each cell says what made it. */
const fake = {
  name: 'fake-exchanger',
  variables: {},
  update: 'single',
  phases: () => [],
  getConfig: () => ({}),
  dispose: () => {},
  codeWidth: 1,
  codeParts: () => [{ name: 'z_u', start: 0, size: 1, role: 'free' }],
  encode: (batch: ModelBatch) => ({ mu: tf.zeros([batch.x.shape[0], 1]), logVar: tf.zeros([batch.x.shape[0], 1]) }),
  reconstruct: (batch: ModelBatch) => tf.mul(batch.x, 0.5),
  switchReference: () => ({ presentMean: [], absentMean: [] }),
  switchAttributes: (batch: ModelBatch, target: tf.Tensor2D) => tf.mul(tf.ones(batch.x.shape), tf.reshape(tf.div(tf.cast(tf.argMax(target, 1), 'float32'), 100), [-1, 1, 1, 1])),
} as unknown as GenerativeModel;

describe('the exchange grid (paper 000 Figs. 2–3)', () => {
  let chairs: PreparedData;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    chairs = await prepareData({ dataset: 'chairs', labels: 'one-hot', count: 200, size: 16 });
  });

  it('targets: the named classes, else 8 of the occurring classes evenly spaced; unknown names and non-exclusive labels are errors', async () => {
    expect(exchangeTargets(chairs, ['az0', 'az31'])).toEqual([0, 31]);
    const spread = exchangeTargets(chairs);
    expect(spread).toHaveLength(8);
    expect(spread[0]).toBe(0);
    expect([...spread].sort((a, b) => a - b)).toEqual(spread);
    expect(() => exchangeTargets(chairs, ['az99'])).toThrow(/unknown label 'az99'; this run's labels are: az0, az1/);
    expect(() => exchangeTargets(chairs, [])).toThrow(/targets is empty/);
    const faces = await prepareData({ dataset: 'faces', labels: ['Eyeglasses'], count: 20, size: 16 });
    expect(() => exchangeTargets(faces)).toThrow(/needs exclusive one-hot class labels \(labels 'one-hot'\); 'faces' has the labels Eyeglasses/);
  });

  it('rows are inputs; columns input, recon, then the input exchanged to each target', async () => {
    const rows = Array.from(chairs.split.test.slice(0, 3));
    const { values, columns, rowLabels, columnLabels } = await exchangeGridCells(fake, chairs, { presentMean: [], absentMean: [] }, rows, [5, 40]);
    expect(columns).toBe(4);
    expect(columnLabels).toEqual(['input', 'recon', '-> az5', '-> az40']);
    expect(rowLabels).toEqual(rows.map((i) => chairs.labelNames[chairs.dataset.labels![i]]));
    const cell = 16 * 16 * 3;
    const at = (r: number, c: number) => values.subarray((r * columns + c) * cell, (r * columns + c + 1) * cell);
    const inputs = inputsOf(chairs, rows);
    rows.forEach((_, r) => {
      expect(Array.from(at(r, 0))).toEqual(Array.from(inputs.subarray(r * cell, (r + 1) * cell)));
      expect(at(r, 1)[7]).toBeCloseTo(inputs[r * cell + 7] / 2, 6);
      expect(at(r, 2).every((v) => Math.abs(v - 0.05) < 1e-6)).toBe(true);
      expect(at(r, 3).every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
    });
    const file = join(await mkdtemp(join(tmpdir(), 'exchange-grid-')), 'grid.png');
    await writeExchangeGrid(file, fake, chairs, { presentMean: [], absentMean: [] }, rows, [5, 40], { title: 'exchanges' });
    const png = PNG.sync.read(await readFile(file));
    expect(png.width).toBeGreaterThan(4 * 16 * 6); // four cells of 16 px at zoom 6
    expect(png.height).toBeGreaterThan(3 * 16 * 6);
    const noReconstruct = { ...fake, reconstruct: undefined } as unknown as GenerativeModel;
    await expect(exchangeGridCells(noReconstruct, chairs, { presentMean: [], absentMean: [] }, rows, [5])).rejects.toThrow(/the exchange grid needs the 'reconstruct' capability/);
  });
});
