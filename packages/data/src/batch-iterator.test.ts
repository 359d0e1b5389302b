import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchIterator } from './batch-iterator';
import { generateDataset } from './generate-dataset';
import { semiSupervisedMask } from './subset';
import { makeTestGenerator } from './test-generator';

const ds = generateDataset(makeTestGenerator(), { count: 23, size: 8, seed: 1 });

describe('BatchIterator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('visits every example exactly once per epoch, in a different order each epoch', () => {
    const iterator = new BatchIterator(ds, { batchSize: 5, seed: 7 });
    expect(iterator.batchesPerEpoch).toBe(5);
    const epochs: number[][] = [];
    for (let e = 0; e < 2; e++) {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const batch of iterator) {
        seen.push(...batch.indices);
        sizes.push(batch.shape[0]);
        expect(batch.epoch).toBe(e);
      }
      expect(sizes).toEqual([5, 5, 5, 5, 3]);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
      epochs.push(seen);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
  });

  it('gathers images, labels, attributes and factors of the chosen examples', () => {
    const mask = semiSupervisedMask(ds, { fraction: 0.5, seed: 0 });
    const batch = new BatchIterator(ds, { batchSize: 4, seed: 2, labelMask: mask }).next();
    batch.indices.forEach((index, b) => {
      expect(batch.images.subarray(64 * b, 64 * (b + 1))).toEqual(ds.images.subarray(64 * index, 64 * (index + 1)));
      expect(batch.labels![b]).toBe(ds.labels![index]);
      expect(batch.attributes![b]).toBe(ds.attributes![index]);
      expect(batch.factors!.subarray(3 * b, 3 * b + 3)).toEqual(ds.factors!.subarray(3 * index, 3 * index + 3));
      expect(batch.labelMask![b]).toBe(mask[index]);
    });
  });

  it('is deterministic from the seed and resumes at the same position', () => {
    const run = (seed: number, n: number) => Array.from({ length: n }, () => Array.from(new BatchIterator(ds, { batchSize: 4, seed }).next().indices));
    expect(run(3, 1)).toEqual(run(3, 1));
    expect(run(3, 1)).not.toEqual(run(4, 1));

    const a = new BatchIterator(ds, { batchSize: 4, seed: 3 });
    const reference = Array.from({ length: 14 }, () => Array.from(a.next().indices));
    const b = new BatchIterator(ds, { batchSize: 4, seed: 3 });
    for (let i = 0; i < 8; i++) b.next();
    const state = JSON.parse(JSON.stringify(b.getState()));
    expect(state).toEqual({ epoch: 1, position: 8 });
    const c = new BatchIterator(ds, { batchSize: 4, seed: 3 });
    c.setState(state);
    const resumed = Array.from({ length: 6 }, () => Array.from(c.next().indices));
    expect(resumed).toEqual(reference.slice(8));
    expect(() => c.setState({ epoch: -1, position: 0 })).toThrow(/setState: expected/);
  });

  it('restricts to given indices, drops a short last batch on request, and yields tensors the caller disposes', () => {
    const iterator = new BatchIterator(ds, { batchSize: 4, seed: 0, indices: [1, 3, 5, 7, 9, 11], dropLast: true });
    const batches = [...iterator];
    expect(batches.length).toBe(1);
    expect(batches[0].indices.every((i) => i % 2 === 1)).toBe(true);
    const before = tf.memory().numTensors;
    const tensors = iterator.nextTensors();
    expect(tensors.images.shape).toEqual([4, 8, 8, 1]);
    expect(tensors.labels!.dtype).toBe('int32');
    expect(tensors.attributes!.shape).toEqual([4, 1]);
    expect(tensors.factors!.shape).toEqual([4, 3]);
    tf.dispose(tensors as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new BatchIterator(ds, { batchSize: 0, seed: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new BatchIterator(ds, { batchSize: 2, seed: 0, labelMask: new Uint8Array(3) })).toThrow(/labelMask has 3 entries/);
  });
});
