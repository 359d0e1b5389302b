/**
 * Classifier-judged metrics of the papers, computed from plain arrays of predictions and labels (the
 * evaluation classifiers live elsewhere in this package), plus swap fidelity on ground-truth factors.
 *
 * - Acc (paper 000 §3.1, paper 003 Table 1): fraction of generated images that a classifier assigns the requested
 *   label, Acc = (1/N) Σ_n 1[ŷ_n = y_n].
 * - BCA, balanced classification accuracy (paper 001 Table 1): mean per-class recall,
 *   BCA = (1/|C|) Σ_{c ∈ C} |{n : y_n = c, ŷ_n = c}| / |{n : y_n = c}| over the classes C present in y.
 * - SR(−), SR(+) (paper 001 §4, Table 1): for pairs (I_g with the attribute, I_w without) the values of y and u are
 *   exchanged; SR(−) is the fraction of swapped reconstructions of I_g that the classifier labels y = 0 (attribute
 *   removed), SR(+) the fraction of swapped reconstructions of I_w labelled y = 1 (attribute added).
 * - Attribute-switch accuracy (paper 004 §4 "Method 1", Table 1): accuracy of the attribute classifier C on data
 *   whose label was switched from i to j by the model's G_ij, against the target label j.
 * - Identity-preserving MSE (paper 004 §4 "Method 2", Table 2; the formula was lost in the text extraction and is
 *   reconstructed from the surrounding sentence): with S_{i,t} the examples of attribute i and identity t,
 *   L1 = mean over (i ≠ j, t, x1 ∈ S_{i,t}, x2 ∈ S_{j,t}) of (1/D) ‖G_ij(x1) − x2‖², i.e. a switched image is compared with
 *   every real image of the same identity that really has the target attribute. Each (x1, x2) pair has equal weight;
 *   errors are per pixel (divided by D). The paper also picks the W-point p_j minimising L1 on validation data —
 *   done by the caller, who evaluates this function per candidate.
 * - AMP, attribute mean probability (paper 003 §4.3, Table 2): for an image x_i of identity i and L attribute
 *   classifiers p_l, AMP_i = (1/L) Σ_l p_l(x_i). Table 2 reports the accuracy of the attributes (predicted p_l > ½
 *   vs requested) and the variance of AMP across identities; here an identity's AMP is the mean AMP of its images and
 *   the variance is the population variance (divisor = number of identities) — the paper does not say which.
 * - |ΔAMP| (paper 003 §4.3, Table 3): attributes are changed one at a time; at step s (attribute a_s changed) the
 *   AMP over the L − 1 attributes other than a_s is compared between step s − 1 and step s:
 *   |ΔAMP|_s = mean_n |AMP^{(−a_s)}(x_n^{(s)}) − AMP^{(−a_s)}(x_n^{(s−1)})| (the absolute value per image, then the
 *   mean; the paper's wording allows either order).
 * - Swap fidelity (this project, for data with known factors): a swap should take the "attribute" factors from
 *   source A and all other factors from source B. Per factor k, with target t = A for attribute factors and B
 *   otherwise, the normalised error is e_k = mean_n (ŝ_nk − t_nk)² / Var_k for continuous factors (Var_k over the
 *   pooled sources A ∪ B; two independent draws give e ≈ 2) and the mismatch rate mean_n 1[ŝ_nk ≠ t_nk] for
 *   categorical ones; fidelity = 1 − mean_k e_k (continuous e clipped to 1), so a perfect swap scores 1.
 */
import type { FactorKind } from './disentanglement';
import type { NumericArray } from './linear-algebra';

function checkSameLength(a: NumericArray, b: NumericArray, what: string, names = ['predictions', 'labels']): void {
  if (a.length !== b.length) throw new Error(`${what}: ${names[0]} has ${a.length} entries but ${names[1]} has ${b.length}`);
  if (a.length === 0) throw new Error(`${what}: no ${names[0]} given`);
}

/** Acc = (1/N) Σ 1[predicted_n = target_n]. */
export function accuracy(predicted: NumericArray, target: NumericArray): number {
  checkSameLength(predicted, target, 'accuracy');
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === target[i]) correct++;
  return correct / predicted.length;
}

