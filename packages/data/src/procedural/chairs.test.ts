import { describe, expect, it } from 'vitest';
import { CHAIR, CHAIR_AZIMUTHS, CHAIR_BACKGROUND, chairsGenerator as g } from './chairs';
import { bytesEqual, expectFactorsInSpec, expectRangesCovered, expectUnitRange, maxAbsDiff, renderBatch, renderOne, seeded, expectDeterministicPerSeed } from './test-helpers';

/** Mean chromaticity (r, g, b)/(r+g+b) and count of the non-background pixels. */
function chairChroma(img: Float32Array): { chroma: number[]; pixels: number } {
  const sum = [0, 0, 0];
  let pixels = 0;
  for (let p = 0; p < img.length; p += 3) {
    const r = img[p], gg = img[p + 1], b = img[p + 2];
    if (Math.abs(r - CHAIR_BACKGROUND[0]) + Math.abs(gg - CHAIR_BACKGROUND[1]) + Math.abs(b - CHAIR_BACKGROUND[2]) < 0.02) continue;
    const s = r + gg + b + 1e-6;
    sum[0] += r / s; sum[1] += gg / s; sum[2] += b / s;
    pixels++;
  }
  return { chroma: sum.map((v) => v / Math.max(1, pixels)), pixels };
}

describe('chairs', () => {
  it('is deterministic per seed and differs between seeds, at 64 and 32', () => {
    expectDeterministicPerSeed(g, [1, 2], 5, [64, 32]);
  });

  it('samples factors inside their specs; each azimuth appears ~100 times in 6200 chairs', () => {
    const random = seeded(8);
    const vs = Array.from({ length: 6200 }, () => g.sampleFactors(random));
    expectFactorsInSpec(g, vs);
    expectRangesCovered(g, vs);
    const counts = new Array<number>(CHAIR_AZIMUTHS).fill(0);
    for (const f of vs) counts[g.label!(f)]++;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(65);
    expect(Math.max(...counts)).toBeLessThanOrEqual(140);
    expect(g.labelNames).toHaveLength(62);
  });

  it('changing the azimuth changes the image but keeps the chair colour', () => {
    const f = g.sampleFactors(seeded(5));
    f[CHAIR.saturation] = 0.7;
    f[CHAIR.azimuth] = 0;
    const a = renderOne(g, f, 64);
    const ca = chairChroma(a);
    expect(ca.pixels).toBeGreaterThan(200);
    for (const az of [5, 15, 31, 47]) {
      f[CHAIR.azimuth] = az;
      const b = renderOne(g, f, 64);
      expect(maxAbsDiff(a, b)).toBeGreaterThan(0.2);
      const cb = chairChroma(b);
      for (let k = 0; k < 3; k++) expect(Math.abs(cb.chroma[k] - ca.chroma[k])).toBeLessThan(0.06);
    }
    // A different hue moves the chromaticity clearly.
    f[CHAIR.hue] = (f[CHAIR.hue] + 0.5) % 1;
    const other = chairChroma(renderOne(g, f, 64)).chroma;
    expect(Math.max(...other.map((v, k) => Math.abs(v - ca.chroma[k])))).toBeGreaterThan(0.06);
  });

  it('every style factor changes the image; the background stays grey at the corners', () => {
    const f = g.sampleFactors(seeded(6));
    f[CHAIR.azimuth] = 7;
    f[CHAIR.legStyle] = 0;
    f[CHAIR.armrests] = 0;
    const base = renderOne(g, f, 64);
    expect(Array.from(base.slice(0, 3))).toEqual(CHAIR_BACKGROUND.map((v) => Math.fround(v)));
    const changes: [number, number][] = [
      [CHAIR.seatWidth, 0.62], [CHAIR.seatDepth, 0.36], [CHAIR.seatHeight, 0.35], [CHAIR.backHeight, 0.65], [CHAIR.backTilt, 0.4],
      [CHAIR.legThickness, 0.045], [CHAIR.legStyle, 1], [CHAIR.legStyle, 2], [CHAIR.armrests, 1], [CHAIR.hue, (f[CHAIR.hue] + 0.3) % 1],
    ];
    for (const [k, v] of changes) {
      const h = f.slice();
      h[k] = v;
      expect(maxAbsDiff(base, renderOne(g, h, 64)), `${g.factors[k].name}=${v}`).toBeGreaterThan(0.05);
    }
  });
});
