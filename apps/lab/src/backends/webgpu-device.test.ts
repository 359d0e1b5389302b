// What a WebGPU step takes from the device instead of the CPU (issue 17): Philox draws on the
// GPU agree with their JS twin and upload nothing; constants (scalars, tf.ones / tf.zeros) are
// filled on the GPU and shared, not uploaded, and a shared one still reads back on the CPU; the
// trainer's Adam runs fused and updates as on wasm. Runs
// test/webgpu/device.mjs in its own process (WebGPU sets browser globals), on lavapipe
// on the CPU machines (npm test installs it as root).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNodeScript } from './node-script';

const script = fileURLToPath(new URL('../../test/webgpu/device.mjs', import.meta.url));

describe('WebGPU: random numbers and constants made on the device', () => {
  it('draws Philox uniforms, normals and Gumbels in one dispatch each, as philoxValues does; fills and shares constants without uploads; runs Adam fused, as on wasm', async () => {
    const { code, stdout, stderr } = await runNodeScript(script, []);
    expect(code, stderr.slice(-2000)).toBe(0);
    const checks = Object.fromEntries(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((c) => [c.check, c]));
    // The integers are the same; uniforms are one float32 multiply-add (exact here), normals and
    // Gumbels go through the GPU's float32 ln, √ and cos (the measured worst: 1.1e-6 and 6.2e-6).
    const tolerance = { uniform: 1e-6, normal: 1e-5, gumbel: 5e-5 };
    for (const [distribution, limit] of Object.entries(tolerance)) {
      const c = checks[`philox-${distribution}`];
      expect(c, distribution).toBeDefined();
      expect(c.shape).toEqual([250, 400]);
      expect(c.finite, distribution).toBe(true);
      expect(c.uploads, `${distribution}: uploads`).toBe(0);
      expect(c.dispatches, `${distribution}: dispatches`).toBe(1);
      expect(c.maxDifference, `${distribution}: largest difference from philoxValues`).toBeLessThanOrEqual(limit);
      expect(c.leaked, `${distribution}: tensors left after disposing the draw`).toBe(0);
    }
    const c = checks.constants;
    expect(c.results).toEqual([[3071.25], [3071.25], [3071.25]]); // sum(x · 1) / 4 + 0 · (−1), x = i mod 7 over 4096
    expect(c.uploads, 'uploads of three steps that make their 1s, 0s and scalars anew').toBe(0);
    expect(c.sharedData, 'the same scalar made twice shares its data').toBe(true);
    expect(c.hits).toBeGreaterThan(0);
    expect(c.negativeZeroShared, '−0 is not 0').toBe(false);
    expect(c.negativeZeroSign).toBe(true);
    expect(c.intFill).toEqual([8, 8, 8]);
    expect(c.intDtype).toBe('int32');
    expect(c.flagValue, 'a shared constant the GPU used reads back on the CPU').toBe(0);
    expect(checks['constants-memory'].leaked, 'tensors left after disposing everything').toBe(0);
    // A cache of 2 constants given 6: it evicts, every value stays right, and nothing is left after uninstall.
    const bounds = checks['constants-bounds'];
    expect(bounds.sums).toEqual([2048, 4096, 6144, 8192, 10240, 12288]);
    expect(bounds.held).toBe(2);
    expect(bounds.leakedBuffers, 'data buffers left after disposal and uninstall').toBe(0);
    // The trainer's Adam: three fused dispatches per variable and two for 1 − β^t (8 for two
    // variables, against tfjs' 32), the weights and the checkpoint state as on wasm (bit for bit on lavapipe).
    const a = checks.adam;
    expect(a.weightDifference, 'weights: largest difference from wasm after 5 steps').toBeLessThanOrEqual(1e-5);
    expect(a.momentDifference, 'optimizer state: largest difference from wasm').toBeLessThanOrEqual(1e-5);
    expect(a.stateTensors, 'iterations, then m and v of each variable').toBe(5);
    expect(a.dispatchesPerStep).toBeLessThanOrEqual(8);
    expect(a.uploads).toBe(0);
    expect(a.leaked, 'tensors added by four Adam steps').toBe(0);
  });
});
