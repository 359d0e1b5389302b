/**
 * @disentangle/csvae: paper 004 (Klys, Snell & Zemel 2018) — CSVAE and the baselines it
 * compares, VAE, CondVAE and CondVAE-info, on vectors (the swiss roll) or images.
 * `models` holds their registry entries (the lab composes them).
 */
export * from './config';
export * from './losses';
export * from './priors';
export * from './attribute-switch';
export * from './registry';
export { LatentSubspaceModel, GaussianHead, type GaussianCode } from './models/latent-model';
export { Vae } from './models/vae';
export { CondVae } from './models/cond-vae';
export { CondVaeInfo } from './models/cond-vae-info';
export { Csvae } from './models/csvae';
// The network blocks moved to @disentangle/kernels (shared by every zoo); re-exported for existing users.
export {
  ParameterStore, DenseNetwork, ConvEncoder, ConvDecoder, FeatureNetwork, BatchNorm, EVALUATION, TRAINING, TRAINING_FIXED_STATISTICS, BATCH_NORM_MOMENTUM, BATCH_NORM_EPSILON,
  type DenseNetworkOptions, type ConvShape, type FeatureNetworkOptions, type ForwardMode,
} from '@disentangle/kernels';
