/**
 * Paper 001's models as registry entries: `models` is what the lab composes. A trained
 * model's config travels in its weights' metadata, so `loadJdvaeModel(dir)` rebuilds the
 * architecture before assigning the weights.
 */
import {
  entryOverrides,
  loadModelWithConfig,
  saveModelWithConfig,
  type CapabilityName,
  type ModelEntry,
  type ModelEnvironment,
  type OptimizationDefaults,
  type PaperReference,
} from '@disentangle/kernels';
import { JDVAE_MODEL_NAMES, resolveJdvaeConfig, type JdvaeConfig, type JdvaeConfigInput, type JdvaeModelName } from './config';
import { LabelFeatureVae } from './models/label-feature-vae';

export const JDVAE_PAPER: PaperReference = {
  id: 'jdvae',
  number: '001',
  title: 'Zou, Faisan, Heitz & Valette, "Joint disentanglement of labels and their features with VAE" (ICIP 2022)',
};

/** §3: "the Adam optimizer with a learning rate equal to 1e−4 and a batch size of 32". */
export const JDVAE_OPTIMIZATION: OptimizationDefaults = { learningRate: 1e-4, batchSize: 32, adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

const HELP = {
  zDim: 'dimension of z, the face code without the labels. Default 100 (the paper)',
  encoderStages: "channels of the encoder's stride-2 4×4 conv stages. Default [16,32,64] (CCVAE: [32,32,64])",
  hidden: "dense width after the encoder's conv stages. Default 256",
  temperature: 'τ of the Gumbel-softmax sample of an unknown y. Default 0.5',
  'weights.beta': 'β of eq. 4 on the KLs and log p(y). Default 1e-4 (CCVAE: 1)',
  'weights.alpha': 'α of eq. 4 on log q(y|x) for labelled images. Default 1',
  seed: 'seed of the initial weights (default: the run seed)',
} as const;
const FEATURE_STYLE_HELP = { featureStyle: "beyond the paper: AdaIN's style is [z, u] instead of z, so u reaches every block. Default false" } as const;
const FEATURE_HELP = { uDim: 'dimension of each label\'s features u. Default 16 (CCVAE: 1, its authors\' z_c)' } as const;
const JOINT_HELP = { 'weights.featureKlOn': 'factor on the u-KL when y = 1 ("divided by 100"). Default 0.01' } as const;
const PA2_HELP = { offVariance: 'variance of PA2\'s p(u | y = 0) = N(0, v·I). Default 0.1' } as const;
const DECODER_HELP = { decoderChannels: "Fig. 1 decoder: the 4×4 map's channels, then each ×2 residual block's. Default [64,32,16,8] at 32×32", ...FEATURE_STYLE_HELP } as const;
const CCVAE_HELP = { classifierSamples: 'samples S of q(y|x) ≈ (1/S) Σ q(y|u_s). Default 100' } as const;

const DATA_FIELDS = ['model', 'input', 'labels'];
const SPEC = {
  decided: DATA_FIELDS,
  fields: [...DATA_FIELDS, 'zDim', 'uDim', 'offVariance', 'encoderStages', 'hidden', 'decoderChannels', 'temperature', 'classifierSamples', 'featureStyle', 'weights', 'seed', 'structure', 'architecture', 'likelihood', 'featurePrior', 'adain', 'tokens'],
  numbers: ['zDim', 'uDim', 'offVariance', 'hidden', 'temperature', 'classifierSamples', 'seed'],
  lists: ['encoderStages', 'decoderChannels'],
  booleans: ['adain', 'tokens', 'featureStyle'],
  groups: ['weights'],
};

/** The user's overrides (plain or dotted: `weights.beta`) plus what the data decide, validated. */
export function resolveJdvaeEntryConfig(model: JdvaeModelName, overrides: Record<string, unknown>, environment: ModelEnvironment): JdvaeConfig {
  const { nested, fail } = entryOverrides('jdvae', model, overrides, environment, SPEC, { images: 'the encoder and decoder are conv nets' });
  if (environment.exclusive || (environment.classColumns ?? 0) > 0) fail('labels', `must be independent binary labels (each y_k is on or off, with its own features u_k); the data's labels ${environment.labels.join(', ')} include an exclusive class`);
  return resolveJdvaeConfig({
    ...(nested as Partial<JdvaeConfigInput>),
    model,
    input: environment.input as JdvaeConfig['input'],
    labels: environment.labels,
    seed: (nested.seed as number | undefined) ?? environment.seed,
  });
}

export interface JdvaeModelEntry extends ModelEntry<JdvaeConfig> {
  name: JdvaeModelName;
  create(config: JdvaeConfig): LabelFeatureVae;
}

const CAPABILITIES: readonly CapabilityName[] = ['encode', 'decode', 'reconstruct', 'sample', 'classify', 'swapLabels', 'transfer', 'switchAttributes'];

function entry(name: JdvaeModelName, description: string, help: Record<string, string>): JdvaeModelEntry {
  return {
    name,
    paper: JDVAE_PAPER,
    description,
    needs: { inputs: ['image'], labels: 'semi-supervised', labelKinds: ['multi-label'] },
    capabilities: CAPABILITIES,
    options: { ...HELP, ...help },
    resolveConfig: (overrides, environment) => resolveJdvaeEntryConfig(name, overrides, environment),
    create: (config) => {
      if (config?.model !== name) throw new Error(`${name}: create() got a config for '${String(config?.model)}'; resolve it with this entry's resolveConfig`);
      return new LabelFeatureVae(resolveJdvaeConfig(config));
    },
    optimization: JDVAE_OPTIMIZATION,
  };
}

const FIG1 = 'the Fig. 1 networks (conv encoder; decoder of AdaIN residual blocks fed by z, with learned class tokens)';

export const JDVAE_MODELS: Record<JdvaeModelName, JdvaeModelEntry> = {
  ccvae: entry('ccvae', "CCVAE (Joy et al. 2021) with its authors' plain conv networks: z = (u, z_\\c), q(y | u), a learned p(u | y), d(z, u), Laplace likelihood, unweighted ELBO", { ...FEATURE_HELP, ...CCVAE_HELP }),
  ccvae2: entry('ccvae2', `CCVAE2: CCVAE's dependency structure (y read from u, never decoded) on ${FIG1.replace(', with learned class tokens', '')}, with eq. 4's weights`, { ...FEATURE_HELP, ...CCVAE_HELP, ...DECODER_HELP }),
  m2: entry('m2', `M2 (Kingma et al. 2014): latent (y, z), no features u, on ${FIG1}`, DECODER_HELP),
  pa1: entry('pa1', `PA1 (the paper's model): latent (y, z, u), p(u | y = 0) a Dirac at 0 and u multiplied by y, on ${FIG1}`, { ...FEATURE_HELP, ...JOINT_HELP, ...DECODER_HELP }),
  pa2: entry('pa2', `PA2: latent (y, z, u), p(u | y = 0) = N(0, 0.1·I), on ${FIG1}`, { ...FEATURE_HELP, ...JOINT_HELP, ...PA2_HELP, ...DECODER_HELP }),
  'pa1-no-adain': entry('pa1-no-adain', 'PA1 without AdaIN (the §3 ablation): the residual blocks use plain instance norm, z enters at the first FC only', { ...FEATURE_HELP, ...JOINT_HELP, ...DECODER_HELP }),
  'pa1-no-tokens': entry('pa1-no-tokens', 'PA1 without the learned tokens (the §3 ablation): y joins the first FC only', { ...FEATURE_HELP, ...JOINT_HELP, ...DECODER_HELP }),
};

/** The entries the lab composes, in Table 1's order, then the ablations. */
export const models: JdvaeModelEntry[] = JDVAE_MODEL_NAMES.map((name) => JDVAE_MODELS[name]);

export function createJdvaeModel(input: JdvaeConfigInput): LabelFeatureVae {
  const config = resolveJdvaeConfig(input);
  return JDVAE_MODELS[config.model].create(config);
}

/** Writes the weights and the config to `dir`. */
export async function saveJdvaeModel(model: LabelFeatureVae, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveModelWithConfig(dir, model.variables, 'jdvae', model.config, metadata);
}

/** Reads a model written by `saveJdvaeModel` (or a checkpoint carrying the config in its metadata). */
export function loadJdvaeModel(dir: string, config?: JdvaeConfigInput): Promise<LabelFeatureVae> {
  return loadModelWithConfig(dir, 'jdvae', createJdvaeModel, config);
}
