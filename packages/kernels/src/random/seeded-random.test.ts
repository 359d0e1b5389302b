import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../testing/no-leak';
import { SeededRandom, defaultRandom, seedDefaultRandom } from './seeded-random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Φ(x) = ½(1 + erf(x/√2)), erf by its Maclaurin series (float64; accurate to ~1e-8 for |x/√2| ≤ 4.5). */
function normalCdf(x: number): number {
  const z = x / Math.SQRT2;
  if (Math.abs(z) > 4.5) return z > 0 ? 1 : 0;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (-z * z) / n;
    sum += term / (2 * n + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
}

/** Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)|. */
function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** KS critical value at the 0.1% level: 1.95 / √n. */
const ksLimit = (n: number) => 1.95 / Math.sqrt(n);

function moments(values: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let variance = 0;
  for (let i = 0; i < values.length; i++) variance += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(variance / (values.length - 1)) };
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

describe('SeededRandom: the xoshiro128** engine', () => {
  it('reproduces the reference output of xoshiro128** from state {1, 2, 3, 4}', () => {
    // From the reference C (prng.di.unimi.it/xoshiro128starstar.c), checked by an independent Python port.
    const rng = new SeededRandom(0);
    rng.setState({ algorithm: 'xoshiro128**', state: [1, 2, 3, 4] });
    const out = Array.from({ length: 10 }, () => rng.nextUint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('gives the same numbers for the same seed and different numbers for different seeds', () => {
    const draw = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 16 }, () => rng.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(2 ** 32)); // the high half of the seed counts
    expect(draw(-1)).not.toEqual(draw(1));
  });

  it('gives identical tensors for the same seed across every sampler', async () => {
    const run = async (seed: number) => {
      const rng = new SeededRandom(seed);
      return [
        ...(await values(rng.uniform([5], -2, 3))),
        ...(await values(rng.normal([3, 3], 1, 2))),
        ...(await values(rng.gumbel([4]))),
        rng.int(1000),
        ...rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7]),
        rng.uniformNumber(),
        rng.normalNumber(),
      ];
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new SeededRandom(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => new SeededRandom(Number.NaN)).toThrow(/seed/);
  });
});

describe('SeededRandom: state and forks', () => {
  it('resumes the identical stream from a JSON round trip of getState()', async () => {
    const rng = new SeededRandom(123);
    for (let i = 0; i < 37; i++) rng.nextUint32();
    await values(rng.normal([7])); // an odd count, to be sure no spare value hides outside the state
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = [rng.int(10), ...(await values(rng.normal([5]))), rng.uniformNumber(), ...(await values(rng.gumbel([3])))];

    const resumed = new SeededRandom(999);
    resumed.setState(saved);
    const got = [resumed.int(10), ...(await values(resumed.normal([5]))), resumed.uniformNumber(), ...(await values(resumed.gumbel([3])))];
    expect(got).toEqual(expected);
  });

  it('rejects a malformed state, naming what it expected', () => {
    const rng = new SeededRandom(1);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', state: [0, 0, 0, 0] })).toThrow(/not all 0/);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', state: [1, 2, 3] } as never)).toThrow(/four unsigned 32-bit/);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', state: [1, 2, 3, 2 ** 32] })).toThrow(/setState/);
    expect(() => rng.setState({ algorithm: 'mt19937', state: [1, 2, 3, 4] } as never)).toThrow(/xoshiro128/);
  });

  it('forks independent, repeatable streams without advancing the parent', () => {
    const take = (rng: SeededRandom) => Array.from({ length: 8 }, () => rng.nextUint32());
    const parent = new SeededRandom(5);
    const before = parent.getState();
    const data = take(parent.fork('data'));
    const init = take(parent.fork('init'));
    expect(parent.getState()).toEqual(before);
    expect(take(parent.fork('data'))).toEqual(data);
    expect(data).not.toEqual(init);
    expect(take(new SeededRandom(6).fork('data'))).not.toEqual(data);
    expect(take(parent)).not.toEqual(data);
    // A fork from a later state of the parent is a different stream.
    expect(take(parent.fork('data'))).not.toEqual(data);
  });

  it('has fork streams that are uncorrelated with each other', () => {
    const root = new SeededRandom(11);
    const a = root.fork('a');
    const b = root.fork('b');
    const n = 20000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (a.uniformNumber() - 0.5) * (b.uniformNumber() - 0.5);
    const correlation = sum / n / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('provides a reseedable default stream', () => {
    seedDefaultRandom(3);
    const first = defaultRandom().nextUint32();
    expect(first).toBe(new SeededRandom(3).nextUint32());
    seedDefaultRandom(3);
    expect(defaultRandom().nextUint32()).toBe(first);
  });
});