/** Confusion counts: `counts[t][p]` = number of examples of true class t predicted as p, over the classes seen in either array. */
export function confusionMatrix(predicted: NumericArray, target: NumericArray): { classes: number[]; counts: number[][] } {
  checkSameLength(predicted, target, 'confusionMatrix');
  const classes = Array.from(new Set([...Array.from(target), ...Array.from(predicted)])).sort((a, b) => a - b);
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = classes.map(() => classes.map(() => 0));
  for (let i = 0; i < predicted.length; i++) counts[index.get(target[i])!][index.get(predicted[i])!]++;
  return { classes, counts };
}

/** Balanced classification accuracy: mean per-class recall over the classes present in `target`. */
export function balancedAccuracy(predicted: NumericArray, target: NumericArray): { value: number; perClassRecall: Map<number, number> } {
  checkSameLength(predicted, target, 'balancedAccuracy');
  const correct = new Map<number, number>();
  const total = new Map<number, number>();
  for (let i = 0; i < target.length; i++) {
    total.set(target[i], (total.get(target[i]) ?? 0) + 1);
    if (predicted[i] === target[i]) correct.set(target[i], (correct.get(target[i]) ?? 0) + 1);
  }
  const perClassRecall = new Map<number, number>();
  let sum = 0;
  for (const [c, n] of [...total.entries()].sort((a, b) => a[0] - b[0])) {
    const recall = (correct.get(c) ?? 0) / n;
    perClassRecall.set(c, recall);
    sum += recall;
  }
  return { value: sum / total.size, perClassRecall };
}

/** Hard labels from probabilities of the positive class: 1 when p > threshold (default ½). */
export function thresholdProbabilities(probabilities: NumericArray, threshold = 0.5): Int32Array {
  return Int32Array.from(probabilities, (p) => (p > threshold ? 1 : 0));
}

export interface SwapSuccessInput {
  /** Classifier labels of the swapped reconstructions of I_g (had the attribute; should now be `absentLabel`). */
  predictedAfterRemoval: NumericArray;
  /** Classifier labels of the swapped reconstructions of I_w (lacked it; should now be `presentLabel`). */
  predictedAfterAddition: NumericArray;
  /** Label of "attribute present"; default 1. */
  presentLabel?: number;
  /** Label of "attribute absent"; default 0. */
  absentLabel?: number;
}

/** SR(−) and SR(+) of paper 001 (fractions in [0, 1]; the paper prints percentages). */
export function swapSuccessRates({ predictedAfterRemoval, predictedAfterAddition, presentLabel = 1, absentLabel = 0 }: SwapSuccessInput): {
  srMinus: number;
  srPlus: number;
  pairs: { removal: number; addition: number };
} {
  if (predictedAfterRemoval.length === 0 || predictedAfterAddition.length === 0) throw new Error('swapSuccessRates: both prediction arrays must be non-empty');
  let removed = 0;
  for (let i = 0; i < predictedAfterRemoval.length; i++) if (predictedAfterRemoval[i] === absentLabel) removed++;
  let added = 0;
  for (let i = 0; i < predictedAfterAddition.length; i++) if (predictedAfterAddition[i] === presentLabel) added++;
  return {
    srMinus: removed / predictedAfterRemoval.length,
    srPlus: added / predictedAfterAddition.length,
    pairs: { removal: predictedAfterRemoval.length, addition: predictedAfterAddition.length },
  };
}

/**
 * Attribute-switch accuracy (paper 004 Method 1): accuracy of the classifier's labels of switched images against the
 * target labels, overall and per (source → target) pair when `sourceLabels` are given.
 */
