/**
 * The configs of paper 001's models (Zou, Faisan, Heitz & Valette, "Joint disentanglement of
 * labels and their features with VAE", ICIP 2022). One encoder/decoder family and three
 * dependency structures:
 *
 *   joint  (PA1, PA2)  latent (y, z, u): y a label, u its features, z the rest; d(y, z, u)
 *   m2     (M2)        latent (y, z): Kingma et al. 2014's M2 on the same networks; d(y, z)
 *   ccvae  (CCVAE)     latent (z, u), y read from u by q(y | u) and p(u | y) a learned prior;
 *                      d(z, u) — y is no decoder input (Joy et al. 2021)
 *
 * `resolveJdvaeConfig` fills the defaults of each model name and validates, naming the field.
 */
import type { InputSpec } from '@disentangle/kernels';

/** The five models of Table 1 and the two ablations of §3 (PA1 without AdaIN, PA1 without tokens). */
export const JDVAE_MODEL_NAMES = ['ccvae', 'ccvae2', 'm2', 'pa1', 'pa2', 'pa1-no-adain', 'pa1-no-tokens'] as const;
export type JdvaeModelName = (typeof JDVAE_MODEL_NAMES)[number];

export type DependencyStructure = 'joint' | 'm2' | 'ccvae';

/**
 * Which networks: 'fig1' is the paper's (a conv encoder; a decoder of AdaIN residual blocks
 * fed by z, with learned class tokens), 'ccvae' the plain conv encoder/decoder of Joy et
 * al.'s CelebA code (no normalisation, no AdaIN, no tokens).
 */
export type Architecture = 'fig1' | 'ccvae';

/**
 * The likelihood p(x | ·):
 *   'gaussian-per-pixel' — eq. 2 with v = 1 on the paper's [−1, 1] pixels, divided by the
 *                          pixel count N as eq. 4 is (the paper's models);
 *   'laplace'            — Laplace(d, 1) summed over pixels, CCVAE's authors' choice, with the
 *                          rest of its ELBO unweighted (CCVAE).
 */
export type Likelihood = 'gaussian-per-pixel' | 'laplace';

/** p(u | y = 0): PA1's Dirac at 0 or PA2's N(0, offVariance · I). */
export type FeaturePrior = 'dirac' | 'narrow';

export interface JdvaeWeights {
  /** β of eq. 4 on the KLs and log p(y) (paper: 1e−4; CCVAE: 1, its ELBO is unweighted). */
  beta: number;
  /** α of eq. 4 on log q(y | x) for labelled examples (paper: 1). */
  alpha: number;
  /** Extra factor on the u-KL when y = 1 ("divided by 100" in §3: 0.01). */
  featureKlOn: number;
}

export interface JdvaeConfig {
  model: JdvaeModelName;
  structure: DependencyStructure;
  architecture: Architecture;
  likelihood: Likelihood;
  input: Extract<InputSpec, { kind: 'image' }>;
  /** The binary labels y_1..y_K (Eyeglasses in Table 1; Eyeglasses and Beard in Fig. 3). */
  labels: string[];
  /** Dimension of z (paper: 100, "the size of the latent space that models the attributes of the face"). */
  zDim: number;
  /** Dimension of each label's features u_k (paper: 16; CCVAE's authors: 1 per label). 0 for M2. */
  uDim: number;
  /** p(u | y = 0) of the joint structure (PA1 'dirac', PA2 'narrow'). */
  featurePrior: FeaturePrior;
  /** The variance of PA2's p(u | y = 0) (paper: 0.1). */
  offVariance: number;
  /** AdaIN in the decoder's residual blocks, fed by z (Fig. 1); off: instance norm, z enters at the first FC only. */
  adain: boolean;
  /** One set of learned tokens per class (Fig. 1); off: y joins the first FC only. */
  tokens: boolean;
  /**
   * Beyond the paper: AdaIN's style code is [z, u] instead of z alone, so the features u reach
   * every block as z does (the paper feeds u to the first FC only). Absent (the paper's) = false,
   * so runs trained before the option existed keep their config.
   */
  featureStyle?: boolean;
  /** Channels of the encoder's stride-2 4×4 conv stages (CCVAE's decoder mirrors them). Default [16, 32, 64]; CCVAE [32, 32, 64]. */
  encoderStages: number[];
  /** Dense width after the encoder's conv stages. Default 256. */
  hidden: number;
  /**
   * Fig. 1 decoder: channels of the first FC's 4×4 map, then the output of each ×2 residual
   * block (log2(size / 4) blocks). Default [64, 32, 16, 8] at 32×32 (sized to a 2-core CPU).
   */
  decoderChannels: number[];
  /** Temperature τ of the Gumbel-softmax sample of an unknown y. Default 0.5. */
  temperature: number;
  /** CCVAE: samples K of the Monte Carlo estimate q(y | x) ≈ (1/K) Σ_k q(y | u_k). Default 100 (the authors' k). */
  classifierSamples: number;
  weights: JdvaeWeights;
  seed: number;
}

