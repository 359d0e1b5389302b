// tfjs-core first: the engine (and its Tensor class) must be the CommonJS copy the ops use.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { basename, join } from 'node:path';
import { initBackend } from '@disentangle/kernels';
import { PNG } from 'pngjs';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trainCsvaeRun } from '../csvae/csvae-run';
import { addSampleCommand, runSample } from './sample';
import { addSwapCommand, runSwap } from './swap';

// The grid layout of writeImageGrid: 32-px faces at zoom 3, 2-px gaps, a 20-px text line.
const CELL = 96;
const GAP = 2;
const LINE = 20;
const quiet = () => {};

async function png(path: string): Promise<{ width: number; height: number }> {
  const image = PNG.sync.read(await readFile(path));
  return { width: image.width, height: image.height };
}

/** Checks a grid of rows×columns cells: the height exactly (title, column labels), the width up to the row labels. */
function expectGrid(size: { width: number; height: number }, rows: number, columns: number, { title = true, columnLabels = true } = {}) {
  const top = (title ? LINE + GAP : 0) + (columnLabels ? LINE : 0);
  expect(size.height).toBe(top + rows * CELL + (rows + 1) * GAP);
  const gridWidth = columns * CELL + (columns + 1) * GAP;
  expect(size.width).toBeGreaterThanOrEqual(gridWidth);
  expect(size.width).toBeLessThan(gridWidth + 200);
}

describe('disentangle sample / swap', () => {
  let runsDir: string;
  let runPath: string;

  beforeAll(async () => {
    runsDir = await mkdtemp(join(os.tmpdir(), 'sample-swap-'));
    const backend = await initBackend({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    const outcome = await trainCsvaeRun({
      runsDir,
      name: 'tiny-csvae',
      model: 'csvae',
      data: { dataset: 'faces', labels: ['Eyeglasses'], count: 200, seed: 1, size: 32 },
      modelConfig: { convStages: [8, 16, 16], hidden: [32], headHidden: 16, zDim: 4 },
      steps: 3,
      batchSize: 8,
      seed: 1,
      backend,
    });
    outcome.model.dispose();
    runPath = outcome.run.path;
  });

  afterAll(async () => {
    if (runsDir) await rm(runsDir, { recursive: true, force: true });
  });

  it('samples one row per label pattern into images/samples-<step>.png', async () => {
    const [path] = await runSample(runPath, { count: 5, seed: 2, log: quiet });
    expect(path).toBe(join(runPath, 'images', 'samples-3.png'));
    // Default patterns for one binary label: "none" and "Eyeglasses"; no column labels.
    expectGrid(await png(path), 2, 5, { columnLabels: false });

    const out = join(runsDir, 'custom.png');
    const [custom] = await runSample(runPath, { count: 3, labels: ['Eyeglasses=1', 'eyeglasses=0'], label: ['Eyeglasses'], out, log: quiet });
    expect(custom).toBe(out);
    expectGrid(await png(custom), 3, 3, { columnLabels: false });
  });

  it('writes the switch grid, the variety grid across W and the style-transfer grid', async () => {
    const paths = await runSwap(runPath, { count: 4, grid: 3, log: quiet });
    expect(paths.map((p) => basename(p))).toEqual(['switch-3.png', 'variety-Eyeglasses-3.png', 'transfer-Eyeglasses-3.png']);
    expectGrid(await png(paths[0]), 2, 4); // inputs above "flip Eyeglasses"
    expectGrid(await png(paths[1]), 3, 3); // grid × grid points of W_Eyeglasses
    // (|B| + 1) × (|A| + 1) with at most 4 of each: a square grid between 2×2 and 5×5.
    const transfer = await png(paths[2]);
    const rows = (transfer.height - (LINE + GAP) - LINE - GAP) / (CELL + GAP);
    expect(Number.isInteger(rows) && rows >= 2 && rows <= 5).toBe(true);
    expect(transfer.width).toBeGreaterThanOrEqual(2 * CELL + 3 * GAP);
  });

  it('names the run\'s labels when a label is unknown, and says when a path is not a run', async () => {
    await expect(runSample(runPath, { label: ['Glasses'], log: quiet })).rejects.toThrow(/unknown label 'Glasses'; this run's labels are: Eyeglasses/);
    await expect(runSample(runPath, { labels: ['Eyeglasses=2'], log: quiet })).rejects.toThrow(/NAME=0 or NAME=1/);
    await expect(runSwap(runPath, { label: 'Beard', log: quiet })).rejects.toThrow(/unknown label 'Beard'.*Eyeglasses/);
    await expect(runSwap(runsDir, { log: quiet })).rejects.toThrow(/not a run directory/);
  });

  it('parses the command lines and prints the written paths', async () => {
    const program = new Command().exitOverride();
    addSampleCommand(program);
    addSwapCommand(program);
    const printed: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = join(runsDir, 'cli', 'samples.png');
      await program.parseAsync(['sample', runPath, '--backend', 'cpu', '--count', '2', '--labels', 'Eyeglasses=1', '--labels', 'Eyeglasses=0', '--out', out], { from: 'user' });
      await program.parseAsync(['swap', runPath, '--backend', 'cpu', '--count', '2', '--label', 'Eyeglasses', '--grid', '2', '--out', join(runsDir, 'cli', 'swap.png')], { from: 'user' });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(printed.join('').trim().split('\n').map((p) => basename(p))).toEqual(['samples.png', 'swap.png', 'swap-variety-Eyeglasses.png', 'swap-transfer-Eyeglasses.png']);
    expectGrid(await png(join(runsDir, 'cli', 'samples.png')), 2, 2, { columnLabels: false });
    expectGrid(await png(join(runsDir, 'cli', 'swap-variety-Eyeglasses.png')), 2, 2);
  });

  it('writes swiss-roll samples as CSV points, and swap refuses a vector model', async () => {
    const backend = await initBackend({ backend: 'cpu' });
    const outcome = await trainCsvaeRun({
      runsDir, name: 'roll', model: 'csvae', data: { dataset: 'swiss-roll', labels: ['label'], count: 200, seed: 1 },
      steps: 3, batchSize: 16, seed: 1, backend,
    });
    outcome.model.dispose();
    const [path] = await runSample(outcome.run.path, { count: 4, log: quiet });
    expect(path).toBe(join(outcome.run.path, 'images', 'samples-3.csv'));
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('pattern,label,x,y,z');
    expect(lines).toHaveLength(1 + 2 * 4); // "none" and "label", 4 points each
    for (const line of lines.slice(1)) expect(line.split(',').slice(2).every((v) => Number.isFinite(Number(v)))).toBe(true);
    await expect(runSwap(outcome.run.path, { log: quiet })).rejects.toThrow(/swap needs an image model/);
  });
});
