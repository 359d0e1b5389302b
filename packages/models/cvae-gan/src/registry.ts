/**
 * Paper 000's models as registry entries: `models` is what the lab composes. A trained
 * model's config travels in its weights' metadata, so `loadCvaeGanModel(dir)` rebuilds the
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
import { CVAE_GAN_MODEL_NAMES, MODEL_STRUCTURES, resolveCvaeGanConfig, type CvaeGanConfig, type CvaeGanConfigInput, type CvaeGanModelName } from './config';
import { ConditionalVaeGan } from './models/conditional-vae-gan';

export const CVAE_GAN_PAPER: PaperReference = {
  id: 'cvae-gan',
  number: '000',
  title: 'Zhang, Sun, Zheng & Li, "Disentangling the spatial structure and style in conditional VAE" (ICIP 2020)',
};

/**
 * The paper gives no optimiser. Adam at 2e-4 with β1 = 0.5 is the DCGAN setting that the
 * cited cVAE-GAN (Bao et al. 2017) and most hinge-loss GANs of its time train with; batch 32.
 */
export const CVAE_GAN_OPTIMIZATION: OptimizationDefaults = { learningRate: 2e-4, batchSize: 32, adam: { beta1: 0.5, beta2: 0.999, epsilon: 1e-8 } };

const HELP = {
  zuDim: "width of z_u as a style vector (a Dec input or through AdaIN). Default 32",
  zsDim: 'width of z_s = f(c) as a style code (through AdaIN). Default 32',
  zuChannels: 'channels k of z_u as a spatial map H×W×k (through SPADE). Default 1',
  mappingHidden: "hidden widths of the label mapping network f. Default [128]",
  encoderStages: "channels of the encoder's stride-2 4×4 convs; their last map is the spatial codes' H×W. Default [32,64]",
  decoderChannels: "the decoder's 4×4 map channels, then each ×2 block's. Default [64,32,16,16] at 32×32",
  spadeHidden: "width of SPADE's shared conv. Default 16",
  discriminatorStages: "channels of the projection discriminator's stride-2 convs. Default [16,32,64]",
  'weights.reconstruction': 'weight 1/(2v) on Σ_pixels (x − x̂)² (v: the likelihood variance on [0,1] pixels). Default 50',
  'weights.kl': 'weight on KL(q(z_u|x,c) ‖ N(0,I)). Default 1',
  'weights.adversarial': "weight on the generator's hinge terms. Default 10",
  seed: 'seed of the initial weights (default: the run seed)',
} as const;

const DATA_FIELDS = ['model', 'input', 'labels'];
const SPEC = {
  decided: DATA_FIELDS,
  fields: [...DATA_FIELDS, 'structure', 'zuDim', 'zsDim', 'zuChannels', 'spatialSide', 'mappingHidden', 'encoderStages', 'decoderChannels', 'spadeHidden', 'discriminatorStages', 'weights', 'seed'],
  numbers: ['zuDim', 'zsDim', 'zuChannels', 'spatialSide', 'spadeHidden', 'seed'],
  lists: ['mappingHidden', 'encoderStages', 'decoderChannels', 'discriminatorStages'],
  groups: ['weights'],
};

/** The user's overrides (plain or dotted: `weights.kl`) plus what the data decide, validated. */
export function resolveCvaeGanEntryConfig(model: CvaeGanModelName, overrides: Record<string, unknown>, environment: ModelEnvironment): CvaeGanConfig {
  const { nested, fail } = entryOverrides('cvae-gan', model, overrides, environment, SPEC, { images: 'the encoder, decoder and discriminator are conv nets' });
  const mixed = (environment.classColumns ?? 0) > 0 && environment.classColumns! < environment.labels.length;
  if (!environment.exclusive || mixed) {
    fail('labels', `must be one exclusive class c per image (chairs: the azimuth; faces: the identity, --labels one-hot); the data's labels ${environment.labels.slice(0, 4).join(', ')}${environment.labels.length > 4 ? ', …' : ''} are ${mixed ? 'a class mixed with attributes' : 'independent binary attributes'}`);
  }
  return resolveCvaeGanConfig({
    ...(nested as Partial<CvaeGanConfigInput>),
    model,
    input: environment.input as CvaeGanConfig['input'],
    labels: environment.labels,
    seed: (nested.seed as number | undefined) ?? environment.seed,
  });
}

