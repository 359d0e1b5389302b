import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { generateDataset, type ProceduralGenerator } from '@disentangle/data';
import { addDataCommand, runDataPreview } from './data-preview';

const fake: ProceduralGenerator = {
  name: 'bars',
  channels: 1,
  sizes: [8],
  factors: [
    { name: 'count', kind: 'categorical', values: ['one', 'two'], role: 'label', description: 'number of bars' },
    { name: 'level', kind: 'continuous', range: [0, 1], description: 'bar brightness' },
  ],
  sampleFactors: (random) => [random() < 0.5 ? 0 : 1, random()],
  render: (f, size, out, offset = 0) => {
    for (let i = 0; i < size * size; i++) out[offset + i] = i % size <= f[0] ? f[1] : 0;
  },
  label: (f) => f[0],
  labelNames: ['one bar', 'two bars'],
};

describe('disentangle data preview', () => {
  it('writes a grid with one row per class and prints the factor table', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'data-preview-'));
    const out = join(dir, 'bars.png');
    const result = await runDataPreview('bars', { count: 12, seed: 1, rows: 8, out }, async (name, options) =>
      generateDataset(fake, { count: options.count!, size: options.size ?? 8, seed: options.seed! }),
    );
    expect(result.rowLabels).toEqual(['one bar', 'two bars']);
    expect(result.columns).toBe(6);
    const png = PNG.sync.read(await readFile(out));
    expect(png.width).toBeGreaterThan(6 * 64);
    expect(png.height).toBeGreaterThan(2 * 64);
    expect(result.report).toMatch(/factor\s+kind\s+range \/ values\s+role\s+description/);
    expect(result.report).toMatch(/count\s+categorical\s+\{one, two\}\s+label\s+number of bars/);
    expect(result.report).toMatch(/level\s+continuous\s+\[0, 1\]\s+bar brightness/);
  });

  it('previews a real set by name through the registry, and is registered as `data preview`', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'data-preview-'));
    const result = await runDataPreview('mnist', { count: 20, seed: 0, rows: 10, out: join(dir, 'mnist.png') });
    expect(result.rowLabels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(result.report).toContain('no ground-truth factors');
    await expect(runDataPreview('nope', { count: 4, seed: 0, rows: 2 })).rejects.toThrow(/unknown dataset 'nope'; known datasets: .*mnist/);

    const program = new Command();
    addDataCommand(program);
    const preview = program.commands.find((c) => c.name() === 'data')?.commands.find((c) => c.name() === 'preview');
    expect(preview?.options.map((o) => o.long)).toEqual(['--count', '--size', '--seed', '--rows', '--dir', '--out', '--sweep']);
  });
  it('--sweep re-renders each row example across one factor, and names an unknown factor', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'data-preview-sweep-'));
    const out = join(dir, 'sweep.png');
    const loader = async () => generateDataset(fake, { count: 6, size: 8, seed: 2 });
    const result = await runDataPreview('bars', { count: 6, seed: 2, rows: 3, out, sweep: 'level', sweepColumns: 5 }, loader);
    expect(result.rowLabels).toEqual(['#0', '#1', '#2']);
    expect(result.columns).toBe(5);
    const png = PNG.sync.read(await readFile(out));
    expect(png.width).toBeGreaterThan(5 * 8);
    await expect(runDataPreview('bars', { count: 6, seed: 2, rows: 3, out, sweep: 'colour' }, loader)).rejects.toThrow(/no factor 'colour' \(factors: count, level\)/);
  });
});
