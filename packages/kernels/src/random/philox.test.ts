import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { philox4x32, philoxTensor, philoxValues } from './philox';
import { SeededRandom } from './seeded-random';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("matches Random123's known-answer vectors (counter, key → output)", () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('draws element i from (i, key) alone: a longer draw extends a shorter one, another key gives other numbers', () => {
    const short = philoxValues('normal', 10, [7, 9]);
    const long = philoxValues('normal', 1000, [7, 9]);
    expect(Array.from(long.subarray(0, 10))).toEqual(Array.from(short));
    const other = philoxValues('normal', 10, [7, 10]);
    expect(Array.from(other).filter((v, i) => v === short[i]).length).toBe(0);
  });

  it('has the moments of its distributions (uniform on [lo, hi), standard normal, standard Gumbel)', () => {
    const n = 200_000;
    const moments = (xs: Float32Array) => {
      let sum = 0;
      let squares = 0;
      for (const x of xs) sum += x;
      const mean = sum / xs.length;
      for (const x of xs) squares += (x - mean) ** 2;
      return { mean, variance: squares / xs.length, min: Math.min(...xs.subarray(0, 50_000)), max: Math.max(...xs.subarray(0, 50_000)) };
    };
    const u = moments(philoxValues('uniform', n, [1, 2], -1, 3));
    expect(u.min).toBeGreaterThanOrEqual(-1);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(1, 1.5); // ±0.016: 5 standard errors of 4/√12/√n
    expect(u.variance).toBeCloseTo(16 / 12, 1.5);
    const z = moments(philoxValues('normal', n, [3, 4], 2, 0.5));
    expect(Math.abs(z.mean - 2)).toBeLessThan(5 * 0.5 / Math.sqrt(n));
    expect(Math.abs(z.variance - 0.25)).toBeLessThan(0.01);
    const g = moments(philoxValues('gumbel', n, [5, 6]));
    expect(Math.abs(g.mean - 0.5772156649)).toBeLessThan(5 * Math.sqrt(Math.PI ** 2 / 6 / n));
    expect(Math.abs(g.variance - Math.PI ** 2 / 6)).toBeLessThan(0.05);
    // The open uniform keeps ln finite at both ends.
    expect(Number.isFinite(Math.max(...philoxValues('gumbel', 50_000, [0, 0])))).toBe(true);
  });

  it('SeededRandom with deviceDraws: each draw takes two words of the stream as its key, resumes exactly, and checks the shape', () => {
    const random = new SeededRandom(11);
    random.deviceDraws = true;
    const twin = new SeededRandom(11);
    const drawn = random.normal([3, 4], 1, 2);
    const key = [twin.nextUint32(), twin.nextUint32()] as const;
    expect(Array.from(drawn.dataSync())).toEqual(Array.from(philoxValues('normal', 12, key, 1, 2)));
    expect(drawn.shape).toEqual([3, 4]);
    expect(random.getState()).toEqual(twin.getState());
    const state = random.getState();
    const next = random.uniform([5]);
    const resumed = new SeededRandom(0);
    resumed.deviceDraws = true;
    resumed.setState(state);
    expect(Array.from(resumed.uniform([5]).dataSync())).toEqual(Array.from(next.dataSync()));
    expect(() => random.gumbel([2, -1])).toThrow(/shape must be an array of non-negative integers, got \[2,-1\]/);
    expect(philoxTensor('normal', [0, 3], [1, 1]).shape).toEqual([0, 3]);
    expect(() => philoxTensor('cauchy' as never, [2], [1, 1])).toThrow(/distribution must be one of uniform, normal, gumbel, got "cauchy"/);
    expect(() => philoxValues('normal', 4, [1, -1])).toThrow(/key must be two unsigned 32-bit integers, got \[1,-1\]/);
    expect(() => philoxValues('normal', 2.5, [1, 1])).toThrow(/count must be a non-negative integer, got 2.5/);
    const before = tf.memory().numTensors;
    tf.dispose([philoxTensor('uniform', [3, 3], [4, 4]), philoxTensor('gumbel', [5], [4, 5])]);
    expect(tf.memory().numTensors, 'draws leave nothing behind').toBe(before);
    expect(random.fork('child').deviceDraws, 'a fork draws where its parent does').toBe(true);
    expect(new SeededRandom(1).fork('child').deviceDraws).toBe(false);
    tf.dispose([drawn, next]);
  });
});
