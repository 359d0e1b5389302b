/**
 * The configs of paper 002's models (Tang, Zhou, He & Ma, "Disentangled representation
 * learning for controllable image synthesis: an information-theoretic perspective", ICPR
 * 2020; slides). One architecture — E1 → z1, E2 → z2, G(z1, z2) — and a switch per loss the
 * slides add to it; `resolveInfomiConfig` fills the defaults and validates, naming the field.
 */
import type { InputSpec } from '@disentangle/kernels';

/** The slides' five comparisons (Figs. 4–5) plus L_f1, the bound they derive but do not show. */
export const INFOMI_MODEL_NAMES = ['pvae', 'pvae+ls', 'pvae+lf1', 'pvae+lf2', 'pvae+gan', 'pvae+gan+lf2'] as const;
export type InfomiModelName = (typeof INFOMI_MODEL_NAMES)[number];

/**
 * Which information loss a model adds on fused images x̂ = G(z1, z̃2):
 *   'none' — the plain partitioned VAE;
 *   'ls'   — InfoGAN's L_s: a readout q(z̃2 | x̂) (no z1);
 *   'lf1'  — the conditional bound L_f1 = −E log q(z̃2 | z1, x̂);
 *   'lf2'  — the conditional bound L_f2 = E‖f(x̂) − f(x̃)‖².
 */
export type InformationLoss = 'none' | 'ls' | 'lf1' | 'lf2';

export const MODEL_LOSSES: Record<InfomiModelName, { information: InformationLoss; gan: boolean }> = {
  pvae: { information: 'none', gan: false },
  'pvae+ls': { information: 'ls', gan: false },
  'pvae+lf1': { information: 'lf1', gan: false },
  'pvae+lf2': { information: 'lf2', gan: false },
  'pvae+gan': { information: 'none', gan: true },
  'pvae+gan+lf2': { information: 'lf2', gan: true },
};

/** The weights of the model phase's terms (the slides give none; see the README for the choice). */
export interface InfomiWeights {
  /** On Σ_pixels (x − G(z1, z2))²: a Gaussian likelihood of variance 1/(2·weight). Default 100. */
  reconstruction: number;
  /** On KL(q(z1 | x) ‖ N(0, I)). Default 1. */
  klZ1: number;
  /** On KL(q(z2 | x) ‖ p(z2 | y)). Default 1. */
  klZ2: number;
  /** On L_s or L_f1 (cross-entropy summed over the attributes). Default 100. */
  information: number;
  /** On L_f2 (squared distance summed over f's features). Default 100. */
  featureMatching: number;
  /** On L_GAN = −E log D(z̃2, x̂). Default 20. */
  gan: number;
}

export interface InfomiConfig {
  model: InfomiModelName;
  input: Extract<InputSpec, { kind: 'image' }>;
  /** The binary attributes z2 carries, one scalar each (Smiling, Young, Male in the slides). */
  labels: string[];
  /** Dimension of z1, the code for everything else. Default 32. */
  z1Dim: number;
  /** Channels of the stride-2 4×4 conv stages of E1 and (mirrored) G. Default [32, 64, 128]. */
  convStages: number[];
  /** Dense widths after E1's conv stages; G mirrors them. Default [256]. */
  hidden: number[];
  /** Conv stages of the smaller networks: E2, the readout q, the feature extractor f and D. Default [16, 32, 64]. */
  auxConvStages: number[];
  /** Dense width after the small networks' conv stages. Default 128. */
  auxHidden: number;
  /** Batch norm before every hidden ReLU of E1, E2 and G ('none' turns it off; q, f and D never have it). Default 'batch'. */
  normalization: 'batch' | 'none';
  /** Standard deviation s of the label prior p(z2_k | y_k) = N(y_k, s²). Default 0.1. */
  priorStd: number;
  weights: InfomiWeights;
  seed: number;
}

export type InfomiConfigInput = Partial<Omit<InfomiConfig, 'weights'>> & Pick<InfomiConfig, 'model' | 'input' | 'labels'> & { weights?: Partial<InfomiWeights> };

export const DEFAULT_WEIGHTS: InfomiWeights = { reconstruction: 100, klZ1: 1, klZ2: 1, information: 100, featureMatching: 100, gan: 20 };

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const positiveList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(positiveInteger);

export function resolveInfomiConfig(input: InfomiConfigInput): InfomiConfig {
  const model = input?.model;
  if (!(INFOMI_MODEL_NAMES as readonly string[]).includes(model as string)) {
    throw new Error(`infomi-vae config: model must be one of ${INFOMI_MODEL_NAMES.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const fail = (field: string, message: string): never => {
    throw new Error(`infomi-vae config (${model}): ${field} ${message}`);
  };
  const c = {
    z1Dim: 32,
    convStages: [32, 64, 128],
    hidden: [256],
    auxConvStages: [16, 32, 64],
    auxHidden: 128,
    normalization: 'batch',
    priorStd: 0.1,
    seed: 0,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    weights: { ...DEFAULT_WEIGHTS, ...(input.weights ?? {}) },
  } as InfomiConfig;
  const shape = c.input as InputSpec | undefined;
  if (!shape || shape.kind !== 'image' || !positiveInteger(shape.size) || ![1, 3].includes(shape.channels)) {
    fail('input', `must be images { kind: 'image', size, channels: 1 | 3 } (the encoders and G are conv nets), got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(c.labels) || c.labels.length === 0 || !c.labels.every((l) => typeof l === 'string')) {
    fail('labels', `must name the attributes z2 carries (one scalar each); got ${JSON.stringify(c.labels)}. Train on data with binary attribute labels, e.g. --labels Smiling,Young,Male`);
  }
  if (!positiveInteger(c.z1Dim)) fail('z1Dim', `must be a positive integer, got ${String(c.z1Dim)}`);
  for (const field of ['convStages', 'hidden', 'auxConvStages'] as const) {
    if (!positiveList(c[field])) fail(field, `must be a non-empty list of positive integers, got ${JSON.stringify(c[field])}`);
  }
  for (const field of ['convStages', 'auxConvStages'] as const) {
    if ((shape as InfomiConfig['input']).size % 2 ** c[field].length !== 0) fail(field, `has ${c[field].length} stride-2 stages, but the image side ${(shape as InfomiConfig['input']).size} does not divide by 2^${c[field].length}`);
  }
  if (!positiveInteger(c.auxHidden)) fail('auxHidden', `must be a positive integer, got ${String(c.auxHidden)}`);
  if (c.normalization !== 'batch' && c.normalization !== 'none') fail('normalization', `must be 'batch' or 'none', got ${JSON.stringify(c.normalization)}`);
  if (!(typeof c.priorStd === 'number' && c.priorStd > 0 && Number.isFinite(c.priorStd))) fail('priorStd', `must be a number > 0, got ${String(c.priorStd)}`);
  for (const [key, value] of Object.entries(c.weights)) {
    if (!(key in DEFAULT_WEIGHTS)) fail(`weights.${key}`, `is not a term of the model's loss (known: ${Object.keys(DEFAULT_WEIGHTS).join(', ')})`);
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) fail(`weights.${key}`, `must be a number ≥ 0, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(c.seed)) fail('seed', `must be an integer, got ${String(c.seed)}`);
  return c;
}
