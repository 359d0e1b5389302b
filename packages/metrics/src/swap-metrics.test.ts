import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import {
  accuracy,
  attributeMeanProbability,
  attributeSwitchAccuracy,
  balancedAccuracy,
  confusionMatrix,
  cumulativeAmpChange,
  identityPreservingMse,
  swapFidelity,
  swapSuccessRates,
  thresholdProbabilities,
} from './swap-metrics';

describe('Acc and BCA', () => {
  // Known confusion: class 0 has 90 examples, 81 right (recall 0.9); class 1 has 10, 5 right (recall 0.5).
  const target = [...Array(90).fill(0), ...Array(10).fill(1)];
  const predicted = [...Array(81).fill(0), ...Array(9).fill(1), ...Array(5).fill(1), ...Array(5).fill(0)];
  it('computes Acc = 86/100 and BCA = (0.9 + 0.5)/2 = 0.7', () => {
    expect(accuracy(predicted, target)).toBeCloseTo(0.86, 14);
    const bca = balancedAccuracy(predicted, target);
    expect(bca.value).toBeCloseTo(0.7, 14);
    expect(bca.perClassRecall.get(1)).toBeCloseTo(0.5, 14);
    expect(confusionMatrix(predicted, target).counts).toEqual([
      [81, 9],
      [5, 5],
    ]);
  });
  it('gives BCA ½ to a constant majority-class predictor that Acc scores 0.9', () => {
    const majority = Array(100).fill(0);
    expect(accuracy(majority, target)).toBeCloseTo(0.9, 14);
    expect(balancedAccuracy(majority, target).value).toBeCloseTo(0.5, 14);
  });
  it('rejects mismatched lengths', () => {
    expect(() => accuracy([1, 2], [1])).toThrow(/2 entries but labels has 1/);
  });
});

describe('SR(−), SR(+) (paper 001)', () => {
  it('is 100% for a perfect swapper and ≈ chance for a random one', () => {
    const n = 2000;
    const perfect = swapSuccessRates({ predictedAfterRemoval: Array(n).fill(0), predictedAfterAddition: Array(n).fill(1) });
    expect(perfect.srMinus).toBe(1);
    expect(perfect.srPlus).toBe(1);
    const rng = new SeededRandom(1);
    const random = swapSuccessRates({
      predictedAfterRemoval: Array.from({ length: n }, () => rng.int(2)),
      predictedAfterAddition: Array.from({ length: n }, () => rng.int(2)),
    });
    // Binomial(2000, ½): sd ≈ 0.011.
    expect(Math.abs(random.srMinus - 0.5)).toBeLessThan(0.04);
    expect(Math.abs(random.srPlus - 0.5)).toBeLessThan(0.04);
    // A swapper that does nothing keeps the labels: SR = 0.
    const none = swapSuccessRates({ predictedAfterRemoval: Array(10).fill(1), predictedAfterAddition: Array(10).fill(0) });
    expect([none.srMinus, none.srPlus]).toEqual([0, 0]);
    expect(Array.from(thresholdProbabilities([0.2, 0.7, 0.5]))).toEqual([0, 1, 0]);
  });
});

describe('attribute-switch accuracy (paper 004 Method 1)', () => {
  it('scores against the target labels, per pair', () => {
    const r = attributeSwitchAccuracy([1, 1, 0, 2], [1, 1, 2, 2], [0, 0, 1, 1]);
    expect(r.value).toBeCloseTo(0.75, 14);
    expect(r.perPair.get('0->1')).toEqual({ accuracy: 1, count: 2 });
    expect(r.perPair.get('1->2')).toEqual({ accuracy: 0.5, count: 2 });
  });
});

describe('identity-preserving MSE (paper 004 Method 2)', () => {
  it('is the mean per-pixel squared error against real images of the same identity with the target label', () => {
    // dim 2; identity 7 has two label-1 references (0,0) and (2,0); identity 8 has one (10,10).
    const references = [0, 0, 2, 0, 10, 10, 5, 5];
    const r = identityPreservingMse({
      switched: [1, 0, 10, 12],
      switchedIdentities: [7, 8],
      sourceLabels: [0, 0],
      targetLabels: [1, 1],
      references,
      referenceIdentities: [7, 7, 8, 8],
      referenceLabels: [1, 1, 1, 0],
      dim: 2,
    });
    // (1,0) vs (0,0): 1/2; vs (2,0): 1/2; (10,12) vs (10,10): 4/2 = 2 → mean (0.5 + 0.5 + 2)/3 = 1.
    expect(r.value).toBeCloseTo(1, 14);
    expect(r.pairs).toBe(3);
    expect(() => identityPreservingMse({ switched: [0, 0], switchedIdentities: [7], sourceLabels: [1], targetLabels: [1], references, referenceIdentities: [7, 7, 8, 8], referenceLabels: [1, 1, 1, 0], dim: 2 })).toThrow(/i ≠ j/);
  });
});

