/**
 * The configuration shared by the four models of paper 004 (Klys et al. 2018), with
 * defaults by input kind and validation at the boundary: every error names the field.
 *
 * Vectors (the swiss roll) keep the paper's loss weights and small MLPs. Images get the
 * settings measured to make the models competent on 32×32×3 faces in a 2-core budget
 * (batch-normalised conv nets, a Gaussian likelihood with a sigmoid mean, and the loss scale
 * of `IMAGE_WEIGHTS`); the README says what was measured and why.
 */

export const CSVAE_MODEL_NAMES = ['vae', 'condvae', 'condvae-info', 'csvae'] as const;
export type CsvaeModelName = (typeof CSVAE_MODEL_NAMES)[number];

export type InputSpec = { kind: 'vector'; dim: number } | { kind: 'image'; size: number; channels: 1 | 3 };

/** An isotropic Gaussian N(mean·1, std² I) on one subspace W_i. */
export interface SubspacePrior {
  mean: number;
  std: number;
}

/** The loss weights β1..β5 of the CSVAE objective (appendix: 20, 1, 0.2, 10, 1). */
export interface LossWeights {
  /** β1: reconstruction −log p(x | w, z). */
  reconstruction: number;
  /** β2: KL(q(w | x, y) ‖ p(w | y)). */
  klW: number;
  /** β3: KL(q(z | x, y) ‖ p(z)); the baselines use it for their single latent too. */
  klZ: number;
  /** β4: M2, the negative conditional entropy of q_δ(y | z) that the encoder minimises. */
  entropy: number;
  /** β5: N, the adversary's cross-entropy −log q_δ(y | z). */
  adversary: number;
  /** CondVAE-info only: weight λ of the adversary's cross-entropy that the encoder maximises (paper eq. 3, lost). */
  info: number;
}

export interface CsvaeConfig {
  model: CsvaeModelName;
  input: InputSpec;
  /** Names of the K binary labels y_1..y_K (e.g. ['Eyeglasses', 'Beard']); may be empty for the VAE only. */
  labels: string[];
  /** True when exactly one label is on per example (TFD's expressions): the adversary is a softmax and G_ij zeroes the other subspaces. */
  exclusive: boolean;
  /** Dimension of Z. */
  zDim: number;
  /** Dimension of each subspace W_i (CSVAE); the baselines get one latent of zDim + K·wDim so all four have the same capacity. */
  wDim: number;
  /** Widths of each encoder's fully connected trunk (after the conv stages for images); the decoder mirrors them. */
  hidden: number[];
  /** Channels of the stride-2 conv stages of the z (or single) encoder and of the decoder (images only). */
  convStages: number[];
  /** CSVAE only: conv stages of the separate w encoder q(w | x, y) (images only). */
  wConvStages: number[];
  /** CSVAE only: dense widths of the w encoder's trunk. */
  wHidden: number[];
  /** Hidden width of each Gaussian head (trunk features → (μ, log σ²)); 0 makes the head one linear layer. */
  headHidden: number;
  /** Hidden widths of the adversary q_δ(y | z) (CSVAE) or r_ψ(z) (CondVAE-info). */
  adversaryHidden: number[];
  /** 'batch': batch norm before every hidden ReLU of the encoders and the decoder; 'none': plain ReLU nets. */
  normalization: 'batch' | 'none';
  /** 'gaussian': squared error (N(x; μ, ½ I) up to a constant); 'bernoulli': cross-entropy with logits on [0,1] images. */
  likelihood: 'gaussian' | 'bernoulli';
  /**
   * How −log p(x|·) is reduced over the input's dimensions. 'sum' (images) is the
   * log-likelihood that M1's E_q[−log p(x|w,z)] writes. 'mean' (vectors) is PyTorch's default
   * `MSELoss` scale, which the public swiss-roll reimplementations use.
   */
  reconstructionReduction: 'mean' | 'sum';
  /** Gaussian decoders only: the mean is sigmoid(raw) ('sigmoid', for [0,1] images) or raw ('linear'). Bernoulli decoders output logits. */
  outputActivation: 'sigmoid' | 'linear';
  weights: LossWeights;
  /** p(w_i | y_i = 0) and p(w_i | y_i = 1); see `priors.ts` for the reconstruction. */
  priors: { absent: SubspacePrior; present: SubspacePrior };
  /** Seed of the initial weights. */
  seed: number;
}

/** The appendix's β1..β5 (with λ = 1 for CondVAE-info): the vector (swiss-roll) defaults. */
export const PAPER_WEIGHTS: LossWeights = { reconstruction: 20, klW: 1, klZ: 0.2, entropy: 10, adversary: 1, info: 1 };

