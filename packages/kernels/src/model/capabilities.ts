/**
 * What a trained model can do, beyond training (DESIGN convention 4). Each capability is a
 * small interface; a model's registry entry lists the ones it implements, and the CLI, the
 * metrics and the figures are written against these interfaces only, never against a
 * model class. Types only.
 *
 * Inputs are `ModelBatch`es (x and, for conditional models, labels y ∈ {0,1}^[n, K]).
 * Outputs are data: probabilities for Bernoulli decoders, means for Gaussian ones, shaped
 * like x.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../random/seeded-random';
import type { ModelBatch } from './generative-model';

export const CAPABILITIES = [
  'encode',
  'decode',
  'reconstruct',
  'sample',
  'switchAttributes',
  'variety',
  'transfer',
  'logLikelihood',
  'manipulate',
  'unsupervisedCodes',
  'attributeCodes',
  'classify',
  'swapLabels',
] as const;

export type CapabilityName = (typeof CAPABILITIES)[number];

/** A diagonal Gaussian over the latent code, [n, codeWidth] each. */
export interface LatentCode {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}

/**
 * One named block of the latent code, e.g. CSVAE's z (label-free) and w_k (label k's
 * subspace). Evaluations read labels from blocks (k-NN), correlate factors with them, and
 * compare their means between classes.
 */
export interface CodePart {
  name: string;
  start: number;
  size: number;
  /** The label this block belongs to (CSVAE's W_k), if any. */
  label?: number;
  /** 'label' for blocks that should hold a label's information, 'free' for those that should not. */
  role?: 'label' | 'free';
  /** Label blocks with a per-label prior (CSVAE's p(w_k | y_k)): its mean with the label on and off, [size] each. */
  priorMeans?: { on: number[]; off: number[] };
}

/** 'encode': the posterior q(code | x[, y]). */
export interface Encodes {
  readonly codeWidth: number;
  /** The code's blocks, in order; one block `code` when the model has no partition. */
  codeParts(): CodePart[];
  encode(batch: ModelBatch): LatentCode;
}

/** 'decode': a code (plus labels for conditional decoders) back to data. */
export interface Decodes {
  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor;
}

/** 'reconstruct': x through the posterior mean, without sampling. */
export interface Reconstructs {
  reconstruct(batch: ModelBatch): tf.Tensor;
}

/** 'sample': decodings of prior draws (conditional models: for labels y [count, K]). */
export interface Samples {
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor;
}

/**
 * Statistics of encoded training examples that an attribute switch needs: per label, the
 * mean code of the examples with it on and off, and (models with a label subspace) the
 * spread of the label's style there. Plain JSON, so it can be cached beside a run.
 */
export interface SwitchReference {
  /** Mean posterior code of the examples with label k on, [K][codeWidth]. */
  presentMean: number[][];
  /** Mean posterior code of the examples with label k off, [K][codeWidth]. */
  absentMean: number[][];
  /** Label-subspace models only: the style statistics of each label k in its own subspace. */
  subspaces?: SubspaceStatistics[];
}

export interface SubspaceStatistics {
  /** Mean of the label's subspace code over the on-examples, [dim]: the default style. */
  mean: number[];
  /** Top principal axes (unit vectors, [≤2][dim]) and the standard deviation along each. */
  axes: number[][];
  scales: number[];
}

export interface SwitchOptions {
  /** Label-subspace models: the point (style) for each label switched on, [K][dim]. */
  points?: number[][];
  /** Conditional decoders: the value a switched-on label is set to (an "intensity"); default 1. */
  intensity?: number;
}

/** 'switchAttributes': x with labels y turned into outputs with labels `target` (CSVAE §4.3's G_ij). */
export interface SwitchesAttributes {
  /** Builds the reference from posterior codes [n, codeWidth] and labels [n, K] of training examples. */
  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference;
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options?: SwitchOptions): tf.Tensor;
}

/**
 * 'variety': many styles of one attribute. `styleGrid` gives steps×steps points p for label
 * k (row-major), which `switchAttributes(..., { points })` draws; `span` is in prior standard
 * deviations around the prior's mean for the label on.
 */
export interface VariesAttributes {
  styleGrid(reference: SwitchReference, label: number, steps: number, span?: number): number[][];
}

/** 'transfer': target's content with label k's style taken from source (row by row, or every source × target pair). */
export interface TransfersAttributes {
  /** Outputs [sources.n × targets.n, ...]: row-major over targets, then sources. */
  transfer(sources: ModelBatch, targets: ModelBatch, label: number): tf.Tensor;
}

/** 'logLikelihood': log p(x[, y]) per example in nats, or a lower bound on it (say which in the entry). */
export interface ScoresLikelihood {
  logLikelihood(batch: ModelBatch, random: SeededRandom): tf.Tensor1D;
}

