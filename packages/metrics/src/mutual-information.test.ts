import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { mutualInformationCodeLabel } from './mutual-information';

function makeCodes(n: number, dim: number, numClasses: number, rng: SeededRandom, meanOf: (label: number, j: number) => number, logVarValue: number) {
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  const mu = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mu[i * dim + j] = meanOf(labels[i], j);
  const logVar = new Float64Array(n * dim).fill(logVarValue);
  return { labels, mu, logVar };
}

describe('mutualInformationCodeLabel (paper 000 eq. 4)', () => {
  it('is ≈ 0 for codes independent of the label (|Î| < 0.03 nats, log C = 1.39)', () => {
    const rng = new SeededRandom(1);
    const { labels, mu, logVar } = makeCodes(800, 2, 4, rng, () => Math.SQRT1_2 * rng.normalNumber(), Math.log(0.5));
    const r = mutualInformationCodeLabel(mu, logVar, labels, 2, new SeededRandom(2), { samplesPerExample: 2 });
    expect(Math.abs(r.value)).toBeLessThan(0.03);
    expect(r.maxValue).toBeCloseTo(Math.log(4), 12);
    expect(r.samples).toBe(1600);
  });

  it('is ≈ log C for a code that copies the label with small noise', () => {
    const rng = new SeededRandom(3);
    const { labels, mu, logVar } = makeCodes(400, 2, 4, rng, (c, j) => (j === 0 ? 5 * c : 0) + 0.05 * rng.normalNumber(), Math.log(0.01));
    const r = mutualInformationCodeLabel(mu, logVar, labels, 2, new SeededRandom(4));
    expect(Math.abs(r.value - Math.log(4))).toBeLessThan(0.01);
    expect(r.classes).toEqual([0, 1, 2, 3]);
  });

  it('matches numerical integration for two overlapping Gaussians (an intermediate value)', () => {
    // z|c ~ N(±1, 1), p(c) = ½: I = ∫ Σ_c ½ N(z; m_c, 1) log [N(z; m_c, 1) / q(z)] dz by the trapezoid rule.
    const normal = (z: number, m: number) => Math.exp(-0.5 * (z - m) ** 2) / Math.sqrt(2 * Math.PI);
    let exact = 0;
    const h = 1e-3;
    for (let z = -12; z <= 12; z += h) {
      const q = 0.5 * (normal(z, -1) + normal(z, 1));
      for (const m of [-1, 1]) exact += h * 0.5 * normal(z, m) * Math.log(normal(z, m) / q);
    }
    expect(exact).toBeGreaterThan(0.3); // ≈ 0.35 nats, well inside (0, log 2)
    expect(exact).toBeLessThan(0.45);
    const rng = new SeededRandom(5);
    const { labels, mu, logVar } = makeCodes(600, 1, 2, rng, (c) => (c === 0 ? -1 : 1), 0);
    const r = mutualInformationCodeLabel(mu, logVar, labels, 1, new SeededRandom(6), { samplesPerExample: 10 });
    expect(Math.abs(r.value - exact)).toBeLessThan(Math.max(4 * r.standardError, 0.02));
    expect(r.standardError).toBeLessThan(0.02);
  });

  it('uniform and empirical class weights differ for unbalanced labels and agree for balanced ones', () => {
    const rng = new SeededRandom(7);
    const n = 300;
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 240 ? 0 : 1));
    const mu = Float64Array.from(labels, (c) => 4 * c + 0.05 * rng.normalNumber());
    const logVar = new Float64Array(n).fill(Math.log(0.01));
    const uniform = mutualInformationCodeLabel(mu, logVar, labels, 1, new SeededRandom(8));
    const empirical = mutualInformationCodeLabel(mu, logVar, labels, 1, new SeededRandom(8), { classWeights: 'empirical' });
    // A perfectly separated code has I = H(c): log 2 for p = ½, −(0.8 log 0.8 + 0.2 log 0.2) for the empirical p.
    expect(uniform.value).toBeCloseTo(Math.log(2), 3);
    expect(empirical.value).toBeCloseTo(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)), 3);
  });

  it('brackets the value with the leave-one-out estimate when posteriors are narrow (self-term bias)', () => {
    const rng = new SeededRandom(9);
    const { labels, mu, logVar } = makeCodes(400, 2, 4, rng, () => rng.normalNumber(), Math.log(0.05));
    const r = mutualInformationCodeLabel(mu, logVar, labels, 2, new SeededRandom(10), { samplesPerExample: 4 });
    // True MI is 0: the plain estimate is biased up, the leave-one-out one down.
    expect(r.value).toBeGreaterThan(0.1);
    expect(r.leaveOneOutValue).toBeLessThan(-0.1);
    // With wide posteriors both agree with 0.
    const wide = makeCodes(400, 2, 4, new SeededRandom(11), () => 0, 0);
    const w = mutualInformationCodeLabel(wide.mu, wide.logVar, wide.labels, 2, new SeededRandom(12), { samplesPerExample: 4 });
    expect(Math.abs(w.value)).toBeLessThan(0.01);
    expect(Math.abs(w.leaveOneOutValue)).toBeLessThan(0.01);
  });

  it('rejects mismatched shapes and a single class', () => {
    const rng = new SeededRandom(0);
    expect(() => mutualInformationCodeLabel([0, 0, 0], [0, 0, 0], [0, 1], 2, rng)).toThrow(/mu has 3 values/);
    expect(() => mutualInformationCodeLabel([0, 0], [0, 0], [1, 1], 1, rng)).toThrow(/two distinct labels/);
    expect(() => mutualInformationCodeLabel([0, 0, 0], [0, 0, 0], [0, 0, 1], 1, rng)).toThrow(/two examples of label 1/);
  });
});
