import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { batchNorm64, checkGradient, dot64, expectNoLeak, modulate64, resizeNearest64 } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeSpatialCode, spade, SpatiallyAdaptiveNormalization, spatiallyAdaptiveNormalization } from './spade';
import { spadeReference64 } from './test-support/block-references';
import {
  applyAndDispose,
  checkLayerGradients,
  copyWeightsThroughDisk,
  expectCloseTo,
  expectFitsAndReloads,
  expectIdentical,
  fromConfig,
  randomizeWeights,
  randomTensor,
  snapshot,
  weightsOf,
} from './test-support/layer-checks';
import { useCpuBackend } from './test-support/setup';

beforeAll(useCpuBackend);

describe('spade (function) and the nearest resize', () => {
  it('computes γ ⊙ BN(x) + β against float64', async () => {
    const rng = new SeededRandom(1);
    const x = randomTensor(rng, [2, 3, 2, 2], 2, 1);
    const gamma = randomTensor(rng, [2, 3, 2, 2]);
    const beta = randomTensor(rng, [2, 3, 2, 2]);
    const v = await snapshot({ x, gamma, beta });
    const out = spade(x, gamma, beta);
    await expectCloseTo(out, modulate64(batchNorm64(v.x, 1e-5), v.gamma, v.beta));
    expect(() => spade(x, tf.ones([2, 3]), beta)).toThrow(/"gamma" must have the shape of "x" \[2, 3, 2, 2\], got \[2, 3\]/);
    tf.dispose([x, gamma, beta, out]);
  });

  it('resizes like the float64 reference and like tfjs resizeNearestNeighbor, with a correct gradient', async () => {
    const code = randomTensor(new SeededRandom(2), [2, 3, 2, 2]);
    const { code: c64 } = await snapshot({ code });
    for (const [h, w] of [[6, 4], [4, 5], [2, 1]] as const) {
      const out = resizeSpatialCode(code, h, w);
      await expectCloseTo(out, resizeNearest64(c64, h, w), 1e-7);
      const stock = tf.image.resizeNearestNeighbor(code as tf.Tensor4D, [h, w]);
      await expectIdentical(out, stock);
      stock.dispose();
      const r = randomTensor(new SeededRandom(h * 10 + w), [2, h, w, 2]);
      const r64 = Float64Array.from(await r.data());
      const g = tf.grad((c: tf.Tensor) => tf.sum(tf.mul(resizeSpatialCode(c, h, w), r)))(code);
      checkGradient(await g.data(), (flat) => dot64(resizeNearest64({ data: flat, shape: c64.shape }, h, w), r64), c64.data);
      tf.dispose([out, r, g]);
    }
    code.dispose();
  });

  it('documents the tfjs-backend-cpu 4.22 bug it avoids: resizeNearestNeighbor gradient is wrong for batch > 1', async () => {
    const code = tf.zeros([2, 1, 1, 1]);
    const r = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
    const stock = tf.grad((c: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(c as tf.Tensor4D, [2, 1]), r)))(code);
    const ours = tf.grad((c: tf.Tensor) => tf.sum(tf.mul(resizeSpatialCode(c, 2, 1), r)))(code);
    expect(Array.from(await ours.data())).toEqual([3, 7]);
    // If this starts failing, tfjs fixed its kernel (the expected value is [3, 7]).
    expect(Array.from(await stock.data())).not.toEqual([3, 7]);
    tf.dispose([code, r, stock, ours]);
  });
});

