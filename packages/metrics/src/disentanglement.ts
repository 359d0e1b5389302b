/**
 * Ground-truth disentanglement metrics on codes z [N, K] (K = `codeDim`, e.g. encoder means) and known
 * factors v [N, F] (F = `numFactors`), both row-major; plain float64 JS. Factor kinds follow
 * `FactorSpec.kind` of `@disentangle/data`: 'categorical' and 'binary' factors hold integer class codes,
 * 'continuous' factors reals. Held-out scores use a deterministic interleaved split (row i is a test row
 * when ⌊(i+1)f⌋ > ⌊i f⌋ for the test fraction f), which does not depend on row order being random.
 *
 * MIG — mutual information gap (Chen, Li, Grosse & Duvenaud 2018, "Isolating sources of disentanglement", eq. 6;
 * discretised estimator as in disentanglement_lib):
 *   MIG = (1/F) Σ_k (I(z_{j(k)}; v_k) − max_{j ≠ j(k)} I(z_j; v_k)) / H(v_k),   j(k) = argmax_j I(z_j; v_k),
 * with each code dimension discretised into `bins` (20) equal-width bins over its range, continuous factors
 * likewise, and I, H the plug-in (histogram) estimates in nats. Plug-in MI is biased up by about
 * (B_z − 1)(B_v − 1)/(2N), so use N in the thousands.
 *
 * SAP — separated attribute predictability (Kumar, Sattigeri & Balakrishnan 2018, §5): score matrix
 * S_jk = R² of the linear regression of v_k on z_j alone (continuous factors; = corr(z_j, v_k)²), or the
 * held-out balanced accuracy of a threshold classifier on z_j alone (categorical factors; here the 1-D
 * nearest-class-mean rule fitted on the training split, whose decision thresholds are the midpoints between
 * adjacent class means); SAP = (1/F) Σ_k (top-1 − top-2 of S_·k). For a categorical factor with C classes an
 * uninformative dimension scores ≈ 1/C, so a perfect code scores ≈ 1 − 1/C on that factor, as in the original.
 *
 * DCI (Eastwood & Williams 2018, "A framework for the quantitative evaluation of disentangled
 * representations", §3): importance matrix R_jk from one regressor per factor. Choice made here: the paper's
 * lasso, min_β (1/2n)‖y − Zβ‖² + α‖β‖₁ on the standardised code dimensions Z (train split), solved by cyclic
 * coordinate descent on the Gram matrix; for continuous factors y is the standardised factor and R_jk = |β_j|,
 * for categorical factors one lasso per one-hot class indicator (a linear probability model) and
 * R_jk = Σ_c |β_jc|. α (`alpha`, default 0.02) must exceed the noise level of an irrelevant coefficient,
 * ≈ sd(residual)/√n_train (≈ 0.4/√n for one-hot targets): plain least squares (α = 0) leaves every irrelevant
 * dimension an O(1/√n) importance, which the entropy in D and C punishes heavily (measured: D ≈ 0.76 instead of
 * ≈ 1 for a perfect code with 5-class factors, n = 3200). The linear model measures linear relations only.
 * Then with
 *   D_j = 1 − H_F(P_j·) (entropy in base F),  D = Σ_j ρ_j D_j,  ρ_j = Σ_k R_jk / Σ R;
 *   C_k = 1 − H_K(P̃_·k),                      C = Σ_k ρ̃_k C_k,  ρ̃_k = Σ_j R_jk / Σ R  (weights as disentanglement_lib);
 *   I_k = held-out R² (continuous) or accuracy of the argmax of the linear predictions (categorical),
 *   informativeness = (1/F) Σ_k I_k (higher is better; Eastwood & Williams report the error 1 − I).
 *
 * FactorVAE score (Kim & Mnih 2018, "Disentangling by factorising", §4): normalise each code dimension by its
 * empirical std over `globalCodes`; prune dimensions with std ≤ `pruneStdBelow`; each vote fixes one random
 * factor k, draws a batch of L codes sharing that factor's value, and votes (argmin_j Var_batch(z_j/s_j), k)
 * (variance with divisor L). The classifier maps dimension j to the factor with most training votes on it
 * (majority vote, the optimal classifier for this data); the score is its accuracy on separate evaluation votes.
 * Defaults follow disentanglement_lib: L = 64; votes default to 800 training and 400 evaluation (theirs: 10000
 * and 5000 — use more for reporting).
 */