export function attributeSwitchAccuracy(
  predicted: NumericArray,
  targetLabels: NumericArray,
  sourceLabels?: NumericArray,
): { value: number; perPair: Map<string, { accuracy: number; count: number }> } {
  checkSameLength(predicted, targetLabels, 'attributeSwitchAccuracy');
  const perPair = new Map<string, { accuracy: number; count: number }>();
  if (sourceLabels) {
    checkSameLength(sourceLabels, targetLabels, 'attributeSwitchAccuracy', ['sourceLabels', 'targetLabels']);
    const tallies = new Map<string, [number, number]>();
    for (let i = 0; i < predicted.length; i++) {
      const key = `${sourceLabels[i]}->${targetLabels[i]}`;
      const t = tallies.get(key) ?? [0, 0];
      t[1]++;
      if (predicted[i] === targetLabels[i]) t[0]++;
      tallies.set(key, t);
    }
    for (const [key, [c, n]] of tallies) perPair.set(key, { accuracy: c / n, count: n });
  }
  return { value: accuracy(predicted, targetLabels), perPair };
}

export interface IdentityPreservingInput {
  /** Switched images G_ij(x1), [M, dim] row-major. */
  switched: NumericArray;
  /** Identity t of each switched image's source x1. */
  switchedIdentities: NumericArray;
  /** Source attribute i of each switched image. */
  sourceLabels: NumericArray;
  /** Target attribute j of each switched image. */
  targetLabels: NumericArray;
  /** Real images [R, dim] row-major. */
  references: NumericArray;
  referenceIdentities: NumericArray;
  referenceLabels: NumericArray;
  /** Values per image D. */
  dim: number;
}

/** Identity-preserving MSE L1 of paper 004 Method 2 (reconstructed formula; see the module comment). */
export function identityPreservingMse(input: IdentityPreservingInput): { value: number; pairs: number; skipped: number } {
  const { switched, switchedIdentities, sourceLabels, targetLabels, references, referenceIdentities, referenceLabels, dim } = input;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`identityPreservingMse: dim must be a positive integer, got ${String(dim)}`);
  const m = switchedIdentities.length;
  if (switched.length !== m * dim) throw new Error(`identityPreservingMse: switched has ${switched.length} values, expected ${m} × ${dim}`);
  checkSameLength(sourceLabels, switchedIdentities, 'identityPreservingMse', ['sourceLabels', 'switchedIdentities']);
  checkSameLength(targetLabels, switchedIdentities, 'identityPreservingMse', ['targetLabels', 'switchedIdentities']);
  const r = referenceIdentities.length;
  if (references.length !== r * dim) throw new Error(`identityPreservingMse: references has ${references.length} values, expected ${r} × ${dim}`);
  checkSameLength(referenceLabels, referenceIdentities, 'identityPreservingMse', ['referenceLabels', 'referenceIdentities']);
  const groups = new Map<string, number[]>();
  for (let q = 0; q < r; q++) {
    const key = `${referenceIdentities[q]}|${referenceLabels[q]}`;
    let rows = groups.get(key);
    if (!rows) groups.set(key, (rows = []));
    rows.push(q);
  }
  let sum = 0;
  let pairs = 0;
  let skipped = 0;
  for (let p = 0; p < m; p++) {
    if (sourceLabels[p] === targetLabels[p]) throw new Error(`identityPreservingMse: switched image ${p} has source label = target label (${sourceLabels[p]}); Method 2 uses i ≠ j`);
    const rows = groups.get(`${switchedIdentities[p]}|${targetLabels[p]}`);
    if (!rows) {
      skipped++;
      continue;
    }
    for (const q of rows) {
      let se = 0;
      for (let d = 0; d < dim; d++) se += (switched[p * dim + d] - references[q * dim + d]) ** 2;
      sum += se / dim;
      pairs++;
    }
  }
  if (pairs === 0) throw new Error('identityPreservingMse: no switched image has a reference of the same identity with the target label');
  return { value: sum / pairs, pairs, skipped };
}

export interface AmpInput {
  /** p_l(x_n), [N, L] row-major. */
  probabilities: NumericArray;
  numAttributes: number;
  /** Identity of each image, [N]. */
  identities: NumericArray;
  /** Requested attribute values (0/1), [N, L]; when given, the attribute accuracy is computed too. */
  requested?: NumericArray;
}

