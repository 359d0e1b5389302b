/**
 * What the attribute-switching functions G_ij of paper 004 §4.3 need from the training data,
 * and the points p searched in a subspace W_j:
 *
 *   VAE:          G_ij(x) = D(E(x) − m_i + m_j), m_k the mean code of examples with label k
 *                 ("vector arithmetic in the latent space"; for non-exclusive labels the
 *                 direction of label k is m_k(on) − m_k(off));
 *   CondVAE(-info): G_ij(x) = D(E(x, y_i), y_j), the label switched (and optionally scaled);
 *   CSVAE:        G_ij(x, p) = D(z(x), p) with p_l = 0 for l ≠ j and p_j ∈ W_j a chosen point.
 *
 * The points p_j: "a grid of points centred at μ2" when W_j is 2-D, "linear combinations of
 * the principal components of {μ_w(x, y) | y_j = 1}" when it is larger. `priorStyleGrid`
 * does both at once: a grid centred at the prior mean μ2 of p(w_j | y_j = 1), spanning its
 * standard deviation, along the top two principal axes of the on-examples' posterior means
 * (for a 2-D W_j that is the paper's grid, rotated to where the styles vary).
 */
import type { SwitchReference, SubspaceStatistics } from '@disentangle/kernels';
import type { SubspacePrior } from './config';

export type { SwitchReference, SubspaceStatistics, SwitchOptions } from '@disentangle/kernels';

/** Column means of the rows of `codes` [n, width] selected by `take`. */
function meanOf(codes: Float32Array, width: number, take: (row: number) => boolean): number[] {
  const mean = new Array<number>(width).fill(0);
  let n = 0;
  for (let r = 0; r * width < codes.length; r++) {
    if (!take(r)) continue;
    n++;
    for (let c = 0; c < width; c++) mean[c] += codes[r * width + c];
  }
  if (n === 0) return mean.fill(Number.NaN);
  return mean.map((s) => s / n);
}

/**
 * The top `count` principal axes of rows [n, dim] (float64 power iteration with deflation;
 * dim is a subspace's size, so tiny). Returns unit axes and the standard deviation along each.
 */
export function principalAxes(rows: number[][], count: number): { axes: number[][]; scales: number[] } {
  const dim = rows[0]?.length ?? 0;
  const n = rows.length;
  if (n < 2 || dim === 0) return { axes: [], scales: [] };
  const mean = new Array<number>(dim).fill(0);
  for (const r of rows) r.forEach((v, c) => (mean[c] += v / n));
  const cov = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (const r of rows) for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a][b] += ((r[a] - mean[a]) * (r[b] - mean[b])) / (n - 1);
  const axes: number[][] = [];
  const scales: number[] = [];
  for (let k = 0; k < Math.min(count, dim); k++) {
    let v = Array.from({ length: dim }, (_, i) => (i === k ? 1 : 0.5 / dim));
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const next = cov.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      v = next.map((x) => x / norm);
      lambda = norm;
    }
    axes.push(v);
    scales.push(Math.sqrt(Math.max(lambda, 0)));
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a][b] -= lambda * v[a] * v[b];
  }
  return { axes, scales };
}

/**
 * Builds the reference statistics from posterior codes [n, codeWidth] and labels [n, K].
 * `subspaceOffset` (CSVAE) is where w starts in the code; each W_k has `wDim` coordinates.
 */
