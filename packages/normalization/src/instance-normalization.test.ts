import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { expectNoLeak, instanceNorm64 } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { InstanceNormalization, instanceNormalization, instanceNormalize } from './instance-normalization';
import {
  checkLayerGradients,
  expectCloseTo,
  expectFitsAndReloads,
  fromConfig,
  randomTensor,
  snapshot,
} from './test-support/layer-checks';
import { useCpuBackend } from './test-support/setup';

beforeAll(useCpuBackend);

describe('instanceNormalize / InstanceNormalization', () => {
  it('matches a float64 reference (function and layer)', async () => {
    const x = randomTensor(new SeededRandom(1), [2, 3, 4, 3], 2, 0.5);
    const { x: x64 } = await snapshot({ x });
    const expected = instanceNorm64(x64, 1e-3);
    const fromFunction = instanceNormalize(x, 1e-3);
    const fromLayer = instanceNormalization({ epsilon: 1e-3 }).apply(x) as tf.Tensor;
    await expectCloseTo(fromFunction, expected);
    await expectCloseTo(fromLayer, expected);
    tf.dispose([x, fromFunction, fromLayer]);
  });

  it('has gradients matching float64 central differences', async () => {
    const layer = new InstanceNormalization();
    const x = randomTensor(new SeededRandom(2), [2, 2, 3, 2]);
    const checked = await checkLayerGradients({
      layer,
      inputs: { x },
      order: ['x'],
      reference64: (v) => instanceNorm64(v.x, 1e-5),
    });
    expect(checked).toEqual(['x']);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const layer = new InstanceNormalization();
    const x = tf.ones([1, 2, 2, 2]);
    await expectNoLeak(() => layer.apply(x), 'InstanceNormalization');
    await expectNoLeak(() => instanceNormalize(x), 'instanceNormalize');
    x.dispose();
  });

  it('round-trips its config', () => {
    const copy = fromConfig(new InstanceNormalization({ epsilon: 0.01, name: 'in_a' }));
    expect(copy).toBeInstanceOf(InstanceNormalization);
    expect(copy.epsilon).toBe(0.01);
    expect(copy.name).toBe('in_a');
  });

  it('works in tf.sequential, saves and loads, and trains', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same' }),
        instanceNormalization(),
        tfl.layers.conv2d({ filters: 1, kernelSize: 1 }),
      ],
    });
    const rng = new SeededRandom(3);
    const x = randomTensor(rng, [4, 4, 4, 1]);
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    await expectFitsAndReloads(model, x, y);
    tf.dispose([x, y]);
  });

  it('rejects inputs that are not rank 4, naming the input and shape', () => {
    const x = tf.ones([2, 3]);
    expect(() => instanceNormalize(x)).toThrow(/input "x" must be rank 4 .*got shape \[2, 3\]/);
    expect(() => new InstanceNormalization({ name: 'inorm' }).apply(x)).toThrow(/"inorm".*"x".*\[2, 3\]/);
    x.dispose();
  });
});
