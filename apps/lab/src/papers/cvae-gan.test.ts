// Paper 000 through the generic pieces: the declaration is sound against the real registry,
// its GANs train through the one trainer with their two alternating phases, and Fig. 2's
// exchange grid draws from the trained runs.
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
import { loadModelRegistry } from '../registry/model-registry';
import { drawFigure } from '../reproduce/figures';
import { checkDeclaration } from '../reproduce/runner';
import { trainModelRun } from '../runs/model-run';
import { cvaeGanPaper } from './cvae-gan';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;
const TINY = { zuDim: 4, zsDim: 4, mappingHidden: [8], encoderStages: [4, 4], decoderChannels: [8, 4, 4], spadeHidden: 4, discriminatorStages: [4, 4] };

describe('paper 000 (cVAE-GAN, S1–S4, Proposed) declaration', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names only models, datasets, metrics, columns and figures that exist; Table 2 has the six chair structures, Table 3 the four face ones', async () => {
    checkDeclaration(cvaeGanPaper, await loadModelRegistry());
    expect(cvaeGanPaper.tables.find((t) => t.id === 'table2')!.rows).toHaveLength(6);
    expect(cvaeGanPaper.tables.find((t) => t.id === 'table3')!.rows).toEqual(['cvae-gan', 'cvae-gan-s1', 'cvae-gan-s3', 'cvae-gan-proposed-faces']);
    expect(cvaeGanPaper.datasets.chairs.spec.labels).toBe('one-hot');
  });

  it('trains the proposed model and cVAE-GAN through the one trainer (both phases logged), and draws the exchange grid', async () => {
    const registry = await loadModelRegistry();
    const runsDir = await mkdtemp(join(os.tmpdir(), 'cvae-gan-'));
    const data = await prepareData({ dataset: 'chairs', labels: 'one-hot', count: 124, size: 16, seed: 0 });
    expect(data.labelNames).toHaveLength(62);
    const common = { registry, data, batch: 8, learningRate: 1e-3, schedule: 'constant' as const, seed: 0, runsDir, backend: cpu, progressStream: quiet, pictures: false, steps: 2, options: TINY };
    for (const model of ['cvae-gan-proposed', 'cvae-gan']) {
      const trained = await trainModelRun({ ...common, model, name: `chairs-${model}` });
      const logged = Object.keys((await trained.run.readMetrics()).at(-1)!);
      expect(logged).toEqual(expect.arrayContaining(['total', 'realScore', 'model.total', 'model.reconstruction', 'model.kl', 'model.adversarial']));
      trained.model.dispose();
    }
    const file = join(runsDir, 'exchanges.png');
    const targets = ['az0', 'az16', 'az31'];
    await drawFigure({ id: 'exchanges', title: 'exchanges', kind: 'exchange-grid', dataset: 'chairs', models: ['cvae-gan-proposed'], targets }, { registry, dir: runsDir, data, file });
    const png = PNG.sync.read(readFileSync(file));
    // input, recon and one column per target: wider than tall per row of 16-px cells.
    expect(png.width).toBeGreaterThan(16 * (2 + targets.length));
  });
});
