import { SeededRandom } from '@disentangle/kernels';
import { describe, expect, it } from 'vitest';
import { resizeArea, resizeDatasetArea } from './resize-area';
import type { ImageDataset } from './types';

const square = (from: number, to: number, channels = 1) => ({ fromHeight: from, fromWidth: from, toHeight: to, toWidth: to, channels });
const mean = (a: ArrayLike<number>, start = 0, length = a.length) => {
  let s = 0;
  for (let i = start; i < start + length; i++) s += a[i];
  return s / length;
};
function noise(n: number, seed = 0): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => random.uniformNumber());
}

describe('resizeArea', () => {
  it('averages integer blocks exactly (4×4 → 2×2)', () => {
    const src = Float32Array.from({ length: 16 }, (_, i) => i);
    // Blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
    expect(Array.from(resizeArea(src, square(4, 2)))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('weights partial pixels by their covered area (3×3 → 2×2: 2/3 and 1/3)', () => {
    const src = Float32Array.from({ length: 9 }, (_, i) => i); // value = 3·row + col
    const out = resizeArea(src, square(3, 2));
    // Output row/col 0 covers pixels 0 (weight 2/3) and 1 (1/3): mean index 1/3; output 1: 5/3.
    // So out(r, c) = 3·E[row] + E[col].
    const expected = [3 / 3 + 1 / 3, 3 / 3 + 5 / 3, 15 / 3 + 1 / 3, 15 / 3 + 5 / 3];
    for (let i = 0; i < 4; i++) expect(out[i]).toBeCloseTo(expected[i], 6);
  });

  it('28 → 16 (ratio 1.75) keeps every image\'s mean intensity, per channel, and constants constant', () => {
    const count = 3;
    const src = noise(count * 28 * 28 * 3, 1);
    const out = resizeArea(src, square(28, 16, 3), count);
    expect(out.length).toBe(count * 16 * 16 * 3);
    for (let n = 0; n < count; n++) {
      for (let c = 0; c < 3; c++) {
        const inMean = mean(Array.from({ length: 28 * 28 }, (_, p) => src[n * 28 * 28 * 3 + p * 3 + c]));
        const outMean = mean(Array.from({ length: 16 * 16 }, (_, p) => out[n * 16 * 16 * 3 + p * 3 + c]));
        expect(Math.abs(outMean - inMean)).toBeLessThan(1e-5);
      }
    }
    const flat = resizeArea(new Float32Array(28 * 28).fill(0.3), square(28, 16));
    for (const v of flat) expect(v).toBeCloseTo(0.3, 6);
  });

  it('antialiases: a one-pixel checkerboard shrinks to flat grey rather than aliasing', () => {
    const board = Float32Array.from({ length: 28 * 28 }, (_, i) => ((i % 28) + Math.floor(i / 28)) % 2);
    const out = resizeArea(board, square(28, 14));
    for (const v of out) expect(v).toBeCloseTo(0.5, 6);
    const odd = resizeArea(board, square(28, 16));
    for (const v of odd) expect(Math.abs(v - 0.5)).toBeLessThan(0.2);
  });

  it('upsamples too (28 → 32) with the mean kept, and copies at the same size', () => {
    const src = noise(28 * 28, 2);
    expect(Math.abs(mean(resizeArea(src, square(28, 32))) - mean(src))).toBeLessThan(1e-5);
    const same = resizeArea(src, square(28, 28));
    expect(same).toEqual(src);
    expect(same).not.toBe(src);
  });

  it('rejects a buffer that does not match the shape', () => {
    expect(() => resizeArea(new Float32Array(10), square(4, 2))).toThrow(/10 values, expected 1×4×4×1/);
    expect(() => resizeArea(new Float32Array(16), square(4, 0))).toThrow(/toHeight must be a positive integer/);
  });

  it('resizeDatasetArea resizes the images only, and returns the same dataset at its own size', () => {
    const ds: ImageDataset = { name: 't', count: 2, height: 4, width: 4, channels: 1, images: noise(32, 3), labels: new Int32Array([0, 1]), labelNames: ['a', 'b'], source: 's' };
    expect(resizeDatasetArea(ds, 4)).toBe(ds);
    const small = resizeDatasetArea(ds, 2);
    expect([small.height, small.width, small.images.length]).toEqual([2, 2, 8]);
    expect(small.labels).toBe(ds.labels);
    expect(small.images).toEqual(resizeArea(ds.images, square(4, 2), 2));
    expect(small.source).toContain('4×4 → 2×2');
  });
});
