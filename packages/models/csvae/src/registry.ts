/**
 * The models of paper 004 as registry entries (DESIGN convention 4: one typed table, no
 * if/else chains): `models` is what the lab composes, `CSVAE_MODELS` the same entries by
 * name. Save/load of a trained model: its config travels in the weights' metadata, so
 * `loadCsvaeModel(dir)` rebuilds the same architecture before assigning the weights (and
 * batch norm's moving statistics, which are variables too).
 */
import {
  loadModelWithConfig,
  checkDataDecidedFields,
  nestConfigOverrides,
  saveModelWithConfig,
  type CapabilityName,
  type ModelEntry,
  type ModelEnvironment,
  type OptimizationDefaults,
  type PaperReference,
} from '@disentangle/kernels';
import { CSVAE_MODEL_NAMES, PAPER_OPTIMISATION, resolveCsvaeConfig, type CsvaeConfig, type CsvaeConfigInput, type CsvaeModelName } from './config';
import { CondVae } from './models/cond-vae';
import { CondVaeInfo } from './models/cond-vae-info';
import { Csvae } from './models/csvae';
import type { LatentSubspaceModel } from './models/latent-model';
import { Vae } from './models/vae';

export const CSVAE_PAPER: PaperReference = {
  id: 'csvae',
  number: '004',
  title: 'Klys, Snell & Zemel, "Learning latent subspaces in variational autoencoders" (NeurIPS 2018)',
};

/** The paper's Adam and MultiStepLR (appendix), as every entry's optimisation defaults. */
export const CSVAE_OPTIMIZATION: OptimizationDefaults = {
  learningRate: PAPER_OPTIMISATION.learningRate,
  batchSize: PAPER_OPTIMISATION.batchSize,
  adam: { beta1: PAPER_OPTIMISATION.beta1, beta2: PAPER_OPTIMISATION.beta2, epsilon: PAPER_OPTIMISATION.epsilon },
  schedule: { milestoneEpochs: PAPER_OPTIMISATION.milestoneEpochs, gamma: PAPER_OPTIMISATION.gamma, paperEpochs: PAPER_OPTIMISATION.epochs },
};

/** Help for every overridable field (dotted names reach into `weights` and `priors`). */
const OPTION_HELP = {
  zDim: 'dimension of z (CSVAE: the label-free Z; baselines: their one latent is zDim + K·wDim). Default 2 (vectors), 14 (images)',
  wDim: 'dimension of each label subspace W_k (baselines: adds K·wDim to their latent). Default 2',
  hidden: 'dense widths of each encoder trunk, after the conv stages for images; the decoder mirrors them. Default [64,64] (vectors), [128] (images)',
  convStages: 'channels of the stride-2 4×4 conv stages of the (z) encoder and of the decoder (images). Default [16,32,64]',
  headHidden: 'hidden width of each Gaussian head; 0 = one linear layer. Default 64 (vectors), 0 (images)',
  normalization: "'batch' (batch norm before every hidden ReLU; moving statistics saved with the model) or 'none'. Default 'none' (vectors), 'batch' (images)",
  likelihood: "'gaussian' (squared error, N(μ, ½I)) or 'bernoulli' (cross-entropy with logits). Default 'gaussian'",
  reconstructionReduction: "'sum' over pixels (the log-likelihood; images) or 'mean' (PyTorch's MSELoss scale; vectors)",
  outputActivation: "Gaussian decoders: 'sigmoid' mean (images in [0,1]; default for images) or 'linear' (vectors)",
  'weights.reconstruction': 'β1, weight of −log p(x | ·). Default 20 (vectors), 100 (images, summed over pixels)',
  'weights.klZ': 'β3, weight of KL(q(z | ·) ‖ N(0, I)). Default 0.2',
  seed: 'seed of the initial weights (default: the run seed)',
} as const;