/**
 * The image defaults: the paper's β2, β3, β5 with β1, β4 (and CondVAE-info's λ) rescaled for a
 * reconstruction summed over 32×32×3 pixels, against KL, entropy and adversary terms that are
 * per example and ≤ ~10 nats each. At the paper's β4 = 10 the entropy term M2 is overpowered
 * (the jointly trained adversary learns to read the label from z on the training batches);
 * ×10 holds it at the base rate without hurting the reconstructions; ×100 overshoots (z's KL
 * and the test error climb). β1 = 100 (a Gaussian of σ ≈ 0.07) makes glasses
 * worth encoding; more did not lower the error. β5 scales a loss with its own Adam, which is
 * scale-invariant. Measurements: README, "Loss scale".
 */
export const IMAGE_WEIGHTS: LossWeights = { reconstruction: 100, klW: 1, klZ: 0.2, entropy: 100, adversary: 1, info: 100 };

export const PAPER_PRIORS: CsvaeConfig['priors'] = { absent: { mean: 0, std: 0.1 }, present: { mean: 3, std: 1 } };

export type CsvaeConfigInput = Partial<Omit<CsvaeConfig, 'weights' | 'priors'>> &
  Pick<CsvaeConfig, 'model' | 'input' | 'labels'> & {
    weights?: Partial<LossWeights>;
    priors?: { absent?: Partial<SubspacePrior>; present?: Partial<SubspacePrior> };
  };

/** The defaults of every architecture field, by input kind. */
export function defaultArchitecture(kind: InputSpec['kind']): Omit<CsvaeConfig, 'model' | 'input' | 'labels' | 'exclusive' | 'seed' | 'weights' | 'priors'> & { weights: LossWeights } {
  if (kind === 'vector') {
    return {
      zDim: 2, wDim: 2, hidden: [64, 64], convStages: [16, 32, 64], wConvStages: [16, 32, 64], wHidden: [64, 64], headHidden: 64, adversaryHidden: [64, 64],
      normalization: 'none', likelihood: 'gaussian', reconstructionReduction: 'mean', outputActivation: 'linear', weights: PAPER_WEIGHTS,
    };
  }
  return {
    zDim: 14, wDim: 2, hidden: [128], convStages: [16, 32, 64], wConvStages: [16, 32, 64], wHidden: [128], headHidden: 0, adversaryHidden: [64, 64],
    normalization: 'batch', likelihood: 'gaussian', reconstructionReduction: 'sum', outputActivation: 'sigmoid', weights: IMAGE_WEIGHTS,
  };
}

const positiveIntegerList = (value: unknown): boolean => Array.isArray(value) && value.length > 0 && value.every((w) => Number.isInteger(w) && w > 0);