describe('SpatiallyAdaptiveNormalization', () => {
  function makeLayer(args = {}) {
    return new SpatiallyAdaptiveNormalization({ hiddenChannels: 3, ...args });
  }

  it('matches the float64 reference in training and inference, with a resized code', async () => {
    const rng = new SeededRandom(3);
    const x = randomTensor(rng, [2, 4, 4, 2], 1.5, 0.5);
    const code = randomTensor(rng, [2, 2, 2, 1]);
    const layer = makeLayer({ momentum: 0.5 });
    applyAndDispose(layer, [x, code]);
    expect(Object.keys(weightsOf(layer))).toEqual([
      'shared/kernel',
      'shared/bias',
      'gamma/kernel',
      'gamma/bias',
      'beta/kernel',
      'beta/bias',
      'normalization/moving_mean',
      'normalization/moving_variance',
    ]);
    expect(layer.trainableWeights).toHaveLength(6);
    expect(layer.nonTrainableWeights).toHaveLength(2);
    randomizeWeights(layer, 4);
    const trained = layer.apply([x, code], { training: true }) as tf.Tensor;
    let v = await snapshot({ x, code, ...weightsOf(layer) });
    await expectCloseTo(trained, spadeReference64(v.x, v.code, v));
    expect(Array.from(v['normalization/moving_mean'].data).some((m) => m !== 0)).toBe(true);
    const inferred = layer.apply([x, code]) as tf.Tensor;
    v = await snapshot({ x, code, ...weightsOf(layer) });
    await expectCloseTo(inferred, spadeReference64(v.x, v.code, v, '', { inference: true }));
    tf.dispose([x, code, trained, inferred]);
  });

  it('has gradients wrt features, spatial code (through the resize) and every weight', async () => {
    const rng = new SeededRandom(5);
    const features = randomTensor(rng, [2, 3, 3, 2]);
    const spatialCode = randomTensor(rng, [2, 2, 2, 2]);
    const layer = makeLayer({ hiddenChannels: 2 });
    applyAndDispose(layer, [features, spatialCode]);
    randomizeWeights(layer, 6);
    const checked = await checkLayerGradients({
      layer,
      inputs: { features, spatialCode },
      order: ['features', 'spatialCode'],
      kwargs: { training: true },
      reference64: (v) => spadeReference64(v.features, v.spatialCode, v),
    });
    expect(checked).toHaveLength(2 + 6);
    tf.dispose([features, spatialCode]);
  });

  it('leaks no tensors in training or inference', async () => {
    const layer = makeLayer();
    const x = tf.randomNormal([2, 4, 4, 2]);
    const code = tf.randomNormal([2, 2, 2, 1]);
    await expectNoLeak(() => layer.apply([x, code], { training: true }), 'SPADE training');
    await expectNoLeak(() => layer.apply([x, code]), 'SPADE inference');
    tf.dispose([x, code]);
  });

  it('round-trips config and weights (saveWeights → loadWeights) with identical outputs', async () => {
    const rng = new SeededRandom(7);
    const x = randomTensor(rng, [2, 4, 4, 2]);
    const code = randomTensor(rng, [2, 4, 4, 1]);
    const layer = makeLayer({ kernelSize: 1, epsilon: 1e-3, momentum: 0.9, name: 'spade_a' });
    applyAndDispose(layer, [x, code], { training: true });
    randomizeWeights(layer, 8);
    const copy = fromConfig(layer);
    expect([copy.hiddenChannels, copy.kernelSize, copy.epsilon, copy.momentum]).toEqual([3, 1, 1e-3, 0.9]);
    applyAndDispose(copy, [x, code]);
    await copyWeightsThroughDisk(layer, copy);
    for (const training of [true, false]) {
      const a = layer.apply([x, code], { training }) as tf.Tensor;
      const b = copy.apply([x, code], { training }) as tf.Tensor;
      await expectIdentical(a, b);
      tf.dispose([a, b]);
    }
    tf.dispose([x, code]);
  });

  it('works in a two-input tf.model: fit lowers the loss, model.save → load is identical', async () => {
    const image = tfl.input({ shape: [4, 4, 1] });
    const spatial = tfl.input({ shape: [2, 2, 1] });
    const h = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(image) as tfl.SymbolicTensor;
    const normalized = spatiallyAdaptiveNormalization({ hiddenChannels: 4, momentum: 0.5 }).apply([h, spatial]) as tfl.SymbolicTensor;
    const out = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).apply(normalized) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [image, spatial], outputs: out });
    expect(model.trainableWeights).toHaveLength(2 + 6 + 2);
    expect(model.weights).toHaveLength(2 + 8 + 2);
    const rng = new SeededRandom(9);
    const x = randomTensor(rng, [4, 4, 4, 1]);
    const m = randomTensor(rng, [4, 2, 2, 1]);
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    await expectFitsAndReloads(model, [x, m], y);
    tf.dispose([x, m, y]);
  });

  it('rejects bad inputs, naming the input and shapes', () => {
    const layer = makeLayer({ name: 'spade_bad' });
    const x = tf.ones([2, 4, 4, 2]);
    const code3 = tf.ones([3, 2, 2, 1]);
    const codeRank3 = tf.ones([2, 2, 2]);
    expect(() => layer.apply(x)).toThrow(/"spade_bad": expected 2 inputs \[features, spatialCode\]/);
    expect(() => layer.apply([x, codeRank3])).toThrow(/input "spatialCode" must be rank 4 .*\[2, 2, 2\]/);
    expect(() => layer.apply([x, code3])).toThrow(/batch sizes of "features" \[2, 4, 4, 2\] and "spatialCode" \[3, 2, 2, 1\] differ/);
    expect(() => makeLayer({ kernelSize: 2 })).toThrow(/kernelSize must be odd/);
    tf.dispose([x, code3, codeRank3]);
  });
});
