import { describe, expect, it } from 'vitest';
import { fitRidge, predictRidge, rSquared } from './ridge-regression';

describe('ridge regression (closed form, float64)', () => {
  it('recovers an exact linear map, survives a duplicated (collinear) feature and a constant one, and scores R²', () => {
    const n = 50;
    // Features [x1, x2, x1 again, 7]; targets [2·x1 − x2 + 3, x2].
    const features = new Float64Array(n * 4);
    const targets = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const [x1, x2] = [Math.sin(i), Math.cos(3 * i)];
      features.set([x1, x2, x1, 7], i * 4);
      targets.set([2 * x1 - x2 + 3, x2], i * 2);
    }
    const fit = fitRidge(features, 4, targets, 2, 1e-9);
    const predicted = predictRidge(fit, features);
    for (let i = 0; i < n * 2; i++) expect(predicted[i]).toBeCloseTo(targets[i], 5);
    expect(rSquared(predicted, targets, 2, 0)).toBeCloseTo(1, 8);
    // Predicting the mean everywhere scores R² = 0.
    const mean = targets.reduce((s, v, i) => (i % 2 === 1 ? s + v / n : s), 0);
    expect(rSquared(Float64Array.from({ length: n * 2 }, () => mean), targets, 2, 1)).toBeCloseTo(0, 12);
    expect(() => fitRidge(features, 4, targets.subarray(0, 10), 2)).toThrow(/50 feature rows but 5 target rows/);
  });
});
