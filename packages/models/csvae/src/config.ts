/**
 * The configuration shared by the four models of paper 004 (Klys et al. 2018), with the
 * paper's values as defaults and validation at the boundary: every error names the field.
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
  /** CondVAE-info only: weight of the adversary's cross-entropy that the encoder maximises (paper eq. 3 has none; 1). */
  info: number;
}

export interface CsvaeConfig {
  model: CsvaeModelName;
  input: InputSpec;
  /** Names of the K binary labels y_1..y_K (e.g. ['Eyeglasses', 'Beard']). */
  labels: string[];
  /** True when exactly one label is on per example (TFD's expressions): the adversary is a softmax and G_ij zeroes the other subspaces. */
  exclusive: boolean;
  /** Dimension of Z. */
  zDim: number;
  /** Dimension of each subspace W_i (CSVAE); the baselines get one latent of zDim + K·wDim so all four have the same capacity. */
  wDim: number;
  /** Widths of the fully connected trunk (vector inputs) or of the dense layer after the conv stages (images). */
  hidden: number[];
  /** Channels of the stride-2 conv stages (images only). */
  convStages: number[];
  /** Hidden widths of each Gaussian head and of the adversary. */
  headHidden: number;
  /** 'gaussian': mean squared error on real vectors; 'bernoulli': cross-entropy with logits on [0,1] images. */
  likelihood: 'gaussian' | 'bernoulli';
  /**
   * How −log p(x|·) is reduced over the input's dimensions. 'sum' (the default for images) is
   * the exact log-likelihood that M1's E_q[−log p(x|w,z)] writes. 'mean' (the default for
   * vectors) is PyTorch's default `MSELoss` scale, which the public swiss-roll
   * reimplementations use; on 32×32×3 faces it makes β1 = 20 too weak against the KL terms and
   * every model decodes the average face (measured: reconstruction stuck at 0.62 nats/pixel).
   */
  reconstructionReduction: 'mean' | 'sum';
  weights: LossWeights;
  /** p(w_i | y_i = 0) and p(w_i | y_i = 1); see `priors.ts` for the reconstruction. */
  priors: { absent: SubspacePrior; present: SubspacePrior };
  /** Seed of the initial weights. */
  seed: number;
}

export const PAPER_WEIGHTS: LossWeights = { reconstruction: 20, klW: 1, klZ: 0.2, entropy: 10, adversary: 1, info: 1 };
export const PAPER_PRIORS: CsvaeConfig['priors'] = { absent: { mean: 0, std: 0.1 }, present: { mean: 3, std: 1 } };

export type CsvaeConfigInput = Partial<Omit<CsvaeConfig, 'weights' | 'priors'>> &
  Pick<CsvaeConfig, 'model' | 'input' | 'labels'> & {
    weights?: Partial<LossWeights>;
    priors?: Partial<CsvaeConfig['priors']>;
  };

/** Defaults by input kind: small MLPs for the swiss roll, three conv stages for images. */
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
  if (!Array.isArray(input.labels) || input.labels.length === 0) fail('labels', 'must name at least one binary label');
  if (new Set(input.labels).size !== input.labels.length) fail('labels', `has duplicates: ${input.labels.join(', ')}`);
  const image = spec.kind === 'image';
  const config: CsvaeConfig = {
    model: input.model,
    input: spec,
    labels: [...input.labels],
    exclusive: input.exclusive ?? false,
    zDim: input.zDim ?? (image ? 16 : 2),
    wDim: input.wDim ?? 2,
    hidden: input.hidden ?? (image ? [256] : [64, 64]),
    convStages: input.convStages ?? [32, 64, 128],
    headHidden: input.headHidden ?? (image ? 128 : 64),
    likelihood: input.likelihood ?? (image ? 'bernoulli' : 'gaussian'),
    reconstructionReduction: input.reconstructionReduction ?? (image ? 'sum' : 'mean'),
    weights: { ...PAPER_WEIGHTS, ...input.weights },
    priors: { ...PAPER_PRIORS, ...input.priors },
    seed: input.seed ?? 0,
  };
  for (const field of ['zDim', 'wDim', 'headHidden'] as const) {
    if (!(Number.isInteger(config[field]) && config[field] > 0)) fail(field, `must be a positive integer, got ${String(config[field])}`);
  }
  if (!Number.isSafeInteger(config.seed)) fail('seed', `must be an integer, got ${String(config.seed)}`);
  if (!Array.isArray(config.hidden) || config.hidden.length === 0 || config.hidden.some((w) => !(Number.isInteger(w) && w > 0))) {
    fail('hidden', `must be a non-empty list of positive integers, got ${JSON.stringify(config.hidden)}`);
  }
  if (image && (config.convStages.length === 0 || config.convStages.some((w) => !(Number.isInteger(w) && w > 0)))) {
    fail('convStages', `must be a non-empty list of positive integers, got ${JSON.stringify(config.convStages)}`);
  }
  if (config.likelihood !== 'gaussian' && config.likelihood !== 'bernoulli') fail('likelihood', `must be 'gaussian' or 'bernoulli', got ${String(config.likelihood)}`);
  if (config.reconstructionReduction !== 'mean' && config.reconstructionReduction !== 'sum') fail('reconstructionReduction', `must be 'mean' or 'sum'`);
  for (const [name, value] of Object.entries(config.weights)) {
    if (!(Number.isFinite(value) && value >= 0)) fail(`weights.${name}`, `must be a finite number ≥ 0, got ${String(value)}`);
  }
  for (const side of ['absent', 'present'] as const) {
    const prior = config.priors[side];
    if (!prior || !Number.isFinite(prior.mean)) fail(`priors.${side}.mean`, 'must be finite');
    if (!(prior.std > 0 && Number.isFinite(prior.std))) fail(`priors.${side}.std`, `must be a finite number > 0, got ${String(prior?.std)}`);
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