export type JdvaeConfigInput = Partial<Omit<JdvaeConfig, 'weights'>> & Pick<JdvaeConfig, 'model' | 'input' | 'labels'> & { weights?: Partial<JdvaeWeights> };

export const PAPER_WEIGHTS: JdvaeWeights = { beta: 1e-4, alpha: 1, featureKlOn: 0.01 };

/** What each model name fixes (the user may still override the sizes and weights). */
export const MODEL_STRUCTURES: Record<JdvaeModelName, Pick<JdvaeConfig, 'structure' | 'architecture' | 'likelihood' | 'featurePrior' | 'adain' | 'tokens'> & { uDim: number; weights: JdvaeWeights }> = {
  ccvae: { structure: 'ccvae', architecture: 'ccvae', likelihood: 'laplace', featurePrior: 'narrow', adain: false, tokens: false, uDim: 1, weights: { beta: 1, alpha: 1, featureKlOn: 1 } },
  ccvae2: { structure: 'ccvae', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'narrow', adain: true, tokens: false, uDim: 16, weights: { ...PAPER_WEIGHTS, featureKlOn: 1 } },
  m2: { structure: 'm2', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'dirac', adain: true, tokens: true, uDim: 0, weights: PAPER_WEIGHTS },
  pa1: { structure: 'joint', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'dirac', adain: true, tokens: true, uDim: 16, weights: PAPER_WEIGHTS },
  pa2: { structure: 'joint', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'narrow', adain: true, tokens: true, uDim: 16, weights: PAPER_WEIGHTS },
  'pa1-no-adain': { structure: 'joint', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'dirac', adain: false, tokens: true, uDim: 16, weights: PAPER_WEIGHTS },
  'pa1-no-tokens': { structure: 'joint', architecture: 'fig1', likelihood: 'gaussian-per-pixel', featurePrior: 'dirac', adain: true, tokens: false, uDim: 16, weights: PAPER_WEIGHTS },
};

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const positiveList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(positiveInteger);

/** The number of ×2 residual blocks that take the decoder's 4×4 map to `size`. */
export function decoderBlockCount(size: number): number {
  return Math.round(Math.log2(size / 4));
}

