/**
 * Paper 003's models as registry entries: `models` is what the lab composes. A trained
 * model's config travels in its weights' metadata, so `loadCaglowModel(dir)` rebuilds the
 * architecture before assigning the weights.
 */
import {
  loadModelWithConfig,
  entryOverrides,
  saveModelWithConfig,
  type CapabilityName,
  type GenerativeModel,
  type ModelEntry,
  type ModelEnvironment,
  type OptimizationDefaults,
  type PaperReference,
} from '@disentangle/kernels';
import { CAGLOW_MODEL_NAMES, DEFAULT_WEIGHTS, resolveCaglowConfig, type CaglowConfig, type CaglowConfigInput, type CaglowModelName } from './config';
import { CaglowModel } from './models/caglow-model';
import { FlowModel } from './models/flow-model';

export const CAGLOW_PAPER: PaperReference = {
  id: 'caglow',
  number: '003',
  title: 'Liu, Liu, Gong, Wang & Li, "Conditional Adversarial Generative Flow for Controllable Image Synthesis" (CVPR 2019)',
};

/** Glow's Adam (Kingma & Dhariwal 2018: lr 1e-3); the paper gives none for CAGlow's stage 2. */
export const CAGLOW_OPTIMIZATION: OptimizationDefaults = { learningRate: 1e-3, batchSize: 32, adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

const FLOW_HELP = {
  'flow.levels': 'N of Glow N×K: levels (squeeze → K steps → split); the image side must divide by 2^N. Default 2',
  'flow.stepsPerLevel': 'K: steps of flow per level. Default 4 (paper: 10 on MNIST, 32 on CelebA)',
  'flow.hidden': 'hidden channels of each coupling network. Default 32',
  'flow.nBits': 'bits per pixel value the data are quantised to. Default 5',
  temperature: 'sampling temperature T of Glow/CGlow (ε ~ N(0, T²)). Default 0.7',
  seed: 'seed of the initial weights (default: the run seed)',
} as const;

const CGLOW_HELP = { classifierWeight: "weight of the top-latent classifier's cross-entropy beside bits/dim. Default 0.01" } as const;

const CAGLOW_HELP = {
  noiseDim: "dimension of E's noise ε. Default 32",
  encoderHidden: 'hidden widths of the condition encoder E. Default [64] (paper, MNIST)',
  trunkHidden: "widths of the supervision block's shared trunk (its heads are linear). Default [64] (paper, MNIST)",
  continuousCodes: 'unsupervised continuous codes c_u ~ U(−1, 1), decoded by D_e with squared error. Default 0',
  discreteCodes: 'unsupervised binary codes c_u ~ Bernoulli(½), decoded with cross-entropy. Default 0',
  flowSteps: 'stage 1 length: steps that train the flow alone before E and the block start (0: a pretrained flow, e.g. from initFrom). Default 0',
  fineTuneFlow: 'keep training the flow on eq. 9 in stage 2 (default false: the flow is fixed)',
  ...Object.fromEntries(Object.keys(DEFAULT_WEIGHTS).map((k) => [`weights.${k}`, `λ_${k} of eq. 15. Default 1`])),
} as const;

/** How `--set` strings and dotted names become config fields (kernels' `nestConfigOverrides`). */
const OVERRIDES = {
  fields: ['model', 'input', 'labels', 'exclusive', 'classColumns', 'temperature', 'classifierWeight', 'noiseDim', 'encoderHidden', 'trunkHidden', 'continuousCodes', 'discreteCodes', 'flowSteps', 'fineTuneFlow', 'seed', 'flow', 'weights'],
  decided: ['model', 'input', 'labels', 'exclusive', 'classColumns'],
  numbers: ['temperature', 'classifierWeight', 'noiseDim', 'continuousCodes', 'discreteCodes', 'flowSteps', 'seed', 'classColumns'],
  lists: ['encoderHidden', 'trunkHidden'],
  booleans: ['fineTuneFlow'],
  groups: ['flow', 'weights'],
};

/** The user's overrides (plain or dotted: `flow.levels`, `weights.featureMatching`) plus what the data decide, validated. */
export function resolveCaglowEntryConfig(model: CaglowModelName, overrides: Record<string, unknown>, environment: ModelEnvironment): CaglowConfig {
  const { nested } = entryOverrides('caglow', model, overrides, environment, OVERRIDES, { images: 'a flow over NHWC images' });
  return resolveCaglowConfig({
    ...(nested as Partial<CaglowConfigInput>),
    model,
    input: environment.input as CaglowConfig['input'],
    labels: model === 'glow' ? [...environment.labels] : environment.labels,
    exclusive: environment.exclusive,
    classColumns: environment.exclusive ? 0 : environment.classColumns ?? 0,
    seed: (nested.seed as number | undefined) ?? environment.seed,
  });
}

export type CaglowRegistryModel = FlowModel | CaglowModel;

export interface CaglowModelEntry extends ModelEntry<CaglowConfig> {
  name: CaglowModelName;
  create(config: CaglowConfig): CaglowRegistryModel;
}

const FLOW_CAPABILITIES: readonly CapabilityName[] = ['encode', 'decode', 'reconstruct', 'sample', 'logLikelihood', 'switchAttributes', 'manipulate'];
const LIKELIHOOD = 'logLikelihood is the discrete-data bound E_u log p(x̃) − D log 2^nBits in nats (one dequantisation draw)';

function entry(name: CaglowModelName, description: string, labels: 'none' | 'required', capabilities: readonly CapabilityName[], help: Record<string, string>, build: (c: CaglowConfig) => CaglowRegistryModel): CaglowModelEntry {
  return {
    name,
    paper: CAGLOW_PAPER,
    description,
    needs: { inputs: ['image'], labels, labelKinds: ['multi-label', 'exclusive'] },
    capabilities,
    options: help,
    resolveConfig: (overrides, environment) => resolveCaglowEntryConfig(name, overrides, environment),
    create: (config) => {
      if (config?.model !== name) throw new Error(`${name}: create() got a config for '${String(config?.model)}'; resolve it with this entry's resolveConfig`);
      return build(resolveCaglowConfig(config));
    },
    optimization: CAGLOW_OPTIMIZATION,
  };
}

export const CAGLOW_MODELS: Record<CaglowModelName, CaglowModelEntry> = {
  glow: entry(
    'glow',
    `Glow N×K (paper 003's unconditional baseline; Kingma & Dhariwal 2018): maximum likelihood (eq. 9); attribute edits by Glow + pre-store (adding stored mean latent differences, §4.2); ${LIKELIHOOD} of log p(x)`,
    'none',
    FLOW_CAPABILITIES,
    { ...FLOW_HELP },
    (c) => new FlowModel(c, false),
  ),
  cglow: entry(
    'cglow',
    `CGlow (paper 003 §1): Glow with a class-conditional top prior p(z_top | c) and a classifier on the top latent (Glow's ycond); samples and edits by changing c; ${LIKELIHOOD} of log p(x | c)`,
    'required',
    FLOW_CAPABILITIES,
    { ...FLOW_HELP, ...CGLOW_HELP },
    (c) => new FlowModel(c, true),
  ),
  caglow: entry(
    'caglow',
    `CAGlow (paper 003 §3): Glow F, a condition encoder E(c_s, c_u, ε) → z and a supervision block (discriminator, classifier, code decoder on a shared trunk) with pairwise feature matching (eqs. 9–15), trained in stages; samples F⁻¹(E(c, ε)); ${LIKELIHOOD} of the flow's log p(x)`,
    'required',
    ['encode', 'decode', 'reconstruct', 'sample', 'logLikelihood', 'manipulate', 'unsupervisedCodes'],
    { ...FLOW_HELP, ...CAGLOW_HELP },
    (c) => new CaglowModel(c),
  ),
};

/** The entries the lab composes, in the paper's order. */
export const models: CaglowModelEntry[] = CAGLOW_MODEL_NAMES.map((name) => CAGLOW_MODELS[name]);

export function createCaglowModel(input: CaglowConfigInput): CaglowRegistryModel {
  const config = resolveCaglowConfig(input);
  return CAGLOW_MODELS[config.model].create(config);
}

/** Writes the weights (ActNorm flags and LU permutations included) and the config to `dir`. */
export async function saveCaglowModel(model: GenerativeModel & { config: CaglowConfig }, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveModelWithConfig(dir, model.variables, 'caglow', model.config, metadata);
}

/** Reads a model written by `saveCaglowModel` (or a checkpoint carrying the config in its metadata). */
export function loadCaglowModel(dir: string, config?: CaglowConfigInput): Promise<CaglowRegistryModel> {
  return loadModelWithConfig(dir, 'caglow', createCaglowModel, config);
}
