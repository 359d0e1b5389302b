import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetNames, loadDataset } from './load-dataset';
import { createDatasetRegistry } from './registry';
import { resizeArea } from './resize-area';
import { makeTestGenerator } from './test-generator';

describe('dataset registry', () => {
  const registry = createDatasetRegistry({ 'test-squares': makeTestGenerator(), chairs: makeTestGenerator('chairs') });

  it('lists procedural and real names and loads a procedural set by name', async () => {
    expect(registry.names()).toEqual(['3d-chairs', 'celeba', 'chairs', 'fashion-mnist', 'folder', 'idx', 'mnist', 'swiss-roll', 'test-squares']);
    const ds = await registry.load('test-squares', { count: 10, size: 16, seed: 2 });
    expect([ds.count, ds.height]).toEqual([10, 16]);
    const defaults = await registry.load('test-squares');
    expect([defaults.count, defaults.height]).toEqual([1000, 8]);
  });

  it('picks the real chairs with a directory and the procedural stand-in without', () => {
    expect(registry.resolve('chairs').kind).toBe('procedural');
    expect(registry.resolve('chairs', { dir: '/data/chairs' }).kind).toBe('real');
    expect(registry.resolve('3d-chairs').kind).toBe('real');
  });

  it('gives clear errors for unknown names, missing directories and unsupported sizes', async () => {
    await expect(registry.load('cifar10')).rejects.toThrow(/unknown dataset 'cifar10'; known datasets: 3d-chairs, celeba, chairs, fashion-mnist, folder, idx, mnist, swiss-roll, test-squares/);
    await expect(registry.load('celeba')).rejects.toThrow(/dataset 'celeba' needs a directory/);
    await expect(registry.load('mnist', { size: 3 })).rejects.toThrow(/dataset 'mnist': unsupported image size 3; its fixed-size images resize to any integer size ≥ 4/);
    await expect(registry.load('fashion-mnist', { size: 12.5 })).rejects.toThrow(/dataset 'fashion-mnist': unsupported image size 12.5/);
    await expect(registry.load('test-squares', { size: 64 })).rejects.toThrow(/does not support size 64; supported sizes: 8, 16 \(and their divisors/);
  });

  it('mnist at size 28 is unchanged; at 16 it is the area resize, each digit keeping its mean ink', async () => {
    const native = await registry.load('mnist', { count: 30 });
    const same = await registry.load('mnist', { count: 30, size: 28 });
    expect(same.images).toEqual(native.images);
    expect(same.height).toBe(28);
    const small = await registry.load('mnist', { count: 30, size: 16 });
    expect([small.count, small.height, small.width, small.channels]).toEqual([30, 16, 16, 1]);
    expect(small.labels).toEqual(native.labels);
    expect(small.images).toEqual(resizeArea(native.images, { fromHeight: 28, fromWidth: 28, toHeight: 16, toWidth: 16, channels: 1 }, 30));
    for (let n = 0; n < 30; n++) {
      const ink = (a: Float32Array, side: number) => a.subarray(n * side * side, (n + 1) * side * side).reduce((s, v) => s + v, 0) / (side * side);
      expect(ink(native.images, 28)).toBeGreaterThan(0.05);
      expect(Math.abs(ink(small.images, 16) - ink(native.images, 28))).toBeLessThan(1e-5);
    }
    const big = await registry.load('mnist', { count: 2, size: 32 });
    expect([big.height, big.width]).toEqual([32, 32]);
  });

  it('idx files resize the same way (an 8×8 fixture to 4×4 averages 2×2 blocks)', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'idx-resize-'));
    const header = Buffer.alloc(16);
    [2051, 1, 8, 8].forEach((v, i) => header.writeInt32BE(v, 4 * i));
    await writeFile(join(dir, 'train-images-idx3-ubyte'), Buffer.concat([header, Buffer.from(Array.from({ length: 64 }, (_, i) => i * 3))]));
    const labels = Buffer.alloc(9);
    [2049, 1].forEach((v, i) => labels.writeInt32BE(v, 4 * i));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), labels);
    const ds = await registry.load('idx', { dir, split: 'train', size: 4 });
    expect([ds.height, ds.width]).toEqual([4, 4]);
    // Pixel (r, c) is 3·(8r + c); the block at (R, C) averages rows 2R, 2R+1 and cols 2C, 2C+1.
    const expected = Array.from({ length: 16 }, (_, i) => 3 * (8 * (2 * Math.floor(i / 4) + 0.5) + 2 * (i % 4) + 0.5));
    Array.from(ds.images).forEach((v, i) => expect(v * 255).toBeCloseTo(expected[i], 3));
  });

  it.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('fashion-mnist resizes to 16 keeping the mean intensity', async () => {
    const native = await registry.load('fashion-mnist', { split: 'test', count: 20 });
    const small = await registry.load('fashion-mnist', { split: 'test', count: 20, size: 16 });
    expect([small.count, small.height]).toEqual([20, 16]);
    const m = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(m(small.images) - m(native.images))).toBeLessThan(1e-5);
  });

  it('procedural sets render at divisors of their sizes (faces at 16 from 32)', async () => {
    const faces = await loadDataset('faces', { count: 3, size: 16, seed: 2 });
    expect([faces.height, faces.width, faces.images.length]).toEqual([16, 16, 3 * 16 * 16 * 3]);
    expect(faces.source).toContain('rendered at 32');
    const squares = await registry.load('test-squares', { count: 2, size: 4 });
    expect(squares.height).toBe(4);
  });

  it('loadDataset knows the procedural generators and the real loaders', async () => {
    expect(datasetNames()).toEqual(expect.arrayContaining(['sprites', 'faces', 'chairs', 'coloured-digits', 'mnist', 'fashion-mnist', 'celeba', 'folder', 'idx']));
    const sprites = await loadDataset('sprites', { count: 6, size: 32, seed: 1 });
    expect([sprites.count, sprites.height, sprites.channels]).toEqual([6, 32, 3]);
    expect(sprites.factors!.length).toBe(6 * sprites.factorSpecs!.length);
    await expect(loadDataset('nope')).rejects.toThrow(/unknown dataset 'nope'; known datasets: 3d-chairs, celeba, chairs/);
  });
});