describe('AMP (paper 003)', () => {
  it('averages attribute probabilities per image and gives the variance across identities', () => {
    // L = 2; identity 0: images with AMP 0.5 and 0.7 → 0.6; identity 1: AMP 0.2.
    const r = attributeMeanProbability({ probabilities: [0.4, 0.6, 0.9, 0.5, 0.1, 0.3], numAttributes: 2, identities: [0, 0, 1], requested: [0, 1, 1, 1, 0, 0] });
    expect(Array.from(r.perImage).map((v) => +v.toFixed(12))).toEqual([0.5, 0.7, 0.2]);
    expect(r.perIdentity.get(0)).toBeCloseTo(0.6, 14);
    expect(r.varianceAcrossIdentities).toBeCloseTo(0.04, 14); // ((0.6−0.4)² + (0.2−0.4)²)/2
    // Predictions (p > ½): [0, 1, 1, 0, 0, 0] vs requested [0, 1, 1, 1, 0, 0]: 5/6.
    expect(r.attributeAccuracy).toBeCloseTo(5 / 6, 14);
  });
  it('|ΔAMP| excludes the changed attribute and is 0 for a perfectly disentangled manipulation', () => {
    const step0 = [0.1, 0.2, 0.9, 0.3, 0.4, 0.5];
    const step1 = [0.95, 0.2, 0.9, 0.9, 0.4, 0.5]; // only attribute 0 changed
    const step2 = [0.95, 0.8, 0.6, 0.9, 0.2, 0.5]; // attribute 1 changed, attribute 2 disturbed by −0.3 / +0.0
    const r = cumulativeAmpChange([step0, step1, step2], [0, 1], 3);
    expect(r[0]).toBe(0);
    // Step 2, image 0: other attributes {0, 2}: (0.95 + 0.6)/2 − (0.95 + 0.9)/2 = −0.15; image 1: (0.9 + 0.5)/2 − (0.9 + 0.5)/2 = 0.
    expect(r[1]).toBeCloseTo(0.075, 14);
    expect(() => cumulativeAmpChange([step0, step1], [0, 1], 3)).toThrow(/changedAttribute/);
  });
});

describe('swap fidelity', () => {
  const rng = new SeededRandom(3);
  const n = 1000;
  const F = 4;
  const a = Float64Array.from({ length: n * F }, () => rng.normalNumber());
  const b = Float64Array.from({ length: n * F }, () => rng.normalNumber());
  const attributeFactors = [1, 3];
  const compose = (attrSource: Float64Array, restSource: Float64Array, noise = 0) =>
    Float64Array.from({ length: n * F }, (_, x) => ((x % F) % 2 === 1 ? attrSource[x] : restSource[x]) + noise * rng.normalNumber());

  it('is 1 (zero error) for a perfect swap', () => {
    const r = swapFidelity({ swapped: compose(a, b), sourceA: a, sourceB: b, numFactors: F, attributeFactors });
    expect(r.fidelity).toBe(1);
    expect(r.attributeError).toBe(0);
    expect(r.restError).toBe(0);
  });
  it('is clearly worse for the reversed swap and in between for a noisy one', () => {
    const reversed = swapFidelity({ swapped: compose(b, a), sourceA: a, sourceB: b, numFactors: F, attributeFactors });
    // Independent standard normals: E(x − y)² / Var = 2 per factor.
    expect(Math.abs(reversed.attributeError - 2)).toBeLessThan(0.25);
    expect(reversed.fidelity).toBeLessThan(0.05);
    const noisy = swapFidelity({ swapped: compose(a, b, 0.3), sourceA: a, sourceB: b, numFactors: F, attributeFactors });
    expect(Math.abs(noisy.restError - 0.09)).toBeLessThan(0.02);
    expect(noisy.fidelity).toBeGreaterThan(0.85);
    expect(noisy.fidelity).toBeLessThan(0.95);
  });
  it('uses the mismatch rate for categorical factors', () => {
    const r = swapFidelity({ swapped: [1, 0, 1, 1], sourceA: [1, 5, 1, 5], sourceB: [9, 0, 9, 1], numFactors: 2, attributeFactors: [0], factorKinds: ['categorical', 'categorical'] });
    expect(Array.from(r.perFactorError)).toEqual([0, 0]);
    const wrong = swapFidelity({ swapped: [9, 0, 1, 5], sourceA: [1, 5, 1, 5], sourceB: [9, 0, 9, 1], numFactors: 2, attributeFactors: [0], factorKinds: ['categorical', 'categorical'] });
    expect(Array.from(wrong.perFactorError)).toEqual([0.5, 0.5]);
    expect(() => swapFidelity({ swapped: [1], sourceA: [1], sourceB: [1], numFactors: 1, attributeFactors: [0] })).toThrow(/some but not all/);
  });
});