describe('SeededRandom: distributions', () => {
  it('draws 20k standard normals with mean ≈ 0, std ≈ 1 and a normal CDF (KS test)', async () => {
    const n = 20000;
    const z = await values(new SeededRandom(2024).normal([n]));
    const { mean, std } = moments(z);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    expect(ksStatistic(z, normalCdf)).toBeLessThan(ksLimit(n));
  });

  it('draws normals whose neighbours (including the two of each Box–Muller pair) are uncorrelated', async () => {
    const n = 20000;
    const z = await values(new SeededRandom(15).normal([n]));
    for (const offset of [0, 1]) {
      // Pairs (z[2i + offset], z[2i + offset + 1]): offset 0 is within a Box–Muller pair, 1 across pairs.
      let sum = 0;
      let count = 0;
      for (let i = offset; i + 1 < n; i += 2) {
        sum += z[i] * z[i + 1];
        count++;
      }
      expect(Math.abs(sum / count)).toBeLessThan(4 / Math.sqrt(count));
    }
    // Independence, not just zero correlation: z₀² and z₁² of a pair are uncorrelated too.
    let sq = 0;
    for (let i = 0; i + 1 < n; i += 2) sq += (z[i] ** 2 - 1) * (z[i + 1] ** 2 - 1);
    expect(Math.abs(sq / (n / 2))).toBeLessThan(4 * Math.sqrt(4 / (n / 2)));
  });

  it('draws normals with a given mean and std, as a float32 tensor of the given shape', async () => {
    const t = new SeededRandom(1).normal([100, 200], 3, 0.5);
    expect(t.shape).toEqual([100, 200]);
    expect(t.dtype).toBe('float32');
    const { mean, std } = moments(await values(t));
    expect(Math.abs(mean - 3)).toBeLessThan(4 * (0.5 / Math.sqrt(20000)));
    expect(Math.abs(std - 0.5)).toBeLessThan(0.01);
  });

  it('draws scalar normals (normalNumber) from the same distribution', () => {
    const rng = new SeededRandom(77);
    const z = Float64Array.from({ length: 20000 }, () => rng.normalNumber());
    expect(ksStatistic(z, normalCdf)).toBeLessThan(ksLimit(z.length));
  });

  it('draws uniforms on [lo, hi) with a uniform CDF', async () => {
    const n = 20000;
    const u = await values(new SeededRandom(9).uniform([n], -1, 3));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThanOrEqual(3);
    const { mean, std } = moments(u);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * (4 / Math.sqrt(12 * n)));
    expect(Math.abs(std - 4 / Math.sqrt(12))).toBeLessThan(0.02);
    expect(ksStatistic(u, (x) => Math.min(Math.max((x + 1) / 4, 0), 1))).toBeLessThan(ksLimit(n));
  });

  it('keeps uniformNumber in [0, 1) and uniformOpenNumber in (0, 1)', () => {
    const rng = new SeededRandom(4);
    for (let i = 0; i < 10000; i++) {
      const u = rng.uniformNumber();
      const v = rng.uniformOpenNumber();
      expect(u >= 0 && u < 1).toBe(true);
      expect(v > 0 && v < 1).toBe(true);
    }
  });

  it('draws standard Gumbel samples: mean γ, variance π²/6, CDF exp(−e^{−g})', async () => {
    const n = 20000;
    const g = await values(new SeededRandom(31).gumbel([n]));
    const { mean, std } = moments(g);
    const eulerGamma = 0.5772156649;
    expect(Math.abs(mean - eulerGamma)).toBeLessThan(4 * (Math.PI / Math.sqrt(6) / Math.sqrt(n)));
    expect(Math.abs(std - Math.PI / Math.sqrt(6))).toBeLessThan(0.04);
    expect(ksStatistic(g, (x) => Math.exp(-Math.exp(-x)))).toBeLessThan(ksLimit(n));
  });

  it('draws integers uniformly from {0, …, n−1} (χ² test) and validates n', () => {
    const rng = new SeededRandom(8);
    const k = 7;
    const draws = 70000;
    const counts = new Array(k).fill(0);
    for (let i = 0; i < draws; i++) {
      const x = rng.int(k);
      expect(Number.isInteger(x) && x >= 0 && x < k).toBe(true);
      counts[x]++;
    }
    const expected = draws / k;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.46); // χ²(6) at the 0.1% level
    expect(rng.int(1)).toBe(0);
    expect(() => rng.int(0)).toThrow(/n must be an integer/);
    expect(() => rng.int(2.5)).toThrow(/n must be an integer/);
  });

  it('shuffles in place to a permutation, each of the 3! orders equally often (χ² test)', () => {
    const rng = new SeededRandom(12);
    const counts = new Map<string, number>();
    const trials = 60000;
    for (let i = 0; i < trials; i++) {
      const key = rng.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const expected = trials / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.52); // χ²(5) at the 0.1% level
    const perm = rng.permutation(50);
    expect(Array.from(perm).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const typed = Float32Array.from([1, 2, 3, 4, 5]);
    expect(rng.shuffle(typed)).toBe(typed);
  });

  it('validates shapes and parameters', () => {
    const rng = new SeededRandom(1);
    expect(() => rng.normal([2, -1])).toThrow(/shape must be an array of non-negative integers/);
    expect(() => rng.uniform([2], 1, 0)).toThrow(/lo ≤ hi/);
    expect(() => rng.normal([2], 0, -1)).toThrow(/std must be ≥ 0/);
  });

  it('leaks no tensors', async () => {
    const rng = new SeededRandom(3);
    await expectNoLeak(() => rng.normal([4, 4]), 'normal');
    await expectNoLeak(() => rng.uniform([4, 4]), 'uniform');
    await expectNoLeak(() => rng.gumbel([4, 4]), 'gumbel');
  });
});
