/**
 * The configs of paper 003's models (Liu et al., "Conditional Adversarial Generative Flow
 * for Controllable Image Synthesis", CVPR 2019): Glow, CGlow and CAGlow share the flow's
 * settings; CAGlow adds its condition encoder E, the supervision block and the loss weights
 * of eq. 15. `resolveCaglowConfig` fills defaults and validates, naming the field at fault.
 */
export const CAGLOW_MODEL_NAMES = ['glow', 'cglow', 'caglow'] as const;
export type CaglowModelName = (typeof CAGLOW_MODEL_NAMES)[number];

export interface FlowSettings {
  /** N of Glow N×K: levels (squeeze → K steps → split). Paper: 3 (MNIST 32×32, CelebA 64×64). Default 2. */
  levels: number;
  /** K: steps of flow per level. Paper: 10 (MNIST), 32 (CelebA). Default 4. */
  stepsPerLevel: number;
  /** Hidden channels of every coupling network. Default 32. */
  hidden: number;
  /** Bits per pixel value the data are quantised to. Default 5 (Glow's CelebA setting). */
  nBits: number;
}

/** Eq. 15's λ_S, one per loss term S ∈ {F, E, Di, C, De, FM}. */
export interface CaglowWeights {
  flow: number;
  encoder: number;
  discriminator: number;
  classifier: number;
  decoder: number;
  featureMatching: number;
}

export interface CaglowConfig {
  model: CaglowModelName;
  input: { kind: 'image'; size: number; channels: 1 | 3 };
  /** Names of the condition columns y (c_s). */
  labels: string[];
  exclusive: boolean;
  /** Mixed labels: the first classColumns columns are a one-hot class (identity), the rest binary attributes. */
  classColumns: number;
  flow: FlowSettings;
  /** Sampling temperature T of Glow and CGlow (ε ~ N(0, T²)); CAGlow's E draws its own latents. Default 0.7. */
  temperature: number;
  /** CGlow: weight of the top-latent classifier's cross-entropy (nats) beside bits/dim. Default 0.01 (Glow's ycond). */
  classifierWeight: number;
  /** CAGlow: dimension of E's noise ε. Default 32. */
  noiseDim: number;
  /** CAGlow: hidden widths of E (fully connected, ReLU). Paper (MNIST): one layer of 64. */
  encoderHidden: number[];
  /** CAGlow: widths of the supervision block's shared trunk; the heads are linear on its last layer. Paper (MNIST): 64. */
  trunkHidden: number[];
  /** CAGlow: continuous unsupervised codes c_u ~ U(−1, 1). Default 0. */
  continuousCodes: number;
  /** CAGlow: discrete (binomial) unsupervised codes c_u ~ Bernoulli(½). Default 0. */
  discreteCodes: number;
  weights: CaglowWeights;
  /**
   * CAGlow's multi-stage training (§3.2): steps of stage 1 (the flow alone, eq. 9); E and
   * the supervision block train from this step on. 0 when the flow comes pretrained (the lab's
   * `initFrom`: a trained Glow run). Default 0.
   */
  flowSteps: number;
  /** CAGlow: keep training the flow on eq. 9 during stage 2 (fine-tuning) instead of fixing it. Default false. */
  fineTuneFlow: boolean;
  seed: number;
}

export type CaglowConfigInput = Partial<Omit<CaglowConfig, 'flow' | 'weights'>> &
  Pick<CaglowConfig, 'model' | 'input'> & { flow?: Partial<FlowSettings>; weights?: Partial<CaglowWeights> };

export const DEFAULT_FLOW: FlowSettings = { levels: 2, stepsPerLevel: 4, hidden: 32, nBits: 5 };

/** λ_S of eq. 15. The paper gives none; these weigh each term as its own objective (1) except FM, see the README. */
export const DEFAULT_WEIGHTS: CaglowWeights = { flow: 1, encoder: 1, discriminator: 1, classifier: 1, decoder: 1, featureMatching: 1 };

function fail(model: string, field: string, message: string): never {
  throw new Error(`caglow config (${model}): ${field} ${message}`);
}

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const nonNegativeInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

