// A WebGPU run stopped and resumed ends bit for bit where an uninterrupted one does (issue 17):
// the state of what moved to the GPU (Philox noise, resident batches, fused Adam) is checkpointed.
// test/webgpu/resume.mjs runs in its own process (WebGPU sets browser globals), on lavapipe here.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNodeScript } from './node-script';

const script = fileURLToPath(new URL('../../test/webgpu/resume.mjs', import.meta.url));

describe('WebGPU: exact resume', () => {
  it('12 steps of the conv VAE straight equal 12 steps crashed during step 7 and resumed from the checkpoint of step 5', async () => {
    const { code, stdout, stderr } = await runNodeScript(script, []);
    expect(code, stderr.slice(-2000)).toBe(0);
    const line = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}');
    expect(line.resumedFrom).toBe(5);
    expect(line.step).toBe(12);
    expect(line.variables).toBeGreaterThan(10);
    expect(line.finite).toBe(true);
    expect(line.differing, `weights that differ (largest difference ${line.worstDifference})`).toBe(0);
    expect(line.lossResumed).toBe(line.lossStraight);
  });
});
