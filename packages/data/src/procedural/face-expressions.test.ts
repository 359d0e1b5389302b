import { describe, expect, it } from 'vitest';
import { loadDataset } from '../load-dataset';
import {
  EXPRESSION_NAMES,
  EXPRESSION_OPEN_RANGES,
  EXPRESSION_OPEN_THRESHOLD,
  EXPRESSION_SMILE_RANGES,
  EXPRESSION_SMILE_THRESHOLD,
  expressionOf,
  FACE_EXPRESSION_ATTRIBUTE_NAMES,
  faceExpressionsGenerator,
  makeFaceExpressionsGenerator,
} from './face-expressions';
import { FACE } from './faces';
import { PROCEDURAL_GENERATORS } from './index';
import { bytesEqual, expectFactorsInSpec, expectRangesCovered, expectUnitRange, renderBatch, renderOne, seeded, expectDeterministicPerSeed } from './test-helpers';

const g = makeFaceExpressionsGenerator({ identities: 300 });
const within = (v: number, [a, b]: [number, number]) => v >= a && v <= b;

/** Pixels of the lower face (rows 0.6–0.85, columns 0.3–0.7) of two size×size×3 images whose colour differs by more than `tol` in some channel. */
function mouthPixelsChanged(a: Float32Array, b: Float32Array, size: number, tol = 0.06): number {
  let n = 0;
  for (let y = Math.floor(0.6 * size); y < Math.ceil(0.85 * size); y++) {
    for (let x = Math.floor(0.3 * size); x < Math.ceil(0.7 * size); x++) {
      const k = (y * size + x) * 3;
      if (Math.max(Math.abs(a[k] - b[k]), Math.abs(a[k + 1] - b[k + 1]), Math.abs(a[k + 2] - b[k + 2])) > tol) n++;
    }
  }
  return n;
}

