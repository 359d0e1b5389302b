/**
 * MI(z_u; c): mutual information between a model's label-irrelevant code z_u and the label c,
 * paper 000 (Zhang et al., ICIP 2020) §3.1 eq. 4:
 *
 *   I(z_u; c) = E_{q(z_u|c) p(c)} log q(z_u|c)/q(z_u) = (1/C) Σ_c E_{q(z_u|c)} log q(z_u|c)/q(z_u),
 *
 * "approximated with Monte Carlo simulation" (the paper gives no further detail; what follows is the
 * estimator implemented). The encoder's Gaussian posteriors q(z|x_n) = N(μ_n, diag σ_n²) of N examples with
 * labels c_n define the aggregate posteriors as mixtures
 *
 *   q(z|c) = (1/N_c) Σ_{n: c_n = c} q(z|x_n),     q(z) = Σ_c p(c) q(z|c),
 *
 * and the expectation over q(z|c) is taken by drawing S = `samplesPerExample` samples z ~ q(z|x_n) from every
 * example of class c:
 *
 *   Î = Σ_c p(c) (1/(N_c S)) Σ_{n: c_n = c} Σ_{s=1..S} [log q(z_ns|c) − log q(z_ns)].
 *
 * `classWeights: 'uniform'` (default) uses p(c) = 1/C, the second line of eq. 4 (the paper generates the same
 * number of images, 100, per label); 'empirical' uses p(c) = N_c/N, in which case q(z) = (1/N) Σ_n q(z|x_n).
 * The two agree for balanced labels. Î lies in [0, log C] up to Monte Carlo error.
 *
 * Cost: N·S evaluations of all N posterior densities, O(N² S d) — N = 1000, S = 1, d = 64 is 6.4e7 flops.
 * Bias: each sample is scored against mixtures that contain its own component, which pushes Î up by roughly
 * log(1 + q(z|x_n)/(N_c q̄(z|c))) − log(1 + q(z|x_n)/(N q̄(z))): negligible when posteriors are wide relative to
 * the spread of the means (a trained VAE) and N_c is in the hundreds, but for narrow posteriors with
 * independent means it tends to log C (every sample sits alone on its own spike). The result therefore also
 * carries `leaveOneOutValue`, the same estimate with each sample's own component left out of both mixtures;
 * it errs the other way (the class mixture has fewer components, so its log is lower on average; measured:
 * independent means ~N(0, 1), N = 400, C = 4, σ² = 0.3 → +0.03 / −0.05; σ² = 0.05 → +0.17 / −0.34). The
 * two bracket the true value in practice; when they disagree by more than the effect of interest, N is too
 * small for the posteriors' width. Monte Carlo standard error ≈ sd(log ratio)/√(N S); it is returned.
 */
import type { NumericArray } from './linear-algebra';
import { type NumberRandom, logSumExpOf } from './likelihood';

export interface MutualInformationOptions {
  /** S, samples z ~ q(z|x_n) drawn per example; default 1. */
  samplesPerExample?: number;
  /** p(c): 'uniform' = 1/C (eq. 4, default) or 'empirical' = N_c/N. */
  classWeights?: 'uniform' | 'empirical';
}

export interface MutualInformationResult {
  /** Î(z_u; c) in nats (own component included in the mixtures, as eq. 4's plain Monte Carlo). */
  value: number;
  /** The leave-one-out estimate (own component excluded), biased the other way; see the module comment. */
  leaveOneOutValue: number;
  /** Monte Carlo standard error of `value` (nats), from the spread of the per-sample log ratios. */
  standardError: number;
  /** Upper bound log C of the true MI (nats). */
  maxValue: number;
  /** Classes found (label values in ascending order). */
  classes: number[];
  /** Total samples drawn, N·S. */
  samples: number;
}

/**
 * Monte Carlo MI(z_u; c) of paper 000 eq. 4 from posteriors mu, logVar [N, d] (row-major) and labels [N]
 * (integers). See the module comment.
 */
