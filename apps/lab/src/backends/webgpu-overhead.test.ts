// What a steady-state training step costs the WebGPU backend in uploads, uniform writes, reads
// and dispatches (issue 17, item 3), through the one trainer, on tiny shapes. The counts do not
// depend on the adapter (lavapipe here), so they are exact and repeatable: each is asserted to
// be at most what it was when measured (2026-12-02), so a regression fails and an improvement
// lowers the ceiling. The targets, 0 uploads and 0 reads, are met; see the README's Speed section.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNodeScript } from './node-script';

const script = fileURLToPath(new URL('../../test/webgpu/overhead.mjs', import.meta.url));

/** Per steady-state step, measured with `node apps/lab/test/webgpu/overhead.mjs` (batch 8, 16×16, no epoch start). */
// Reads fell to 0 (from 3, 8, 1) when the trainer stopped reading the losses on steps that do not
// log them (readLossesEvery; a device-side finite flag costs a few dispatches). Uploads fell from
// 251, 435, 378 to 81, 143, 64 when Adam's scalar constants were cached (packages/training/src/adam.ts),
// and to 0 when every constant was filled and shared on the GPU (kernels' webgpu-constants.ts), the
// noise drawn there (Philox, kernels' random/philox.ts) and the batches sliced from a copy of the data
// kept there (data's resident-batches.ts). That cost 3-4 dispatches (the draw and the slices,
// 716 → 719, 1282 → 1286, 1354 → 1357) for the 2-4 uploads it saved. Dispatches then fell to
// 411, 758, 785 when Adam ran as three fused dispatches per variable, not fourteen (training's adam-webgpu.ts).
const CEILINGS = {
  vae: { uploads: 0, uniformWrites: 411, reads: 0, dispatches: 411 },
  csvae: { uploads: 0, uniformWrites: 758, reads: 0, dispatches: 758 },
  glow: { uploads: 0, uniformWrites: 785, reads: 0, dispatches: 785 },
} as const;

type Counts = Record<keyof (typeof CEILINGS)['vae'], number>;

describe('WebGPU overhead of a training step', () => {
  it('uploads, writes, reads and dispatches no more per step than when last measured (conv VAE, CSVAE, Glow L=2 K=2)', async () => {
    const { code, stdout, stderr } = await runNodeScript(script, Object.keys(CEILINGS));
    expect(code, stderr.slice(-2000)).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { model: string; error?: string; steps: number; perStep: Counts; all: Counts[]; lastStep: Counts });
    expect(lines.map((l) => `${l.model}: ${l.error ?? 'ok'}`)).toEqual(Object.keys(CEILINGS).map((m) => `${m}: ok`));
    for (const line of lines) {
      const ceiling = CEILINGS[line.model as keyof typeof CEILINGS];
      expect(line.steps).toBeGreaterThanOrEqual(3);
      // Steady state: every measured step costs the same.
      for (const step of line.all) expect(step, line.model).toEqual(line.perStep);
      for (const key of Object.keys(ceiling) as (keyof Counts)[]) {
        expect(line.perStep[key], `${line.model}: ${key} per step (ceiling ${ceiling[key]}; if it fell, lower the ceiling)`).toBeLessThanOrEqual(ceiling[key]);
      }
      expect(line.perStep.dispatches, `${line.model}: a step that dispatches nothing was not measured`).toBeGreaterThan(0);
      // The losses are still read back on the logging step (the run's last), with the finite flag.
      expect(line.lastStep.reads, `${line.model}: the last step reads its losses`).toBeGreaterThan(0);
    }
  });
});
