import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { gaussianWindow1d, ssim } from './ssim';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

/**
 * Independent float64 SSIM, written straight from Wang et al. (2004) with explicit loops:
 * Gaussian-weighted statistics over every fully-inside 11×11 window, per channel, averaged.
 */
function ssimReference(x: Float64Array, y: Float64Array, h: number, w: number, c: number): number {
  const size = 11;
  const sigma = 1.5;
  const g2: number[][] = [];
  let total = 0;
  for (let i = 0; i < size; i++) {
    g2.push([]);
    for (let j = 0; j < size; j++) {
      const v = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * sigma * sigma));
      g2[i].push(v);
      total += v;
    }
  }
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  let channelSum = 0;
  for (let ch = 0; ch < c; ch++) {
    let mapSum = 0;
    let count = 0;
    for (let r = 0; r + size <= h; r++) {
      for (let s = 0; s + size <= w; s++) {
        let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (let i = 0; i < size; i++) {
          for (let j = 0; j < size; j++) {
            const k = g2[i][j] / total;
            const idx = ((r + i) * w + (s + j)) * c + ch;
            mx += k * x[idx];
            my += k * y[idx];
            xx += k * x[idx] * x[idx];
            yy += k * y[idx] * y[idx];
            xy += k * x[idx] * y[idx];
          }
        }
        const vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
        mapSum += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        count++;
      }
    }
    channelSum += mapSum / count;
  }
  return channelSum / c;
}

function randomImages(random: SeededRandom, shape: number[]): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float64Array.from({ length: n }, () => random.uniformNumber());
}

describe('ssim', () => {
  it('has a normalised Gaussian window', () => {
    const g = gaussianWindow1d(11, 1.5);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(g[5]).toBeGreaterThan(g[4]);
    expect(g[0]).toBeCloseTo(g[10], 15);
  });

  it('is 1 for identical images', async () => {
    const random = new SeededRandom(1);
    const x = tf.tensor4d(Float32Array.from(randomImages(random, [3, 16, 16, 3])), [3, 16, 16, 3]);
    const s = await ssim(x, x).data();
    for (const v of s) expect(v).toBeCloseTo(1, 5);
    x.dispose();
  });

  it('matches a float64 plain-JS reference on a tiny image', async () => {
    const random = new SeededRandom(2);
    const [h, w, c] = [14, 13, 2];
    // A smooth image and a noisy, contrast-shifted copy, so every term of SSIM matters.
    const xs = new Float64Array(h * w * c);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) xs[(i * w + j) * c + k] = 0.5 + 0.4 * Math.sin(0.4 * i + 0.3 * j + k);
    const ys = xs.map((v) => Math.min(1, Math.max(0, 0.8 * v + 0.05 + 0.15 * (random.uniformNumber() - 0.5))));
    const expected = ssimReference(xs, ys, h, w, c);
    const got = (await ssim(tf.tensor3d(Float32Array.from(xs), [h, w, c]), tf.tensor3d(Float32Array.from(ys), [h, w, c])).data())[0];
    expect(expected).toBeGreaterThan(0.3);
    expect(expected).toBeLessThan(0.95);
    expect(Math.abs(got - expected)).toBeLessThan(2e-4);
  });

  it('decreases as the noise grows', async () => {
    const random = new SeededRandom(3);
    const shape = [4, 24, 24, 3];
    const base = randomImages(random, shape).map((v, i) => 0.5 + 0.3 * Math.sin(i / 50) + 0.1 * v);
    const noise = randomImages(random, shape).map((v) => v - 0.5);
    const x = tf.tensor4d(Float32Array.from(base), shape as [number, number, number, number]);
    const values: number[] = [];
    for (const level of [0, 0.05, 0.1, 0.2, 0.4]) {
      const y = tf.tensor4d(Float32Array.from(base, (v, i) => Math.min(1, Math.max(0, v + level * noise[i]))), shape as [number, number, number, number]);
      const s = await ssim(x, y).data();
      values.push(Array.from(s).reduce((a, b) => a + b, 0) / s.length);
      y.dispose();
    }
    expect(values[0]).toBeCloseTo(1, 5);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1] - 1e-4);
    expect(values[values.length - 1]).toBeLessThan(0.9);
    x.dispose();
  });

  it('rejects mismatched shapes and images smaller than the window; leaks nothing', async () => {
    const a = tf.zeros([1, 16, 16, 1]);
    const b = tf.zeros([1, 16, 16, 3]);
    const small = tf.zeros([1, 8, 8, 1]);
    expect(() => ssim(a, b)).toThrow(/same shape/);
    expect(() => ssim(small, small)).toThrow(/smaller than the 11×11 window/);
    await expectNoLeak(() => ssim(a, a), 'ssim');
    tf.dispose([a, b, small]);
  });
});
