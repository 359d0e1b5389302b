import { describe, expect, it } from 'vitest';
import { DIGIT, colouredDigitsGenerator as g, mnistBitmap, resizeBilinear } from './coloured-digits';
import { bytesEqual, expectFactorsInSpec, expectRangesCovered, expectUnitRange, maxAbsDiff, renderBatch, renderOne, seeded } from './test-helpers';

describe('coloured digits', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = renderBatch(g, 1, 20, 32).images;
    expect(bytesEqual(a, renderBatch(g, 1, 20, 32).images)).toBe(true);
    expect(bytesEqual(a, renderBatch(g, 2, 20, 32).images)).toBe(false);
    expectUnitRange(a);
    expect(() => renderOne(g, [1, 0, 0, 0], 64)).toThrow(/32/);
  });

  it('samples factors inside their specs with balanced digits', () => {
    const random = seeded(4);
    const vs = Array.from({ length: 5000 }, () => g.sampleFactors(random));
    expectFactorsInSpec(g, vs);
    expectRangesCovered(g, vs);
    const counts = new Array<number>(10).fill(0);
    for (const f of vs) counts[g.label!(f)]++;
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(80);
  });

  it('resizes bilinearly, keeping the ink mass (scaled by area)', () => {
    const bmp = mnistBitmap(3, 10);
    expect(bmp.length).toBe(784);
    const big = resizeBilinear(bmp, 28, 32);
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(big) / sum(bmp)).toBeCloseTo((32 * 32) / (28 * 28), 1);
    const flat = resizeBilinear(new Float32Array(4).fill(0.5), 2, 4);
    expect(Array.from(flat.slice(5, 7))).toEqual([0.5, 0.5]);
  });

  it('hue tints the strokes, background toggles the background, digit/instance change the shape', () => {
    const f = [7, 3, 0, 0];
    const red = renderOne(g, f, 32);
    // The brightest pixel is red-dominant; the corner is black.
    let best = 0;
    for (let p = 0; p < 1024; p++) if (red[p * 3] > red[best * 3]) best = p;
    expect(red[best * 3]).toBeGreaterThan(0.8);
    expect(red[best * 3 + 2]).toBeLessThan(0.3);
    expect(Array.from(red.slice(0, 3))).toEqual([0, 0, 0]);
    const bg = renderOne(g, [7, 3, 0, 1], 32);
    expect(bg[2]).toBeGreaterThan(0.3); // cyan-ish background
    for (const [k, v] of [[DIGIT.hue, 0.6], [DIGIT.digit, 1], [DIGIT.instance, 100]]) {
      const h = f.slice();
      h[k] = v;
      expect(maxAbsDiff(red, renderOne(g, h, 32))).toBeGreaterThan(0.3);
    }
  });
});
