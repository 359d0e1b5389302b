// The decoder's pieces against independent float64 references: the AdaIN residual block
// (value and gradients, with and without AdaIN), the ×2 upsampling, and the learned tokens'
// gradient into a soft y (how unlabelled images train q(y|x)).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ParameterStore, SeededRandom } from '@disentangle/kernels';
import {
  add64,
  array64,
  checkGradient,
  conv2dSame64,
  dense64,
  dot64,
  expectNoLeak,
  instanceNorm64,
  leakyRelu64,
  map64,
  modulate64,
  resizeNearest64,
  type Array64,
} from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdainResidualBlock, upsampleTwice } from './networks/adain-residual-block';
import { TokenDecoder } from './networks/token-decoder';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const EPSILON = 1e-5;
const weight = (store: ParameterStore, name: string) => array64(store.variables[name].dataSync(), store.variables[name].shape);

/** The block in float64: lrelu(norm) → up → conv → lrelu(norm) → conv, plus up → 1×1 shortcut, over √2. */
function block64(store: ParameterStore, h: Array64, style: Array64 | null): Array64 {
  const norm = (x: Array64, i: number) => {
    const normalised = instanceNorm64(x, EPSILON);
    if (!style) return normalised;
    const gamma = map64(dense64(style, weight(store, `b/adain${i}/gamma`), array64(new Float64Array(x.shape[3]), [x.shape[3]])), (v) => 1 + v);
    const beta = dense64(style, weight(store, `b/adain${i}/beta`), weight(store, `b/adain${i}/betaBias`));
    return modulate64(normalised, gamma, beta);
  };
  const up = (x: Array64) => resizeNearest64(x, x.shape[1] * 2, x.shape[2] * 2);
  let r = conv2dSame64(up(leakyRelu64(norm(h, 1), 0.2)), weight(store, 'b/conv1/kernel'), weight(store, 'b/conv1/bias'));
  r = conv2dSame64(leakyRelu64(norm(r, 2), 0.2), weight(store, 'b/conv2/kernel'), weight(store, 'b/conv2/bias'));
  const shortcut = conv2dSame64(up(h), weight(store, 'b/shortcut/kernel'), null);
  return map64(add64(r, shortcut), (v) => v * Math.SQRT1_2);
}

describe('the AdaIN residual block of Fig. 1', () => {
  for (const styled of [true, false]) {
    it(`${styled ? 'with AdaIN' : 'without AdaIN (instance norm)'}: value and gradients match float64, nothing leaks`, async () => {
      const store = new ParameterStore(new SeededRandom(3), 'test');
      const block = new AdainResidualBlock(store, 'b', 3, 2, styled ? 4 : 0);
      // Biases start at 0; give them values so a dropped bias would show.
      for (const name of ['b/conv1/bias', 'b/conv2/bias']) store.variables[name].assign(tf.randomNormal(store.variables[name].shape, 0, 0.3, 'float32', 5));
      if (styled) store.variables['b/adain1/betaBias'].assign(tf.tensor1d([0.1, -0.2, 0.3]));
      const random = new SeededRandom(7);
      const h = random.normal([2, 2, 2, 3]);
      const s = random.normal([2, 4]);
      const hv = Array.from(h.dataSync());
      const sv = Array.from(s.dataSync());
      const out = block.apply(h as tf.Tensor4D, styled ? (s as tf.Tensor2D) : undefined);
      expect(out.shape).toEqual([2, 4, 4, 2]);
      const reference = block64(store, array64(hv, [2, 2, 2, 3]), styled ? array64(sv, [2, 4]) : null);
      const got = out.dataSync();
      reference.data.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
      // A fixed random projection makes a scalar loss whose gradient has no symmetry.
      const projection = Array.from(new SeededRandom(11).normal([out.size]).dataSync());
      const loss = (x: tf.Tensor, st: tf.Tensor) => tf.sum(tf.mul(block.apply(x as tf.Tensor4D, styled ? (st as tf.Tensor2D) : undefined), tf.tensor(projection, out.shape)));
      const [dh, ds] = styled ? tf.grads(loss)([h, s]) : [tf.grad((x: tf.Tensor) => loss(x, s))(h), tf.zeros([1])];
      checkGradient(dh.dataSync(), (x) => dot64(block64(store, array64(x, [2, 2, 2, 3]), styled ? array64(sv, [2, 4]) : null), projection), hv, { tolerance: 2e-2 });
      if (styled) checkGradient(ds.dataSync(), (x) => dot64(block64(store, array64(hv, [2, 2, 2, 3]), array64(x, [2, 4])), projection), sv, { tolerance: 2e-2 });
      await expectNoLeak(() => block.apply(h as tf.Tensor4D, styled ? (s as tf.Tensor2D) : undefined), 'AdainResidualBlock');
      expect(() => block.apply(tf.zeros([1, 2, 2, 5]) as tf.Tensor4D, s as tf.Tensor2D)).toThrow(/input has 5 channels, expected 3/);
      if (styled) expect(() => block.apply(h as tf.Tensor4D)).toThrow(/needs the style code z/);
      tf.dispose([h, s, out, dh, ds]);
    });
  }

  it('upsampleTwice is nearest-neighbour ×2', () => {
    const up = upsampleTwice(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]));
    expect(Array.from(up.dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

describe('the token decoder', () => {
  it('a soft y mixes the class tokens, so the image has a gradient with respect to y', () => {
    const store = new ParameterStore(new SeededRandom(4), 'test');
    const decoder = new TokenDecoder(store, 'decoder', { size: 8, channels: 1, codeWidth: 3, labels: 1, tokens: true, styleWidth: 3, stages: [4, 2] });
    const code = tf.tensor2d([[0.2, -0.1, 0.4]]);
    const dy = tf.grad((y: tf.Tensor) => tf.sum(decoder.apply(code, code, y as tf.Tensor3D)))(tf.tensor3d([[[0.3, 0.7]]]));
    expect(Math.max(...Array.from(dy.dataSync()).map(Math.abs))).toBeGreaterThan(1e-6);
    // One-hot y picks one class's tokens: the two classes decode differently.
    const [off, on] = [[[[1, 0]]], [[[0, 1]]]].map((y) => decoder.apply(code, code, tf.tensor3d(y as number[][][])).dataSync());
    expect(Array.from(off).some((v, i) => Math.abs(v - on[i]) > 1e-5)).toBe(true);
    expect(() => decoder.apply(code, code)).toThrow(/tokens are chosen by y/);
  });
});
