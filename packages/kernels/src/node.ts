/**
 * @disentangle/kernels for Node: everything in portable.ts plus what needs Node's APIs —
 * backend selection (tfjs-node, WebGPU through Dawn, threaded wasm), atomic weight IO on disk
 * (`loadWeights` also fetches http(s) URLs) and a `file://` handler for tfjs-layers models.
 *
 * Importing it makes sure tfjs' gradients are registered (backend/register-gradients.ts).
 */
import './backend/register-gradients';

export * from './portable';
export { gradientSource, type GradientSource } from './backend/register-gradients';
export * from './backend/init-backend';
export * from './backend/wasm-threads';
export * from './io/weights-io';
export * from './io/layers-file-handler';
export * from './backend/webgpu-counters';
