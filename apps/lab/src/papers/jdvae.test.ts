// Paper 001 through the generic pieces: the declaration is sound against the real registry,
// its semi-supervised models train through the one trainer (the data's supervision mask
// reaches them), `disentangle swap` draws their pictures, and Fig. 2's swap figure draws.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '@disentangle/kernels';
import { prepareData } from '@disentangle/data';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSwap } from '../commands/swap';
import { loadModelRegistry } from '../registry/model-registry';
import { drawFigure, drawnTitle } from '../reproduce/figures';
import { checkDeclaration } from '../reproduce/runner';
import { trainModelRun } from '../runs/model-run';
import { jdvaePaper } from './jdvae';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;
const TINY = { zDim: 4, uDim: 2, encoderStages: [4, 8], hidden: 16, decoderChannels: [8, 4, 4], classifierSamples: 4 };

describe('paper 001 (JDVAE) declaration', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names only models, datasets, metrics, columns and details that exist; the data are semi-supervised at 0.2', async () => {
    checkDeclaration(jdvaePaper, await loadModelRegistry());
    expect(jdvaePaper.datasets.faces.spec.supervision).toBe(0.2);
    expect(jdvaePaper.tables[0].rows).toEqual(['ccvae', 'ccvae2', 'm2', 'pa1', 'pa2']);
  });

  it('trains PA1 and CCVAE semi-supervised through the one trainer, and draws the swap pictures', async () => {
    const registry = await loadModelRegistry();
    const runsDir = await mkdtemp(join(os.tmpdir(), 'jdvae-'));
    const data = await prepareData({ dataset: 'faces', labels: ['Eyeglasses'], count: 160, size: 16, seed: 0, supervision: 0.2 });
    expect(data.labelled).toBeDefined();
    const common = { registry, data, batch: 16, learningRate: 1e-3, schedule: 'constant' as const, seed: 0, runsDir, backend: cpu, progressStream: quiet, pictures: false, steps: 3, options: TINY };
    for (const model of ['pa1', 'ccvae']) {
      const trained = await trainModelRun({ ...common, model, name: `faces-${model}` });
      const logged = Object.keys((await trained.run.readMetrics()).at(-1)!);
      expect(logged).toEqual(expect.arrayContaining(['total', 'reconstruction', 'klZ', 'klU', 'label', 'accuracy']));
      trained.model.dispose();
    }
    const swaps = await runSwap(join(runsDir, 'faces-pa1'), { count: 3, log: () => {} });
    expect(swaps.map((p) => p.split('/').pop())).toEqual(['switch-3.png', 'transfer-Eyeglasses-3.png']);
    const file = join(runsDir, 'swaps.png');
    await drawFigure({ id: 'swaps', title: 'swaps', kind: 'swap-comparison', dataset: 'faces', models: ['pa1', 'ccvae'], label: 'Eyeglasses' }, { registry, dir: runsDir, data, file });
    const png = PNG.sync.read(readFileSync(file));
    const one = PNG.sync.read(readFileSync(swaps[0]));
    expect(png.width).toBeGreaterThan(one.width); // I_g, I_w and two columns per model

    // A budget that trained only some models: the comparison draws those, naming the others.
    const partial = join(runsDir, 'partial.png');
    const figure = { id: 'swaps', title: 'swaps', kind: 'swap-comparison' as const, dataset: 'faces', models: ['pa1', 'pa2', 'ccvae'], label: 'Eyeglasses' };
    expect(await drawFigure(figure, { registry, dir: runsDir, data, file: partial })).toEqual({ omitted: ['pa2'] });
    expect(PNG.sync.read(readFileSync(partial)).width).toBe(png.width);
    const onlyPa1 = await drawFigure(figure, { registry, dir: runsDir, data, file: partial, ready: async (model) => model === 'pa1' });
    expect(onlyPa1.omitted).toEqual(['pa2', 'ccvae']);
    expect(PNG.sync.read(readFileSync(partial)).width).toBeLessThan(png.width);
    expect(drawnTitle(figure, onlyPa1.omitted)).toBe('swaps (not drawn, no finished run: pa2, ccvae)');
    await expect(drawFigure({ ...figure, models: ['pa2', 'm2'] }, { registry, dir: runsDir, data, file: partial })).rejects.toThrow(/none of pa2, m2 has a finished run/);
  });
});
