import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { generateDataset, renderSize } from './generate-dataset';
import { PROCEDURAL_GENERATORS } from './procedural';
import { resizeArea } from './resize-area';
import { fromSignedRange, toSignedRange } from './signed-range';
import { balancedIndices, balancedSubset, publishedSplit, semiSupervisedMask, splitDataset, splitIndices, subset } from './subset';
import { makeTestGenerator } from './test-generator';
import type { ImageDataset } from './types';

const generator = makeTestGenerator();

describe('generateDataset', () => {
  it('renders every sampled factor vector with its label and attributes, deterministically', () => {
    const a = generateDataset(generator, { count: 50, size: 8, seed: 4 });
    const b = generateDataset(generator, { count: 50, size: 8, seed: 4 });
    const c = generateDataset(generator, { count: 50, size: 8, seed: 5 });
    expect(a.images).toEqual(b.images);
    expect(a.factors).toEqual(b.factors);
    expect(a.factors).not.toEqual(c.factors);
    expect([a.count, a.height, a.width, a.channels]).toEqual([50, 8, 8, 1]);
    expect(a.images.length).toBe(50 * 64);
    for (let i = 0; i < a.count; i++) {
      const f = Array.from(a.factors!.subarray(3 * i, 3 * i + 3));
      expect(a.labels![i]).toBe(f[0]);
      expect(a.attributes![i]).toBe(f[1] > 0.6 ? 1 : 0);
      const rendered = new Float32Array(64);
      generator.render(f, 8, rendered);
      expect(a.images.subarray(64 * i, 64 * (i + 1))).toEqual(rendered);
    }
    expect(a.labelNames).toEqual(['small', 'medium', 'large']);
    expect(a.attributeNames).toEqual(['bright']);
    expect(a.generator).toBe(generator);
    expect(a.source).toContain('seed=4');
  });

  it('renders a divisor of a supported size at the smallest multiple and box-downsamples it (faces 16 = faces 32 averaged 2×2)', () => {
    const faces = PROCEDURAL_GENERATORS.faces;
    expect(faces.sizes).toEqual([32, 64]);
    const big = generateDataset(faces, { count: 4, size: 32, seed: 7, identities: 2 });
    const small = generateDataset(faces, { count: 4, size: 16, seed: 7, identities: 2 });
    expect([small.height, small.width, small.images.length]).toEqual([16, 16, 4 * 16 * 16 * 3]);
    expect(small.factors).toEqual(big.factors);
    expect(small.labels).toEqual(big.labels);
    expect(small.attributes).toEqual(big.attributes);
    expect(small.identities).toEqual(big.identities);
    const at = (n: number, y: number, x: number, c: number) => big.images[((n * 32 + y) * 32 + x) * 3 + c];
    let maxError = 0;
    let spread = 0;
    for (let n = 0; n < 4; n++) {
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) {
          for (let c = 0; c < 3; c++) {
            const box = (at(n, 2 * y, 2 * x, c) + at(n, 2 * y, 2 * x + 1, c) + at(n, 2 * y + 1, 2 * x, c) + at(n, 2 * y + 1, 2 * x + 1, c)) / 4;
            const v = small.images[((n * 16 + y) * 16 + x) * 3 + c];
            maxError = Math.max(maxError, Math.abs(v - box));
            spread = Math.max(spread, Math.abs(v - small.images[c]));
          }
        }
      }
    }
    expect(maxError).toBeLessThan(1e-6);
    expect(spread).toBeGreaterThan(0.2); // real faces, not a flat image
    // The dataset's generator renders counterfactuals at the dataset's size the same way
    // (up to the float32 rounding of the stored factors).
    const again = new Float32Array(16 * 16 * 3);
    small.generator!.render(Array.from(small.factors!.subarray(0, faces.factors.length)), 16, again);
    const first = small.images.subarray(0, 16 * 16 * 3);
    expect(Math.max(...again.map((v, i) => Math.abs(v - first[i])))).toBeLessThan(1e-5);
    const direct = new Float32Array(16 * 16 * 3);
    faces.render(Array.from(small.factors!.subarray(0, faces.factors.length)), 16, direct);
    expect(direct).not.toEqual(again);
    expect(small.source).toContain('rendered at 32, box-downsampled');
  });

  it('downsamples from the smallest multiple: the test squares at 4 are the 8s averaged 2×2', () => {
    const eight = generateDataset(generator, { count: 5, size: 8, seed: 2 });
    const four = generateDataset(generator, { count: 5, size: 4, seed: 2 });
    expect(four.images).toEqual(resizeArea(eight.images, { fromHeight: 8, fromWidth: 8, toHeight: 4, toWidth: 4, channels: 1 }, 5));
    expect(renderSize(generator, 4)).toBe(8);
    expect(renderSize(generator, 16)).toBe(16);
    expect(renderSize(generator, 2)).toBe(8);
  });

  it('shares identity factors within an identity', () => {
    const ds = generateDataset(generator, { count: 12, size: 8, seed: 1, identities: 3 });
    expect(Array.from(ds.identities!)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    for (let i = 3; i < 12; i++) expect(ds.factors![3 * i + 2]).toBe(ds.factors![3 * (i % 3) + 2]);
    expect(new Set(Array.from({ length: 12 }, (_, i) => ds.factors![3 * i + 1])).size).toBeGreaterThan(3);
  });

  it('rejects unsupported sizes, bad counts and broken generators with clear errors', () => {
    expect(() => generateDataset(generator, { count: 4, size: 32, seed: 0 })).toThrow(/does not support size 32; supported sizes: 8, 16 \(and their divisors, rendered at the supported size and box-downsampled\)/);
    expect(() => generateDataset(generator, { count: 4, size: 3, seed: 0 })).toThrow(/does not support size 3; supported sizes: 8, 16/);
    expect(() => generateDataset(generator, { count: 0, size: 8, seed: 0 })).toThrow(/count must be a positive integer/);
    const broken = { ...generator, sampleFactors: () => [1, 0.5] };
    expect(() => generateDataset(broken, { count: 2, size: 8, seed: 0 })).toThrow(/sampled 2 factors at image 0, expected 3/);
    const noIdentity = { ...generator, factors: generator.factors.map((f) => ({ ...f, role: 'nuisance' as const })) };
    expect(() => generateDataset(noIdentity, { count: 2, size: 8, seed: 0, identities: 2 })).toThrow(/no factor with role 'identity'/);
    const badLabel = { ...generator, label: () => 7 };
    expect(() => generateDataset(badLabel, { count: 2, size: 8, seed: 0 })).toThrow(/label 7 for image 0, expected 0..2/);
  });
});

