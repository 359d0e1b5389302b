import { describe, expect, it } from 'vitest';
import { makeSwissRoll } from './swiss-roll';
import { seeded } from './test-helpers';

describe('swiss roll', () => {
  it('is deterministic per seed, lies on the roll, and labels by height', () => {
    const a = makeSwissRoll(5000, seeded(1));
    const b = makeSwissRoll(5000, seeded(1));
    const c = makeSwissRoll(5000, seeded(2));
    expect(a.points).toEqual(b.points);
    expect(a.points).not.toEqual(c.points);
    expect(a.points.length).toBe(15000);
    let ones = 0;
    for (let i = 0; i < 5000; i++) {
      const t = a.factors[2 * i], h = a.factors[2 * i + 1];
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI);
      expect(t).toBeLessThanOrEqual(4.5 * Math.PI);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(21);
      expect(Math.hypot(a.points[3 * i], a.points[3 * i + 2])).toBeCloseTo(t, 4);
      expect(a.points[3 * i + 1]).toBeCloseTo(h, 4);
      expect(a.labels[i]).toBe(h < 10.5 ? 1 : 0);
      ones += a.labels[i];
    }
    expect(Math.abs(ones / 5000 - 0.5)).toBeLessThan(0.03);
  });

  it('the roll rule labels the inner half; noise perturbs the points', () => {
    const r = makeSwissRoll(2000, seeded(3), { rule: 'roll' });
    for (let i = 0; i < 2000; i++) expect(r.labels[i]).toBe(r.factors[2 * i] < 3 * Math.PI ? 1 : 0);
    const clean = makeSwissRoll(100, seeded(3));
    const noisy = makeSwissRoll(100, seeded(3), { noise: 0.5 });
    expect(noisy.points).not.toEqual(clean.points);
  });
});