export function buildSwitchReference(
  codes: Float32Array,
  labels: Float32Array,
  codeWidth: number,
  labelCount: number,
  subspace?: { offset: number; wDim: number },
): SwitchReference {
  const n = codes.length / codeWidth;
  if (labels.length !== n * labelCount) throw new Error(`buildSwitchReference: ${n} codes but ${labels.length / labelCount} label rows`);
  const presentMean: number[][] = [];
  const absentMean: number[][] = [];
  const subspaces: SubspaceStatistics[] = [];
  for (let k = 0; k < labelCount; k++) {
    const on = (r: number) => labels[r * labelCount + k] > 0.5;
    presentMean.push(meanOf(codes, codeWidth, on));
    absentMean.push(meanOf(codes, codeWidth, (r) => !on(r)));
    if (presentMean[k].some(Number.isNaN)) throw new Error(`buildSwitchReference: no reference example has label ${k} on; the switch needs some`);
    if (subspace) {
      const rows: number[][] = [];
      for (let r = 0; r < n; r++) {
        if (!on(r)) continue;
        const start = r * codeWidth + subspace.offset + k * subspace.wDim;
        rows.push(Array.from(codes.subarray(start, start + subspace.wDim)));
      }
      const mean = presentMean[k].slice(subspace.offset + k * subspace.wDim, subspace.offset + (k + 1) * subspace.wDim);
      subspaces.push({ mean, ...principalAxes(rows, 2) });
    }
  }
  return { presentMean, absentMean, ...(subspace ? { subspaces } : {}) };
}

/**
 * A `steps × steps` grid of styles in W_k spanning the prior p(w_k | y_k = 1) = N(m·1, s² I):
 *
 *   p(a, b) = m·1 + a·s·u1 + b·s·u2,   a, b evenly spaced in [−span, span]      (row-major: a slow, b fast)
 *
 * u1, u2 are the top two principal axes of the on-examples' posterior means (the paper's
 * principal-component search, §4.3) when `statistics` has them, else the first two
 * coordinate axes. The prior is isotropic, so its standard deviation is s along any axis.
 * A 1-D W_k walks its one axis over steps² evenly spaced points instead.
 *
 * Why the prior and not the encoded spread: the decoder is trained on w drawn from q, which
 * the KL holds to the prior, so the prior is where styles live; the encoded *means* of the
 * on-examples spread much less (0.01–0.15 measured), so a grid of ±2 of their spread barely
 * moves and shows one style.
 */
export function priorStyleGrid(present: SubspacePrior, wDim: number, statistics: SubspaceStatistics | undefined, steps = 5, span = 2): number[][] {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`priorStyleGrid: steps must be a positive integer, got ${steps}`);
  if (!(Number.isFinite(span) && span >= 0)) throw new Error(`priorStyleGrid: span must be a finite number ≥ 0, got ${span}`);
  const centre = new Array<number>(wDim).fill(present.mean);
  const usable = statistics && statistics.axes.length >= Math.min(2, wDim) && statistics.axes.every((a) => a.length === wDim && a.some((v) => v !== 0));
  const unit = (v: number[]) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const axes = usable ? statistics!.axes.slice(0, 2).map(unit) : Array.from({ length: Math.min(2, wDim) }, (_, i) => Array.from({ length: wDim }, (_, c) => (c === i ? 1 : 0)));
  const spaced = (count: number) => Array.from({ length: count }, (_, i) => (count === 1 ? 0 : -span + (2 * span * i) / (count - 1)));
  const s = present.std;
  if (axes.length === 1) return spaced(steps * steps).map((a) => centre.map((m, c) => m + a * s * axes[0][c]));
  const offsets = spaced(steps);
  const points: number[][] = [];
  for (const a of offsets) for (const b of offsets) points.push(centre.map((m, c) => m + a * s * axes[0][c] + b * s * axes[1][c]));
  return points;
}

/**
 * @deprecated A grid that spans the *encoded* spread of the on-examples' means (centre their
 * mean, ± span of their standard deviations): it barely moves (see `priorStyleGrid`, which
 * the 'variety' capability uses). Kept for callers that want the posterior's own spread.
 * Row-major, [steps²][wDim].
 */
export function subspaceGrid(statistics: SubspaceStatistics, steps = 5, span = 2): number[][] {
  const { mean, axes, scales } = statistics;
  const offsets = Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : -span + (2 * span * i) / (steps - 1)));
  const points: number[][] = [];
  for (const a of offsets) {
    for (const b of offsets) {
      points.push(mean.map((m, c) => m + (axes[0] ? a * scales[0] * axes[0][c] : 0) + (axes[1] ? b * scales[1] * axes[1][c] : 0)));
    }
  }
  return points;
}
