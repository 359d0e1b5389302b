import { describe, expect, it } from 'vitest';
import { Canvas, Mesh, renderMesh, hsvToRgb, hashedRandom } from './raster';

describe('raster helpers', () => {
  it('anti-aliases: a half-covered pixel gets half the colour', () => {
    const c = new Canvas(4, 4);
    c.clear([0, 0, 0]);
    // A rectangle covering x ∈ [0, 0.375): pixel 0 fully, pixel 1 half.
    c.fillPolygon([0, 0, 0.375, 0, 0.375, 1, 0, 1], [1, 1, 1]);
    const out = new Float32Array(4 * 4 * 3);
    c.resolve(out);
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[3]).toBeCloseTo(0.5, 6);
    expect(out[6]).toBeCloseTo(0, 6);
  });

  it('a disc covers about πr² of the image', () => {
    const c = new Canvas(32, 4);
    c.clear([0, 0, 0]);
    c.fillEllipse(0.5, 0.5, 0.3, 0.3, [1, 0, 0]);
    const out = new Float32Array(32 * 32 * 3);
    c.resolve(out);
    let sum = 0;
    for (let i = 0; i < out.length; i += 3) sum += out[i];
    expect(sum / (32 * 32)).toBeCloseTo(Math.PI * 0.09, 2);
  });

  it('never writes outside the clip rectangle', () => {
    const c = new Canvas(16, 2);
    c.clear([0, 0, 0]);
    c.withClip({ x0: 0.25, y0: 0.25, x1: 0.5, y1: 0.5 }, () => c.fillEllipse(0.5, 0.5, 0.5, 0.5, [1, 1, 1]));
    const out = new Float32Array(16 * 16 * 3);
    c.resolve(out);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) {
      const inside = x >= 4 && x < 8 && y >= 4 && y < 8;
      expect(out[(y * 16 + x) * 3]).toBe(inside ? 1 : 0);
    }
  });

  it('z-buffer: the nearer of two overlapping triangles wins whatever the draw order', () => {
    for (const order of [0, 1]) {
      const c = new Canvas(8, 1, true);
      c.clear([0, 0, 0]);
      const near = () => c.fillTriangleZ(0, 0, 1, 1, 0, 1, 0, 1, 1, [1, 0, 0]);
      const far = () => c.fillTriangleZ(0, 0, 2, 1, 0, 2, 0, 1, 2, [0, 1, 0]);
      if (order) { near(); far(); } else { far(); near(); }
      const out = new Float32Array(8 * 8 * 3);
      c.resolve(out);
      expect([out[0], out[1]]).toEqual([1, 0]);
    }
  });

  it('Lambert shading: a face turned to the light is brighter than one turned away', () => {
    const mesh = new Mesh().box(0, 0, 0, 0.5, 0.5, 0.5, [1, 1, 1]);
    const c = new Canvas(32, 2, true);
    c.clear([0, 0, 0]);
    renderMesh(c, mesh, { azimuth: Math.PI / 4, elevation: 0, scale: 0.5, target: [0, 0, 0], light: [-1, 0, 0.3], ambient: 0.2 });
    const out = new Float32Array(32 * 32 * 3);
    c.resolve(out);
    const at = (x: number, y: number) => out[(y * 32 + x) * 3];
    expect(at(10, 16)).toBeGreaterThan(at(22, 16) + 0.2); // left face lit, right face dim
    expect(at(1, 1)).toBe(0); // background
  });

  it('hsvToRgb and hashedRandom', () => {
    expect(hsvToRgb(0, 1, 1)).toEqual([1, 0, 0]);
    expect(hsvToRgb(1 / 3, 1, 1).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 1, 0]);
    const a = hashedRandom(7), b = hashedRandom(7), d = hashedRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(d()).not.toBe(xs[0]);
  });
});
