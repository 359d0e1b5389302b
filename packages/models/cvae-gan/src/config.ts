/**
 * The configs of paper 000's models (Zhang, Sun, Zheng & Li, "Disentangling the spatial
 * structure and style in conditional VAE", ICIP 2020). One generator family — a label
 * mapping network f (c → z_s), an encoder q(z_u | x, c) and a decoder Dec(z_s, z_u) — and
 * Table 1's structures, which differ only in how each code reaches the decoder:
 *
 *   z_s: 'concat' (the one-hot c joins the decoder's input, Bao et al.'s cVAE-GAN),
 *        'adain'  (f(c) is a style code 1×1×C, through AdaIN in every block),
 *        'spade'  (f(c) is a spatial code H×W×1, through SPADE in every block);
 *   z_u: 'input'  (a style vector, concatenated at the decoder's input),
 *        'adain'  (a style vector from global average pooling, through AdaIN),
 *        'spade'  (a spatial map H×W×k, no fully connected layers, through SPADE).
 *
 * `resolveCvaeGanConfig` fills the defaults and validates, naming the field.
 */
import type { InputSpec } from '@disentangle/kernels';

/**
 * Table 1's structures. The chairs' Proposed is SPADE z_s + AdaIN z_u; the faces' Proposed
 * (Fig. 1) is AdaIN z_s + SPADE z_u, the structure S4 has on the chairs: two names, one
 * structure, so each table can name the model its paper reports.
 */
export const CVAE_GAN_MODEL_NAMES = ['cvae-gan', 'cvae-gan-s1', 'cvae-gan-s2', 'cvae-gan-s3', 'cvae-gan-s4', 'cvae-gan-proposed', 'cvae-gan-proposed-faces'] as const;
export type CvaeGanModelName = (typeof CVAE_GAN_MODEL_NAMES)[number];

export type LabelCodeMode = 'concat' | 'adain' | 'spade';
export type FreeCodeMode = 'input' | 'adain' | 'spade';

export interface CvaeGanStructure {
  zs: LabelCodeMode;
  zu: FreeCodeMode;
}

export const MODEL_STRUCTURES: Record<CvaeGanModelName, CvaeGanStructure> = {
  'cvae-gan': { zs: 'concat', zu: 'input' },
  'cvae-gan-s1': { zs: 'adain', zu: 'input' },
  'cvae-gan-s2': { zs: 'spade', zu: 'input' },
  'cvae-gan-s3': { zs: 'adain', zu: 'adain' },
  'cvae-gan-s4': { zs: 'adain', zu: 'spade' },
  'cvae-gan-proposed': { zs: 'spade', zu: 'adain' },
  'cvae-gan-proposed-faces': { zs: 'adain', zu: 'spade' },
};

/** The generator's and the discriminator's loss weights (the paper gives none; see the README for the choice). */
export interface CvaeGanWeights {
  /**
   * On Σ_pixels (x − x̂)² of a reconstruction, per image: 1/(2v) of a Gaussian likelihood of
   * variance v on [0, 1] pixels. Default 50 (v = 0.01, σ = 0.1).
   */
  reconstruction: number;
  /** On KL(q(z_u | x, c) ‖ N(0, I)), summed over z_u's dimensions (eq. 1's second term). Default 1. */
  kl: number;
  /** On the generator's hinge term −Σ_k E[D(fake_k, c_k)] over the reconstructed, exchanged and prior images. Default 10. */
  adversarial: number;
}

export interface CvaeGanConfig {
  model: CvaeGanModelName;
  input: Extract<InputSpec, { kind: 'image' }>;
  /** The class names of the exclusive label c (chairs: the 62 azimuths; faces: the identities). */
  labels: string[];
  /** Fixed by the model name. */
  structure: CvaeGanStructure;
  /** Width of z_u as a style vector ('input', 'adain'). Default 32. */
  zuDim: number;
  /** Channels k of z_u as a spatial map ('spade'), H×W×k at `spatialSide`. Default 1 (the paper's H×W×1). */
  zuChannels: number;
  /** Width of z_s = f(c) as a style code ('adain'). Default 32. */
  zsDim: number;
  /** Side H = W of the spatial codes (z_s as H×W×1, z_u as H×W×k). Default: the image side / 4. */
  spatialSide: number;
  /** Hidden widths of f's fully connected layers before its output. Default [128]. */
  mappingHidden: number[];
  /** Channels of the encoder's stride-2 4×4 conv stages (the last one's map is at `spatialSide`). Default [32, 64]. */
  encoderStages: number[];
  /** Channels of the decoder's 4×4 map and of each ×2 block after it (log2(size/4) blocks). Default [64, 32, 16, 16] at 32×32 (sized to a 2-core CPU). */
  decoderChannels: number[];
  /** Width of SPADE's shared hidden conv. Default 16. */
  spadeHidden: number;
  /** Channels of the discriminator's stride-2 4×4 conv stages. Default [16, 32, 64]. */
  discriminatorStages: number[];
  weights: CvaeGanWeights;
  seed: number;
}