export interface AmpResult {
  /** AMP of each image. */
  perImage: Float64Array;
  /** Mean AMP per identity. */
  perIdentity: Map<number, number>;
  /** Mean AMP over images. */
  mean: number;
  /** Population variance of the per-identity AMPs (paper 003 Table 2, "Variance"). */
  varianceAcrossIdentities: number;
  /** Fraction of (image, attribute) pairs with 1[p > ½] equal to the request (paper 003 Table 2, "Accuracy"). */
  attributeAccuracy?: number;
}

/** AMP and its variance across identities (paper 003 §4.3; see the module comment). */
export function attributeMeanProbability({ probabilities, numAttributes, identities, requested }: AmpInput): AmpResult {
  const n = identities.length;
  if (probabilities.length !== n * numAttributes) {
    throw new Error(`attributeMeanProbability: probabilities has ${probabilities.length} values, expected identities.length × numAttributes = ${n} × ${numAttributes}`);
  }
  if (n === 0) throw new Error('attributeMeanProbability: no images');
  const perImage = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let l = 0; l < numAttributes; l++) s += probabilities[i * numAttributes + l];
    perImage[i] = s / numAttributes;
  }
  const sums = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    const t = sums.get(identities[i]) ?? [0, 0];
    t[0] += perImage[i];
    t[1]++;
    sums.set(identities[i], t);
  }
  const perIdentity = new Map([...sums.entries()].map(([id, [s, c]]) => [id, s / c] as [number, number]));
  const idValues = [...perIdentity.values()];
  const idMean = idValues.reduce((a, b) => a + b, 0) / idValues.length;
  const varianceAcrossIdentities = idValues.reduce((a, b) => a + (b - idMean) ** 2, 0) / idValues.length;
  let attributeAccuracy: number | undefined;
  if (requested) {
    if (requested.length !== probabilities.length) throw new Error(`attributeMeanProbability: requested has ${requested.length} values, expected ${probabilities.length}`);
    let correct = 0;
    for (let x = 0; x < probabilities.length; x++) if ((probabilities[x] > 0.5 ? 1 : 0) === requested[x]) correct++;
    attributeAccuracy = correct / probabilities.length;
  }
  return { perImage, perIdentity, mean: perImage.reduce((a, b) => a + b, 0) / n, varianceAcrossIdentities, attributeAccuracy };
}

/**
 * |ΔAMP| per manipulation step (paper 003 Table 3). `probabilitiesPerStep[s]` holds p_l of the same N samples after
 * s manipulations ([N, L], step 0 = before any change); `changedAttribute[s − 1]` is the attribute changed at step s.
 * Returns one value per step s = 1..S.
 */
export function cumulativeAmpChange(probabilitiesPerStep: NumericArray[], changedAttribute: number[], numAttributes: number): Float64Array {
  const steps = probabilitiesPerStep.length - 1;
  if (steps < 1) throw new Error('cumulativeAmpChange: need the probabilities of step 0 and at least one manipulation step');
  if (changedAttribute.length !== steps) throw new Error(`cumulativeAmpChange: changedAttribute has ${changedAttribute.length} entries, expected ${steps} (one per step after 0)`);
  if (numAttributes < 2) throw new Error('cumulativeAmpChange: needs at least two attributes (one changed, others measured)');
  const size = probabilitiesPerStep[0].length;
  if (size % numAttributes !== 0) throw new Error(`cumulativeAmpChange: step 0 has ${size} values, not a multiple of numAttributes = ${numAttributes}`);
  const n = size / numAttributes;
  const out = new Float64Array(steps);
  for (let s = 1; s <= steps; s++) {
    const prev = probabilitiesPerStep[s - 1];
    const cur = probabilitiesPerStep[s];
    if (cur.length !== size) throw new Error(`cumulativeAmpChange: step ${s} has ${cur.length} values, expected ${size}`);
    const skip = changedAttribute[s - 1];
    if (!(Number.isInteger(skip) && skip >= 0 && skip < numAttributes)) throw new Error(`cumulativeAmpChange: changedAttribute[${s - 1}] = ${skip} is not an attribute index`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let a = 0;
      let b = 0;
      for (let l = 0; l < numAttributes; l++) {
        if (l === skip) continue;
        a += prev[i * numAttributes + l];
        b += cur[i * numAttributes + l];
      }
      total += Math.abs(b - a) / (numAttributes - 1);
    }
    out[s - 1] = total / n;
  }
  return out;
}

