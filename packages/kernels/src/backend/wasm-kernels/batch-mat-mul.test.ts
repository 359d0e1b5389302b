import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoWasmLeak, randomInput, rng, wasmVsCpu } from './test-helpers';

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

// Products above SMALL_PRODUCT take our fast path; the small ones check the stock fallback.
const CASES: Case[] = [];
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    const [m, k, n] = [37, 53, 41];
    const a = transposeA ? [k, m] : [m, k];
    const b = transposeB ? [n, k] : [k, n];
    CASES.push({ a, b, transposeA, transposeB });
    CASES.push({ a: [3, ...a], b: [3, ...b], transposeA, transposeB });
    CASES.push({ a: [2, 3, ...a], b, transposeA, transposeB }); // b broadcast: one product
    CASES.push({ a, b: [4, ...b], transposeA, transposeB }); // a broadcast
    CASES.push({ a: [2, 1, ...a], b: [1, 3, ...b], transposeA, transposeB }); // both broadcast
  }
}
// a × bᵀ with a big b: computed as (b × aᵀ)ᵀ.
CASES.push({ a: [20, 64], b: [300, 64], transposeA: false, transposeB: true });
CASES.push({ a: [3, 20, 64], b: [3, 300, 64], transposeA: false, transposeB: true });
CASES.push({ a: [2, 1, 20, 64], b: [1, 3, 300, 64], transposeA: false, transposeB: true });
CASES.push({ a: [5, 3, 4], b: [5, 3, 2], transposeA: true, transposeB: false }); // small: stock loop
CASES.push({ a: [4, 5, 4], b: [4, 6], transposeA: false, transposeB: false }); // small, b broadcast: stock
CASES.push({ a: [2, 1, 5, 4], b: [1, 3, 6, 4], transposeA: false, transposeB: true }); // small, both broadcast: ours
CASES.push({ a: [1, 64, 65], b: [1, 65, 33], transposeA: false, transposeB: false }); // stock fast path

const label = (c: Case) => `${JSON.stringify(c.a)}${c.transposeA ? 'ᵀ' : ''} × ${JSON.stringify(c.b)}${c.transposeB ? 'ᵀ' : ''}`;
const product = (c: Case) => (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.transposeA, c.transposeB);

/**
 * The cpu (and stock wasm) kernels broadcast only a batch of 1 against the other operand's
 * whole batch ([2,1]×[1,3] yields 3 products, not 6), so the reference broadcasts explicitly.
 */
const reference = (c: Case) => (a: tf.Tensor, b: tf.Tensor) => {
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(c.a.slice(0, -2), c.b.slice(0, -2));
  const full = (t: tf.Tensor) => tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
  return tf.matMul(full(a), full(b), c.transposeA, c.transposeB);
};

describe('BatchMatMul (wasm) matches cpu', () => {
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      const random = rng(400 + i);
      const inputs = [randomInput(c.a, random), randomInput(c.b, random)];
      expect(await wasmVsCpu(inputs, product(c), reference(c))).toBeLessThanOrEqual(1e-4);
    });
  });
  it('leaks nothing', async () => {
    for (const i of [1, 2, 3, 4, 6, 16, 20, 21, 25]) {
      const c = CASES[i];
      const random = rng(i);
      await expectNoWasmLeak([randomInput(c.a, random), randomInput(c.b, random)], product(c), `BatchMatMul ${label(c)}`);
    }
  });
});

describe('tf.grad of a matMul loss on wasm equals cpu', () => {
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const batch of [[], [3]]) {
      const c: Case = { a: [...batch, ...(transposeA ? [40, 30] : [30, 40])], b: [...batch, ...(transposeB ? [50, 40] : [40, 50])], transposeA, transposeB };
      it(label(c), async () => {
        const random = rng(500);
        const inputs = [randomInput(c.a, random), randomInput(c.b, random), randomInput([...batch, 30, 50], random)];
        const err = await wasmVsCpu(inputs, (a, b, r) =>
          tf.grads((aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.matMul(aa, bb, transposeA, transposeB), r)))([a, b]),
        );
        expect(err).toBeLessThanOrEqual(1e-4);
      });
    }
  }
});
