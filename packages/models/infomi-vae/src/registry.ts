/**
 * Paper 002's models as registry entries: `models` is what the lab composes. A trained
 * model's config travels in its weights' metadata, so `loadInfomiModel(dir)` rebuilds the
 * architecture before assigning the weights.
 */
import {
  loadModelWithConfig,
  entryOverrides,
  saveModelWithConfig,
  type CapabilityName,
  type ModelEntry,
  type ModelEnvironment,
  type OptimizationDefaults,
  type PaperReference,
} from '@disentangle/kernels';
import { DEFAULT_WEIGHTS, INFOMI_MODEL_NAMES, resolveInfomiConfig, type InfomiConfig, type InfomiConfigInput, type InfomiModelName } from './config';
import { PartitionedVae } from './models/partitioned-vae';

export const INFOMI_PAPER: PaperReference = {
  id: 'infomi-vae',
  number: '002',
  title: 'Tang, Zhou, He & Ma, "Disentangled representation learning for controllable image synthesis: an information-theoretic perspective" (ICPR 2020)',
};

/** The slides give no optimiser; Adam 1e-3 with batch 64 is what made the partitioned VAE fit our faces (README). */
export const INFOMI_OPTIMIZATION: OptimizationDefaults = { learningRate: 1e-3, batchSize: 64, adam: { beta1: 0.5, beta2: 0.999, epsilon: 1e-8 } };

const HELP = {
  z1Dim: 'dimension of z1, the code for everything but the attributes. Default 32',
  convStages: 'channels of the stride-2 4×4 conv stages of E1 and (mirrored) G. Default [32,64,128]',
  hidden: "dense widths after E1's conv stages; G mirrors them. Default [256]",
  auxConvStages: 'conv stages of the small networks: E2, the readout q, the extractor f and D. Default [16,32,64]',
  auxHidden: "dense width after the small networks' conv stages. Default 128",
  normalization: "'batch' (batch norm in E1, E2 and G) or 'none'. Default 'batch'",
  priorStd: 's of the label prior p(z2_k | y_k) = N(y_k, s²). Default 0.1',
  'weights.reconstruction': 'weight of Σ_pixels (x − G(z1, z2))². Default 100',
  'weights.klZ1': 'weight of KL(Q1(z1|x) ‖ N(0, I)). Default 1',
  'weights.klZ2': 'weight of KL(Q2(z2|x) ‖ N(y, s²I)). Default 1',
  seed: 'seed of the initial weights (default: the run seed)',
} as const;
const INFORMATION_HELP = { 'weights.information': 'weight of L_s / L_f1, the cross-entropy of z̃2 read back from x̂. Default 100' } as const;
const FEATURE_HELP = { 'weights.featureMatching': 'weight of L_f2 = ‖f(x̂) − f(x̃)‖². Default 100' } as const;
const GAN_HELP = { 'weights.gan': 'weight of L_GAN = −log D(z̃2, x̂). Default 20' } as const;

const DATA_FIELDS = ['model', 'input', 'labels'];
const SPEC = {
  decided: DATA_FIELDS,
  fields: [...DATA_FIELDS, 'z1Dim', 'convStages', 'hidden', 'auxConvStages', 'auxHidden', 'normalization', 'priorStd', 'weights', 'seed'],
  numbers: ['z1Dim', 'auxHidden', 'priorStd', 'seed'],
  lists: ['convStages', 'hidden', 'auxConvStages'],
  groups: ['weights'],
};

/** The user's overrides (plain or dotted: `weights.gan`) plus what the data decide, validated. */
export function resolveInfomiEntryConfig(model: InfomiModelName, overrides: Record<string, unknown>, environment: ModelEnvironment): InfomiConfig {
  const { nested, fail } = entryOverrides('infomi-vae', model, overrides, environment, SPEC, { images: 'E1, E2 and G are conv nets' });
  if (environment.exclusive || (environment.classColumns ?? 0) > 0) fail('labels', `must be independent binary attributes (z2 holds one scalar per attribute, 0 off, 1 on); the data's labels ${environment.labels.join(', ')} include an exclusive class`);
  return resolveInfomiConfig({
    ...(nested as Partial<InfomiConfigInput>),
    model,
    input: environment.input as InfomiConfig['input'],
    labels: environment.labels,
    seed: (nested.seed as number | undefined) ?? environment.seed,
  });
}

