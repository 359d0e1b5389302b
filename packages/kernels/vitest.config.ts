import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one worker keeps the wasm timings and memory stable.
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    server: {
      deps: {
        // tfjs-core's ESM gradient files (not its CommonJS main) must go through vite's
        // transform, as tsup bundles them for the build (see register-gradients.ts).
        inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core\.node)/],
      },
    },
  },
});
