/**
 * @disentangle/kernels: backend setup, probability kernels, GAN losses, seeded RNG and
 * atomic weight IO shared by every @disentangle package.
 *
 * Importing this module registers all of tfjs-core's gradients (see
 * backend/register-gradients.ts), so `tf.grad` works from Node's CommonJS tfjs-core.
 */
import './backend/register-gradients';

export * from './backend/init-backend';
export * from './backend/wasm-kernels/register';
export * from './backend/wasm-threads';
export * from './probability/gaussian';
export * from './probability/kl-divergence';
export * from './probability/log-likelihood';
export * from './probability/gumbel-softmax';
export * from './probability/log-sum-exp';
export * from './losses/gan-losses';
export * from './losses/gradient-reversal';
export * from './random/seeded-random';
export * from './io/weights-io';