describe('toSignedRange', () => {
  it('maps [0,1] to [-1,1] on arrays and tensors, and back', () => {
    expect(Array.from(toSignedRange(new Float32Array([0, 0.25, 1])))).toEqual([-1, -0.5, 1]);
    expect(Array.from(fromSignedRange(new Float32Array([-1, 0, 1, 3])))).toEqual([0, 0.5, 1, 1]);
    const x = tf.tensor1d([0, 0.5, 1]);
    const y = toSignedRange(x);
    expect(Array.from(y.dataSync())).toEqual([-1, 0, 1]);
    tf.dispose([x, y]);
  });
});

describe('subset and splits', () => {
  const ds = generateDataset(generator, { count: 101, size: 8, seed: 2 });

  it('subset copies the chosen rows of every field', () => {
    const part = subset(ds, [5, 0, 5]);
    expect(part.count).toBe(3);
    expect(part.images.subarray(0, 64)).toEqual(ds.images.subarray(5 * 64, 6 * 64));
    expect(part.images.subarray(64, 128)).toEqual(ds.images.subarray(0, 64));
    expect(Array.from(part.labels!)).toEqual([ds.labels![5], ds.labels![0], ds.labels![5]]);
    expect(Array.from(part.factors!.subarray(0, 3))).toEqual(Array.from(ds.factors!.subarray(15, 18)));
    expect(() => subset(ds, [101])).toThrow(/index 101 at position 0 is outside 0..100/);
  });

  it('splits are disjoint, cover everything and are deterministic from the seed', () => {
    const s = splitIndices(101, { train: 0.8, validation: 0.1, test: 0.1, seed: 9 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([81, 10, 10]);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(splitIndices(101, { train: 0.8, validation: 0.1, test: 0.1, seed: 9 })).toEqual(s);
    expect(splitIndices(101, { train: 0.8, validation: 0.1, test: 0.1, seed: 10 }).test).not.toEqual(s.test);
    const split = splitDataset(ds, { train: 0.5, test: 0.5, seed: 1 });
    expect(split.train.count + split.test.count).toBe(101);
    expect(split.validation.count).toBe(0);
    expect(() => splitIndices(10, { train: 0.8, validation: 0.3, seed: 0 })).toThrow(/sum to 1.1/);
    expect(() => splitIndices(10, { train: -0.1, seed: 0 })).toThrow(/fraction train must be in \[0, 1\]/);
  });

  it('publishedSplit reads the partition column', () => {
    const withPartition: ImageDataset = { ...ds, count: 4, partition: Uint8Array.from([0, 2, 1, 0]) };
    const s = publishedSplit(withPartition);
    expect([Array.from(s.train), Array.from(s.validation), Array.from(s.test)]).toEqual([[0, 3], [2], [1]]);
    expect(() => publishedSplit(ds)).toThrow(/no published partition/);
  });
});

describe('semiSupervisedMask', () => {
  it('keeps about the fraction of labels in every class, deterministically', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 600 ? 0 : i < 900 ? 1 : 2));
    const mask = semiSupervisedMask(labels, { fraction: 0.2, seed: 3 });
    const kept = [0, 1, 2].map((c) => labels.reduce((n, l, i) => n + (l === c && mask[i] ? 1 : 0), 0));
    expect(kept).toEqual([120, 60, 20]);
    expect(semiSupervisedMask(labels, { fraction: 0.2, seed: 3 })).toEqual(mask);
    expect(semiSupervisedMask(labels, { fraction: 0.2, seed: 4 })).not.toEqual(mask);
    expect(() => semiSupervisedMask(labels, { fraction: 1.5, seed: 0 })).toThrow(/fraction must be in \[0, 1\]/);
  });

  it('keeps at least one label per class when the fraction is positive', () => {
    const mask = semiSupervisedMask(Int32Array.from([0, 1, 1, 1]), { fraction: 0.01, seed: 0 });
    expect(mask[0]).toBe(1);
    expect(mask[1] + mask[2] + mask[3]).toBe(1);
  });
});

