/** Helpers shared by the procedural generators' tests. */
import { SeededRandom } from '@disentangle/kernels';
import { expect } from 'vitest';
import type { ProceduralGenerator } from '../types';

export const seeded = (seed: number): (() => number) => {
  const rng = new SeededRandom(seed);
  return () => rng.uniformNumber();
};

export function renderOne(g: ProceduralGenerator, f: number[], size: number): Float32Array {
  const out = new Float32Array(size * size * g.channels);
  g.render(f, size, out, 0);
  return out;
}

/** Renders `count` images from `seed` into one buffer (with a non-zero offset per image). */
export function renderBatch(g: ProceduralGenerator, seed: number, count: number, size: number): { images: Float32Array; factors: number[][] } {
  const random = seeded(seed);
  const px = size * size * g.channels;
  const images = new Float32Array(count * px);
  const factors: number[][] = [];
  for (let i = 0; i < count; i++) {
    const f = g.sampleFactors(random);
    factors.push(f);
    g.render(f, size, images, i * px);
  }
  return { images, factors };
}

/** Every sampled factor lies in its spec's range / code set. */
export function expectFactorsInSpec(g: ProceduralGenerator, vectors: number[][]): void {
  const errors: string[] = [];
  for (const f of vectors) {
    if (f.length !== g.factors.length) errors.push(`length ${f.length}`);
    g.factors.forEach((spec, k) => {
      const v = f[k];
      let ok = Number.isFinite(v);
      if (spec.kind === 'continuous') ok &&= v >= spec.range![0] && v <= spec.range![1];
      else if (spec.kind === 'binary') ok &&= v === 0 || v === 1;
      else ok &&= Number.isInteger(v) && v >= 0 && v < spec.values!.length;
      if (!ok) errors.push(`${spec.name} = ${v}`);
    });
  }
  expect(errors.slice(0, 10)).toEqual([]);
}

/** Continuous factors cover their range (min near the low end, max near the high end). */
export function expectRangesCovered(g: ProceduralGenerator, vectors: number[][], slack = 0.1): void {
  g.factors.forEach((spec, k) => {
    const vs = vectors.map((f) => f[k]);
    const lo = Math.min(...vs), hi = Math.max(...vs);
    if (spec.kind === 'continuous' && spec.role !== 'identity') {
      const [a, b] = spec.range!;
      expect(lo, `${spec.name} min`).toBeLessThan(a + slack * (b - a));
      expect(hi, `${spec.name} max`).toBeGreaterThan(b - slack * (b - a));
    } else if (spec.kind === 'binary') {
      expect(lo, spec.name).toBe(0);
      expect(hi, spec.name).toBe(1);
    }
  });
}

export function expectUnitRange(images: Float32Array): void {
  let lo = Infinity, hi = -Infinity;
  for (const v of images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  expect(lo).toBeGreaterThanOrEqual(0);
  expect(hi).toBeLessThanOrEqual(1);
  expect(Number.isNaN(lo) || Number.isNaN(hi)).toBe(false);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function bytesEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** Pixels (x, y) of a size×size×3 pair of images that differ by more than `tol`. */
export function changedPixels(a: Float32Array, b: Float32Array, size: number, tol = 1e-6): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const k = (y * size + x) * 3;
    if (Math.abs(a[k] - b[k]) > tol || Math.abs(a[k + 1] - b[k + 1]) > tol || Math.abs(a[k + 2] - b[k + 2]) > tol) out.push([x, y]);
  }
  return out;
}

/** Does pixel (x, y) of a size-wide image overlap the normalised rectangle? */
export function pixelTouches(x: number, y: number, size: number, r: { x0: number; y0: number; x1: number; y1: number }): boolean {
  return (x + 1) / size > r.x0 && x / size < r.x1 && (y + 1) / size > r.y0 && y / size < r.y1;
}

/** Rendering is a pure function of the seed: the same seed gives the same bytes, another seed different ones, all in [0, 1]. */
export function expectDeterministicPerSeed(g: ProceduralGenerator, seeds: [number, number], count: number, sizes: number[]): void {
  for (const size of sizes) {
    const a = renderBatch(g, seeds[0], count, size).images;
    expect(bytesEqual(a, renderBatch(g, seeds[0], count, size).images)).toBe(true);
    expect(bytesEqual(a, renderBatch(g, seeds[1], count, size).images)).toBe(false);
    expectUnitRange(a);
  }
}
