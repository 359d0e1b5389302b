import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import {
  featureMoments,
  matMulSquare,
  solveSymmetricPositiveDefinite,
  symmetricEigen,
  symmetricMatrixSqrt,
} from './linear-algebra';

function randomSymmetric(n: number, rng: SeededRandom): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = rng.normalNumber();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

function randomPsd(n: number, rng: SeededRandom): Float64Array {
  const b = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) b[i] = rng.normalNumber();
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += b[i * n + k] * b[j * n + k];
  return out;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('symmetricEigen (cyclic Jacobi)', () => {
  it.each([1, 2, 5, 17, 40])('reconstructs A = V diag(λ) Vᵀ with orthonormal V for n = %i', (n) => {
    const rng = new SeededRandom(n);
    const a = randomSymmetric(n, rng);
    const { values, vectors } = symmetricEigen(a, n);
    const rebuilt = new Float64Array(n * n);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) {
          rebuilt[i * n + j] += vectors[i * n + k] * values[k] * vectors[j * n + k];
          gram[i * n + j] += vectors[k * n + i] * vectors[k * n + j];
        }
      }
    }
    expect(maxAbs(rebuilt, a)).toBeLessThan(1e-12 * n);
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 1;
    expect(maxAbs(gram, identity)).toBeLessThan(1e-13 * n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
  });

  it('matches a known spectrum: [[2, 1], [1, 2]] has eigenvalues 1 and 3', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    // Eigenvector of 3 is ±(1, 1)/√2.
    expect(Math.abs(vectors[0 * 2 + 1])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(Math.abs(vectors[1 * 2 + 1])).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('sums of eigenvalues equal the trace and a diagonal matrix is returned as is', () => {
    const { values } = symmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 2], 3);
    expect(Array.from(values)).toEqual([-1, 2, 3]);
  });

  it('rejects a wrong size and non-finite entries', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2 × 2/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/non-finite/);
  });
});

describe('symmetricMatrixSqrt', () => {
  it('squares back to a PSD matrix and is symmetric', () => {
    const n = 12;
    const a = randomPsd(n, new SeededRandom(3));
    const r = symmetricMatrixSqrt(a, n);
    expect(maxAbs(matMulSquare(r, r, n), a)).toBeLessThan(1e-11);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(r[i * n + j]).toBe(r[j * n + i]);
  });

  it('gives the elementwise root of a diagonal matrix', () => {
    expect(Array.from(symmetricMatrixSqrt([4, 0, 0, 9], 2))).toEqual([2, 0, 0, 3]);
  });
});

describe('featureMoments', () => {
  it('matches the hand-computed mean and unbiased covariance', () => {
    // rows (1, 2), (3, 6), (5, 4): mean (3, 4); cov = [[4, 2], [2, 4]].
    const { mean, covariance } = featureMoments([1, 2, 3, 6, 5, 4], 2);
    expect(Array.from(mean)).toEqual([3, 4]);
    expect(Array.from(covariance)).toEqual([4, 2, 2, 4]);
    expect(Array.from(featureMoments([1, 2, 3, 6, 5, 4], 2, { ddof: 0 }).covariance).map((x) => x * 3)).toEqual([8, 4, 4, 8]);
  });

  it('keeps precision for features with a large offset', () => {
    const { covariance } = featureMoments([1e8 + 1, 1e8 - 1], 1);
    expect(covariance[0]).toBeCloseTo(2, 8);
  });

  it('rejects a length that is not a multiple of dim', () => {
    expect(() => featureMoments([1, 2, 3], 2)).toThrow(/multiple of dim/);
  });
});

describe('solveSymmetricPositiveDefinite', () => {
  it('solves A X = B', () => {
    const n = 6;
    const rng = new SeededRandom(9);
    const a = randomPsd(n, rng);
    for (let i = 0; i < n; i++) a[i * n + i] += 1;
    const b = Float64Array.from({ length: n * 2 }, () => rng.normalNumber());
    const x = solveSymmetricPositiveDefinite(a, b, n, 2);
    const ax = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) for (let k = 0; k < n; k++) ax[i * 2 + c] += a[i * n + k] * x[k * 2 + c];
    expect(maxAbs(ax, b)).toBeLessThan(1e-11);
    expect(() => solveSymmetricPositiveDefinite([1, 0, 0, -1], [1, 1], 2, 1)).toThrow(/positive definite/);
  });
});
