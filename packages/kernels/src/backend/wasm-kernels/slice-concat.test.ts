import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sliceValues } from './slice-concat';
import { expectNoWasmLeak, randomInput, rng, runOn, wasmVsCpu, type Input } from './test-helpers';

/** The box by the definition: out[i] = x[begin + i], every index, in row-major order. */
function sliceByDefinition(x: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const total = size.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let offset = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      offset += (begin[d] + (rest % size[d])) * strides[d];
      rest = Math.floor(rest / size[d]);
    }
    out.push(x[offset]);
  }
  return out;
}

describe('Slice, SplitV and Concat (wasm) for narrow runs', () => {
  it('copies every box of random shapes of rank 0 to 5 as the definition does', () => {
    const random = rng(77);
    for (let trial = 0; trial < 300; trial++) {
      const rank = trial % 6;
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(random() * 5));
      const begin = shape.map((d) => Math.floor(random() * d));
      const size = shape.map((d, i) => (random() < 0.3 ? d - begin[i] : Math.floor(random() * (d - begin[i] + 1))));
      if (random() < 0.2) begin.fill(0); // boxes that start at the origin merge whole trailing dimensions
      const whole = shape.map((d, i) => (begin[i] === 0 && random() < 0.3 ? d : size[i]));
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
      expect(Array.from(sliceValues(x, shape, begin, whole)), `shape [${shape}] begin [${begin}] size [${whole}]`).toEqual(sliceByDefinition(x, shape, begin, whole));
    }
  });

  const cases: Array<{ name: string; shape: number[]; run: (x: tf.Tensor) => tf.Tensor }> = [
    { name: 'split NHWC channels 2 + 2 (a Glow coupling)', shape: [3, 4, 5, 4], run: (x) => tf.stack(tf.split(x, 2, 3)) },
    { name: 'split channels unevenly [1, 40, 7] (runs short and long)', shape: [2, 3, 2, 48], run: (x) => tf.concat(tf.split(x, [1, 40, 7], 3).map((p) => tf.reshape(p, [-1])), 0) },
    { name: 'split rows of a matrix', shape: [9, 6], run: (x) => tf.stack(tf.split(x, 3, 0)) },
    { name: 'slice a box from the middle', shape: [4, 6, 5, 3], run: (x) => tf.slice(x, [1, 2, 1, 1], [2, 3, 4, 2]) },
    { name: 'concat along channels, rows and the middle axis', shape: [2, 3, 4, 3], run: (x) => tf.concat([tf.concat([x, tf.neg(x)], 3), tf.concat([x, x], 3)], 1) },
    { name: 'the gradient of split and concat', shape: [2, 4, 4, 6], run: (x) => tf.grad((v: tf.Tensor) => { const [a, b] = tf.split(v, [2, 4], 3); return tf.sum(tf.mul(tf.concat([tf.square(b), a], 3), tf.reverse(v, 3))); })(x) },
  ];
  for (const c of cases) {
    it(`${c.name}: equals the cpu backend`, async () => {
      const err = await wasmVsCpu([randomInput(c.shape, rng(c.shape.length * 31 + c.shape[0]))], c.run);
      expect(err).toBe(0);
    });
  }

  it('keeps int32 and bool as they are', async () => {
    const x: Input = { values: Int32Array.from({ length: 24 }, (_, i) => i - 7), shape: [2, 3, 4], dtype: 'int32' };
    const [parts, joined, flags] = await runOn('wasm', [x], (t) => {
      const split = tf.split(t, [1, 3], 2);
      expect(split.map((p) => p.dtype)).toEqual(['int32', 'int32']);
      const positive = tf.slice(tf.greater(t, 0), [0, 1, 1], [2, 2, 2]);
      expect(positive.dtype).toBe('bool');
      return [tf.concat(split.map((p) => tf.reshape(p, [-1]))), tf.concat([t, t], 2), tf.cast(positive, 'int32')];
    });
    expect(Array.from(parts).slice(0, 6)).toEqual([-7, -3, 1, 5, 9, 13]); // t[:, :, 0]
    expect(Array.from(joined).slice(0, 8)).toEqual([-7, -6, -5, -4, -7, -6, -5, -4]);
    expect(Array.from(flags)).toEqual([0, 0, 1, 1, 1, 1, 1, 1]); // t[:, 1:3, 1:3] = −2, −1, 2, 3, 10, 11, 14, 15
  });

  it('leaks nothing', async () => {
    await expectNoWasmLeak([randomInput([2, 3, 3, 4], rng(5))], (x) => tf.tidy(() => tf.concat(tf.split(x, 2, 3).reverse(), 3)), 'SplitV');
  });
});
