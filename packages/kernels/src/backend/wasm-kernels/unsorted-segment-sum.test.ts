import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoWasmLeak, randomInput, rng, runOn, wasmVsCpu, type Input } from './test-helpers';

function ids(shape: number[], numSegments: number, random: () => number, outOfRange = false): Input {
  const values = new Int32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.floor(random() * numSegments);
    if (outOfRange && i % 5 === 0) values[i] = i % 2 ? -1 : numSegments; // dropped
  }
  return { values, shape, dtype: 'int32' };
}

describe('UnsortedSegmentSum (wasm) matches cpu', () => {
  const cases: Array<{ x: number[]; ids: number[]; segments: number }> = [
    { x: [7], ids: [7], segments: 3 },
    { x: [11, 5], ids: [11], segments: 4 },
    { x: [6, 3, 4], ids: [6], segments: 9 },
    { x: [4, 3, 5], ids: [4, 3], segments: 5 },
  ];
  cases.forEach((c, i) => {
    it(`x ${JSON.stringify(c.x)}, ids ${JSON.stringify(c.ids)}, ${c.segments} segments`, async () => {
      const random = rng(900 + i);
      const inputs = [randomInput(c.x, random), ids(c.ids, c.segments, random, i === 1)];
      // tf's op takes 1-D ids; the cpu kernel cannot do more, so it gets them flattened.
      const rows = c.ids.reduce((a, b) => a * b, 1);
      const err = await wasmVsCpu(
        inputs,
        (x, s) => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: s }, { numSegments: c.segments }) as tf.Tensor,
        (x, s) => tf.unsortedSegmentSum(tf.reshape(x, [rows, ...c.x.slice(c.ids.length)]), tf.reshape(s, [rows]) as tf.Tensor1D, c.segments),
      );
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  });
  it('sums int32 values as int32', async () => {
    const x: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' };
    const s: Input = { values: Int32Array.from([2, 0, 2]), shape: [3], dtype: 'int32' };
    const [out] = await runOn('wasm', [x, s], (a, b) => {
      const r = tf.unsortedSegmentSum(a, b as tf.Tensor1D, 3);
      expect(r.dtype).toBe('int32');
      return r;
    });
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 6, 8]);
  });
  it('leaks nothing', async () => {
    const random = rng(1);
    await expectNoWasmLeak([randomInput([11, 5], random), ids([11], 4, random)], (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 4), 'UnsortedSegmentSum');
  });
});

describe('tf.grad of a gather loss on wasm equals cpu', () => {
  for (const axis of [0, 1]) {
    it(`axis ${axis}, repeated indices`, async () => {
      const random = rng(950 + axis);
      const params = randomInput([6, 5, 3], random);
      const indices: Input = { values: Int32Array.from([4, 1, 4, 0, 2, 4, 1]), shape: [7], dtype: 'int32' };
      const rShape = axis === 0 ? [7, 5, 3] : [6, 7, 3];
      const inputs = [params, indices, randomInput(rShape, random)];
      const err = await wasmVsCpu(inputs, (p, i, r) => tf.grad((pp: tf.Tensor) => tf.sum(tf.mul(tf.gather(pp, i, axis), r)))(p));
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  }
});
