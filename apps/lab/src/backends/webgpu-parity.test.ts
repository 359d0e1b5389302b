// WebGPU against wasm, for one model of each family (issue 17, item 2): one training step's
// losses and gradients, from the same seeded weights, batch and noise. On the CPU machines
// WebGPU runs on Mesa's software Vulkan driver (lavapipe), which `npm test` installs as root
// (scripts/test-all.mjs); the numbers do not depend on the adapter, so a WebGPU kernel that
// is missing or wrong fails here, not on a user's GPU. The comparison runs in a child process:
// WebGPU in Node needs browser-like globals that must not leak into the other tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNodeScript } from './node-script';

const script = fileURLToPath(new URL('../../test/webgpu/parity.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** One model per family, and later one per new zoo. */
const MODELS = ['vae', 'csvae', 'glow', 'caglow', 'pvae+gan+lf2', 'pa1', 'cvae-gan-proposed'];

interface PhaseResult {
  model: string;
  phase?: string;
  lossWasm?: number;
  lossWebgpu?: number;
  variables?: number;
  worstGradient?: { difference: number; variable: string };
  error?: string;
}

async function runParity(): Promise<{ results: PhaseResult[]; stderr: string }> {
  const { code, stdout, stderr } = await runNodeScript(script, MODELS);
  if (code !== 0) throw new Error(`parity.mjs exited ${code}:\n${stderr.slice(-2000)}`);
  return { results: stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PhaseResult), stderr };
}

describe('WebGPU matches wasm on one training step of every model family', () => {
  it('gives the same losses and gradients (float32 tolerance) for the conv VAE, CSVAE, Glow L=2 K=2, CAGlow, the info-MI VAE, JDVAE PA1 and the SPADE + AdaIN cVAE-GAN', async () => {
    expect(existsSync(built), `${built} is missing: run the build first (turbo runs it before the tests)`).toBe(true);
    const { results } = await runParity();
    const failed = results.filter((r) => r.error);
    const noAdapter = failed.find((r) => /no usable backend for 'webgpu'/.test(r.error!));
    expect(
      noAdapter,
      `WebGPU is not available here (${noAdapter?.error}). On Debian install Mesa 25's lavapipe from bookworm-backports (mesa-vulkan-drivers, libvulkan1): npm test does it when it runs as root, see scripts/test-all.mjs`,
    ).toBeUndefined();
    expect(failed.map((r) => `${r.model}: ${r.error}`)).toEqual([]);
    expect([...new Set(results.map((r) => r.model))]).toEqual(MODELS);
    for (const r of results) {
      const where = `${r.model} / ${r.phase}`;
      expect(r.variables, where).toBeGreaterThan(0);
      expect(Math.abs(r.lossWebgpu! - r.lossWasm!), `${where}: loss ${r.lossWebgpu} on WebGPU, ${r.lossWasm} on wasm`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(r.lossWasm!)));
      // Each variable's largest gradient difference relative to its largest gradient (parity.mjs).
      expect(r.worstGradient!.difference, `${where}: gradient of ${r.worstGradient!.variable}`).toBeLessThanOrEqual(5e-3);
    }
    // Every phase of the multi-phase models was compared (CAGlow: flow, supervision, encoder).
    expect(results.filter((r) => r.model === 'caglow').map((r) => r.phase)).toEqual(['flow', 'supervision', 'encoder']);
  });
});