describe('face-expressions', () => {
  it('is registered under its name and has the four expression classes', () => {
    expect(PROCEDURAL_GENERATORS['face-expressions']).toBe(faceExpressionsGenerator);
    expect(faceExpressionsGenerator.name).toBe('face-expressions');
    expect(g.labelNames).toEqual(['neutral', 'smile', 'surprise', 'laugh']);
    expect(EXPRESSION_NAMES).toEqual(g.labelNames);
    expect(g.sizes).toEqual([32, 64]);
    expect(g.factors.map((f) => f.name)).toEqual(makeFaceExpressionsGenerator().factors.map((f) => f.name));
    expect(g.factors[FACE.smile].role).toBe('label');
    expect(g.factors[FACE.mouthOpen].range).toEqual([0, EXPRESSION_OPEN_RANGES.open[1]]);
  });

  it('the class ranges leave a gap and the thresholds sit inside it', () => {
    const s = EXPRESSION_SMILE_RANGES, o = EXPRESSION_OPEN_RANGES;
    expect(s.high[0] - s.low[1]).toBeGreaterThanOrEqual(0.3);
    expect(o.open[0] - o.closed[1]).toBeGreaterThanOrEqual(0.5);
    expect(EXPRESSION_SMILE_THRESHOLD).toBeGreaterThan(s.low[1]);
    expect(EXPRESSION_SMILE_THRESHOLD).toBeLessThan(s.high[0]);
    expect(EXPRESSION_OPEN_THRESHOLD).toBeGreaterThan(o.closed[1]);
    expect(EXPRESSION_OPEN_THRESHOLD).toBeLessThan(o.open[0]);
    // The faces' Smiling attribute (smile > 0.5) agrees with the smile ranges.
    expect(s.low[1]).toBeLessThan(0.5);
    expect(s.high[0]).toBeGreaterThan(0.5);
  });

  it('is deterministic per seed and differs between seeds, at 64 and 32', () => {
    expectDeterministicPerSeed(g, [5, 6], 4, [64, 32]);
  });

  it('samples every factor inside its spec and covers the ranges', () => {
    const random = seeded(3);
    const vs = Array.from({ length: 2000 }, () => g.sampleFactors(random));
    expectFactorsInSpec(g, vs);
    // With glasses and beards switched on every binary factor takes both values too.
    const withBoth = makeFaceExpressionsGenerator({ identities: 300, glassesProbability: 0.3, beardProbabilityMale: 0.4 });
    const ws = Array.from({ length: 2000 }, () => withBoth.sampleFactors(random));
    expectFactorsInSpec(withBoth, ws);
    expectRangesCovered(withBoth, ws);
  });

  it('draws the four classes uniformly, each inside its ranges, and label() reads them back', () => {
    const random = seeded(7);
    const n = 8000;
    const counts = [0, 0, 0, 0];
    const smiles: number[][] = [[], [], [], []];
    const opens: number[][] = [[], [], [], []];
    for (let i = 0; i < n; i++) {
      const f = g.sampleFactors(random);
      const label = g.label!(f);
      counts[label]++;
      const high = label % 2 === 1, open = label >= 2;
      expect(within(f[FACE.smile], high ? EXPRESSION_SMILE_RANGES.high : EXPRESSION_SMILE_RANGES.low), `smile ${f[FACE.smile]} of ${EXPRESSION_NAMES[label]}`).toBe(true);
      expect(within(f[FACE.mouthOpen], open ? EXPRESSION_OPEN_RANGES.open : EXPRESSION_OPEN_RANGES.closed), `mouthOpen ${f[FACE.mouthOpen]} of ${EXPRESSION_NAMES[label]}`).toBe(true);
      smiles[label].push(f[FACE.smile]);
      opens[label].push(f[FACE.mouthOpen]);
    }
    for (const c of counts) expect(Math.abs(c - n / 4)).toBeLessThan(0.06 * (n / 4));
    // Within-class variety: each class spans most of its ranges.
    for (let k = 0; k < 4; k++) {
      const [sa, sb] = k % 2 ? EXPRESSION_SMILE_RANGES.high : EXPRESSION_SMILE_RANGES.low;
      const [oa, ob] = k >= 2 ? EXPRESSION_OPEN_RANGES.open : EXPRESSION_OPEN_RANGES.closed;
      expect(Math.max(...smiles[k]) - Math.min(...smiles[k])).toBeGreaterThan(0.9 * (sb - sa));
      expect(Math.max(...opens[k]) - Math.min(...opens[k])).toBeGreaterThan(0.9 * (ob - oa));
    }
  });

  it('label() is a threshold function of smile and mouthOpen only', () => {
    const f = g.identityFactors(4);
    const at = (smile: number, open: number) => {
      const v = [...f];
      v[FACE.smile] = smile;
      v[FACE.mouthOpen] = open;
      return g.label!(v);
    };
    expect(at(0, 0)).toBe(0);
    expect(at(1, 0)).toBe(1);
    expect(at(0, 1.2)).toBe(2);
    expect(at(1, 1.2)).toBe(3);
    expect(at(EXPRESSION_SMILE_THRESHOLD, 0)).toBe(1);
    expect(at(EXPRESSION_SMILE_THRESHOLD - 1e-9, 0)).toBe(0);
    expect(at(0, EXPRESSION_OPEN_THRESHOLD)).toBe(2);
    expect(at(0, EXPRESSION_OPEN_THRESHOLD - 1e-9)).toBe(0);
    // Other factors do not matter.
    const random = seeded(11);
    for (let i = 0; i < 200; i++) {
      const v = g.sampleFactors(random);
      const w = g.identityFactors((i * 37) % 300);
      w[FACE.smile] = v[FACE.smile];
      w[FACE.mouthOpen] = v[FACE.mouthOpen];
      expect(expressionOf(w)).toBe(g.label!(v));
    }
  });

  it('attributes are the faces attributes plus MouthOpen, consistent with the label', () => {
    expect(g.attributeNames).toEqual(FACE_EXPRESSION_ATTRIBUTE_NAMES);
    expect(FACE_EXPRESSION_ATTRIBUTE_NAMES).toEqual(['Eyeglasses', 'Beard', 'Smiling', 'Young', 'Male', 'MouthOpen']);
    const random = seeded(12);
    for (let i = 0; i < 300; i++) {
      const f = g.sampleFactors(random);
      const a = g.attributes!(f);
      const label = g.label!(f);
      expect(a[2]).toBe(label % 2);
      expect(a[5]).toBe(label >= 2 ? 1 : 0);
    }
  });

  it('has no glasses or beards by default; the options switch them back on', () => {
    const random = seeded(13);
    for (let i = 0; i < 500; i++) {
      const f = g.sampleFactors(random);
      expect(f[FACE.glasses]).toBe(0);
      expect(f[FACE.beard]).toBe(0);
    }
    const withBoth = makeFaceExpressionsGenerator({ glassesProbability: 0.5, beardProbabilityMale: 0.5 });
    const vs = Array.from({ length: 500 }, () => withBoth.sampleFactors(random));
    expect(vs.some((f) => f[FACE.glasses] === 1)).toBe(true);
    expect(vs.some((f) => f[FACE.beard] === 1)).toBe(true);
  });

  it('the expressions are visibly different at 32×32 even at the inner edges of their ranges', () => {
    const size = 32;
    const s = EXPRESSION_SMILE_RANGES, o = EXPRESSION_OPEN_RANGES;
    // The values of each class closest to its neighbours.
    const inner: [number, number][] = [
      [s.low[1], o.closed[1]],
      [s.high[0], o.closed[1]],
      [s.low[1], o.open[0]],
      [s.high[0], o.open[0]],
    ];
    const ids = 20;
    const changed: number[][] = Array.from({ length: 16 }, () => []);
    for (let id = 0; id < ids; id++) {
      const renders = inner.map(([smile, open]) => {
        const f = g.identityFactors(id);
        f[FACE.smile] = smile;
        f[FACE.mouthOpen] = open;
        return renderOne(g, f, size);
      });
      for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) changed[a * 4 + b].push(mouthPixelsChanged(renders[a], renders[b], size));
    }
    for (let a = 0; a < 4; a++) {
      for (let b = a + 1; b < 4; b++) {
        const counts = changed[a * 4 + b];
        const pair = `${EXPRESSION_NAMES[a]} vs ${EXPRESSION_NAMES[b]}`;
        // Even for the darkest skin (least contrast at the lips) some mouth pixels change clearly…
        expect(Math.min(...counts), pair).toBeGreaterThanOrEqual(2);
        // …and for a typical face several do.
        expect(counts.reduce((x, y) => x + y, 0) / ids, pair).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it("loadDataset('face-expressions') passes identities through: every identity shows several expressions", async () => {
    const ds = await loadDataset('face-expressions', { size: 32, count: 120, seed: 2, identities: 10 });
    expect(ds.name).toBe('face-expressions');
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([120, 32, 32, 3]);
    expect(ds.labelNames).toEqual(EXPRESSION_NAMES);
    expect(ds.attributeNames).toEqual(FACE_EXPRESSION_ATTRIBUTE_NAMES);
    expect(ds.identities).toBeDefined();
    const nf = ds.factorSpecs!.length;
    for (let i = 0; i < ds.count; i++) {
      expect(ds.identities![i]).toBe(i % 10);
      const f = Array.from(ds.factors!.subarray(i * nf, (i + 1) * nf));
      expect(ds.labels![i]).toBe(expressionOf(f));
    }
    for (let id = 0; id < 10; id++) {
      const labels = new Set<number>();
      const first = ds.factors!.subarray(id * nf, (id + 1) * nf);
      for (let i = id; i < ds.count; i += 10) {
        labels.add(ds.labels![i]);
        // Identity factors shared by every image of the identity.
        expect(ds.factors![i * nf + FACE.skinTone]).toBe(first[FACE.skinTone]);
        expect(ds.factors![i * nf + FACE.hairStyle]).toBe(first[FACE.hairStyle]);
      }
      expect(labels.size).toBeGreaterThanOrEqual(3);
    }
  });
});
