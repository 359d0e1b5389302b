/**
 * The vitest settings every package shares; each package's vitest.config.ts calls this.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vitest/config';

const source = (pkg: string, file = 'index.ts') => fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));
const model = (pkg: string) => source(`models/${pkg}`);

export function packageVitestConfig({ testTimeout = 120_000 }: { testTimeout?: number } = {}): UserConfig {
  return defineConfig({
    resolve: {
      // Tests run against sibling packages' sources, so they need no build first.
      alias: {
        '@disentangle/kernels/testing': source('kernels', 'testing/index.ts'),
        '@disentangle/kernels': source('kernels', 'node.ts'),
        '@disentangle/normalization': source('normalization'),
        '@disentangle/flows': source('flows'),
        '@disentangle/data': source('data'),
        '@disentangle/metrics': source('metrics'),
        '@disentangle/training': source('training'),
        '@disentangle/sweep/testing': source('sweep', 'testing/index.ts'),
        '@disentangle/sweep': source('sweep'),
        '@disentangle/csvae': model('csvae'),
        '@disentangle/caglow': model('caglow'),
        '@disentangle/infomi-vae': model('infomi-vae'),
        '@disentangle/jdvae': model('jdvae'),
      },
    },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout,
      hookTimeout: 120_000,
      // Two cores: one worker process keeps wasm timings and memory stable.
      pool: 'forks',
      poolOptions: { forks: { singleFork: true } },
    },
  });
}
