import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { im2colLimits } from './conv-geometry';
import { expectNoWasmLeak, randomInput, rng, runOn, useWasm, wasmVsCpu } from './test-helpers';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number | [number, number];
  pad: Pad;
}

const explicit: Pad = [[0, 0], [1, 2], [0, 1], [0, 0]];
const CASES: Case[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const batch of [1, 3]) CASES.push({ batch, h: 7, w: 5, cin: 3, cout: 4, kh: 3, kw: 3, stride, pad });
  }
}
CASES.push(
  { batch: 2, h: 6, w: 9, cin: 2, cout: 5, kh: 2, kw: 3, stride: [2, 1], pad: 'same' },
  { batch: 2, h: 7, w: 5, cin: 3, cout: 2, kh: 3, kw: 2, stride: 2, pad: explicit },
  { batch: 3, h: 5, w: 5, cin: 4, cout: 3, kh: 1, kw: 1, stride: 1, pad: 'valid' },
  { batch: 2, h: 8, w: 8, cin: 1, cout: 16, kh: 3, kw: 3, stride: 2, pad: 'same' },
);

const label = (c: Case) => `${c.batch}x${c.h}x${c.w}x${c.cin}→${c.cout} k${c.kh}x${c.kw} s${c.stride} ${JSON.stringify(c.pad)}`;

function shapes(c: Case) {
  const x: [number, number, number, number] = [c.batch, c.h, c.w, c.cin];
  const filter: [number, number, number, number] = [c.kh, c.kw, c.cin, c.cout];
  const dy = tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(x), tf.zeros<tf.Rank.R4>(filter), c.stride, c.pad).shape);
  return { x, filter, dy };
}

const backpropFilter = (c: Case) => (x: tf.Tensor, dy: tf.Tensor) =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [c.kh, c.kw, c.cin, c.cout],
  } as never) as tf.Tensor;

const backpropInput = (c: Case) => (dy: tf.Tensor, filter: tf.Tensor) =>
  tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
    strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [c.batch, c.h, c.w, c.cin],
  } as never) as tf.Tensor;

describe('Conv2DBackpropFilter (wasm) matches cpu', () => {
  afterEach(() => {
    im2colLimits.maxElements = 1 << 23;
  });
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      await useWasm();
      const s = shapes(c);
      const random = rng(100 + i);
      const inputs = [randomInput(s.x, random), randomInput(s.dy, random)];
      expect(await wasmVsCpu(inputs, backpropFilter(c))).toBeLessThanOrEqual(1e-4);
    });
  });
  it('in chunks of images when the im2col buffer would be too big', async () => {
    const c = CASES[3];
    await useWasm();
    const s = shapes(c);
    const random = rng(7);
    const inputs = [randomInput(s.x, random), randomInput(s.dy, random)];
    const whole = await runOn('wasm', inputs, backpropFilter(c));
    im2colLimits.maxElements = 1; // one image per chunk
    expect(await wasmVsCpu(inputs, backpropFilter(c))).toBeLessThanOrEqual(1e-4);
    const chunked = await runOn('wasm', inputs, backpropFilter(c));
    expect(Array.from(chunked[0])).toEqual(Array.from(whole[0]).map((v) => expect.closeTo(v, 5)));
  });
  it('leaks nothing', async () => {
    await useWasm();
    const c = CASES[3];
    const s = shapes(c);
    const random = rng(1);
    await expectNoWasmLeak([randomInput(s.x, random), randomInput(s.dy, random)], backpropFilter(c), 'Conv2DBackpropFilter');
    im2colLimits.maxElements = 1;
    await expectNoWasmLeak([randomInput(s.x, random), randomInput(s.dy, random)], backpropFilter(c), 'Conv2DBackpropFilter (chunked)');
  });
  it('throws a clear error for NCHW', async () => {
    await useWasm();
    const x = tf.zeros([1, 3, 5, 5]);
    const dy = tf.zeros([1, 2, 5, 5]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 2] } as never),
    ).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});

describe('Conv2DBackpropInput (wasm) matches cpu', () => {
  afterEach(() => {
    im2colLimits.maxElements = 1 << 23;
  });
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      const s = shapes(c);
      const random = rng(200 + i);
      const inputs = [randomInput(s.dy, random), randomInput(s.filter, random)];
      expect(await wasmVsCpu(inputs, backpropInput(c))).toBeLessThanOrEqual(1e-4);
    });
  });
  it('in chunks of images', async () => {
    const c = CASES[7];
    const s = shapes(c);
    const random = rng(9);
    im2colLimits.maxElements = 1;
    expect(await wasmVsCpu([randomInput(s.dy, random), randomInput(s.filter, random)], backpropInput(c))).toBeLessThanOrEqual(1e-4);
  });
  it('leaks nothing', async () => {
    const c = CASES[3];
    const s = shapes(c);
    const random = rng(2);
    await expectNoWasmLeak([randomInput(s.dy, random), randomInput(s.filter, random)], backpropInput(c), 'Conv2DBackpropInput');
    im2colLimits.maxElements = 1;
    await expectNoWasmLeak([randomInput(s.dy, random), randomInput(s.filter, random)], backpropInput(c), 'Conv2DBackpropInput (chunked)');
  });
  it('conv2dTranspose (the op built on it) matches cpu', async () => {
    const random = rng(3);
    const inputs = [randomInput([2, 4, 3, 5], random), randomInput([3, 3, 2, 5], random)];
    const err = await wasmVsCpu(inputs, (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 7, 5, 2], 2, 'same'));
    expect(err).toBeLessThanOrEqual(1e-4);
  });
});

describe('tf.grad of a conv2d loss on wasm equals cpu', () => {
  CASES.forEach((c, i) => {
    it(label(c), async () => {
      const s = shapes(c);
      const random = rng(300 + i);
      const inputs = [randomInput(s.x, random), randomInput(s.filter, random), randomInput(s.dy, random)];
      const err = await wasmVsCpu(inputs, (x, f, r) =>
        tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad), r)))([x, f]),
      );
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  });
});
