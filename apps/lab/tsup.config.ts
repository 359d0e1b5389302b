import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: ({ format }) => (format === 'esm' ? { js: '' } : {}),
  // One copy of tfjs and of each sibling package: never bundle them.
  external: [/^@tensorflow\//, /^@disentangle\//, 'webgpu'],
});