export interface SwapFidelityInput {
  /** Factors regressed from (or known for) the swapped results, [N, F]. */
  swapped: NumericArray;
  /** Factors of source A (gives the attribute factors), [N, F]. */
  sourceA: NumericArray;
  /** Factors of source B (gives every other factor), [N, F]. */
  sourceB: NumericArray;
  numFactors: number;
  /** Indices of the factors that should come from A. */
  attributeFactors: number[];
  /** Kind of each factor; default all 'continuous'. */
  factorKinds?: FactorKind[];
}

export interface SwapFidelityResult {
  /** 1 − mean_k min(e_k, 1): 1 for a perfect swap. */
  fidelity: number;
  /** e_k per factor (normalised squared error or mismatch rate; 0 is perfect). */
  perFactorError: Float64Array;
  /** Mean e_k over the attribute factors (should match A). */
  attributeError: number;
  /** Mean e_k over the other factors (should match B). */
  restError: number;
}

/** Swap fidelity on known factors (see the module comment). */
export function swapFidelity({ swapped, sourceA, sourceB, numFactors, attributeFactors, factorKinds }: SwapFidelityInput): SwapFidelityResult {
  if (swapped.length === 0 || swapped.length % numFactors !== 0) throw new Error(`swapFidelity: swapped has ${swapped.length} values, not a non-zero multiple of numFactors = ${numFactors}`);
  if (sourceA.length !== swapped.length || sourceB.length !== swapped.length) {
    throw new Error(`swapFidelity: swapped, sourceA and sourceB must have the same shape (got ${swapped.length}, ${sourceA.length}, ${sourceB.length} values)`);
  }
  const kinds = factorKinds ?? Array<FactorKind>(numFactors).fill('continuous');
  if (kinds.length !== numFactors) throw new Error(`swapFidelity: factorKinds has ${kinds.length} entries, expected ${numFactors}`);
  const fromA = new Set(attributeFactors);
  for (const k of fromA) if (!(Number.isInteger(k) && k >= 0 && k < numFactors)) throw new Error(`swapFidelity: attribute factor ${k} is not in [0, ${numFactors})`);
  if (fromA.size === 0 || fromA.size === numFactors) throw new Error('swapFidelity: attributeFactors must name some but not all factors');
  const n = swapped.length / numFactors;
  const perFactorError = new Float64Array(numFactors);
  for (let k = 0; k < numFactors; k++) {
    const target = fromA.has(k) ? sourceA : sourceB;
    if (kinds[k] === 'continuous') {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += sourceA[i * numFactors + k] + sourceB[i * numFactors + k];
      mean /= 2 * n;
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (sourceA[i * numFactors + k] - mean) ** 2 + (sourceB[i * numFactors + k] - mean) ** 2;
      variance /= 2 * n;
      let se = 0;
      for (let i = 0; i < n; i++) se += (swapped[i * numFactors + k] - target[i * numFactors + k]) ** 2;
      perFactorError[k] = variance > 0 ? se / n / variance : se > 0 ? Infinity : 0;
    } else {
      let wrong = 0;
      for (let i = 0; i < n; i++) if (swapped[i * numFactors + k] !== target[i * numFactors + k]) wrong++;
      perFactorError[k] = wrong / n;
    }
  }
  let attribute = 0;
  let rest = 0;
  let clipped = 0;
  for (let k = 0; k < numFactors; k++) {
    if (fromA.has(k)) attribute += perFactorError[k];
    else rest += perFactorError[k];
    clipped += Math.min(perFactorError[k], 1);
  }
  return {
    fidelity: 1 - clipped / numFactors,
    perFactorError,
    attributeError: attribute / fromA.size,
    restError: rest / (numFactors - fromA.size),
  };
}
