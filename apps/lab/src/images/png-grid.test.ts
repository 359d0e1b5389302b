import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeGridPng } from './png-grid';

describe('encodeGridPng', () => {
  it('places each image in its cell, scaled by the zoom, over the background', () => {
    // Two 2×2 grey images: the first all 0.2, the second a gradient.
    const data = new Float32Array([0.2, 0.2, 0.2, 0.2, 0, 0.25, 0.5, 1]);
    const png = PNG.sync.read(encodeGridPng({ data, count: 2, height: 2, width: 2, channels: 1 }, { columns: 2, zoom: 3, gap: 1, background: [9, 8, 7] }));
    expect([png.width, png.height]).toEqual([2 * 6 + 3, 6 + 2]);
    const at = (x: number, y: number) => Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3));
    expect(at(0, 0)).toEqual([9, 8, 7]);
    expect(at(1, 1)).toEqual([51, 51, 51]);
    // Second image starts at x = 1 + 6 + 1 = 8; its bottom-right pixel (1.0) covers x 11..13, y 4..6.
    expect(at(8, 1)).toEqual([0, 0, 0]);
    expect(at(13, 6)).toEqual([255, 255, 255]);
    expect(at(11, 1)).toEqual([64, 64, 64]);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => encodeGridPng({ data: new Float32Array(5), count: 2, height: 2, width: 2, channels: 1 }, { columns: 2 })).toThrow(/5 values, expected 2×2×2×1/);
  });
});
