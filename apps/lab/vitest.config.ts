import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the sibling packages' sources, so they need no build first.
    alias: {
      '@disentangle/kernels/testing': fileURLToPath(new URL('../../packages/kernels/src/testing/index.ts', import.meta.url)),
      '@disentangle/kernels': fileURLToPath(new URL('../../packages/kernels/src/node.ts', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    server: {
      deps: {
        // See packages/kernels/vitest.config.ts: tfjs-core's ESM gradient files are transformed.
        inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core\.node)/],
      },
    },
  },
});
