/**
 * @disentangle/cvae-gan: paper 000 (Zhang, Sun, Zheng & Li 2020) — conditional VAE-GANs whose
 * label code z_s = f(c) and label-irrelevant code z_u reach the decoder by concatenation,
 * AdaIN or SPADE (cVAE-GAN, S1–S4 and the proposed SPADE + AdaIN model), with a hinge
 * projection discriminator on real, reconstructed, exchanged and prior images. `models` holds
 * the registry entries (the lab composes them).
 */
export * from './config';
export * from './losses';
export { ConditionalVaeGan } from './models/conditional-vae-gan';
export { FreeCodeEncoder, type FreeCodeEncoderOptions } from './networks/free-code-encoder';
export { LabelMapping, type MappingOutput } from './networks/label-mapping';
export { ModulatedDecoder, type ModulatedDecoderOptions } from './networks/modulated-decoder';
export { ModulatedNormalization, type ModulationBranch } from './networks/modulated-normalization';
export { ProjectionDiscriminator, type ProjectionDiscriminatorOptions } from './networks/projection-discriminator';
export { SpectralNorm } from './networks/spectral-norm';
export { CVAE_GAN_MODELS, CVAE_GAN_OPTIMIZATION, CVAE_GAN_PAPER, createCvaeGanModel, loadCvaeGanModel, models, resolveCvaeGanEntryConfig, saveCvaeGanModel, type CvaeGanModelEntry } from './registry';