export function resolveJdvaeConfig(input: JdvaeConfigInput): JdvaeConfig {
  const model = input?.model;
  if (!(JDVAE_MODEL_NAMES as readonly string[]).includes(model as string)) {
    throw new Error(`jdvae config: model must be one of ${JDVAE_MODEL_NAMES.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const fail = (field: string, message: string): never => {
    throw new Error(`jdvae config (${model}): ${field} ${message}`);
  };
  const fixed = MODEL_STRUCTURES[model];
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<JdvaeConfig>;
  for (const field of ['structure', 'architecture', 'likelihood', 'featurePrior', 'adain', 'tokens'] as const) {
    if (field in given && given[field] !== fixed[field]) fail(field, `is ${JSON.stringify(fixed[field])} for ${model} (it is what the model name means), got ${JSON.stringify(given[field])}`);
  }
  const c = {
    zDim: 100,
    uDim: fixed.uDim,
    offVariance: 0.1,
    // CCVAE's authors' encoder is lighter (32-32-64-128 at 64×64); at our sizes one stage fewer.
    encoderStages: fixed.architecture === 'ccvae' ? [32, 32, 64] : [16, 32, 64],
    hidden: 256,
    decoderChannels: [64, 32, 16, 8],
    temperature: 0.5,
    classifierSamples: 100,
    seed: 0,
    ...given,
    ...Object.fromEntries(Object.entries(fixed).filter(([key]) => key !== 'uDim' && key !== 'weights')),
    weights: { ...fixed.weights, ...(input.weights ?? {}) },
  } as JdvaeConfig;
  const shape = c.input as InputSpec | undefined;
  if (!shape || shape.kind !== 'image' || !positiveInteger(shape.size) || ![1, 3].includes(shape.channels)) {
    fail('input', `must be images { kind: 'image', size, channels: 1 | 3 } (the encoder and decoder are conv nets), got ${JSON.stringify(shape)}`);
  }
  const size = (shape as JdvaeConfig['input']).size;
  if (!Array.isArray(c.labels) || c.labels.length === 0 || !c.labels.every((l) => typeof l === 'string')) {
    fail('labels', `must name the binary labels y (one each); got ${JSON.stringify(c.labels)}. Train on data with binary attribute labels, e.g. --labels Eyeglasses`);
  }
  if (!positiveInteger(c.zDim)) fail('zDim', `must be a positive integer, got ${String(c.zDim)}`);
  if (c.structure === 'm2') {
    if (c.uDim !== 0) fail('uDim', `must be 0 for M2 (it has no features u), got ${String(c.uDim)}`);
  } else if (!positiveInteger(c.uDim)) fail('uDim', `must be a positive integer, got ${String(c.uDim)}`);
  if (!(c.offVariance > 0 && Number.isFinite(c.offVariance))) fail('offVariance', `must be a number > 0, got ${String(c.offVariance)}`);
  if (!positiveList(c.encoderStages)) fail('encoderStages', `must be a non-empty list of positive integers, got ${JSON.stringify(c.encoderStages)}`);
  if (size % 2 ** c.encoderStages.length !== 0) fail('encoderStages', `has ${c.encoderStages.length} stride-2 stages, but the image side ${size} does not divide by 2^${c.encoderStages.length}`);
  if (!positiveInteger(c.hidden)) fail('hidden', `must be a positive integer, got ${String(c.hidden)}`);
  if (c.architecture === 'fig1') {
    const blocks = decoderBlockCount(size);
    if (size < 8 || 4 * 2 ** blocks !== size) fail('input', `size ${size} is not 4·2^b for b ≥ 1 (the Fig. 1 decoder doubles a 4×4 map in each residual block)`);
    if (!positiveList(c.decoderChannels) || c.decoderChannels.length !== blocks + 1) {
      fail('decoderChannels', `must list ${blocks + 1} positive channel counts at size ${size} (the 4×4 map, then each of the ${blocks} ×2 blocks), got ${JSON.stringify(c.decoderChannels)}`);
    }
  }
  if (c.featureStyle !== undefined && typeof c.featureStyle !== 'boolean') fail('featureStyle', `must be true or false, got ${JSON.stringify(c.featureStyle)}`);
  if (c.featureStyle && (!c.adain || c.uDim === 0)) fail('featureStyle', `needs AdaIN and features u (${model} has ${c.adain ? 'no u' : 'no AdaIN'})`);
  if (!(c.temperature > 0 && Number.isFinite(c.temperature))) fail('temperature', `must be a number > 0, got ${String(c.temperature)}`);
  if (!positiveInteger(c.classifierSamples)) fail('classifierSamples', `must be a positive integer, got ${String(c.classifierSamples)}`);
  for (const [key, value] of Object.entries(c.weights)) {
    if (!(key in PAPER_WEIGHTS)) fail(`weights.${key}`, `is not a weight of the criterion (known: ${Object.keys(PAPER_WEIGHTS).join(', ')})`);
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) fail(`weights.${key}`, `must be a number ≥ 0, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(c.seed)) fail('seed', `must be an integer, got ${String(c.seed)}`);
  return c;
}