export type CvaeGanConfigInput = Partial<Omit<CvaeGanConfig, 'weights'>> & Pick<CvaeGanConfig, 'model' | 'input' | 'labels'> & { weights?: Partial<CvaeGanWeights> };

export const DEFAULT_WEIGHTS: CvaeGanWeights = { reconstruction: 50, kl: 1, adversarial: 10 };

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const positiveList = (v: unknown) => Array.isArray(v) && v.every(positiveInteger);

/** The number of ×2 decoder blocks that take the 4×4 map to `size`. */
export function decoderBlockCount(size: number): number {
  return Math.round(Math.log2(size / 4));
}

export function resolveCvaeGanConfig(input: CvaeGanConfigInput): CvaeGanConfig {
  const model = input?.model;
  if (!(CVAE_GAN_MODEL_NAMES as readonly string[]).includes(model as string)) {
    throw new Error(`cvae-gan config: model must be one of ${CVAE_GAN_MODEL_NAMES.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const fail = (field: string, message: string): never => {
    throw new Error(`cvae-gan config (${model}): ${field} ${message}`);
  };
  const fixed = MODEL_STRUCTURES[model];
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<CvaeGanConfig>;
  if (given.structure !== undefined && JSON.stringify(given.structure) !== JSON.stringify(fixed)) {
    fail('structure', `is ${JSON.stringify(fixed)} for ${model} (it is what the model name means), got ${JSON.stringify(given.structure)}`);
  }
  const shape = given.input as InputSpec | undefined;
  if (!shape || shape.kind !== 'image' || !positiveInteger(shape.size) || ![1, 3].includes(shape.channels)) {
    fail('input', `must be images { kind: 'image', size, channels: 1 | 3 } (the encoder, decoder and discriminator are conv nets), got ${JSON.stringify(shape)}`);
  }
  const size = (shape as CvaeGanConfig['input']).size;
  const blocks = decoderBlockCount(size);
  const c = {
    zuDim: 32,
    zuChannels: 1,
    zsDim: 32,
    spatialSide: size / 4,
    mappingHidden: [128],
    encoderStages: [32, 64],
    decoderChannels: [64, 32, ...new Array(Math.max(blocks - 1, 0)).fill(16)],
    spadeHidden: 16,
    discriminatorStages: [16, 32, 64],
    seed: 0,
    ...given,
    structure: fixed,
    weights: { ...DEFAULT_WEIGHTS, ...(input.weights ?? {}) },
  } as CvaeGanConfig;
  if (size < 8 || 4 * 2 ** blocks !== size) fail('input', `size ${size} is not 4·2^b for b ≥ 1 (the decoder doubles a 4×4 map in each block)`);
  if (!Array.isArray(c.labels) || c.labels.length < 2 || !c.labels.every((l) => typeof l === 'string')) {
    fail('labels', `must name the classes of the exclusive label c (at least two); got ${JSON.stringify(c.labels)}. Train on data with a class label, e.g. --dataset chairs --labels one-hot`);
  }
  for (const field of ['zuDim', 'zuChannels', 'zsDim', 'spatialSide', 'spadeHidden'] as const) {
    if (!positiveInteger(c[field])) fail(field, `must be a positive integer, got ${String(c[field])}`);
  }
  if (!positiveList(c.mappingHidden)) fail('mappingHidden', `must be a list of positive integers, got ${JSON.stringify(c.mappingHidden)}`);
  for (const field of ['encoderStages', 'discriminatorStages'] as const) {
    if (!positiveList(c[field]) || c[field].length === 0) fail(field, `must be a non-empty list of positive integers, got ${JSON.stringify(c[field])}`);
    if (size % 2 ** c[field].length !== 0) fail(field, `has ${c[field].length} stride-2 stages, but the image side ${size} does not divide by 2^${c[field].length}`);
  }
  if (size / 2 ** c.encoderStages.length !== c.spatialSide) {
    fail('spatialSide', `is ${c.spatialSide}, but the encoder's ${c.encoderStages.length} stride-2 stages end at ${size / 2 ** c.encoderStages.length}×${size / 2 ** c.encoderStages.length} (the spatial z_u is read off that map without fully connected layers)`);
  }
  if (!positiveList(c.decoderChannels) || c.decoderChannels.length !== blocks + 1) {
    fail('decoderChannels', `must list ${blocks + 1} positive channel counts at size ${size} (the 4×4 map, then each of the ${blocks} ×2 blocks), got ${JSON.stringify(c.decoderChannels)}`);
  }
  for (const [key, value] of Object.entries(c.weights)) {
    if (!(key in DEFAULT_WEIGHTS)) fail(`weights.${key}`, `is not a weight of the losses (known: ${Object.keys(DEFAULT_WEIGHTS).join(', ')})`);
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) fail(`weights.${key}`, `must be a number ≥ 0, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(c.seed)) fail('seed', `must be an integer, got ${String(c.seed)}`);
  return c;
}
