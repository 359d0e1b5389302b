import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import {
  type CodesAndFactors,
  dci,
  factorVaeScore,
  fixedFactorSamplerFromArrays,
  mutualInformationGap,
  separatedAttributePredictability,
} from './disentanglement';

const N = 4000;
const F = 4;
const VALUES = 5;

/** Independent uniform discrete factors 0..VALUES−1. */
function makeFactors(rng: SeededRandom): Float64Array {
  return Float64Array.from({ length: N * F }, () => rng.int(VALUES));
}

/** Code j = factor perm[j] · scale_j + offset_j + noise: axis-aligned up to permutation, scale and shift. */
function alignedCodes(factors: Float64Array, rng: SeededRandom): Float64Array {
  const perm = [2, 0, 3, 1];
  const scale = [1.5, -0.7, 2, 1];
  const codes = new Float64Array(N * F);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) codes[i * F + j] = scale[j] * factors[i * F + perm[j]] + j + 0.03 * rng.normalNumber();
  }
  return codes;
}

/** Codes = H v with the orthogonal 4 × 4 Hadamard matrix H/2: every code mixes every (centred) factor equally. */
function rotatedCodes(factors: Float64Array): Float64Array {
  const h = [
    [1, 1, 1, 1],
    [1, -1, 1, -1],
    [1, 1, -1, -1],
    [1, -1, -1, 1],
  ];
  const codes = new Float64Array(N * F);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let k = 0; k < F; k++) s += (h[j][k] / 2) * (factors[i * F + k] - (VALUES - 1) / 2);
      codes[i * F + j] = s;
    }
  }
  return codes;
}

function noiseCodes(rng: SeededRandom): Float64Array {
  return Float64Array.from({ length: N * F }, () => rng.normalNumber());
}

const rng = new SeededRandom(1234);
const factors = makeFactors(rng);
const aligned: CodesAndFactors = { codes: alignedCodes(factors, rng), codeDim: F, factors, numFactors: F };
const rotated: CodesAndFactors = { codes: rotatedCodes(factors), codeDim: F, factors, numFactors: F };
const noise: CodesAndFactors = { codes: noiseCodes(rng), codeDim: F, factors, numFactors: F };
const continuousKinds = Array(F).fill('continuous' as const);

describe('MIG (Chen et al. 2018)', () => {
  it('is ≈ 1 for an axis-aligned (permuted, rescaled) copy of the factors', () => {
    const r = mutualInformationGap(aligned);
    expect(r.value).toBeGreaterThan(0.97);
    expect(r.factorEntropy[0]).toBeCloseTo(Math.log(VALUES), 2);
  });
  it('is ≈ 0 for a maximally mixing rotation and for noise', () => {
    expect(mutualInformationGap(rotated).value).toBeLessThan(0.05);
    expect(mutualInformationGap(noise).value).toBeLessThan(0.02);
  });
  it('treats continuous factors by binning them, with the same answer on the aligned code', () => {
    expect(mutualInformationGap({ ...aligned, factorKinds: continuousKinds }).value).toBeGreaterThan(0.97);
  });
  it('rejects constant factors and mismatched rows', () => {
    const constant = { ...aligned, factors: new Float64Array(N * F) };
    expect(() => mutualInformationGap(constant)).toThrow(/constant/);
    expect(() => mutualInformationGap({ ...aligned, factors: factors.subarray(0, 40) })).toThrow(/rows/);
    expect(() => mutualInformationGap({ ...aligned, factors: factors.map((v) => v + 0.5) })).toThrow(/non-integer/);
  });
});