export function mutualInformationCodeLabel(
  mu: NumericArray,
  logVar: NumericArray,
  labels: NumericArray,
  dim: number,
  rng: NumberRandom,
  { samplesPerExample = 1, classWeights = 'uniform' }: MutualInformationOptions = {},
): MutualInformationResult {
  const n = labels.length;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`mutualInformationCodeLabel: dim must be a positive integer, got ${String(dim)}`);
  if (mu.length !== n * dim) throw new Error(`mutualInformationCodeLabel: mu has ${mu.length} values, expected labels.length × dim = ${n} × ${dim}`);
  if (logVar.length !== n * dim) throw new Error(`mutualInformationCodeLabel: logVar has ${logVar.length} values, expected ${n} × ${dim}`);
  if (!Number.isInteger(samplesPerExample) || samplesPerExample < 1) {
    throw new Error(`mutualInformationCodeLabel: samplesPerExample must be a positive integer, got ${String(samplesPerExample)}`);
  }
  const classes = Array.from(new Set(Array.from(labels))).sort((a, b) => a - b);
  for (const c of classes) if (!Number.isInteger(c)) throw new Error(`mutualInformationCodeLabel: labels must be integers, got ${c}`);
  const numClasses = classes.length;
  if (numClasses < 2) throw new Error('mutualInformationCodeLabel: need at least two distinct labels');
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const labelIndex = Int32Array.from(labels, (c) => classIndex.get(c)!);
  const counts = new Float64Array(numClasses);
  for (const k of labelIndex) counts[k]++;
  for (let k = 0; k < numClasses; k++) {
    if (counts[k] < 2) throw new Error(`mutualInformationCodeLabel: need at least two examples of label ${classes[k]}, got ${counts[k]}`);
  }
  const logPc = Float64Array.from(counts, (count) => (classWeights === 'uniform' ? -Math.log(numClasses) : Math.log(count / n)));

  // Precompute per-example constants: inverse variances and −½(d log 2π + Σ logVar).
  const invVar = Float64Array.from(logVar, (lv) => Math.exp(-lv));
  const logNorm = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = dim * Math.log(2 * Math.PI);
    for (let j = 0; j < dim; j++) s += logVar[m * dim + j];
    logNorm[m] = -0.5 * s;
  }

  const z = new Float64Array(dim);
  const logDensities = new Float64Array(n);
  const perClass: number[][] = Array.from({ length: numClasses }, () => []);
  const perClassLeaveOneOut: number[][] = Array.from({ length: numClasses }, () => []);
  const classLogSums = new Float64Array(numClasses);
  const buffer = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < samplesPerExample; s++) {
      for (let j = 0; j < dim; j++) z[j] = mu[i * dim + j] + Math.exp(0.5 * logVar[i * dim + j]) * rng.normalNumber();
      for (let m = 0; m < n; m++) {
        let quad = 0;
        const base = m * dim;
        for (let j = 0; j < dim; j++) {
          const diff = z[j] - mu[base + j];
          quad += diff * diff * invVar[base + j];
        }
        logDensities[m] = logNorm[m] - 0.5 * quad;
      }
      const own = labelIndex[i];
      for (const leaveOut of [false, true]) {
        if (leaveOut) logDensities[i] = -Infinity;
        // log q(z|c) = logsumexp over the class's components − log(count).
        for (let k = 0; k < numClasses; k++) {
          let len = 0;
          for (let m = 0; m < n; m++) if (labelIndex[m] === k) buffer[len++] = logDensities[m];
          const count = counts[k] - (leaveOut && own === k ? 1 : 0);
          classLogSums[k] = logSumExpOf(buffer, 0, len) - Math.log(count);
        }
        const logQz = logSumExpOf(Float64Array.from(classLogSums, (v, k) => v + logPc[k]));
        (leaveOut ? perClassLeaveOneOut : perClass)[own].push(classLogSums[own] - logQz);
      }
    }
  }

  const summarise = (groups: number[][]) => {
    let value = 0;
    let variance = 0;
    for (let k = 0; k < numClasses; k++) {
      const ratios = groups[k];
      const weight = Math.exp(logPc[k]);
      let mean = 0;
      for (const r of ratios) mean += r;
      mean /= ratios.length;
      let ss = 0;
      for (const r of ratios) ss += (r - mean) ** 2;
      value += weight * mean;
      variance += (weight * weight * (ss / (ratios.length - 1))) / ratios.length;
    }
    return { value, standardError: Math.sqrt(variance) };
  };
  const { value, standardError } = summarise(perClass);
  return {
    value,
    leaveOneOutValue: summarise(perClassLeaveOneOut).value,
    standardError,
    maxValue: Math.log(numClasses),
    classes,
    samples: n * samplesPerExample,
  };
}
