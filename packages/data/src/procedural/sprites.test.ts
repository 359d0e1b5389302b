import { describe, expect, it } from 'vitest';
import { SPRITE, spritesGenerator as g } from './sprites';
import { bytesEqual, expectFactorsInSpec, expectRangesCovered, expectUnitRange, maxAbsDiff, renderBatch, renderOne, seeded } from './test-helpers';

/** Ink-weighted centroid and total ink (sum of channel maxima) of an image. */
function ink(img: Float32Array, size: number): { x: number; y: number; mass: number } {
  let m = 0, sx = 0, sy = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const k = (y * size + x) * 3;
    const v = Math.max(img[k], img[k + 1], img[k + 2]);
    m += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
  }
  return { x: sx / m / size, y: sy / m / size, mass: m };
}

describe('sprites', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = renderBatch(g, 1, 20, 32).images;
    expect(bytesEqual(a, renderBatch(g, 1, 20, 32).images)).toBe(true);
    expect(bytesEqual(a, renderBatch(g, 2, 20, 32).images)).toBe(false);
    expectUnitRange(a);
    expectUnitRange(renderBatch(g, 1, 5, 64).images);
  });

  it('samples factors inside their specs, labels balanced over shapes', () => {
    const random = seeded(2);
    const vs = Array.from({ length: 3000 }, () => g.sampleFactors(random));
    expectFactorsInSpec(g, vs);
    expectRangesCovered(g, vs);
    const counts = [0, 0, 0];
    for (const f of vs) counts[g.label!(f)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(100);
  });

  it('position moves the centroid, scale changes the area, shapes stay in frame', () => {
    const f = [0, 1, 0.3, 0.2, 0.7, 0.5];
    const a = ink(renderOne(g, f, 64), 64);
    expect(a.x).toBeCloseTo(0.22 + 0.56 * 0.2, 2);
    expect(a.y).toBeCloseTo(0.22 + 0.56 * 0.7, 2);
    const half = ink(renderOne(g, [0, 0.5, 0.3, 0.2, 0.7, 0.5], 64), 64);
    expect(half.mass / a.mass).toBeCloseTo(0.25, 1);
    // At the largest scale in a corner, no ink on the border rows/columns, for every shape and rotation.
    for (let shape = 0; shape < 3; shape++) for (const rot of [0, 0.8, 2.4]) for (const [x, y] of [[0, 0], [1, 1]]) {
      const img = renderOne(g, [shape, 1, rot, x, y, 0.2], 32);
      for (let i = 0; i < 32; i++) for (const p of [i, 31 * 32 + i, i * 32, i * 32 + 31]) expect(img[p * 3] + img[p * 3 + 1] + img[p * 3 + 2]).toBe(0);
    }
  });

  it('shape, rotation and hue each change the image', () => {
    const f = [0, 0.8, 0.3, 0.5, 0.5, 0.1];
    const base = renderOne(g, f, 32);
    for (const [k, v] of [[SPRITE.shape, 1], [SPRITE.shape, 2], [SPRITE.rotation, 1.0], [SPRITE.hue, 0.6]]) {
      const h = f.slice();
      h[k] = v;
      expect(maxAbsDiff(base, renderOne(g, h, 32))).toBeGreaterThan(0.3);
    }
  });
});
