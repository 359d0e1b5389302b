import { describe, expect, it } from 'vitest';
import { FACE, FACE_DEFAULTS, FACE_EYE_REGION, FACE_LOWER_REGION, identityFactors, makeFacesGenerator } from './faces';
import {
  bytesEqual, changedPixels, expectFactorsInSpec, expectRangesCovered, expectUnitRange, maxAbsDiff, pixelTouches, renderBatch, renderOne, seeded,
  expectDeterministicPerSeed,
} from './test-helpers';

const g = makeFacesGenerator({ identities: 500 });

/** A male identity (beards are drawn only where the factors say so, but male makes it plausible). */
function maleIdentity(): number[] {
  for (let id = 0; ; id++) {
    const f = g.identityFactors(id);
    if (f[FACE.male] === 1) return f;
  }
}

describe('faces', () => {
  it('is deterministic per seed and differs between seeds, at 64 and 32', () => {
    expectDeterministicPerSeed(g, [11, 12], 6, [64, 32]);
  });

  it('samples every factor inside its spec and covers the ranges', () => {
    const random = seeded(3);
    const vs = Array.from({ length: 2000 }, () => g.sampleFactors(random));
    expectFactorsInSpec(g, vs);
    expectRangesCovered(g, vs);
  });

  it('identity factors are a deterministic function of the identity id', () => {
    expect(identityFactors(42)).toEqual(identityFactors(42));
    expect(identityFactors(42)).not.toEqual(identityFactors(43));
    const random = seeded(9);
    const identityIdx = g.factors.flatMap((s, k) => (s.role === 'identity' ? [k] : []));
    expect(identityIdx.length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 200; i++) {
      const f = g.sampleFactors(random);
      const ref = g.identityFactors(f[FACE.identity]);
      for (const k of identityIdx) expect(f[k], g.factors[k].name).toBe(ref[k]);
      expect(g.label!(f)).toBe(f[FACE.identity]);
    }
  });

  it('different identities look different; one identity across nuisances stays closer', () => {
    const base = (id: number) => { const f = g.identityFactors(id); return f; };
    const a = renderOne(g, base(1), 64);
    let crossSum = 0;
    for (let id = 2; id < 12; id++) crossSum += meanAbs(a, renderOne(g, base(id), 64));
    const f = base(1);
    f[FACE.smile] = 0.8; f[FACE.yaw] = 0.3; f[FACE.lightAngle] = 0.4;
    const within = meanAbs(a, renderOne(g, f, 64));
    expect(crossSum / 10).toBeGreaterThan(0.05);
    expect(within).toBeLessThan(crossSum / 10);
  });

  it('toggling glasses changes pixels only inside FACE_EYE_REGION (at every style)', () => {
    const random = seeded(21);
    for (let i = 0; i < 40; i++) {
      const f = g.sampleFactors(random);
      for (const size of [64, 32]) {
        f[FACE.glasses] = 0;
        const off = renderOne(g, f, size);
        f[FACE.glasses] = 1;
        const on = renderOne(g, f, size);
        const changed = changedPixels(off, on, size);
        expect(changed.length).toBeGreaterThan(size === 64 ? 40 : 10);
        for (const [x, y] of changed) expect(pixelTouches(x, y, size, FACE_EYE_REGION), `pixel ${x},${y}`).toBe(true);
      }
    }
  });

  it('toggling the beard changes pixels only inside FACE_LOWER_REGION', () => {
    const random = seeded(22);
    const male = maleIdentity();
    for (let i = 0; i < 40; i++) {
      const f = g.sampleFactors(random);
      if (i % 2 === 0) for (let k = 0; k <= FACE.clothingHue; k++) f[k] = male[k];
      for (const size of [64, 32]) {
        f[FACE.beard] = 0;
        const off = renderOne(g, f, size);
        f[FACE.beard] = 1;
        const on = renderOne(g, f, size);
        const changed = changedPixels(off, on, size);
        expect(changed.length).toBeGreaterThan(size === 64 ? 40 : 10);
        for (const [x, y] of changed) expect(pixelTouches(x, y, size, FACE_LOWER_REGION), `pixel ${x},${y}`).toBe(true);
      }
    }
  });

  it('glasses style factors change the glasses; each nuisance factor changes the image', () => {
    const f = g.identityFactors(5);
    f[FACE.glasses] = 1;
    const base = renderOne(g, f, 64);
    const changes: [number, number][] = [
      [FACE.glassesShape, 1 - f[FACE.glassesShape]], [FACE.glassesColour, (f[FACE.glassesColour] + 2) % 4],
      [FACE.glassesSize, f[FACE.glassesSize] > 1 ? 0.85 : 1.15], [FACE.lensTint, 0.7],
      [FACE.yaw, 0.8], [FACE.smile, 0.95], [FACE.mouthOpen, 0.9], [FACE.lightAngle, 0.9], [FACE.brightness, 0.8],
      [FACE.backgroundHue, (f[FACE.backgroundHue] + 0.5) % 1], [FACE.age, f[FACE.age] < 0.5 ? 0.95 : 0.05],
      [FACE.hairStyle, (f[FACE.hairStyle] + 2) % 5], [FACE.eyeSpacing, f[FACE.eyeSpacing] < 0.1 ? 0.115 : 0.085],
    ];
    for (const [k, v] of changes) {
      const h = f.slice();
      h[k] = v;
      expect(maxAbsDiff(base, renderOne(g, h, 64)), g.factors[k].name).toBeGreaterThan(0.05);
    }
    // Beard style factors, with a beard.
    const m = maleIdentity();
    m[FACE.beard] = 1;
    const beard = renderOne(g, m, 64);
    for (const [k, v] of [[FACE.beardLength, m[FACE.beardLength] > 0.5 ? 0 : 1], [FACE.beardColour, (m[FACE.beardColour] + 0.5) % 1]] as const) {
      const h = m.slice();
      h[k] = v;
      expect(maxAbsDiff(beard, renderOne(g, h, 64)), g.factors[k].name).toBeGreaterThan(0.05);
    }
  });

  it('attribute frequencies match the configured probabilities', () => {
    const big = makeFacesGenerator({ identities: 5000 });
    const random = seeded(4);
    const n = 20000;
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const a = big.attributes!(big.sampleFactors(random));
      a.forEach((v, k) => (counts[k] += v));
    }
    const freq = counts.map((c) => c / n);
    expect(big.attributeNames).toEqual(['Eyeglasses', 'Beard', 'Smiling', 'Young', 'Male']);
    expect(freq[0]).toBeCloseTo(FACE_DEFAULTS.glassesProbability, 1);
    expect(Math.abs(freq[1] - FACE_DEFAULTS.beardProbabilityMale * freq[4])).toBeLessThan(0.02);
    expect(Math.abs(freq[2] - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(freq[3] - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(freq[4] - FACE_DEFAULTS.maleProbability)).toBeLessThan(0.03);
  });
});

function meanAbs(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
