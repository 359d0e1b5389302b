/**
 * The tsup settings every package shares: ESM + .d.ts for Node 20, with tfjs, the optional
 * GPU binding and sibling packages kept external (two copies of tfjs would be two engines).
 */
import { defineConfig, type Options } from 'tsup';

export function packageTsupConfig(options: Pick<Options, 'entry' | 'dts' | 'noExternal'> = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: [/^@tensorflow\//, /^@disentangle\//, 'webgpu'],
    ...options,
  });
}
