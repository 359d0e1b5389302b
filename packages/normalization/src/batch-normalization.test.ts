import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { batchNorm64, batchStatistics64, expectNoLeak, maxRelativeError, normalizeWith64 } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormalize, ParameterFreeBatchNormalization, parameterFreeBatchNormalization } from './batch-normalization';
import {
  applyAndDispose,
  checkLayerGradients,
  copyWeightsThroughDisk,
  expectCloseTo,
  expectIdentical,
  fromConfig,
  randomTensor,
  saveAndLoadModel,
  snapshot,
} from './test-support/layer-checks';
import { useCpuBackend } from './test-support/setup';

beforeAll(useCpuBackend);

describe('batchNormalize / ParameterFreeBatchNormalization', () => {
  it('uses batch statistics in training and updates the moving statistics (float64 reference)', async () => {
    const rng = new SeededRandom(1);
    const x1 = randomTensor(rng, [3, 2, 3, 2], 2, 1);
    const x2 = randomTensor(rng, [3, 2, 3, 2], 0.5, -1);
    const layer = parameterFreeBatchNormalization({ momentum: 0.8, epsilon: 1e-3 });
    const { x1: a, x2: b } = await snapshot({ x1, x2 });
    const trained = layer.apply(x1, { training: true }) as tf.Tensor;
    await expectCloseTo(trained, batchNorm64(a, 1e-3));
    const fn = batchNormalize(x1, 1e-3);
    await expectCloseTo(fn, batchNorm64(a, 1e-3));
    applyAndDispose(layer, x2, { training: true });

    // Moving statistics after two steps: m·(m·init + (1−m)·s1) + (1−m)·s2, variance unbiased (M = 18).
    const m = 0.8;
    const s1 = batchStatistics64(a);
    const s2 = batchStatistics64(b);
    const unbias = 18 / 17;
    const mean = s1.mean.map((v, c) => m * (m * 0 + (1 - m) * v) + (1 - m) * s2.mean[c]);
    const variance = s1.variance.map((v, c) => m * (m * 1 + (1 - m) * v * unbias) + (1 - m) * s2.variance[c] * unbias);
    const [movingMean, movingVariance] = layer.getWeights();
    expect(maxRelativeError(await movingMean.data(), mean)).toBeLessThan(1e-5);
    expect(maxRelativeError(await movingVariance.data(), variance)).toBeLessThan(1e-5);
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(2);

    // Inference (the default) uses the moving statistics.
    const inferred = layer.apply(x1) as tf.Tensor;
    await expectCloseTo(inferred, normalizeWith64(a, mean, variance, 1e-3));
    tf.dispose([x1, x2, trained, fn, inferred, movingMean, movingVariance]);
  });

  it('has gradients (training mode) matching float64 central differences', async () => {
    const layer = new ParameterFreeBatchNormalization();
    const x = randomTensor(new SeededRandom(2), [2, 2, 2, 2]);
    const checked = await checkLayerGradients({
      layer,
      inputs: { x },
      order: ['x'],
      kwargs: { training: true },
      reference64: (v) => batchNorm64(v.x, 1e-5),
    });
    expect(checked).toEqual(['x']);
    x.dispose();
  });

  it('leaks no tensors in training or inference', async () => {
    const layer = new ParameterFreeBatchNormalization();
    const x = tf.randomNormal([2, 2, 2, 2]);
    await expectNoLeak(() => layer.apply(x, { training: true }), 'training');
    await expectNoLeak(() => layer.apply(x), 'inference');
    await expectNoLeak(() => batchNormalize(x), 'batchNormalize');
    x.dispose();
  });

  it('round-trips config and weights (saveWeights → loadWeights)', async () => {
    const layer = new ParameterFreeBatchNormalization({ momentum: 0.5, epsilon: 0.01, name: 'bn_a' });
    const x = randomTensor(new SeededRandom(4), [2, 2, 2, 3], 3, 2);
    applyAndDispose(layer, x, { training: true });
    const copy = fromConfig(layer);
    expect([copy.momentum, copy.epsilon, copy.name]).toEqual([0.5, 0.01, 'bn_a']);
    applyAndDispose(copy, x);
    await copyWeightsThroughDisk(layer, copy);
    const a = layer.apply(x) as tf.Tensor;
    const b = copy.apply(x) as tf.Tensor;
    await expectIdentical(a, b);
    tf.dispose([x, a, b]);
  });

  it('works in tf.sequential: fit lowers the loss, moving statistics survive model.save', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same' }),
        parameterFreeBatchNormalization({ momentum: 0.5 }),
        tfl.layers.conv2d({ filters: 1, kernelSize: 1 }),
      ],
    });
    const rng = new SeededRandom(3);
    const x = randomTensor(rng, [4, 4, 4, 1]);
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 8, batchSize: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const movingMean = model.layers[1].getWeights()[0];
    expect(Array.from(await movingMean.data()).some((v) => v !== 0)).toBe(true);
    const loaded = await saveAndLoadModel(model);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    await expectIdentical(a, b);
    tf.dispose([x, y, a, b, movingMean]);
  });

  it('rejects bad inputs, naming the input and shape', () => {
    const x = tf.ones([2, 3, 4]);
    expect(() => batchNormalize(x)).toThrow(/input "x" must be rank 4 .*\[2, 3, 4\]/);
    expect(() => new ParameterFreeBatchNormalization({ name: 'bn_bad' }).apply(x)).toThrow(/"bn_bad".*"x"/);
    expect(() => new ParameterFreeBatchNormalization({ momentum: 2 })).toThrow(/momentum/);
    x.dispose();
  });
});