import type { FactorSpec } from '@disentangle/data';
import type { NumericArray } from './linear-algebra';
import { rowCount } from './linear-algebra';
import type { NumberRandom } from './likelihood';

export type FactorKind = FactorSpec['kind'];

export interface CodesAndFactors {
  /** z [N, codeDim], row-major. */
  codes: NumericArray;
  codeDim: number;
  /** v [N, numFactors], row-major. */
  factors: NumericArray;
  numFactors: number;
  /** Kind of each factor; default all 'categorical'. */
  factorKinds?: FactorKind[];
}

interface Checked {
  n: number;
  kinds: FactorKind[];
}

function check(data: CodesAndFactors, what: string): Checked {
  const n = rowCount(data.codes, data.codeDim, `${what} codes`);
  const nf = rowCount(data.factors, data.numFactors, `${what} factors`);
  if (n !== nf) throw new Error(`${what}: codes have ${n} rows but factors have ${nf}`);
  if (n < 10) throw new Error(`${what}: need at least 10 rows, got ${n}`);
  const kinds = data.factorKinds ?? Array<FactorKind>(data.numFactors).fill('categorical');
  if (kinds.length !== data.numFactors) throw new Error(`${what}: factorKinds has ${kinds.length} entries, expected numFactors = ${data.numFactors}`);
  kinds.forEach((kind, k) => {
    if (kind === 'continuous') return;
    for (let i = 0; i < n; i++) {
      const v = data.factors[i * data.numFactors + k];
      if (!Number.isInteger(v)) throw new Error(`${what}: factor ${k} is ${kind} but row ${i} holds the non-integer ${v}`);
    }
  });
  return { n, kinds };
}

function column(a: NumericArray, cols: number, j: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * cols + j];
  return out;
}

/** Equal-width bin index in {0, …, bins − 1} of each value over the column's [min, max]. */
function discretise(values: Float64Array, bins: number): { index: Int32Array; count: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const index = new Int32Array(values.length);
  if (hi > lo) {
    const width = (hi - lo) / bins;
    for (let i = 0; i < values.length; i++) index[i] = Math.min(bins - 1, Math.floor((values[i] - lo) / width));
  }
  return { index, count: bins };
}

/** Class index 0..C−1 of each integer value (classes in ascending order of value). */
function classesOf(values: Float64Array): { index: Int32Array; count: number } {
  const distinct = Array.from(new Set(values)).sort((a, b) => a - b);
  const map = new Map(distinct.map((v, i) => [v, i]));
  return { index: Int32Array.from(values, (v) => map.get(v)!), count: distinct.length };
}

function entropyOf(index: Int32Array, count: number): number {
  const p = new Float64Array(count);
  for (const i of index) p[i]++;
  let h = 0;
  for (const c of p) if (c > 0) h -= (c / index.length) * Math.log(c / index.length);
  return h;
}

/** Plug-in mutual information (nats) between two discrete variables. */
function discreteMutualInformation(a: { index: Int32Array; count: number }, b: { index: Int32Array; count: number }): number {
  const n = a.index.length;
  const joint = new Float64Array(a.count * b.count);
  const pa = new Float64Array(a.count);
  const pb = new Float64Array(b.count);
  for (let i = 0; i < n; i++) {
    joint[a.index[i] * b.count + b.index[i]]++;
    pa[a.index[i]]++;
    pb[b.index[i]]++;
  }
  let mi = 0;
  for (let x = 0; x < a.count; x++) {
    for (let y = 0; y < b.count; y++) {
      const c = joint[x * b.count + y];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (pa[x] * pb[y]));
    }
  }
  return Math.max(mi, 0);
}