export interface InfomiModelEntry extends ModelEntry<InfomiConfig> {
  name: InfomiModelName;
  create(config: InfomiConfig): PartitionedVae;
}

const CAPABILITIES: readonly CapabilityName[] = ['encode', 'decode', 'reconstruct', 'sample', 'switchAttributes', 'transfer', 'attributeCodes'];

function entry(name: InfomiModelName, description: string, help: Record<string, string>): InfomiModelEntry {
  return {
    name,
    paper: INFOMI_PAPER,
    description,
    needs: { inputs: ['image'], labels: 'required', labelKinds: ['multi-label'] },
    capabilities: CAPABILITIES,
    options: { ...HELP, ...help },
    resolveConfig: (overrides, environment) => resolveInfomiEntryConfig(name, overrides, environment),
    create: (config) => {
      if (config?.model !== name) throw new Error(`${name}: create() got a config for '${String(config?.model)}'; resolve it with this entry's resolveConfig`);
      return new PartitionedVae(resolveInfomiConfig(config));
    },
    optimization: INFOMI_OPTIMIZATION,
  };
}

const BASE = 'partitioned VAE (paper 002): E1 → z1, E2 → z2 (one scalar per attribute, prior N(y, s²)), G(z1, z2); fusion G(z1(x), z2(x̃))';

export const INFOMI_MODELS: Record<InfomiModelName, InfomiModelEntry> = {
  pvae: entry('pvae', `VAE: the ${BASE}, trained on its ELBO alone`, {}),
  'pvae+ls': entry('pvae+ls', `VAE+L_s (InfoGAN's information loss): the ${BASE}, plus a readout q(x̂) → z̃2 trained with G`, INFORMATION_HELP),
  'pvae+lf1': entry('pvae+lf1', `VAE+L_f1: the ${BASE}, plus the conditional-MI bound −log q(z̃2 | z1, x̂)`, INFORMATION_HELP),
  'pvae+lf2': entry('pvae+lf2', `VAE+L_f2: the ${BASE}, plus the conditional-MI bound ‖f(x̂) − f(x̃)‖², f an attribute classifier's features trained beside it`, FEATURE_HELP),
  'pvae+gan': entry('pvae+gan', `VAE+GAN: the ${BASE}, plus a conditional GAN D(z2, x) on (z̃2, x̃) vs (z̃2, x̂)`, GAN_HELP),
  'pvae+gan+lf2': entry('pvae+gan+lf2', `VAE+GAN+L_f2 (the slides' full model): the ${BASE}, plus the conditional GAN and L_f2`, { ...FEATURE_HELP, ...GAN_HELP }),
};

/** The entries the lab composes, in the slides' order (L_f1 after L_s). */
export const models: InfomiModelEntry[] = INFOMI_MODEL_NAMES.map((name) => INFOMI_MODELS[name]);

export function createInfomiModel(input: InfomiConfigInput): PartitionedVae {
  const config = resolveInfomiConfig(input);
  return INFOMI_MODELS[config.model].create(config);
}

/** Writes the weights (batch norm's statistics included) and the config to `dir`. */
export async function saveInfomiModel(model: PartitionedVae, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveModelWithConfig(dir, model.variables, 'infomi-vae', model.config, metadata);
}

/** Reads a model written by `saveInfomiModel` (or a checkpoint carrying the config in its metadata). */
export function loadInfomiModel(dir: string, config?: InfomiConfigInput): Promise<PartitionedVae> {
  return loadModelWithConfig(dir, 'infomi-vae', createInfomiModel, config);
}