export interface CvaeGanModelEntry extends ModelEntry<CvaeGanConfig> {
  name: CvaeGanModelName;
  create(config: CvaeGanConfig): ConditionalVaeGan;
}

const CAPABILITIES: readonly CapabilityName[] = ['encode', 'decode', 'reconstruct', 'sample', 'switchAttributes'];

const CODE_WORDS = {
  concat: 'the one-hot c concatenated at the decoder input',
  adain: 'f(c) as a style code through AdaIN',
  spade: 'f(c) as an H×W×1 spatial code through SPADE',
  input: 'a style vector concatenated at the decoder input',
  'u-adain': 'a style vector (global average pooling) through AdaIN',
  'u-spade': 'an H×W×1 spatial map (no FC layers) through SPADE',
} as const;

function describe(name: CvaeGanModelName, title: string): string {
  const { zs, zu } = MODEL_STRUCTURES[name];
  const u = zu === 'input' ? CODE_WORDS.input : CODE_WORDS[`u-${zu}`];
  return `${title}: z_s = ${CODE_WORDS[zs]}; z_u = ${u}; hinge projection discriminator on real, reconstructed, exchanged and prior images`;
}

function entry(name: CvaeGanModelName, title: string): CvaeGanModelEntry {
  return {
    name,
    paper: CVAE_GAN_PAPER,
    description: describe(name, title),
    needs: { inputs: ['image'], labels: 'required', labelKinds: ['exclusive'] },
    capabilities: CAPABILITIES,
    options: HELP,
    resolveConfig: (overrides, environment) => resolveCvaeGanEntryConfig(name, overrides, environment),
    create: (config) => {
      if (config?.model !== name) throw new Error(`${name}: create() got a config for '${String(config?.model)}'; resolve it with this entry's resolveConfig`);
      return new ConditionalVaeGan(resolveCvaeGanConfig(config));
    },
    optimization: CVAE_GAN_OPTIMIZATION,
  };
}

const TITLES: Record<CvaeGanModelName, string> = {
  'cvae-gan': 'cVAE-GAN (Bao et al. 2017), the baseline of Tables 2 and 3',
  'cvae-gan-s1': 'S1 (Table 1)',
  'cvae-gan-s2': 'S2 (Table 1)',
  'cvae-gan-s3': 'S3 (Table 1)',
  'cvae-gan-s4': 'S4 (Table 1)',
  'cvae-gan-proposed': "the paper's proposed model on 3D chairs (§3.2)",
  'cvae-gan-proposed-faces': "the paper's proposed model on FaceScrub (Fig. 1; S4's structure)",
};

export const CVAE_GAN_MODELS = Object.fromEntries(CVAE_GAN_MODEL_NAMES.map((name) => [name, entry(name, TITLES[name])])) as Record<CvaeGanModelName, CvaeGanModelEntry>;

/** The entries the lab composes, in Table 1's order. */
export const models: CvaeGanModelEntry[] = CVAE_GAN_MODEL_NAMES.map((name) => CVAE_GAN_MODELS[name]);

export function createCvaeGanModel(input: CvaeGanConfigInput): ConditionalVaeGan {
  const config = resolveCvaeGanConfig(input);
  return CVAE_GAN_MODELS[config.model].create(config);
}

/** Writes the weights and the config to `dir`. */
export async function saveCvaeGanModel(model: ConditionalVaeGan, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveModelWithConfig(dir, model.variables, 'cvae-gan', model.config, metadata);
}

/** Reads a model written by `saveCvaeGanModel` (or a checkpoint carrying the config in its metadata). */
export function loadCvaeGanModel(dir: string, config?: CvaeGanConfigInput): Promise<ConditionalVaeGan> {
  return loadModelWithConfig(dir, 'cvae-gan', createCvaeGanModel, config);
}
