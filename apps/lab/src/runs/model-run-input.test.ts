/**
 * Bad or small input to a training run (issue 15): an invalid option leaves nothing behind
 * and the corrected command trains (item 9); a data set too small for a figure still ends
 * with summary.json (item 11); a model that needs labels gets the dataset's default (item 14);
 * a batch larger than the data is warned about (item 14).
 */
import { initBackend } from '@disentangle/kernels';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry, type ModelRegistry } from '../registry/model-registry';
import { trainModelRun } from './model-run';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
let registry: ModelRegistry;
let backend: Awaited<ReturnType<typeof initBackend>>;

beforeAll(async () => {
  registry = await loadModelRegistry();
  backend = await initBackend({ backend: 'cpu' });
});

function options(runsDir: string, overrides: Partial<Parameters<typeof trainModelRun>[0]> = {}) {
  return { registry, model: 'vae', data: { dataset: 'swiss-roll', count: 40, seed: 0 }, steps: 2, seed: 0, runsDir, name: 'run', backend, progressStream: quiet, log: () => undefined, ...overrides };
}

describe('training options are checked before anything is written', () => {
  for (const [name, bad, message] of [
    ['learningRate', Number.NaN, '--learning-rate must be a positive number (e.g. 1e-3), got NaN'],
    ['batch', 0, '--batch must be a positive integer, got 0'],
    ['checkpointEvery', 2.5, '--checkpoint-every must be a positive integer, got 2.5'],
    ['fromStep', -1, '--from-step must be a non-negative integer, got -1'],
  ] as const) {
    it(`${name} = ${bad}: an error naming the flag and value, no run directory, and the corrected command trains`, async () => {
      const runsDir = await mkdtemp(join(os.tmpdir(), 'bad-option-'));
      await expect(trainModelRun(options(runsDir, { [name]: bad }))).rejects.toThrow(message);
      expect(existsSync(join(runsDir, 'run'))).toBe(false);
      const fixed = await trainModelRun(options(runsDir));
      expect(fixed.result.step).toBe(2);
      fixed.model.dispose();
    });
  }
});

describe('small data and defaults', () => {
  it('a figure the data cannot fill is skipped with its reason; summary.json is still written', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'small-data-'));
    const lines: string[] = [];
    // 20 MNIST digits: the 16 training ones lack some classes, so no switch reference exists for them.
    const outcome = await trainModelRun(options(runsDir, { model: 'condvae', data: { dataset: 'mnist', count: 20, size: 16, labels: 'one-hot', seed: 0 }, batch: 4, steps: 1, log: (l: string) => lines.push(l) }));
    outcome.model.dispose();
    const summary = JSON.parse(await readFile(join(runsDir, 'run', 'summary.json'), 'utf8'));
    expect(summary.step).toBe(1);
    expect(summary.picturesNotDrawn).toEqual([expect.objectContaining({ file: join(runsDir, 'run', 'images', 'switches.png'), reason: expect.stringContaining('no reference example') })]);
    expect(lines.join('\n')).toMatch(/warning: .*switches\.png not drawn: /);
    expect(existsSync(join(runsDir, 'run', 'images', 'reconstructions.png'))).toBe(true);
  });

  it("a model that needs labels gets the dataset's default, with a note; a batch above the data is warned about", async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'default-labels-'));
    const lines: string[] = [];
    const outcome = await trainModelRun(options(runsDir, { model: 'csvae', batch: 1000, log: (l: string) => lines.push(l) }));
    outcome.model.dispose();
    expect(outcome.data.labelNames).toEqual(['label']);
    expect(outcome.run.config.data.labels).toEqual(['label']);
    expect(lines).toContain("labels: csvae needs labels and none were given; using swiss-roll's default --labels label");
    expect(lines).toContain('warning: --batch 1000 is larger than the 32 training examples; every step uses the whole training split (32)');
  });
});
