/**
 * @disentangle/jdvae: paper 001 (Zou, Faisan, Heitz & Valette 2022) — semi-supervised VAEs
 * with the label y and its features u in the latent space (PA1, PA2), the Fig. 1 decoder
 * (AdaIN fed by z, learned class tokens), the baselines M2, CCVAE and CCVAE2 and the two
 * ablations. `models` holds the registry entries (the lab composes them).
 */
export * from './config';
export * from './losses';
export { LabelFeatureVae } from './models/label-feature-vae';
export { TokenDecoder, type TokenDecoderOptions } from './networks/token-decoder';
export { AdainResidualBlock, upsampleTwice } from './networks/adain-residual-block';
export { JDVAE_MODELS, JDVAE_OPTIMIZATION, JDVAE_PAPER, createJdvaeModel, loadJdvaeModel, models, resolveJdvaeEntryConfig, saveJdvaeModel, type JdvaeModelEntry } from './registry';