describe('balancedSubset', () => {
  it('keeps all positives and twice as many negatives', () => {
    const ds = generateDataset(generator, { count: 300, size: 8, seed: 6 });
    const positives = Array.from(ds.attributes!).filter((v) => v === 1).length;
    const negatives = 300 - positives;
    expect(positives).toBeGreaterThan(0);
    // Make positives rare so 2× negatives is a strict subset.
    const rare = subset(ds, Array.from({ length: 300 }, (_, i) => i).filter((i) => ds.attributes![i] === 0 || i % 5 === 0));
    const p = Array.from(rare.attributes!).filter((v) => v === 1).length;
    const balanced = balancedSubset(rare, 'bright', { negativesPerPositive: 2, seed: 1 });
    expect(Array.from(balanced.attributes!).filter((v) => v === 1).length).toBe(p);
    expect(Array.from(balanced.attributes!).filter((v) => v === 0).length).toBe(Math.min(2 * p, rare.count - p));
    expect(balancedIndices(rare, 'bright', { seed: 1 })).toEqual(balancedIndices(rare, 0, { seed: 1 }));
    expect(negatives).toBeGreaterThan(0);
    expect(() => balancedSubset(ds, 'Eyeglasses', { seed: 0 })).toThrow(/no attribute "Eyeglasses"; attributes: bright/);
  });
});
