import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { fid, frechetDistance, frechetDistanceFromMoments } from './frechet-distance';

function gaussianSample(n: number, mean: number[], covRoot: Float64Array, rng: SeededRandom): Float64Array {
  const d = mean.length;
  const out = new Float64Array(n * d);
  const e = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) e[j] = rng.normalNumber();
    for (let j = 0; j < d; j++) {
      let s = mean[j];
      for (let k = 0; k < d; k++) s += covRoot[j * d + k] * e[k];
      out[i * d + j] = s;
    }
  }
  return out;
}

describe('frechetDistance', () => {
  it('is 0 for identical feature sets', () => {
    const rng = new SeededRandom(1);
    const x = Float64Array.from({ length: 300 * 8 }, () => rng.normalNumber());
    expect(frechetDistance(x, x, 8)).toBeLessThan(1e-10);
  });

  it('equals Σ(√a − √b)² + ‖Δμ‖² for diagonal covariances given exactly', () => {
    const a = [1, 4, 0.25, 9];
    const b = [4, 1, 1, 9];
    const ma = [0, 1, 2, 3];
    const mb = [1, 1, 0, 3];
    const diag = (v: number[]) => {
      const m = new Float64Array(v.length * v.length);
      v.forEach((x, i) => (m[i * v.length + i] = x));
      return m;
    };
    const expected = a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0) + 1 + 4;
    const got = frechetDistanceFromMoments({ mean: Float64Array.from(ma), covariance: diag(a) }, { mean: Float64Array.from(mb), covariance: diag(b) }, 4);
    expect(got).toBeCloseTo(expected, 12); // 1 + 1 + 0.25 + 0 + 5 = 7.25
    expect(expected).toBe(7.25);
  });

  it('is invariant to a common rotation and matches the closed form for non-diagonal moments', () => {
    // Rotate the diagonal case by an orthogonal Q: d² is unchanged.
    const d = 3;
    const rng = new SeededRandom(5);
    const g = Float64Array.from({ length: d * d }, () => rng.normalNumber());
    const q = new Float64Array(d * d);
    // Gram–Schmidt on g's columns.
    for (let k = 0; k < d; k++) {
      const v = Array.from({ length: d }, (_, i) => g[i * d + k]);
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += v[i] * q[i * d + j];
        for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + j];
      }
      const norm = Math.hypot(...v);
      for (let i = 0; i < d; i++) q[i * d + k] = v[i] / norm;
    }
    const rotate = (diag: number[]) => {
      const out = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) out[i * d + j] += q[i * d + k] * diag[k] * q[j * d + k];
      return out;
    };
    const a = [2, 0.5, 3];
    const b = [0.5, 2, 1];
    const expected = a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
    const got = frechetDistanceFromMoments({ mean: new Float64Array(d), covariance: rotate(a) }, { mean: new Float64Array(d), covariance: rotate(b) }, d);
    expect(got).toBeCloseTo(expected, 10);
  });

  it('approaches the closed form on large samples of two Gaussians', () => {
    const rng = new SeededRandom(11);
    const d = 4;
    const covA = [1, 4, 0.25, 2];
    const covB = [2, 1, 1, 2];
    const rootOf = (v: number[]) => {
      const m = new Float64Array(d * d);
      v.forEach((x, i) => (m[i * d + i] = Math.sqrt(x)));
      return m;
    };
    const n = 40000;
    const xa = gaussianSample(n, [0, 0, 0, 0], rootOf(covA), rng);
    const xb = gaussianSample(n, [1, 0, 0, 0.5], rootOf(covB), rng);
    const expected = covA.reduce((s, a, i) => s + (Math.sqrt(a) - Math.sqrt(covB[i])) ** 2, 0) + 1 + 0.25;
    // Sampling error of each moment is O(1/√n) ≈ 0.005; the estimate's bias is O(d/n).
    expect(Math.abs(frechetDistance(xa, xb, d) - expected)).toBeLessThan(0.05);
  });

  it('fid requires and carries the feature network name', () => {
    const rng = new SeededRandom(2);
    const x = Float64Array.from({ length: 50 * 3 }, () => rng.normalNumber());
    const y = Float64Array.from({ length: 40 * 3 }, () => rng.normalNumber() + 1);
    const r = fid(x, y, 3, { featureNetwork: 'test-net' });
    expect(r.featureNetwork).toBe('test-net');
    expect(r.n).toEqual({ a: 50, b: 40 });
    expect(r.value).toBeCloseTo(frechetDistance(x, y, 3), 12);
    expect(r.value).toBeGreaterThan(2);
    expect(() => fid(x, y, 3, { featureNetwork: '' })).toThrow(/featureNetwork/);
    expect(() => fid(x, y, 3, undefined as never)).toThrow(/featureNetwork/);
    expect(() => frechetDistance(x, y, 4)).toThrow(/multiple of dim/);
  });
});
