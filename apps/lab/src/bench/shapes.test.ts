import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';

const uniformSource = (seed: number) => {
  const rng = new SeededRandom(seed);
  return () => rng.uniformNumber();
};
import { drawShape, makeShapesDataset } from './shapes';

describe('shapes', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = makeShapesDataset(8, 16, uniformSource(3)).images;
    const b = makeShapesDataset(8, 16, uniformSource(3)).images;
    const c = makeShapesDataset(8, 16, uniformSource(4)).images;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('draws anti-aliased shapes whose area matches geometry', () => {
    const size = 64;
    const out = new Float32Array(size * size);
    const area = (kind: 'circle' | 'square' | 'triangle') => {
      drawShape({ kind, x: 0.5, y: 0.5, scale: 0.25, rotation: 0.3 }, size, out);
      return out.reduce((s, v) => s + v, 0);
    };
    const r = 0.25 * size;
    expect(area('circle')).toBeCloseTo(Math.PI * r * r, -1);
    expect(area('square')).toBeCloseTo((1.6 * r) ** 2, -1);
    expect(area('triangle')).toBeCloseTo(((3 * Math.sqrt(3)) / 4) * r * r, -1);
    expect(out.some((v) => v > 0 && v < 1)).toBe(true);
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