/** One step of a cumulative manipulation: set label `label` to `value`. */
export interface AttributeChange {
  label: number;
  value: 0 | 1;
}

/**
 * 'manipulate': attributes changed one after another, each step keeping the previous ones
 * (paper 003 §4.2, Fig. 4, Table 3). Returns `changes.length + 1` images per row of
 * `batch`: index 0 is the starting point (the model's rendering of x with labels y), index
 * s the result after the first s changes. Models that edit an encoding (Glow + pre-store)
 * use `reference` (the per-label mean codes of `switchReference`); generative ones (CGlow,
 * CAGlow) keep their noise fixed across the steps and change only the condition.
 */
export interface ManipulatesAttributes {
  manipulate(batch: ModelBatch, changes: AttributeChange[], random: SeededRandom, reference?: SwitchReference): tf.Tensor[];
}

/** An unsupervised code c_u of a model (InfoGAN-style): what it is drawn from. */
export interface UnsupervisedCode {
  name: string;
  /** 'continuous': uniform on `range`; 'discrete': Bernoulli, values 0 and 1. */
  kind: 'continuous' | 'discrete';
  range: [number, number];
}

/**
 * 'unsupervisedCodes': samples drawn with chosen values of the model's unsupervised codes c_u
 * (paper 003 §4.4, Figs. 6–7): traversals and their correlation with known factors.
 */
export interface HasUnsupervisedCodes {
  readonly unsupervisedCodes: readonly UnsupervisedCode[];
  /** `codes` is [count, unsupervisedCodes.length]; `y` the conditions for conditional models. */
  sampleWithCodes(count: number, random: SeededRandom, codes: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor;
}

/**
 * 'attributeCodes': one scalar code per label that the decoder reads (paper 002's z2), with
 * 0 meaning the label off and 1 on, and every other value an interpolation or an
 * extrapolation (z2 = 2, 3 in the slides' "young" sweep). Fusion is
 * `withAttributeCodes(x, attributeCodes(x̃))`.
 */
export interface HasAttributeCodes {
  /** The posterior mean of each label's code, [n, K]. */
  attributeCodes(batch: ModelBatch): tf.Tensor2D;
  /** x's other codes (posterior means) decoded with the label codes set to `codes` [n, K]. */
  withAttributeCodes(batch: ModelBatch, codes: tf.Tensor2D): tf.Tensor;
}

/** 'classify': the model's own label classifier (paper 001's q(y | x)). */
export interface ClassifiesLabels {
  /** The probability of each label being on, [n, K]. */
  classify(batch: ModelBatch): tf.Tensor2D;
}

/**
 * 'swapLabels': paper 001's exchange. `into`'s image decoded with label k's part of the code
 * (y_k and its features u_k where the model has them) taken from `from`, row by row; every
 * other part of `into`'s code is kept. Labels the model needs are inferred from the images
 * (its most likely y), as at test time.
 */
export interface SwapsLabels {
  swapLabels(into: ModelBatch, from: ModelBatch, label: number): tf.Tensor;
}

/** The interface behind each capability name. */
export interface CapabilityInterfaces {
  encode: Encodes;
  decode: Decodes;
  reconstruct: Reconstructs;
  sample: Samples;
  switchAttributes: SwitchesAttributes & Encodes;
  variety: VariesAttributes & SwitchesAttributes & Encodes;
  transfer: TransfersAttributes;
  logLikelihood: ScoresLikelihood;
  manipulate: ManipulatesAttributes;
  unsupervisedCodes: HasUnsupervisedCodes;
  attributeCodes: HasAttributeCodes;
  classify: ClassifiesLabels;
  swapLabels: SwapsLabels;
}

/** The methods each capability requires, for the run-time check of a model against its entry. */
export const CAPABILITY_METHODS: Record<CapabilityName, readonly string[]> = {
  encode: ['encode', 'codeParts'],
  decode: ['decodeCode'],
  reconstruct: ['reconstruct'],
  sample: ['sample'],
  switchAttributes: ['switchReference', 'switchAttributes', 'encode'],
  variety: ['styleGrid', 'switchAttributes'],
  transfer: ['transfer'],
  logLikelihood: ['logLikelihood'],
  manipulate: ['manipulate'],
  unsupervisedCodes: ['sampleWithCodes'],
  attributeCodes: ['attributeCodes', 'withAttributeCodes'],
  classify: ['classify'],
  swapLabels: ['swapLabels'],
};

/** Methods `model` lacks for `capability` (empty when it has them all). */
export function missingCapabilityMethods(model: object, capability: CapabilityName): string[] {
  return CAPABILITY_METHODS[capability].filter((method) => typeof (model as Record<string, unknown>)[method] !== 'function');
}
