/**
 * Ridge regression in float64, closed form: a linear read-out of known factors from a judge's
 * features, for paper 003's unsupervised-code exploration (Figs. 6–7 show c_u moving rotation,
 * width, yaw, brightness; `code-factor-correlation` measures it with this read-out).
 *
 * Features are standardised with the fit set's mean and standard deviation (constant columns
 * keep scale 1), targets centred, and w solves (ZᵀZ/n + λI) w = Zᵀ(t − t̄)/n by Cholesky
 * (`solveSymmetricPositiveDefinite`). λ is relative to standardised features, so a small
 * default (10⁻³) only keeps collinear features (a 64-wide pool of ReLUs) solvable.
 */
import { rowCount, solveSymmetricPositiveDefinite, type NumericArray } from './linear-algebra';

export interface RidgeFit {
  dim: number;
  outputs: number;
  mean: Float64Array;
  scale: Float64Array;
  targetMean: Float64Array;
  /** [dim, outputs] row-major, on standardised features. */
  weights: Float64Array;
}

/** Fits features [n, dim] to targets [n, outputs]. */
export function fitRidge(features: NumericArray, dim: number, targets: NumericArray, outputs: number, lambda = 1e-3): RidgeFit {
  const n = rowCount(features, dim, 'fitRidge features');
  if (rowCount(targets, outputs, 'fitRidge targets') !== n) throw new Error(`fitRidge: ${n} feature rows but ${targets.length / outputs} target rows`);
  if (n < 2) throw new Error(`fitRidge: need at least 2 rows, got ${n}`);
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) scale[j] += (features[i * dim + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < dim; j++) scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
  const targetMean = new Float64Array(outputs);
  for (let i = 0; i < n; i++) for (let k = 0; k < outputs; k++) targetMean[k] += targets[i * outputs + k] / n;
  const gram = new Float64Array(dim * dim);
  const cross = new Float64Array(dim * outputs);
  const z = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) z[j] = (features[i * dim + j] - mean[j]) / scale[j];
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b <= a; b++) gram[a * dim + b] += (z[a] * z[b]) / n;
      for (let k = 0; k < outputs; k++) cross[a * outputs + k] += (z[a] * (targets[i * outputs + k] - targetMean[k])) / n;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) gram[b * dim + a] = gram[a * dim + b];
  return { dim, outputs, mean, scale, targetMean, weights: solveSymmetricPositiveDefinite(gram, cross, dim, outputs, lambda) };
}

/** Predictions [n, outputs] for features [n, dim]. */
export function predictRidge(fit: RidgeFit, features: NumericArray): Float64Array {
  const { dim, outputs } = fit;
  const n = rowCount(features, dim, 'predictRidge features');
  const out = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outputs; k++) {
      let s = fit.targetMean[k];
      for (let j = 0; j < dim; j++) s += ((features[i * dim + j] - fit.mean[j]) / fit.scale[j]) * fit.weights[j * outputs + k];
      out[i * outputs + k] = s;
    }
  }
  return out;
}

/** R² = 1 − SS_res / SS_tot of column `k` of predictions and truths [n, outputs] (NaN for a constant truth). */
export function rSquared(predicted: NumericArray, truth: NumericArray, outputs: number, k: number): number {
  const n = truth.length / outputs;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i * outputs + k] / n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (truth[i * outputs + k] - predicted[i * outputs + k]) ** 2;
    total += (truth[i * outputs + k] - mean) ** 2;
  }
  return total > 0 ? 1 - residual / total : Number.NaN;
}