/** Fills in the defaults and validates; errors name the field. Idempotent: a resolved config resolves to itself. */
export function resolveCsvaeConfig(input: CsvaeConfigInput): CsvaeConfig {
  const fail = (field: string, message: string): never => {
    throw new Error(`csvae config: ${field} ${message}`);
  };
  if (!input || typeof input !== 'object') fail('', 'must be an object');
  if (!CSVAE_MODEL_NAMES.includes(input.model)) fail('model', `must be one of ${CSVAE_MODEL_NAMES.join(', ')}, got ${String(input.model)}`);
  const spec = input.input;
  if (!spec || (spec.kind !== 'vector' && spec.kind !== 'image')) fail('input', "must be { kind: 'vector', dim } or { kind: 'image', size, channels }");
  if (spec.kind === 'vector' && !(Number.isInteger(spec.dim) && spec.dim > 0)) fail('input.dim', `must be a positive integer, got ${String(spec.dim)}`);
  if (spec.kind === 'image') {
    if (!(Number.isInteger(spec.size) && spec.size > 0)) fail('input.size', `must be a positive integer, got ${String(spec.size)}`);
    if (spec.channels !== 1 && spec.channels !== 3) fail('input.channels', `must be 1 or 3, got ${String(spec.channels)}`);
  }
  if (!Array.isArray(input.labels) || input.labels.some((l) => typeof l !== 'string')) fail('labels', 'must be a list of label names');
  if (input.labels.length === 0 && input.model !== 'vae') fail('labels', `must name at least one binary label (${input.model} is conditional)`);
  if (new Set(input.labels).size !== input.labels.length) fail('labels', `has duplicates: ${input.labels.join(', ')}`);
  const image = spec.kind === 'image';
  const d = defaultArchitecture(spec.kind);
  const list = (field: string, value: unknown): number[] => {
    if (!positiveIntegerList(value)) fail(field, `must be a non-empty list of positive integers, got ${JSON.stringify(value)}`);
    return [...(value as number[])];
  };
  const convStages = list('convStages', input.convStages ?? d.convStages);
  const hidden = list('hidden', input.hidden ?? d.hidden);
  const config: CsvaeConfig = {
    model: input.model,
    input: spec.kind === 'vector' ? { kind: 'vector', dim: spec.dim } : { kind: 'image', size: spec.size, channels: spec.channels },
    labels: [...input.labels],
    exclusive: input.exclusive ?? false,
    zDim: input.zDim ?? d.zDim,
    wDim: input.wDim ?? d.wDim,
    hidden,
    convStages,
    // The w encoder follows the z encoder unless told otherwise.
    wConvStages: list('wConvStages', input.wConvStages ?? convStages),
    wHidden: list('wHidden', input.wHidden ?? hidden),
    headHidden: input.headHidden ?? d.headHidden,
    adversaryHidden: list('adversaryHidden', input.adversaryHidden ?? d.adversaryHidden),
    normalization: input.normalization ?? d.normalization,
    likelihood: input.likelihood ?? d.likelihood,
    reconstructionReduction: input.reconstructionReduction ?? d.reconstructionReduction,
    outputActivation: input.outputActivation ?? d.outputActivation,
    weights: { ...d.weights, ...input.weights },
    priors: {
      absent: { ...PAPER_PRIORS.absent, ...input.priors?.absent },
      present: { ...PAPER_PRIORS.present, ...input.priors?.present },
    },
    seed: input.seed ?? 0,
  };
  if (typeof config.exclusive !== 'boolean') fail('exclusive', `must be true or false, got ${String(config.exclusive)}`);
  if (config.exclusive && config.labels.length < 2) fail('exclusive', `needs at least two labels (classes), got ${config.labels.length}`);
  for (const field of ['zDim', 'wDim'] as const) {
    if (!(Number.isInteger(config[field]) && config[field] > 0)) fail(field, `must be a positive integer, got ${String(config[field])}`);
  }
  if (!(Number.isInteger(config.headHidden) && config.headHidden >= 0)) fail('headHidden', `must be an integer ≥ 0 (0: a linear head), got ${String(config.headHidden)}`);
  if (!Number.isSafeInteger(config.seed)) fail('seed', `must be an integer, got ${String(config.seed)}`);
  for (const field of ['convStages', 'wConvStages'] as const) {
    if (image && spec.size % 2 ** config[field].length !== 0) {
      fail(field, `has ${config[field].length} stride-2 stages, but the image size ${spec.size} is not divisible by 2^${config[field].length}`);
    }
  }
  if (config.normalization !== 'batch' && config.normalization !== 'none') fail('normalization', `must be 'batch' or 'none', got ${String(config.normalization)}`);
  if (config.likelihood !== 'gaussian' && config.likelihood !== 'bernoulli') fail('likelihood', `must be 'gaussian' or 'bernoulli', got ${String(config.likelihood)}`);
  if (config.reconstructionReduction !== 'mean' && config.reconstructionReduction !== 'sum') fail('reconstructionReduction', `must be 'mean' or 'sum', got ${String(config.reconstructionReduction)}`);
  if (config.outputActivation !== 'sigmoid' && config.outputActivation !== 'linear') fail('outputActivation', `must be 'sigmoid' or 'linear', got ${String(config.outputActivation)}`);
  for (const name of Object.keys(config.weights)) {
    if (!(name in PAPER_WEIGHTS)) fail(`weights.${name}`, `is not a loss weight (known: ${Object.keys(PAPER_WEIGHTS).join(', ')})`);
    const value = config.weights[name as keyof LossWeights];
    if (!(Number.isFinite(value) && value >= 0)) fail(`weights.${name}`, `must be a finite number ≥ 0, got ${String(value)}`);
  }
  for (const side of ['absent', 'present'] as const) {
    const prior = config.priors[side];
    if (!Number.isFinite(prior.mean)) fail(`priors.${side}.mean`, `must be a finite number, got ${String(prior.mean)}`);
    if (!(prior.std > 0 && Number.isFinite(prior.std))) fail(`priors.${side}.std`, `must be a finite number > 0, got ${String(prior.std)}`);
  }
  return config;
}

/** Width of the flat input (a vector's dim, an image's size²·channels). */
export function inputWidth(input: InputSpec): number {
  return input.kind === 'vector' ? input.dim : input.size * input.size * input.channels;
}

/**
 * The paper's optimisation (appendix): Adam(β = (0.9, 0.999), ε = 1e-8, lr = 1e-3 / 2) for
 * 2300 epochs, minibatches of 64, and PyTorch's MultiStepLR with milestones at epochs 3^i
 * (i = 0..6) and γ = 0.1^(1/7), so the rate has fallen tenfold by epoch 729.
 */
export const PAPER_OPTIMISATION = {
  learningRate: 1e-3 / 2,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  epochs: 2300,
  batchSize: 64,
  milestoneEpochs: [1, 3, 9, 27, 81, 243, 729],
  gamma: 0.1 ** (1 / 7),
} as const;
