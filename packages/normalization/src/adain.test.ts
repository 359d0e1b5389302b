import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { expectNoLeak, instanceNorm64, modulate64 } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adain, AdaptiveInstanceNormalization, adaptiveInstanceNormalization } from './adain';
import { adainReference64 } from './test-support/block-references';
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

describe('adain (function)', () => {
  it('computes γ·IN(x) + β against float64', async () => {
    const rng = new SeededRandom(1);
    const x = randomTensor(rng, [2, 3, 3, 2], 2, 1);
    const gamma = randomTensor(rng, [2, 2]);
    const beta = randomTensor(rng, [2, 2]);
    const v = await snapshot({ x, gamma, beta });
    const out = adain(x, gamma, beta);
    await expectCloseTo(out, modulate64(instanceNorm64(v.x, 1e-5), v.gamma, v.beta));
    tf.dispose([x, gamma, beta, out]);
  });

  it('rejects γ, β that do not match [batch, channels]', () => {
    const x = tf.ones([2, 3, 3, 4]);
    const bad = tf.ones([3, 4]);
    expect(() => adain(x, bad, bad)).toThrow(/"gamma" must be \[batch, channels\] = \[2, 4\].*got \[3, 4\]/);
    tf.dispose([x, bad]);
  });
});

describe('AdaptiveInstanceNormalization', () => {
  it('matches the float64 mapping + affine + instance norm', async () => {
    const rng = new SeededRandom(2);
    const x = randomTensor(rng, [2, 3, 2, 3]);
    const w = randomTensor(rng, [2, 4]);
    const layer = adaptiveInstanceNormalization({ mappingLayers: 1, mappingUnits: 5 });
    applyAndDispose(layer, [x, w]);
    expect(Object.keys(weightsOf(layer))).toEqual([
      'mapping_0/kernel',
      'mapping_0/bias',
      'gamma/kernel',
      'gamma/bias',
      'beta/kernel',
      'beta/bias',
    ]);
    // Starts as instance norm followed by the affine map's β (b_γ = 1, b_β = 0).
    expect(Array.from(await weightsOf(layer)['gamma/bias'].data())).toEqual([1, 1, 1]);
    randomizeWeights(layer, 3);
    const out = layer.apply([x, w]) as tf.Tensor;
    const v = await snapshot({ x, w, ...weightsOf(layer) });
    await expectCloseTo(out, adainReference64(v.x, v.w, v));
    tf.dispose([x, w, out]);
  });

  it('has gradients wrt features, style code and every weight matching float64 central differences', async () => {
    const rng = new SeededRandom(4);
    const features = randomTensor(rng, [2, 2, 2, 2]);
    const styleCode = randomTensor(rng, [2, 3]);
    const layer = new AdaptiveInstanceNormalization({ mappingLayers: 1 });
    applyAndDispose(layer, [features, styleCode]);
    randomizeWeights(layer, 5);
    const checked = await checkLayerGradients({
      layer,
      inputs: { features, styleCode },
      order: ['features', 'styleCode'],
      reference64: (v) => adainReference64(v.features, v.styleCode, v),
    });
    expect(checked).toHaveLength(2 + 6);
    tf.dispose([features, styleCode]);
  });

  it('leaks no tensors', async () => {
    const layer = new AdaptiveInstanceNormalization({ mappingLayers: 2 });
    const x = tf.ones([1, 2, 2, 2]);
    const w = tf.ones([1, 3]);
    await expectNoLeak(() => layer.apply([x, w]), 'AdaptiveInstanceNormalization');
    tf.dispose([x, w]);
  });

  it('round-trips config and weights (saveWeights → loadWeights) with identical outputs', async () => {
    const rng = new SeededRandom(6);
    const x = randomTensor(rng, [2, 2, 2, 3]);
    const w = randomTensor(rng, [2, 4]);
    const layer = new AdaptiveInstanceNormalization({ mappingLayers: 1, mappingUnits: 2, epsilon: 1e-4, name: 'ada' });
    applyAndDispose(layer, [x, w]);
    randomizeWeights(layer, 7);
    const copy = fromConfig(layer);
    expect([copy.mappingLayers, copy.mappingUnits, copy.epsilon, copy.name]).toEqual([1, 2, 1e-4, 'ada']);
    applyAndDispose(copy, [x, w]);
    await copyWeightsThroughDisk(layer, copy);
    const a = layer.apply([x, w]) as tf.Tensor;
    const b = copy.apply([x, w]) as tf.Tensor;
    await expectIdentical(a, b);
    tf.dispose([x, w, a, b]);
  });

  it('works in a two-input tf.model: fit lowers the loss, model.save → load is identical', async () => {
    const image = tfl.input({ shape: [4, 4, 1] });
    const style = tfl.input({ shape: [3] });
    const h = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(image) as tfl.SymbolicTensor;
    const styled = adaptiveInstanceNormalization({ mappingLayers: 1 }).apply([h, style]) as tfl.SymbolicTensor;
    const out = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).apply(styled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [image, style], outputs: out });
    expect(model.trainableWeights).toHaveLength(2 + 6 + 2);
    const rng = new SeededRandom(8);
    const x = randomTensor(rng, [4, 4, 4, 1]);
    const w = randomTensor(rng, [4, 3]);
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    await expectFitsAndReloads(model, [x, w], y);
    tf.dispose([x, w, y]);
  });

  it('rejects bad inputs, naming the input and shapes', () => {
    const layer = new AdaptiveInstanceNormalization({ name: 'ada_bad' });
    const x = tf.ones([2, 2, 2, 3]);
    const w = tf.ones([2, 4]);
    const w3 = tf.ones([3, 4]);
    const wRank3 = tf.ones([2, 4, 1]);
    expect(() => layer.apply(x)).toThrow(/"ada_bad": expected 2 inputs \[features, styleCode\]/);
    expect(() => layer.apply([x, wRank3])).toThrow(/input "styleCode" must be rank 2 .*\[2, 4, 1\]/);
    expect(() => layer.apply([w, w])).toThrow(/input "features" must be rank 4/);
    expect(() => layer.apply([x, w3])).toThrow(/batch sizes of "features" \[2, 2, 2, 3\] and "styleCode" \[3, 4\] differ/);
    applyAndDispose(layer, [x, w]);
    expect(() => layer.apply([x, w3])).toThrow(/batch sizes/);
    tf.dispose([x, w, w3, wRank3]);
  });
});