describe('SAP (Kumar et al. 2018)', () => {
  it('is ≈ 1 for an aligned code with continuous (R²) factors', () => {
    expect(separatedAttributePredictability({ ...aligned, factorKinds: continuousKinds }).value).toBeGreaterThan(0.97);
  });
  it('is ≈ 1 − 1/C for an aligned code with categorical (balanced accuracy) factors', () => {
    const r = separatedAttributePredictability(aligned);
    expect(Math.abs(r.value - (1 - 1 / VALUES))).toBeLessThan(0.05);
    // The best dimension classifies perfectly.
    for (let k = 0; k < F; k++) expect(Math.max(...Array.from({ length: F }, (_, j) => r.scores[j * F + k]))).toBeGreaterThan(0.99);
  });
  it('is ≈ 0 for a maximally mixing rotation and for noise', () => {
    expect(separatedAttributePredictability(rotated).value).toBeLessThan(0.05);
    expect(separatedAttributePredictability({ ...rotated, factorKinds: continuousKinds }).value).toBeLessThan(0.02);
    expect(separatedAttributePredictability(noise).value).toBeLessThan(0.05);
    expect(separatedAttributePredictability({ ...noise, factorKinds: continuousKinds }).value).toBeLessThan(0.01);
  });
});

describe('DCI (Eastwood & Williams 2018, linear-regression importances)', () => {
  it('is ≈ 1 / 1 / 1 for an aligned code (continuous factors)', () => {
    const r = dci({ ...aligned, factorKinds: continuousKinds });
    expect(r.disentanglement).toBeGreaterThan(0.97);
    expect(r.completeness).toBeGreaterThan(0.97);
    expect(r.informativeness).toBeGreaterThan(0.99);
  });
  it('has D and C ≈ 1 for an aligned code with categorical factors (one-hot linear regression)', () => {
    const r = dci(aligned);
    expect(r.disentanglement).toBeGreaterThan(0.9);
    expect(r.completeness).toBeGreaterThan(0.9);
    // Without the lasso penalty the O(1/√n) importances of irrelevant dimensions cost a lot (documented).
    expect(dci(aligned, { alpha: 0 }).disentanglement).toBeLessThan(r.disentanglement - 0.1);
  });
  it('is ≈ 0 for D and C on a maximally mixing rotation, though just as informative', () => {
    const r = dci({ ...rotated, factorKinds: continuousKinds });
    expect(r.disentanglement).toBeLessThan(0.05);
    expect(r.completeness).toBeLessThan(0.05);
    expect(r.informativeness).toBeGreaterThan(0.99); // a rotation loses nothing to a linear regressor
  });
  it('is uninformative on noise', () => {
    const r = dci({ ...noise, factorKinds: continuousKinds });
    expect(r.informativeness).toBeLessThan(0.02);
    const categorical = dci(noise);
    expect(categorical.informativeness).toBeLessThan(1 / VALUES + 0.05);
  });
});

describe('FactorVAE score (Kim & Mnih 2018)', () => {
  it('is ≈ 1 for an aligned code and low for a mixing rotation', () => {
    const score = (data: CodesAndFactors, seed: number) =>
      factorVaeScore({
        sampleWithFixedFactor: fixedFactorSamplerFromArrays(data),
        numFactors: F,
        codeDim: F,
        globalCodes: data.codes,
        rng: new SeededRandom(seed),
      });
    const good = score(aligned, 1);
    expect(good.value).toBeGreaterThan(0.99);
    expect(good.trainAccuracy).toBeGreaterThan(0.99);
    expect(score(rotated, 2).value).toBeLessThan(0.6);
    expect(score(noise, 3).value).toBeLessThan(0.5);
  });
  it('prunes collapsed dimensions and checks the sampler output', () => {
    const withDead = new Float64Array(N * (F + 1));
    for (let i = 0; i < N; i++) for (let j = 0; j < F; j++) withDead[i * (F + 1) + j] = aligned.codes[i * F + j];
    const data = { codes: withDead, codeDim: F + 1, factors, numFactors: F };
    const r = factorVaeScore({ sampleWithFixedFactor: fixedFactorSamplerFromArrays(data), numFactors: F, codeDim: F + 1, globalCodes: withDead, rng: new SeededRandom(4) });
    expect(r.activeDims).toEqual([0, 1, 2, 3]);
    expect(r.value).toBeGreaterThan(0.99);
    expect(() => factorVaeScore({ sampleWithFixedFactor: () => [1, 2], numFactors: F, codeDim: F, globalCodes: aligned.codes, rng: new SeededRandom(5) })).toThrow(/returned 2 values/);
  });
});
