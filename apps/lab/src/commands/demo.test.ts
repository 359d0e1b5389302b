import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runDemo } from './demo';

describe('disentangle demo', () => {
  it('trains on wasm, writes its pictures, and a second call resumes the run', async () => {
    const runsDir = await mkdtemp(join(os.tmpdir(), 'demo-'));
    const base = { name: 'demo', runsDir, backend: 'wasm' as const, threads: 1, seed: 3, seconds: 600, batch: 16, trainSize: 256, learningRate: 2e-3 };
    const first = await runDemo({ ...base, steps: 60 });
    expect(first.summary.step).toBe(60);
    expect(first.summary.backend).toBe('wasm');
    const firstLogged = first.summary.firstLogged as { total: number };
    const lastLogged = first.summary.lastLogged as { total: number };
    expect(lastLogged.total).toBeLessThan(firstLogged.total);

    const images = join(first.runDir, 'images');
    const recon = PNG.sync.read(await readFile(join(images, 'reconstructions.png')));
    expect(recon.width).toBeGreaterThan(8 * 96);
    expect((await stat(join(images, 'samples.png'))).size).toBeGreaterThan(1000);
    expect(await readFile(join(images, 'loss-curve.svg'), 'utf8')).toContain('<polyline');

    const second = await runDemo({ ...base, steps: 70 });
    expect(second.summary.resumedFrom).toBe(60);
    expect(second.summary.step).toBe(70);
  });
});