function topTwo(values: ArrayLike<number>): [number, number] {
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) second = v;
  }
  return [first, second === -Infinity ? 0 : second];
}

export interface MigResult {
  /** MIG in [0, 1]. */
  value: number;
  /** Normalised gap per factor. */
  perFactor: Float64Array;
  /** I(z_j; v_k) in nats, [codeDim, numFactors]. */
  mutualInformation: Float64Array;
  /** H(v_k) in nats. */
  factorEntropy: Float64Array;
}

/** Mutual information gap (see the module comment). Needs codeDim ≥ 2. */
export function mutualInformationGap(data: CodesAndFactors, { bins = 20 }: { bins?: number } = {}): MigResult {
  const { n, kinds } = check(data, 'mutualInformationGap');
  const { codeDim, numFactors } = data;
  if (codeDim < 2) throw new Error('mutualInformationGap: needs at least two code dimensions');
  const codeBins = Array.from({ length: codeDim }, (_, j) => discretise(column(data.codes, codeDim, j, n), bins));
  const mutualInformation = new Float64Array(codeDim * numFactors);
  const factorEntropy = new Float64Array(numFactors);
  const perFactor = new Float64Array(numFactors);
  for (let k = 0; k < numFactors; k++) {
    const values = column(data.factors, numFactors, k, n);
    const factor = kinds[k] === 'continuous' ? discretise(values, bins) : classesOf(values);
    factorEntropy[k] = entropyOf(factor.index, factor.count);
    if (factorEntropy[k] === 0) throw new Error(`mutualInformationGap: factor ${k} is constant (zero entropy)`);
    const column_ = new Float64Array(codeDim);
    for (let j = 0; j < codeDim; j++) {
      column_[j] = discreteMutualInformation(codeBins[j], factor);
      mutualInformation[j * numFactors + k] = column_[j];
    }
    const [first, second] = topTwo(column_);
    perFactor[k] = (first - second) / factorEntropy[k];
  }
  return { value: mean(perFactor), perFactor, mutualInformation, factorEntropy };
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Interleaved split: true for test rows. */
function testMask(n: number, testFraction: number): Uint8Array {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1), got ${String(testFraction)}`);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = Math.floor((i + 1) * testFraction) > Math.floor(i * testFraction) ? 1 : 0;
  return mask;
}

/** Balanced accuracy of the 1-D nearest-class-mean classifier on z, fitted on train rows, scored on test rows. */
function thresholdClassifierScore(z: Float64Array, cls: { index: Int32Array; count: number }, mask: Uint8Array): number {
  const sums = new Float64Array(cls.count);
  const counts = new Float64Array(cls.count);
  for (let i = 0; i < z.length; i++) {
    if (mask[i]) continue;
    sums[cls.index[i]] += z[i];
    counts[cls.index[i]]++;
  }
  const means = Float64Array.from(sums, (s, c) => (counts[c] > 0 ? s / counts[c] : Number.NaN));
  const correct = new Float64Array(cls.count);
  const total = new Float64Array(cls.count);
  for (let i = 0; i < z.length; i++) {
    if (!mask[i]) continue;
    let best = -1;
    let bestDistance = Infinity;
    for (let c = 0; c < cls.count; c++) {
      const distance = Math.abs(z[i] - means[c]);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = c;
      }
    }
    total[cls.index[i]]++;
    if (best === cls.index[i]) correct[cls.index[i]]++;
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < cls.count; c++) {
    if (total[c] === 0) continue;
    sum += correct[c] / total[c];
    present++;
  }
  return present > 0 ? sum / present : 0;
}

function squaredCorrelation(a: Float64Array, b: Float64Array): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? (sab * sab) / (saa * sbb) : 0;
}

export interface SapResult {
  /** SAP score. */
  value: number;
  /** Top-1 − top-2 gap per factor. */
  perFactor: Float64Array;
  /** S_jk, [codeDim, numFactors]. */
  scores: Float64Array;
}

/** Separated attribute predictability (see the module comment). Needs codeDim ≥ 2. */
export function separatedAttributePredictability(data: CodesAndFactors, { testFraction = 0.2 }: { testFraction?: number } = {}): SapResult {
  const { n, kinds } = check(data, 'separatedAttributePredictability');
  const { codeDim, numFactors } = data;
  if (codeDim < 2) throw new Error('separatedAttributePredictability: needs at least two code dimensions');
  const mask = testMask(n, testFraction);
  const codeColumns = Array.from({ length: codeDim }, (_, j) => column(data.codes, codeDim, j, n));
  const scores = new Float64Array(codeDim * numFactors);
  const perFactor = new Float64Array(numFactors);
  for (let k = 0; k < numFactors; k++) {
    const values = column(data.factors, numFactors, k, n);
    const cls = kinds[k] === 'continuous' ? undefined : classesOf(values);
    const column_ = new Float64Array(codeDim);
    for (let j = 0; j < codeDim; j++) {
      column_[j] = cls ? thresholdClassifierScore(codeColumns[j], cls, mask) : squaredCorrelation(codeColumns[j], values);
      scores[j * numFactors + k] = column_[j];
    }
    const [first, second] = topTwo(column_);
    perFactor[k] = first - second;
  }
  return { value: mean(perFactor), perFactor, scores };
}

export interface DciResult {
  disentanglement: number;
  completeness: number;
  informativeness: number;
  /** R_jk, [codeDim, numFactors]. */
  importance: Float64Array;
  perCodeDisentanglement: Float64Array;
  perFactorCompleteness: Float64Array;
  /** Held-out R² (continuous) or accuracy (categorical) per factor. */
  perFactorInformativeness: Float64Array;
}

/** Normalised entropy 1 − H_base(p) of non-negative weights (1 when base ≤ 1 or all weight is 0). */
function oneMinusNormalisedEntropy(weights: ArrayLike<number>): number {
  const base = weights.length;
  if (base <= 1) return 1;
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < weights.length; i++) {
    const p = weights[i] / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return 1 - h / Math.log(base);
}

/**
 * Lasso min_β (1/2n)‖y − Zβ‖² + α‖β‖₁ for `outputs` targets at once, from G = ZᵀZ/n [k, k] and r = Zᵀy/n [k, outputs]
 * (centred data, no intercept), by cyclic coordinate descent: β_j ← S(r_j − Σ_{l≠j} G_jl β_l, α) / G_jj with the
 * soft threshold S(x, α) = sign(x) max(|x| − α, 0). Converges (the objective is convex) to |Δβ| < 1e-12.
 */
function lassoFromGram(gram: Float64Array, rhs: Float64Array, k: number, outputs: number, alpha: number): Float64Array {
  const beta = new Float64Array(k * outputs);
  for (let c = 0; c < outputs; c++) {
    for (let sweep = 0; sweep < 10_000; sweep++) {
      let change = 0;
      for (let j = 0; j < k; j++) {
        const gjj = gram[j * k + j];
        if (gjj <= 0) continue;
        let rho = rhs[j * outputs + c];
        for (let l = 0; l < k; l++) if (l !== j) rho -= gram[j * k + l] * beta[l * outputs + c];
        const next = Math.sign(rho) * Math.max(Math.abs(rho) - alpha, 0) / gjj;
        change = Math.max(change, Math.abs(next - beta[j * outputs + c]));
        beta[j * outputs + c] = next;
      }
      if (change < 1e-12) break;
    }
  }
  return beta;
}

/** DCI disentanglement, completeness, informativeness (see the module comment). */
export function dci(data: CodesAndFactors, { testFraction = 0.2, alpha = 0.02 }: { testFraction?: number; alpha?: number } = {}): DciResult {
  if (!(alpha >= 0)) throw new Error(`dci: alpha must be non-negative, got ${String(alpha)}`);
  const { n, kinds } = check(data, 'dci');
  const { codeDim: kDim, numFactors } = data;
  const mask = testMask(n, testFraction);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < n; i++) (mask[i] ? testRows : trainRows).push(i);
  // Standardise codes with train statistics; constant dimensions become 0.
  const mu = new Float64Array(kDim);
  const sd = new Float64Array(kDim);
  for (const i of trainRows) for (let j = 0; j < kDim; j++) mu[j] += data.codes[i * kDim + j];
  for (let j = 0; j < kDim; j++) mu[j] /= trainRows.length;
  for (const i of trainRows) for (let j = 0; j < kDim; j++) sd[j] += (data.codes[i * kDim + j] - mu[j]) ** 2;
  for (let j = 0; j < kDim; j++) sd[j] = Math.sqrt(sd[j] / trainRows.length);
  const z = new Float64Array(n * kDim);
  for (let i = 0; i < n; i++) for (let j = 0; j < kDim; j++) z[i * kDim + j] = sd[j] > 0 ? (data.codes[i * kDim + j] - mu[j]) / sd[j] : 0;
  // Gram matrix ZᵀZ/n on the train split (shared by every factor's regression).
  const gram = new Float64Array(kDim * kDim);
  for (const i of trainRows) {
    for (let a = 0; a < kDim; a++) {
      const za = z[i * kDim + a];
      for (let b = a; b < kDim; b++) gram[a * kDim + b] += za * z[i * kDim + b];
    }
  }
  for (let a = 0; a < kDim; a++) {
    for (let b = a; b < kDim; b++) {
      gram[a * kDim + b] /= trainRows.length;
      gram[b * kDim + a] = gram[a * kDim + b];
    }
  }

  const importance = new Float64Array(kDim * numFactors);
  const perFactorInformativeness = new Float64Array(numFactors);
  for (let k = 0; k < numFactors; k++) {
    const values = column(data.factors, numFactors, k, n);
    const continuous = kinds[k] === 'continuous';
    const cls = continuous ? undefined : classesOf(values);
    const outputs = cls ? cls.count : 1;
    // Targets: standardised factor or one-hot classes, centred on the train mean.
    const target = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) {
      if (cls) target[i * outputs + cls.index[i]] = 1;
      else target[i] = values[i];
    }
    const tMean = new Float64Array(outputs);
    for (const i of trainRows) for (let c = 0; c < outputs; c++) tMean[c] += target[i * outputs + c];
    for (let c = 0; c < outputs; c++) tMean[c] /= trainRows.length;
    let tScale = 1;
    if (!cls) {
      let v = 0;
      for (const i of trainRows) v += (target[i] - tMean[0]) ** 2;
      tScale = Math.sqrt(v / trainRows.length) || 1;
    }
    const rhs = new Float64Array(kDim * outputs);
    for (const i of trainRows) {
      for (let a = 0; a < kDim; a++) {
        const za = z[i * kDim + a];
        if (za === 0) continue;
        for (let c = 0; c < outputs; c++) rhs[a * outputs + c] += (za * (target[i * outputs + c] - tMean[c])) / tScale;
      }
    }
    for (let x = 0; x < rhs.length; x++) rhs[x] /= trainRows.length;
    const beta = lassoFromGram(gram, rhs, kDim, outputs, alpha);
    for (let a = 0; a < kDim; a++) {
      let s = 0;
      for (let c = 0; c < outputs; c++) s += Math.abs(beta[a * outputs + c]);
      importance[a * numFactors + k] = s;
    }
    // Held-out informativeness.
    const predict = (i: number, c: number) => {
      let s = 0;
      for (let a = 0; a < kDim; a++) s += z[i * kDim + a] * beta[a * outputs + c];
      return tMean[c] + s * tScale;
    };
    if (cls) {
      let correct = 0;
      for (const i of testRows) {
        let best = 0;
        let bestValue = -Infinity;
        for (let c = 0; c < outputs; c++) {
          const p = predict(i, c);
          if (p > bestValue) {
            bestValue = p;
            best = c;
          }
        }
        if (best === cls.index[i]) correct++;
      }
      perFactorInformativeness[k] = correct / testRows.length;
    } else {
      let testMean = 0;
      for (const i of testRows) testMean += values[i];
      testMean /= testRows.length;
      let ssRes = 0;
      let ssTot = 0;
      for (const i of testRows) {
        ssRes += (values[i] - predict(i, 0)) ** 2;
        ssTot += (values[i] - testMean) ** 2;
      }
      perFactorInformativeness[k] = ssTot > 0 ? 1 - ssRes / ssTot : 0;
    }
  }

  let total = 0;
  for (const r of importance) total += r;
  const perCodeDisentanglement = new Float64Array(kDim);
  const perFactorCompleteness = new Float64Array(numFactors);
  let disentanglement = 0;
  let completeness = 0;
  for (let j = 0; j < kDim; j++) {
    const row = importance.subarray(j * numFactors, (j + 1) * numFactors);
    perCodeDisentanglement[j] = oneMinusNormalisedEntropy(row);
    let rowSum = 0;
    for (const r of row) rowSum += r;
    if (total > 0) disentanglement += (rowSum / total) * perCodeDisentanglement[j];
  }
  for (let k = 0; k < numFactors; k++) {
    const col = Float64Array.from({ length: kDim }, (_, j) => importance[j * numFactors + k]);
    perFactorCompleteness[k] = oneMinusNormalisedEntropy(col);
    let colSum = 0;
    for (const r of col) colSum += r;
    if (total > 0) completeness += (colSum / total) * perFactorCompleteness[k];
  }
  return {
    disentanglement,
    completeness,
    informativeness: mean(perFactorInformativeness),
    importance,
    perCodeDisentanglement,
    perFactorCompleteness,
    perFactorInformativeness,
  };
}

/**
 * Draws `batchSize` codes [batchSize, codeDim] (row-major) from examples that share one value of factor
 * `factor` (the sampler picks the value, e.g. from the factor's distribution) and may differ in all others.
 */
export type FixedFactorSampler = (factor: number, batchSize: number, rng: NumberRandom) => NumericArray;

/**
 * A {@link FixedFactorSampler} over a precomputed pool of codes with discrete factors: picks a random row,
 * takes its value of `factor`, then draws `batchSize` rows with that value uniformly with replacement (so values
 * come with their frequency in the pool, as disentanglement_lib samples them).
 */
export function fixedFactorSamplerFromArrays(data: CodesAndFactors): FixedFactorSampler {
  const { n } = check(data, 'fixedFactorSamplerFromArrays');
  const { codeDim, numFactors } = data;
  const groups: Map<number, number[]>[] = Array.from({ length: numFactors }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < numFactors; k++) {
      const v = data.factors[i * numFactors + k];
      let rows = groups[k].get(v);
      if (!rows) groups[k].set(v, (rows = []));
      rows.push(i);
    }
  }
  return (factor, batchSize, rng) => {
    if (!(factor >= 0 && factor < numFactors)) throw new Error(`fixedFactorSampler: factor must be in [0, ${numFactors}), got ${factor}`);
    const value = data.factors[rng.int(n) * numFactors + factor];
    const rows = groups[factor].get(value)!;
    const out = new Float64Array(batchSize * codeDim);
    for (let b = 0; b < batchSize; b++) {
      const row = rows[rng.int(rows.length)];
      for (let j = 0; j < codeDim; j++) out[b * codeDim + j] = data.codes[row * codeDim + j];
    }
    return out;
  };
}

export interface FactorVaeScoreOptions {
  sampleWithFixedFactor: FixedFactorSampler;
  numFactors: number;
  codeDim: number;
  /** Codes [M, codeDim] of ordinary samples, for the per-dimension std used to normalise (M in the thousands). */
  globalCodes: NumericArray;
  rng: NumberRandom;
  /** L, codes per vote; default 64. */
  batchSize?: number;
  /** Votes to fit the majority-vote classifier; default 800. */
  trainVotes?: number;
  /** Votes to score it; default 400. */
  evalVotes?: number;
  /** Dimensions whose global std is ≤ this are pruned as collapsed; default 0. */
  pruneStdBelow?: number;
}

export interface FactorVaeScoreResult {
  /** Accuracy of the majority-vote classifier on evaluation votes. */
  value: number;
  trainAccuracy: number;
  /** Training vote counts V[j][k], [codeDim, numFactors]. */
  votes: Float64Array;
  /** Dimensions kept after pruning. */
  activeDims: number[];
}

/** FactorVAE score (see the module comment). */
export function factorVaeScore(options: FactorVaeScoreOptions): FactorVaeScoreResult {
  const { sampleWithFixedFactor, numFactors, codeDim, globalCodes, rng, batchSize = 64, trainVotes = 800, evalVotes = 400, pruneStdBelow = 0 } = options;
  const m = rowCount(globalCodes, codeDim, 'factorVaeScore globalCodes');
  if (m < 2) throw new Error('factorVaeScore: globalCodes needs at least 2 rows');
  if (batchSize < 2) throw new Error(`factorVaeScore: batchSize must be at least 2, got ${batchSize}`);
  const std = new Float64Array(codeDim);
  const centre = new Float64Array(codeDim);
  for (let i = 0; i < m; i++) for (let j = 0; j < codeDim; j++) centre[j] += globalCodes[i * codeDim + j];
  for (let j = 0; j < codeDim; j++) centre[j] /= m;
  for (let i = 0; i < m; i++) for (let j = 0; j < codeDim; j++) std[j] += (globalCodes[i * codeDim + j] - centre[j]) ** 2;
  for (let j = 0; j < codeDim; j++) std[j] = Math.sqrt(std[j] / (m - 1));
  const activeDims = Array.from({ length: codeDim }, (_, j) => j).filter((j) => std[j] > pruneStdBelow);
  if (activeDims.length === 0) throw new Error('factorVaeScore: every code dimension was pruned (zero variance)');

  const vote = (): [number, number] => {
    const factor = rng.int(numFactors);
    const batch = sampleWithFixedFactor(factor, batchSize, rng);
    if (batch.length !== batchSize * codeDim) {
      throw new Error(`factorVaeScore: sampleWithFixedFactor returned ${batch.length} values, expected batchSize × codeDim = ${batchSize * codeDim}`);
    }
    let best = activeDims[0];
    let bestVar = Infinity;
    for (const j of activeDims) {
      let s = 0;
      let ss = 0;
      for (let b = 0; b < batchSize; b++) {
        const v = batch[b * codeDim + j] / std[j];
        s += v;
        ss += v * v;
      }
      const variance = ss / batchSize - (s / batchSize) ** 2;
      if (variance < bestVar) {
        bestVar = variance;
        best = j;
      }
    }
    return [best, factor];
  };

  const votes = new Float64Array(codeDim * numFactors);
  const trainPairs: [number, number][] = [];
  for (let t = 0; t < trainVotes; t++) {
    const [j, k] = vote();
    votes[j * numFactors + k]++;
    trainPairs.push([j, k]);
  }
  const classify = (j: number) => {
    let best = -1;
    let bestCount = 0;
    for (let k = 0; k < numFactors; k++) {
      if (votes[j * numFactors + k] > bestCount) {
        bestCount = votes[j * numFactors + k];
        best = k;
      }
    }
    return best;
  };
  const trainAccuracy = trainPairs.filter(([j, k]) => classify(j) === k).length / trainVotes;
  let correct = 0;
  for (let t = 0; t < evalVotes; t++) {
    const [j, k] = vote();
    if (classify(j) === k) correct++;
  }
  return { value: correct / evalVotes, trainAccuracy, votes, activeDims };
}
