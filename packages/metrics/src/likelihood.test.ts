import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { bitsPerDim, effectiveSampleSize, iwaeFromLogWeights, iwaeLogLikelihood, logMeanExpOf, meanBitsPerDim, type ImportanceModel } from './likelihood';
import { symmetricEigen, symmetricMatrixSqrt } from './linear-algebra';

describe('bitsPerDim', () => {
  it('applies the dequantisation correction for 8-bit data in [0, 1)', () => {
    // A uniform density on [0, 1)^D has log p = 0 and is exactly 8 bits per dimension.
    expect(bitsPerDim(0, 100)).toBeCloseTo(8, 12);
    expect(bitsPerDim(0, 100, { numBits: 5 })).toBeCloseTo(5, 12);
    // Raw pixel units: uniform over 256 values per dim has log p = −D log 256.
    expect(bitsPerDim(-100 * Math.log(256), 100, { binWidth: 1 })).toBeCloseTo(8, 12);
    // log p = D log 2 on [0,1) (twice as concentrated) is one bit less.
    expect(bitsPerDim(10 * Math.LN2, 10)).toBeCloseTo(7, 12);
    expect(meanBitsPerDim([0, 20 * Math.LN2], 10)).toBeCloseTo(7, 12);
    expect(() => bitsPerDim(0, 0)).toThrow(/numDims/);
  });
});

describe('logMeanExpOf / iwaeFromLogWeights', () => {
  it('is stable and exact on known values', () => {
    expect(logMeanExpOf([1000, 1000])).toBeCloseTo(1000, 12);
    expect(logMeanExpOf([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2), 14);
    expect(Array.from(iwaeFromLogWeights([0, 0, Math.log(2), Math.log(4)], 2)).map((v) => Math.exp(v))).toEqual([1, 3].map((v) => expect.closeTo(v, 12)));
    expect(effectiveSampleSize([0, 0, 0, 0])).toBeCloseTo(4, 12);
    expect(effectiveSampleSize([0, -1000, -1000])).toBeCloseTo(1, 12);
  });
});

/** Linear Gaussian model x = W z + b + ε, z ~ N(0, I_m), ε ~ N(0, σ² I_d). */
function linearGaussian(d: number, m: number, sigma: number, rng: SeededRandom) {
  const w = Float64Array.from({ length: d * m }, () => rng.normalNumber());
  const b = Float64Array.from({ length: d }, () => rng.normalNumber());
  const logNormalDiag = (x: ArrayLike<number>, mean: ArrayLike<number>, variance: number) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i] - mean[i]) ** 2;
    return -0.5 * (x.length * Math.log(2 * Math.PI * variance) + s / variance);
  };
  const decode = (z: ArrayLike<number>) => {
    const out = Float64Array.from(b);
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) out[i] += w[i * m + j] * z[j];
    return out;
  };
  /** Closed form log N(x; b, W Wᵀ + σ² I) via the eigendecomposition of the covariance. */
  const logMarginal = (x: ArrayLike<number>) => {
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < m; k++) c[i * d + j] += w[i * m + k] * w[j * m + k];
        if (i === j) c[i * d + j] += sigma * sigma;
      }
    }
    const { values, vectors } = symmetricEigen(c, d);
    let logDet = 0;
    let quad = 0;
    for (let k = 0; k < d; k++) {
      logDet += Math.log(values[k]);
      let proj = 0;
      for (let i = 0; i < d; i++) proj += vectors[i * d + k] * (x[i] - b[i]);
      quad += (proj * proj) / values[k];
    }
    return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
  };
  /** Exact posterior N(μ, S): S = (I + WᵀW/σ²)⁻¹, μ = S Wᵀ (x − b)/σ². */
  const posterior = (x: ArrayLike<number>) => {
    const precision = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        for (let k = 0; k < d; k++) precision[i * m + j] += (w[k * m + i] * w[k * m + j]) / (sigma * sigma);
        if (i === j) precision[i * m + j] += 1;
      }
    }
    const { values, vectors } = symmetricEigen(precision, m);
    const cov = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) cov[i * m + j] += (vectors[i * m + k] * vectors[j * m + k]) / values[k];
    const wtx = new Float64Array(m);
    for (let j = 0; j < m; j++) for (let k = 0; k < d; k++) wtx[j] += (w[k * m + j] * (x[k] - b[k])) / (sigma * sigma);
    const mean = new Float64Array(m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) mean[i] += cov[i * m + j] * wtx[j];
    const logDetPrecision = values.reduce((s, v) => s + Math.log(v), 0);
    return { mean, cov, root: symmetricMatrixSqrt(cov, m), precision, logDetPrecision };
  };
  return { w, b, decode, logMarginal, posterior, logNormalDiag, d, m, sigma };
}