export function resolveCaglowConfig(input: CaglowConfigInput): CaglowConfig {
  const model = input?.model;
  if (!(CAGLOW_MODEL_NAMES as readonly string[]).includes(model as string)) {
    throw new Error(`caglow config: model must be one of ${CAGLOW_MODEL_NAMES.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const c: CaglowConfig = {
    labels: [],
    exclusive: false,
    classColumns: 0,
    temperature: 0.7,
    classifierWeight: 0.01,
    noiseDim: 32,
    encoderHidden: [64],
    trunkHidden: [64],
    continuousCodes: 0,
    discreteCodes: 0,
    flowSteps: 0,
    fineTuneFlow: false,
    seed: 0,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    flow: { ...DEFAULT_FLOW, ...(input.flow ?? {}) },
    weights: { ...DEFAULT_WEIGHTS, ...(input.weights ?? {}) },
  } as unknown as CaglowConfig;
  const { input: shape } = c;
  if (!shape || shape.kind !== 'image') fail(model, 'input', `must be images; these models are flows over NHWC images, got ${JSON.stringify(shape)}`);
  if (!positiveInteger(shape.size) || ![1, 3].includes(shape.channels)) fail(model, 'input', `must be { kind: 'image', size, channels: 1 | 3 }, got ${JSON.stringify(shape)}`);
  for (const field of ['levels', 'stepsPerLevel', 'hidden', 'nBits'] as const) {
    if (!positiveInteger(c.flow[field])) fail(model, `flow.${field}`, `must be a positive integer, got ${String(c.flow[field])}`);
  }
  if (shape.size % 2 ** c.flow.levels !== 0) fail(model, 'flow.levels', `is ${c.flow.levels}, but the image side ${shape.size} does not divide by 2^${c.flow.levels}`);
  if (!Array.isArray(c.labels) || !c.labels.every((l) => typeof l === 'string')) fail(model, 'labels', 'must be a list of names');
  if (model !== 'glow' && c.labels.length === 0) fail(model, 'labels', `are empty, but ${model} is conditional: train it on data with labels`);
  if (!nonNegativeInteger(c.classColumns) || c.classColumns > c.labels.length) fail(model, 'classColumns', `must be an integer in 0..${c.labels.length}, got ${String(c.classColumns)}`);
  if (c.exclusive && c.classColumns !== 0) fail(model, 'classColumns', 'must be 0 for exclusive labels (all columns are one class)');
  if (!(c.temperature >= 0)) fail(model, 'temperature', `must be ≥ 0, got ${String(c.temperature)}`);
  if (!(c.classifierWeight >= 0)) fail(model, 'classifierWeight', `must be ≥ 0, got ${String(c.classifierWeight)}`);
  if (!positiveInteger(c.noiseDim)) fail(model, 'noiseDim', `must be a positive integer, got ${String(c.noiseDim)}`);
  for (const field of ['encoderHidden', 'trunkHidden'] as const) {
    const list = c[field];
    if (!Array.isArray(list) || list.length === 0 || !list.every(positiveInteger)) fail(model, field, `must be a non-empty list of positive integers, got ${JSON.stringify(list)}`);
  }
  for (const field of ['continuousCodes', 'discreteCodes', 'flowSteps'] as const) {
    if (!nonNegativeInteger(c[field])) fail(model, field, `must be a non-negative integer, got ${String(c[field])}`);
  }
  for (const [key, value] of Object.entries(c.weights)) {
    if (!(key in DEFAULT_WEIGHTS)) fail(model, `weights.${key}`, `is not a loss of eq. 15 (known: ${Object.keys(DEFAULT_WEIGHTS).join(', ')})`);
    if (!(typeof value === 'number' && value >= 0)) fail(model, `weights.${key}`, `must be a number ≥ 0, got ${String(value)}`);
  }
  if (typeof c.fineTuneFlow !== 'boolean') fail(model, 'fineTuneFlow', `must be true or false, got ${String(c.fineTuneFlow)}`);
  if (!Number.isSafeInteger(c.seed)) fail(model, 'seed', `must be an integer, got ${String(c.seed)}`);
  return c;
}
