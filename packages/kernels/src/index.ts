/**
 * @disentangle/kernels, the part that runs anywhere (browser or Node): wasm training
 * kernels, probability kernels, GAN losses and the seeded RNG. Node adds backend
 * selection and weight IO on top (see node.ts, which `import '@disentangle/kernels'`
 * resolves to under Node).
 *
 * Importing this module registers all of tfjs-core's gradients (see
 * backend/register-gradients.ts), so `tf.grad` works from Node's CommonJS tfjs-core.
 */
import './backend/register-gradients';

export * from './backend/wasm-kernels/register';
export * from './probability/gaussian';
export * from './probability/kl-divergence';
export * from './probability/log-likelihood';
export * from './probability/gumbel-softmax';
export * from './probability/log-sum-exp';
export * from './losses/gan-losses';
export * from './losses/gradient-reversal';
export * from './random/seeded-random';
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
