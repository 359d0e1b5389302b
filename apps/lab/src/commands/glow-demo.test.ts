import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runGlowDemo } from './glow-demo';

describe('disentangle glow-demo', () => {
  it('trains a small Glow on wasm: bits/dim fall, and the pictures and summary are written', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'glow-demo-'));
    const { runDir, summary } = await runGlowDemo({
      name: 'glow', runsDir, backend: 'wasm', threads: 1, seed: 1, steps: 40, seconds: 600, batch: 16, trainSize: 256,
      learningRate: 2e-3, levels: 2, stepsPerLevel: 2, hidden: 16, nBits: 5, temperature: 0.7,
    });
    expect(summary.backend).toBe('wasm');
    expect(summary.step).toBe(40);
    const first = summary.bitsPerDimFirst as { value: number };
    const last = summary.bitsPerDimLast as { value: number };
    expect(last.value).toBeLessThan(first.value);
    expect(Number.isFinite(summary.testBitsPerDim)).toBe(true);
    expect(summary.msPerStep).toBeGreaterThan(0);
    const samples = PNG.sync.read(await readFile(join(runDir, 'images', 'samples.png')));
    expect(samples.width).toBeGreaterThan(8 * 16 * 4);
    expect((await stat(join(runDir, 'images', 'data.png'))).size).toBeGreaterThan(500);
    expect(await readFile(join(runDir, 'images', 'loss-curve.svg'), 'utf8')).toContain('<polyline');
    expect(JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')).step).toBe(40);
  });
});
