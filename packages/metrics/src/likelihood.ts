/**
 * Likelihood metrics: bits per dimension and the importance-weighted (IWAE) log-likelihood estimate.
 * Plain float64 JS; the model is reached through callbacks.
 *
 * Bits per dimension (as Glow, Kingma & Dhariwal 2018 §5, and paper 003 report). A density model on
 * continuous x, where each of the D dimensions of the data was quantised into bins of width `binWidth`
 * (in the model's units) and dequantised by uniform noise inside a bin, gives the discrete probability
 * P(k) = ∫_bin p(x) dx ≈ p(x) · binWidth^D, so
 *
 *   bpd = −(log p(x) + D log binWidth) / (D log 2)      (log p in nats).
 *
 * Conventions: n-bit data scaled to [0, 1) (or Glow's [−½, ½)) has binWidth = 2^{−n}, so
 * bpd = −(log p(x) − D n log 2)/(D log 2) = −log p(x)/(D log 2) + n; raw integer pixel units have
 * binWidth = 1 (no correction); [−1, 1) has binWidth = 2^{1−n}. A discrete likelihood (Bernoulli, categorical,
 * discretised logistic) already is P(k): pass binWidth = 1. With uniform dequantisation
 * E_u[log p(x + u)] ≤ log P(k) (Jensen; Theis, van den Oord & Bethge 2016), so the bpd reported from a
 * dequantised log-density is an upper bound on the discrete model's bpd.
 *
 * IWAE estimate (Burda, Grosse & Salakhutdinov 2016, eq. 8): for K samples z_k ~ q(z|x),
 *
 *   log p(x) ≈ L_K = log (1/K) Σ_k exp(log p(x|z_k) + log p(z_k) − log q(z_k|x)),
 *
 * a lower bound in expectation with E[L_1] = ELBO ≤ E[L_K] ≤ E[L_{K+1}] → log p(x) as K → ∞; when q is the exact
 * posterior every weight equals p(x) and L_K = log p(x) for every K. Report −L_K (nats) or convert with
 * {@link bitsPerDim}. K = 5000 is the usual reporting value (Burda et al.), K ≈ 100–1000 for monitoring.
 */
import type { NumericArray } from './linear-algebra';

/** Source of float64 normals and uniforms; `SeededRandom` from `@disentangle/kernels` satisfies it. */
export interface NumberRandom {
  normalNumber(mean?: number, std?: number): number;
  uniformNumber(): number;
  int(n: number): number;
}

/** log Σ_i exp(v_i) for a plain array, stable (max subtracted); −∞ for an empty or all −∞ array. */
export function logSumExpOf(values: NumericArray, start = 0, end = values.length): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = start; i < end; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/** log (1/n) Σ_i exp(v_i), stable. */
export function logMeanExpOf(values: NumericArray, start = 0, end = values.length): number {
  return logSumExpOf(values, start, end) - Math.log(end - start);
}

export interface BitsPerDimOptions {
  /** Width of one quantisation bin in the model's data units; default 2^{−numBits} (data scaled to [0, 1)). */
  binWidth?: number;
  /** Bits per sub-pixel of the original data, used when `binWidth` is not given; default 8. */
  numBits?: number;
}

/** Bits per dimension from a log-likelihood in nats of one D-dimensional example (see the module comment). */
export function bitsPerDim(logLikelihoodNats: number, numDims: number, { binWidth, numBits = 8 }: BitsPerDimOptions = {}): number {
  if (!Number.isInteger(numDims) || numDims < 1) throw new Error(`bitsPerDim: numDims must be a positive integer, got ${String(numDims)}`);
  const width = binWidth ?? 2 ** -numBits;
  if (!(width > 0)) throw new Error(`bitsPerDim: binWidth must be positive, got ${String(width)}`);
  return -(logLikelihoodNats + numDims * Math.log(width)) / (numDims * Math.LN2);
}

/** Mean bits per dimension over a set of per-example log-likelihoods (nats). */
export function meanBitsPerDim(logLikelihoodsNats: NumericArray, numDims: number, options: BitsPerDimOptions = {}): number {
  if (logLikelihoodsNats.length === 0) throw new Error('meanBitsPerDim: no log-likelihoods given');
  let sum = 0;
  for (let i = 0; i < logLikelihoodsNats.length; i++) sum += logLikelihoodsNats[i];
  return bitsPerDim(sum / logLikelihoodsNats.length, numDims, options);
}

/**
 * L_K = logmeanexp_k log w_{n,k} per example from a matrix of log importance weights [n, K]
 * (log w = log p(x|z) + log p(z) − log q(z|x)); for models that compute the weights in batches themselves.
 */
export function iwaeFromLogWeights(logWeights: NumericArray, numSamples: number): Float64Array {
  if (!Number.isInteger(numSamples) || numSamples < 1 || logWeights.length % numSamples !== 0) {
    throw new Error(`iwaeFromLogWeights: logWeights length ${logWeights.length} is not a multiple of numSamples = ${String(numSamples)}`);
  }
  const n = logWeights.length / numSamples;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logMeanExpOf(logWeights, i * numSamples, (i + 1) * numSamples);
  return out;
}

/** The three densities and the proposal sampler of an importance-weighted estimate, for one example x. */
export interface ImportanceModel<X, Z> {
  /** z ~ q(z|x) (the encoder's posterior). */
  sampleProposal(x: X, rng: NumberRandom): Z;
  /** log q(z|x), nats. */
  logProposal(z: Z, x: X): number;
  /** log p(z), nats. */
  logPrior(z: Z): number;
  /** log p(x|z) (the decoder's likelihood), nats. */
  logLikelihood(x: X, z: Z): number;
}

/**
 * IWAE log-likelihood estimate L_K of one example with K importance samples (see the module comment).
 * Returns the estimate and the per-sample log weights (for diagnostics such as the effective sample size).
 */
export function iwaeLogLikelihood<X, Z>(
  model: ImportanceModel<X, Z>,
  x: X,
  numSamples: number,
  rng: NumberRandom,
): { logLikelihood: number; logWeights: Float64Array } {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`iwaeLogLikelihood: numSamples must be a positive integer, got ${String(numSamples)}`);
  const logWeights = new Float64Array(numSamples);
  for (let k = 0; k < numSamples; k++) {
    const z = model.sampleProposal(x, rng);
    logWeights[k] = model.logLikelihood(x, z) + model.logPrior(z) - model.logProposal(z, x);
  }
  return { logLikelihood: logMeanExpOf(logWeights), logWeights };
}

/** Effective sample size (Σ w)² / Σ w² of importance weights given as log weights (1 ≤ ESS ≤ K). */
export function effectiveSampleSize(logWeights: NumericArray): number {
  const a = logSumExpOf(logWeights);
  const twice = Array.from(logWeights, (v) => 2 * v);
  return Math.exp(2 * a - logSumExpOf(twice));
}