const CSVAE_HELP = {
  wConvStages: 'conv stages of the separate w encoder q(w | x, y) (images). Default: convStages',
  wHidden: 'dense widths of the w encoder. Default: hidden',
  adversaryHidden: 'hidden widths of the adversary q_δ(y | z). Default [64,64]',
  'weights.klW': 'β2, weight of KL(q(w | x, y) ‖ p(w | y)). Default 1',
  'weights.entropy': 'β4, weight of M2 = −H(q_δ(y | z)) that the encoders minimise. Default 10 (vectors), 100 (images)',
  'weights.adversary': 'β5, weight of the adversary’s cross-entropy N (its own Adam makes it scale-free). Default 1',
  'priors.absent.mean': 'mean of p(w_k | y_k = 0) on every coordinate. Default 0',
  'priors.absent.std': 'standard deviation of p(w_k | y_k = 0). Default 0.1',
  'priors.present.mean': 'mean of p(w_k | y_k = 1) on every coordinate. Default 3',
  'priors.present.std': 'standard deviation of p(w_k | y_k = 1). Default 1',
} as const;

const INFO_HELP = {
  adversaryHidden: 'hidden widths of the adversary r_ψ(z). Default [64,64]',
  'weights.info': 'λ, weight of the adversary’s cross-entropy the encoder maximises (eq. 3). Default 1 (vectors), 100 (images)',
} as const;

/** How `--set` strings and dotted names become config fields (kernels' `nestConfigOverrides`). */
const OVERRIDES = {
  fields: ['model', 'input', 'labels', 'exclusive', 'zDim', 'wDim', 'hidden', 'convStages', 'wConvStages', 'wHidden', 'headHidden', 'adversaryHidden', 'normalization', 'likelihood', 'reconstructionReduction', 'outputActivation', 'weights', 'priors', 'seed'],
  decided: ['model', 'input', 'labels', 'exclusive'],
  numbers: ['zDim', 'wDim', 'headHidden', 'seed'],
  lists: ['hidden', 'convStages', 'wConvStages', 'wHidden', 'adversaryHidden'],
  booleans: ['exclusive'],
  groups: ['weights', 'priors'],
};


/**
 * The user's overrides (plain or dotted names: `weights.entropy`, `priors.present.mean`)
 * plus what the data decides, as a validated `CsvaeConfig` for `model`. Errors name the
 * field. Idempotent: `resolve(resolve(o, env), env)` equals `resolve(o, env)`.
 */
export function resolveCsvaeEntryConfig(model: CsvaeModelName, overrides: Record<string, unknown>, environment: ModelEnvironment): CsvaeConfig {
  const fail = (field: string, message: string): never => {
    throw new Error(`csvae config (${model}): ${field} ${message}`);
  };
  if (!environment || typeof environment !== 'object') fail('environment', 'must be { input, labels, exclusive, seed }');
  if (!Array.isArray(environment.labels)) fail('environment.labels', 'must be a list of label names');
  const nested = nestConfigOverrides(overrides, { ...OVERRIDES, owner: model }, fail);
  // What the data decides cannot be overridden; a resolved config repeats it, which is fine.
  checkDataDecidedFields(nested, model, environment, fail);
  if ('exclusive' in nested && nested.exclusive !== environment.exclusive) fail('exclusive', `is ${String(nested.exclusive)}, but the data's labels are ${environment.exclusive ? '' : 'not '}exclusive`);
  const input: CsvaeConfigInput = {
    ...(nested as Partial<CsvaeConfigInput>),
    model,
    input: environment.input,
    labels: environment.labels,
    exclusive: environment.exclusive,
    seed: (nested.seed as number | undefined) ?? environment.seed,
  };
  return resolveCsvaeConfig(input);
}

export interface CsvaeModelEntry extends ModelEntry<CsvaeConfig> {
  name: CsvaeModelName;
  /** Whether training needs labels (needs.labels === 'required'). */
  conditional: boolean;
  create(config: CsvaeConfig): LatentSubspaceModel;
}

const BASE_CAPABILITIES: readonly CapabilityName[] = ['encode', 'decode', 'reconstruct', 'sample', 'switchAttributes', 'logLikelihood'];
const LOG_LIKELIHOOD_NOTE = 'logLikelihood is the one-sample ELBO in nats (a lower bound)';

