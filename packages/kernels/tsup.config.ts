import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/testing/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One copy of tfjs: tfjs packages stay external (peer dependencies) ...
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgpu', 'webgpu'],
  // ... except tfjs-core's ESM gradient definitions, which Node cannot import on its own.
  noExternal: [/tfjs-core\/dist\/register_all_gradients/],
});
