// Paper 002 through the generic pieces: the declaration is sound against the real registry,
// its models train through the one trainer with the phase names the report reads, and the
// three new figure kinds draw from trained runs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '@disentangle/kernels';
import { prepareData } from '@disentangle/data';
import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry } from '../registry/model-registry';
import { runSwap } from '../commands/swap';
import { drawFigure } from '../reproduce/figures';
import { checkDeclaration } from '../reproduce/runner';
import { trainModelRun } from '../runs/model-run';
import { infomiPaper } from './infomi-vae';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;
const TINY = { convStages: [8, 16], hidden: [32], auxConvStages: [4, 8], auxHidden: 16, z1Dim: 4 };

describe('paper 002 (info-MI VAE) declaration', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names only models, datasets, metrics, columns and details that exist; the full-model claim is among the five', async () => {
    checkDeclaration(infomiPaper, await loadModelRegistry());
    const best = infomiPaper.claims.find((c) => c.id === 'full-model-best')!.check;
    expect(best.kind === 'best' && best.among).toEqual(['pvae', 'pvae+ls', 'pvae+gan', 'pvae+lf2', 'pvae+gan+lf2']);
    const grid = infomiPaper.tables.find((t) => t.id === 'grid')!;
    expect(grid.columns.map((c) => c.key)).toEqual(['grid-mean', 'sym', 'syM', 'sYm', 'sYM', 'Sym', 'SyM', 'SYm', 'SYM']);
    expect(grid.columns[8].detail).toBe('Smiling=1,Young=1,Male=1');
  });

  it('trains through the one trainer (model, discriminator, extractor phases) and draws the flip, sweep and grid figures', async () => {
    const registry = await loadModelRegistry();
    const runsDir = await mkdtemp(join(os.tmpdir(), 'infomi-'));
    const data = await prepareData({ dataset: 'faces', labels: ['Smiling', 'Young', 'Male'], count: 160, size: 16, seed: 0 });
    const common = { registry, data, batch: 16, learningRate: 1e-3, schedule: 'constant' as const, seed: 0, runsDir, backend: cpu, progressStream: quiet, pictures: false, steps: 4, options: TINY };
    const full = await trainModelRun({ ...common, model: 'pvae+gan+lf2', name: 'faces-pvae+gan+lf2' });
    const plain = await trainModelRun({ ...common, model: 'pvae', name: 'faces-pvae' });
    const logged = Object.keys((await full.run.readMetrics()).at(-1)!);
    expect(logged).toEqual(expect.arrayContaining(['reconstruction', 'klZ1', 'klZ2', 'featureMatching', 'gan', 'discriminator.total', 'extractor.accuracy']));
    full.model.dispose();
    plain.model.dispose();
    // `disentangle swap` draws the code sweeps and the combination grid for models with 'attributeCodes'.
    const swaps = await runSwap(full.run.path, { count: 3, log: () => {} });
    expect(swaps.map((p) => p.split('/').pop())).toEqual([
      'switch-4.png',
      'transfer-Smiling-4.png',
      'sweep-Smiling-4.png',
      'transfer-Young-4.png',
      'sweep-Young-4.png',
      'transfer-Male-4.png',
      'sweep-Male-4.png',
      'grid-4.png',
    ]);
    const size = async (id: string, figure: Parameters<typeof drawFigure>[0]) => {
      const file = join(runsDir, `${id}.png`);
      await drawFigure(figure, { registry, dir: runsDir, data, file });
      expect((await stat(file)).size).toBeGreaterThan(0);
      const png = PNG.sync.read(readFileSync(file));
      return { width: png.width, height: png.height };
    };
    const flip = await size('flip', { id: 'flip', title: 'flip', kind: 'flip-comparison', dataset: 'faces', models: ['pvae', 'pvae+gan+lf2'], label: 'Young' });
    const sweep = await size('sweep', { id: 'sweep', title: 'sweep', kind: 'attribute-sweep', dataset: 'faces', models: ['pvae+gan+lf2'], label: 'Young', values: [-1, 0, 1, 2, 3] });
    const grid = await size('grid', { id: 'grid', title: 'grid', kind: 'attribute-grid', dataset: 'faces', models: ['pvae+gan+lf2'], attributes: ['Smiling', 'Young', 'Male'] });
    // Columns: input + 2 models; input + 5 values; input + 8 cells (same cell width throughout).
    expect(sweep.width).toBeGreaterThan(flip.width);
    expect(grid.width).toBeGreaterThan(sweep.width);
    await expect(drawFigure({ id: 'x', title: 'x', kind: 'attribute-sweep', dataset: 'faces', models: ['pvae'], label: 'Wings' }, { registry, dir: runsDir, data, file: join(runsDir, 'x.png') })).rejects.toThrow(/Wings/);
  });
});
