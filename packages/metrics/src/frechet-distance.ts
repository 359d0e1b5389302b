/**
 * Fréchet distance between two Gaussians fitted to feature sets — the quantity FID reports
 * (Heusel et al. 2017, "GANs trained by a two time-scale update rule…", eq. after §"FID"; used as
 * FID by paper 000 §3.1 (ResNet/Inception features) and paper 003 Table 1 (a GoogLeNet trained on MNIST/CelebA)).
 *
 *   d²(N(μ1, Σ1), N(μ2, Σ2)) = ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}).
 *
 * The usual code writes the last term as Tr((Σ1 Σ2)^{1/2}) and takes a non-symmetric matrix square root
 * (scipy `sqrtm`), which can return complex parts. Σ1 Σ2 is similar to the symmetric PSD matrix
 * M = Σ1^{1/2} Σ2 Σ1^{1/2} (Σ1 Σ2 = Σ1^{1/2} M Σ1^{-1/2}), so Tr((Σ1Σ2)^{1/2}) = Tr(M^{1/2}) = Σ_i √λ_i(M).
 * Here that is computed exactly in float64 with two symmetric eigendecompositions (Σ1 for its root,
 * then M), negative rounding eigenvalues clamped to 0. The result is clamped at 0 (rounding can give −1e-13 for
 * identical sets).
 *
 * The number depends entirely on the feature network; a Fréchet distance on another network's features
 * is not comparable with published Inception FIDs. So {@link fid} requires the network's name and
 * carries it in its result — never call a number from here "Inception FID" unless the features were.
 * Cost: O(n d²) for the moments plus two Jacobi eigendecompositions (see `symmetricEigen`: milliseconds for d = 64, ≈ 3 s for d = 256, ≈ 40 s for d = 512).
 */
import {
  type Moments,
  type NumericArray,
  featureMoments,
  matMulSquare,
  rowCount,
  symmetricEigen,
  symmetricMatrixSqrt,
  trace,
} from './linear-algebra';

/** d² between N(μa, Σa) and N(μb, Σb) given the moments themselves (exact; covariances d × d row-major). */
export function frechetDistanceFromMoments(a: Pick<Moments, 'mean' | 'covariance'>, b: Pick<Moments, 'mean' | 'covariance'>, dim: number): number {
  for (const [name, m] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (m.mean.length !== dim) throw new Error(`frechetDistanceFromMoments: ${name}.mean has length ${m.mean.length}, expected dim = ${dim}`);
    if (m.covariance.length !== dim * dim) {
      throw new Error(`frechetDistanceFromMoments: ${name}.covariance has ${m.covariance.length} values, expected ${dim} × ${dim}`);
    }
  }
  let meanTerm = 0;
  for (let i = 0; i < dim; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  const rootA = symmetricMatrixSqrt(a.covariance, dim);
  const middle = matMulSquare(matMulSquare(rootA, b.covariance, dim), rootA, dim);
  const { values } = symmetricEigen(middle, dim);
  let traceRoot = 0;
  for (const lambda of values) traceRoot += Math.sqrt(Math.max(lambda, 0));
  const d2 = meanTerm + trace(a.covariance, dim) + trace(b.covariance, dim) - 2 * traceRoot;
  return Math.max(d2, 0);
}

/**
 * d² between Gaussians fitted (mean, unbiased covariance) to two feature matrices [nA, dim] and [nB, dim].
 * Needs at least 2 rows each; with fewer rows than `dim` the covariances are singular, which is allowed
 * but makes the estimate strongly biased (FID's bias falls like 1/n; use thousands of samples to report).
 */
export function frechetDistance(featuresA: NumericArray, featuresB: NumericArray, dim: number): number {
  rowCount(featuresA, dim, 'frechetDistance featuresA');
  rowCount(featuresB, dim, 'frechetDistance featuresB');
  return frechetDistanceFromMoments(featureMoments(featuresA, dim), featureMoments(featuresB, dim), dim);
}

export interface FidOptions {
  /** Name of the network whose features these are (e.g. 'lenet-mnist-v1', 'inception-v3-pool3'). Required. */
  featureNetwork: string;
}

export interface FidResult {
  /** The Fréchet distance d² on `featureNetwork`'s features. */
  value: number;
  /** The feature network, carried so the number is never mistaken for another network's FID. */
  featureNetwork: string;
  /** Rows in each feature set. */
  n: { a: number; b: number };
  /** Feature dimension. */
  dim: number;
}

/** Fréchet distance on a named feature network (FID-style); see the module comment. */
export function fid(featuresA: NumericArray, featuresB: NumericArray, dim: number, options: FidOptions): FidResult {
  if (!options || typeof options.featureNetwork !== 'string' || options.featureNetwork.trim() === '') {
    throw new Error('fid: options.featureNetwork (the name of the network the features come from) is required');
  }
  const a = rowCount(featuresA, dim, 'fid featuresA');
  const b = rowCount(featuresB, dim, 'fid featuresB');
  return { value: frechetDistance(featuresA, featuresB, dim), featureNetwork: options.featureNetwork, n: { a, b }, dim };
}