describe('iwaeLogLikelihood on a linear Gaussian model (closed-form marginal)', () => {
  const rng = new SeededRandom(21);
  const lg = linearGaussian(5, 2, 0.5, rng);
  const x = lg.decode([0.3, -1.2]).map((v) => v + 0.5 * rng.normalNumber());
  const exact = lg.logMarginal(x);
  const post = lg.posterior(x);

  const prior = (z: Float64Array) => lg.logNormalDiag(z, [0, 0], 1);
  const likelihood = (xx: Float64Array, z: Float64Array) => lg.logNormalDiag(xx, lg.decode(z), lg.sigma ** 2);

  it('equals log p(x) for every K when q is the exact posterior', () => {
    const exactModel: ImportanceModel<Float64Array, Float64Array> = {
      sampleProposal: (_x, r) => {
        const e = [r.normalNumber(), r.normalNumber()];
        return Float64Array.from(post.mean, (mu, i) => mu + post.root[i * 2] * e[0] + post.root[i * 2 + 1] * e[1]);
      },
      logProposal: (z) => {
        let quad = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) quad += (z[i] - post.mean[i]) * post.precision[i * 2 + j] * (z[j] - post.mean[j]);
        return -0.5 * (2 * Math.log(2 * Math.PI) - post.logDetPrecision + quad);
      },
      logPrior: prior,
      logLikelihood: likelihood,
    };
    for (const k of [1, 3, 50]) {
      const { logLikelihood, logWeights } = iwaeLogLikelihood(exactModel, x, k, new SeededRandom(k));
      expect(Math.abs(logLikelihood - exact)).toBeLessThan(1e-9);
      for (const lw of logWeights) expect(Math.abs(lw - exact)).toBeLessThan(1e-9);
    }
  });

  it('increases with K and approaches log p(x) with a mismatched proposal', () => {
    // q = N(μ + ½s, diag(1.5 s)²) with s the posterior standard deviations: shifted, too wide, and blind to
    // the posterior correlation.
    const s = [Math.sqrt(post.cov[0]), Math.sqrt(post.cov[3])];
    const qMean = post.mean.map((mu, i) => mu + 0.5 * s[i]);
    const qStd = s.map((v) => 1.5 * v);
    const logQ = (z: Float64Array) =>
      lg.logNormalDiag([(z[0] - qMean[0]) / qStd[0], (z[1] - qMean[1]) / qStd[1]], [0, 0], 1) - Math.log(qStd[0] * qStd[1]);
    const badModel: ImportanceModel<Float64Array, Float64Array> = {
      sampleProposal: (_x, r) => Float64Array.from(qMean, (mu, i) => mu + qStd[i] * r.normalNumber()),
      logProposal: logQ,
      logPrior: prior,
      logLikelihood: likelihood,
    };
    const r = new SeededRandom(4);
    const repeats = 200;
    const meanBound = (k: number) => {
      let s = 0;
      for (let i = 0; i < repeats; i++) s += iwaeLogLikelihood(badModel, x, k, r).logLikelihood;
      return s / repeats;
    };
    const bounds = [1, 10, 100, 1000].map(meanBound);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThan(bounds[i - 1]);
    expect(bounds[0]).toBeLessThan(exact - 0.1); // the ELBO is clearly below
    expect(Math.abs(bounds[3] - exact)).toBeLessThan(0.01);
    expect(bounds[3]).toBeLessThan(exact + 0.005);
  });
});
