/**
 * Everything @disentangle/kernels exports on every platform, without side effects; index.ts
 * (browsers) and node.ts (Node) add their gradient registration and weight IO.
 */
export * from './backend/wasm-kernels/register';
export * from './probability/gaussian';
export * from './probability/kl-divergence';
export * from './probability/log-likelihood';
export * from './probability/gumbel-softmax';
export * from './probability/log-sum-exp';
export * from './losses/gan-losses';
export * from './losses/gradient-reversal';
export * from './random/seeded-random';
export * from './random/philox';
export * from './float64/square-matrix';
export * from './model/generative-model';
export * from './model/capabilities';
export * from './model/model-entry';
export * from './networks/parameter-store';
export * from './networks/batch-norm';
export * from './networks/dense-network';
export * from './networks/conv-network';
export * from './networks/encoder-network';
export * from './model/config-overrides';
export * from './model/switch-reference';
export * from './io/weights-format';
export * from './io/weights-url';
export * from './backend/gradient-status';
export * from './backend/webgpu-constants';
export * from './backend/host-values';
export { flatProgram, type FlatProgram, type WebgpuBackendInternals } from './backend/webgpu-program';
