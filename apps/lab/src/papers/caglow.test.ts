// Paper 003 through the generic pieces: the declaration is sound against the real registry,
// and CAGlow's stage 1 is a trained Glow run: `initFrom` copies the flow, stage 2 trains E and
// the supervision block only, so the flow (and its bits/dim) is exactly the Glow's.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom, type BackendChoice } from '@disentangle/kernels';
import { computeMetric, createMetricContext, requireCapability } from '@disentangle/metrics';
import { prepareData } from '@disentangle/data';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry } from '../registry/model-registry';
import { checkDeclaration, orderAfterSources } from '../reproduce/runner';
import { trainModelRun, warmStart } from '../runs/model-run';
import { caglowPaper } from './caglow';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
const cpu = { backend: 'cpu', reasons: [] } as unknown as BackendChoice;
const FLOW = { 'flow.levels': 2, 'flow.stepsPerLevel': 2, 'flow.hidden': 8, 'flow.nBits': 5 };

describe('paper 003 (CAGlow) declaration', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names only models, datasets, metrics and columns that exist, and trains CAGlow after the Glow it starts from', async () => {
    checkDeclaration(caglowPaper, await loadModelRegistry());
    const cells = [
      { dataset: 'mnist', model: 'caglow' },
      { dataset: 'faces', model: 'glow' },
      { dataset: 'mnist', model: 'glow' },
      { dataset: 'mnist', model: 'cglow' },
    ];
    orderAfterSources(cells, (c) => (c.model === 'caglow' ? 'glow' : undefined));
    expect(cells.map((c) => `${c.dataset}-${c.model}`)).toEqual(['faces-glow', 'mnist-glow', 'mnist-caglow', 'mnist-cglow']);
    expect(() => orderAfterSources([{ dataset: 'faces', model: 'caglow' }], () => 'glow', 'caglow')).toThrow(/starts from glow, which no table or figure trains on faces/);
  });

  it('CAGlow from a trained Glow run: the flow is copied, stays fixed in stage 2, and E and the block learn', async () => {
    const registry = await loadModelRegistry();
    const runsDir = await mkdtemp(join(os.tmpdir(), 'caglow-stages-'));
    const data = await prepareData({ dataset: 'mnist', labels: 'one-hot', count: 400, size: 8, seed: 0 });
    const common = { registry, data, batch: 16, learningRate: 1e-3, schedule: 'constant' as const, seed: 0, runsDir, backend: cpu, progressStream: quiet, pictures: false };
    const glow = await trainModelRun({ ...common, model: 'glow', options: FLOW, steps: 30, name: 'glow' });
    const caglow = await trainModelRun({ ...common, model: 'caglow', options: { ...FLOW, encoderHidden: [32], trunkHidden: [32] }, steps: 40, name: 'caglow', initFrom: glow.run.path });
    const copied = JSON.parse(await readFile(join(caglow.run.path, 'init-from.json'), 'utf8'));
    expect(copied).toMatchObject({ run: glow.run.path, step: 30, variables: Object.keys(glow.model.variables).length });
    for (const [name, variable] of Object.entries(glow.model.variables)) {
      expect(Array.from(caglow.model.variables[name].dataSync()), name).toEqual(Array.from(variable.dataSync()));
    }
    const bits = async (model: typeof glow.model) => (await computeMetric(createMetricContext({ model, data }), 'test-bits-per-dim')).value;
    expect(await bits(caglow.model)).toBe(await bits(glow.model));
    const logs = await caglow.run.readMetrics();
    const first = logs[0];
    const last = logs[logs.length - 1];
    expect(Object.keys(first)).not.toContain('total'); // the flow phase never ran
    expect(last['encoder.classifier']).toBeLessThan(first['encoder.classifier']);
    expect(last['supervision.classifierReal']).toBeLessThan(first['supervision.classifierReal']);
    const sampler = requireCapability(caglow.model, 'sample');
    const samples = tf.tidy(() => sampler.sample(2, new SeededRandom(0), tf.cast(tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10), 'float32') as tf.Tensor2D));
    expect(samples.shape).toEqual([2, 8, 8, 1]);
    samples.dispose();
    // A model that shares nothing, or a variable of another shape, is refused by name.
    const stranger = { name: 'stranger', variables: { other: tf.variable(tf.zeros([1])) } } as never;
    await expect(warmStart(stranger, glow.run.path)).rejects.toThrow(/shares no variable names with stranger/);
    const [someName] = Object.keys(glow.model.variables);
    const misshapen = { name: 'misshapen', variables: { [someName]: tf.variable(tf.zeros([7, 7])) } } as never;
    await expect(warmStart(misshapen, glow.run.path)).rejects.toThrow(new RegExp(`'${someName.replace(/[/]/g, '\\/')}' has shape`));
    await expect(warmStart(stranger, join(runsDir, 'missing'))).rejects.toThrow(/is not a run directory/);
    glow.model.dispose();
    caglow.model.dispose();
  });
});
