/**
 * @disentangle/infomi-vae: paper 002 (Tang, Zhou, He & Ma 2020) — the partitioned-code VAE
 * with fusion, the conditional-MI lower bounds L_f1 / L_f2, InfoGAN's L_s and a conditional
 * GAN on (z2, x). `models` holds the registry entries of the five models the slides compare
 * and of L_f1 (the lab composes them).
 */
export * from './config';
export * from './losses';
export { PartitionedVae } from './models/partitioned-vae';
export { INFOMI_MODELS, INFOMI_OPTIMIZATION, INFOMI_PAPER, createInfomiModel, loadInfomiModel, models, resolveInfomiEntryConfig, saveInfomiModel, type InfomiModelEntry } from './registry';