function entry(
  name: CsvaeModelName,
  description: string,
  labels: 'none' | 'required',
  capabilities: readonly CapabilityName[],
  help: Record<string, string>,
  build: (config: CsvaeConfig) => LatentSubspaceModel,
): CsvaeModelEntry {
  return {
    name,
    paper: CSVAE_PAPER,
    description,
    needs: { inputs: ['image', 'vector'], labels, labelKinds: ['multi-label', 'exclusive'] },
    capabilities,
    options: help,
    conditional: labels === 'required',
    resolveConfig: (overrides, environment) => resolveCsvaeEntryConfig(name, overrides, environment),
    create: (config) => {
      if (config?.model !== name) throw new Error(`${name}: create() got a config for '${String(config?.model)}'; resolve it with this entry's resolveConfig`);
      return build(resolveCsvaeConfig(config));
    },
    optimization: CSVAE_OPTIMIZATION,
  };
}

export const CSVAE_MODELS: Record<CsvaeModelName, CsvaeModelEntry> = {
  vae: entry(
    'vae',
    `VAE baseline (paper 004 §3.1): q(z|x), p(x|z) with z of size zDim + K·wDim; trains without labels, switches attributes by adding the difference of the label means to the code; ${LOG_LIKELIHOOD_NOTE} of log p(x)`,
    'none',
    BASE_CAPABILITIES,
    { ...OPTION_HELP },
    (c) => new Vae(c),
  ),
  condvae: entry(
    'condvae',
    `CondVAE baseline (paper 004 §3.2): q(z|x,y), p(x|z,y); switches attributes by decoding with the changed labels; ${LOG_LIKELIHOOD_NOTE} of log p(x|y)`,
    'required',
    BASE_CAPABILITIES,
    { ...OPTION_HELP },
    (c) => new CondVae(c),
  ),
  'condvae-info': entry(
    'condvae-info',
    `CondVAE-info baseline (paper 004 §3.3): q(z|x), p(x|z,y) and an adversary r(z) → y that the encoder defeats (coupled updates); ${LOG_LIKELIHOOD_NOTE} of log p(x|y)`,
    'required',
    BASE_CAPABILITIES,
    { ...OPTION_HELP, ...INFO_HELP },
    (c) => new CondVaeInfo(c),
  ),
  csvae: entry(
    'csvae',
    `CSVAE (paper 004 §4): Z × W_1..W_K, separate encoders q(z|x) and q(w|x,y) (an offset from the priors p(w_k|y_k)), an adversary q_δ(y|z) that z defeats (coupled updates); styles and transfer in W_k; ${LOG_LIKELIHOOD_NOTE} of log p(x|y)`,
    'required',
    [...BASE_CAPABILITIES, 'variety', 'transfer'],
    { ...OPTION_HELP, ...CSVAE_HELP },
    (c) => new Csvae(c),
  ),
};

/** The entries the lab composes (one per model, in the paper's order). */
export const models: CsvaeModelEntry[] = CSVAE_MODEL_NAMES.map((name) => CSVAE_MODELS[name]);

/** Builds a model from a (partial) config: defaults filled in and validated. */
export function createCsvaeModel(input: CsvaeConfigInput): LatentSubspaceModel {
  const config = resolveCsvaeConfig(input);
  return CSVAE_MODELS[config.model].create(config);
}

export function isCsvaeModelName(name: string): name is CsvaeModelName {
  return (CSVAE_MODEL_NAMES as readonly string[]).includes(name);
}

/** Writes the model's weights, batch-norm statistics and config to `dir` atomically. */
export async function saveCsvaeModel(model: LatentSubspaceModel, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveModelWithConfig(dir, model.variables, 'csvae', model.getConfig(), metadata);
}

/** Reads a model written by `saveCsvaeModel` (or a training checkpoint that carries the config in its metadata). */
export function loadCsvaeModel(dir: string, config?: CsvaeConfigInput): Promise<LatentSubspaceModel> {
  return loadModelWithConfig(dir, 'csvae', createCsvaeModel, config);
}
