/**
 * @disentangle/kernels for Node: everything in index.ts plus what needs Node's APIs —
 * backend selection (tfjs-node, WebGPU through Dawn, threaded wasm) and atomic weight IO.
 */
export * from './index';
export * from './backend/init-backend';
export * from './backend/wasm-threads';
export * from './io/weights-io';
export * from './backend/webgpu-counters';
