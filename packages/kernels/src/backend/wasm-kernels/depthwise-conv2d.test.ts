import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoWasmLeak, randomInput, rng, runOn, useWasm, wasmVsCpu } from './test-helpers';

type Pad = 'same' | 'valid';
interface Case {
  batch: number;
  h: number;
  w: number;
  cin: number;
  mult: number;
  kh: number;
  kw: number;
  stride: number;
  pad: Pad;
  dilation?: number;
}

const CASES: Case[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const batch of [1, 3]) CASES.push({ batch, h: 7, w: 5, cin: 3, mult: 1, kh: 3, kw: 3, stride, pad });
  }
}
CASES.push(
  { batch: 2, h: 7, w: 5, cin: 3, mult: 2, kh: 3, kw: 3, stride: 2, pad: 'same' },
  { batch: 2, h: 6, w: 9, cin: 2, mult: 3, kh: 2, kw: 3, stride: 1, pad: 'valid' },
  { batch: 2, h: 8, w: 8, cin: 4, mult: 1, kh: 5, kw: 5, stride: 2, pad: 'same' },
);

const label = (c: Case) => `${c.batch}x${c.h}x${c.w}x${c.cin} ×${c.mult} k${c.kh}x${c.kw} s${c.stride} ${c.pad} d${c.dilation ?? 1}`;

function shapes(c: Case) {
  const x: [number, number, number, number] = [c.batch, c.h, c.w, c.cin];
  const filter: [number, number, number, number] = [c.kh, c.kw, c.cin, c.mult];
  const dy = tf.tidy(
    () => tf.depthwiseConv2d(tf.zeros<tf.Rank.R4>(x), tf.zeros<tf.Rank.R4>(filter), c.stride, c.pad, 'NHWC', c.dilation ?? 1).shape,
  );
  return { x, filter, dy };
}

const attrs = (c: Case) => ({ strides: c.stride, dilations: c.dilation ?? 1, pad: c.pad, dimRoundingMode: undefined });
const backpropFilter = (c: Case) => (x: tf.Tensor, dy: tf.Tensor) =>
  tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs(c), filterShape: [c.kh, c.kw, c.cin, c.mult] } as never) as tf.Tensor;
const backpropInput = (c: Case) => (dy: tf.Tensor, filter: tf.Tensor) =>
  tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs(c), inputShape: [c.batch, c.h, c.w, c.cin] } as never) as tf.Tensor;

describe('DepthwiseConv2dNativeBackpropFilter / Input (wasm) match cpu', () => {
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      const s = shapes(c);
      const random = rng(600 + i);
      const [x, dy, filter] = [randomInput(s.x, random), randomInput(s.dy, random), randomInput(s.filter, random)];
      expect(await wasmVsCpu([x, dy], backpropFilter(c))).toBeLessThanOrEqual(1e-4);
      expect(await wasmVsCpu([dy, filter], backpropInput(c))).toBeLessThanOrEqual(1e-4);
    });
  });

  // The cpu kernels ignore dilations, so dilated cases are checked by adjointness against
  // wasm's own (XNNPACK) forward depthwise conv: <conv(x, W), dy> = <x, dX> = <W, dW>.
  it('dilation 2: adjoint of the forward depthwise conv', async () => {
    const c: Case = { batch: 2, h: 9, w: 8, cin: 3, mult: 2, kh: 3, kw: 3, stride: 1, pad: 'same', dilation: 2 };
    const s = shapes(c);
    const random = rng(700);
    const inputs = [randomInput(s.x, random), randomInput(s.filter, random), randomInput(s.dy, random)];
    const [forward, viaInput, viaFilter] = await runOn('wasm', inputs, (x, f, dy) => [
      tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2), dy)),
      tf.sum(tf.mul(x, backpropInput(c)(dy, f))),
      tf.sum(tf.mul(f, backpropFilter(c)(x, dy))),
    ]);
    expect(Math.abs(viaInput[0] - forward[0])).toBeLessThan(1e-4 * Math.abs(forward[0]) + 1e-4);
    expect(Math.abs(viaFilter[0] - forward[0])).toBeLessThan(1e-4 * Math.abs(forward[0]) + 1e-4);
  });

  it('leaks nothing', async () => {
    const c = CASES[8];
    const s = shapes(c);
    const random = rng(3);
    await expectNoWasmLeak([randomInput(s.x, random), randomInput(s.dy, random)], backpropFilter(c), 'DepthwiseConv2dNativeBackpropFilter');
    await expectNoWasmLeak([randomInput(s.dy, random), randomInput(s.filter, random)], backpropInput(c), 'DepthwiseConv2dNativeBackpropInput');
  });
});

describe('tf.grad of a depthwiseConv2d loss on wasm equals cpu', () => {
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      await useWasm();
      const s = shapes(c);
      const random = rng(800 + i);
      const inputs = [randomInput(s.x, random), randomInput(s.filter, random), randomInput(s.dy, random)];
      const err = await wasmVsCpu(inputs, (x, f, r) =>
        tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad), r)),
        )([x, f]),
      );
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  });
});
