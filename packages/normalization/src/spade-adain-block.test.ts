import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpadeAdainBlock, spadeAdainBlock } from './spade-adain-block';
import { spadeAdainReference64 } from './test-support/block-references';
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
import { BLOCK_INPUT_ORDER, blockInputList, blockInputs } from './test-support/block-inputs';
import { useCpuBackend } from './test-support/setup';

beforeAll(useCpuBackend);

const small = { spadeHiddenChannels: 2, mappingLayers: 1 };

const inputs = blockInputs;
const ORDER = BLOCK_INPUT_ORDER;
const list = blockInputList;

describe('SpadeAdainBlock', () => {
  it('reports every child weight under a stable name and matches the float64 reference', async () => {
    const i = inputs(1);
    const block = spadeAdainBlock({ ...small, filters: 4 });
    applyAndDispose(block, list(i));
    const names = Object.keys(weightsOf(block));
    expect(names.filter((n) => n.startsWith('spade/'))).toHaveLength(8);
    expect(names.filter((n) => n.startsWith('adain/'))).toHaveLength(6);
    expect(names.filter((n) => n.startsWith('fuse/'))).toEqual(['fuse/kernel', 'fuse/bias']);
    expect(block.trainableWeights).toHaveLength(6 + 6 + 2);
    expect(block.nonTrainableWeights).toHaveLength(2);
    randomizeWeights(block, 2);
    const out = block.apply(list(i), { training: true }) as tf.Tensor;
    expect(out.shape).toEqual([2, 3, 3, 4]);
    const v = await snapshot({ ...i, ...weightsOf(block) });
    await expectCloseTo(out, spadeAdainReference64(v.features, v.spatialCode, v.styleCode, v));
    tf.dispose([list(i), out]);
  });

  it('has gradients wrt all three inputs and every weight matching float64 central differences', async () => {
    const i = inputs(3, [2, 2, 2, 2]);
    const block = new SpadeAdainBlock({ ...small, filters: 3 });
    applyAndDispose(block, list(i));
    randomizeWeights(block, 4);
    const checked = await checkLayerGradients({
      layer: block,
      inputs: i,
      order: ORDER,
      kwargs: { training: true },
      reference64: (v) => spadeAdainReference64(v.features, v.spatialCode, v.styleCode, v),
    });
    expect(checked).toHaveLength(3 + 14);
    tf.dispose(list(i));
  });

  it('trainable = false freezes the children too (their weights move to nonTrainableWeights)', () => {
    const i = inputs(10);
    const block = new SpadeAdainBlock(small);
    applyAndDispose(block, list(i));
    block.trainable = false;
    expect(block.trainableWeights).toHaveLength(0);
    expect(block.nonTrainableWeights).toHaveLength(16);
    block.trainable = true;
    expect(block.trainableWeights).toHaveLength(14);
    tf.dispose(list(i));
  });

  it('leaks no tensors', async () => {
    const i = inputs(5);
    const block = new SpadeAdainBlock(small);
    await expectNoLeak(() => block.apply(list(i), { training: true }), 'SpadeAdainBlock training');
    await expectNoLeak(() => block.apply(list(i)), 'SpadeAdainBlock inference');
    tf.dispose(list(i));
  });

  it('round-trips config and weights (saveWeights → loadWeights) with identical outputs', async () => {
    const i = inputs(6);
    const block = new SpadeAdainBlock({ ...small, filters: 5, spadeKernelSize: 1, mappingUnits: 4, epsilon: 1e-4, momentum: 0.7 });
    applyAndDispose(block, list(i), { training: true });
    randomizeWeights(block, 7);
    const copy = fromConfig(block);
    expect(copy.getConfig()).toEqual(block.getConfig());
    applyAndDispose(copy, list(i));
    await copyWeightsThroughDisk(block, copy);
    const a = block.apply(list(i)) as tf.Tensor;
    const b = copy.apply(list(i)) as tf.Tensor;
    await expectIdentical(a, b);
    tf.dispose([list(i), a, b]);
  });

  it('works in a three-input tf.model: fit lowers the loss, model.save → load is identical', async () => {
    const image = tfl.input({ shape: [4, 4, 1] });
    const spatial = tfl.input({ shape: [2, 2, 1] });
    const style = tfl.input({ shape: [3] });
    const h = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(image) as tfl.SymbolicTensor;
    const mixed = spadeAdainBlock({ ...small, momentum: 0.5 }).apply([h, spatial, style]) as tfl.SymbolicTensor;
    const out = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).apply(mixed) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [image, spatial, style], outputs: out });
    expect(model.trainableWeights).toHaveLength(2 + 14 + 2);
    const rng = new SeededRandom(8);
    const x = [randomTensor(rng, [4, 4, 4, 1]), randomTensor(rng, [4, 2, 2, 1]), randomTensor(rng, [4, 3])];
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    await expectFitsAndReloads(model, x, y);
    tf.dispose([x, y]);
  });

  it('rejects bad inputs, naming the input and shapes', () => {
    const block = new SpadeAdainBlock({ ...small, name: 'mix_bad' });
    const i = inputs(9);
    const style3 = tf.ones([3, 3]);
    expect(() => block.apply([i.features, i.spatialCode])).toThrow(/"mix_bad": expected 3 inputs \[features, spatialCode, styleCode\], got 2/);
    expect(() => block.apply([i.features, i.styleCode, i.styleCode])).toThrow(/input "spatialCode" must be rank 4/);
    expect(() => block.apply([i.features, i.spatialCode, style3])).toThrow(/batch sizes of "features" \[2, 3, 3, 2\] and "styleCode" \[3, 3\] differ/);
    tf.dispose([list(i), style3]);
  });
});
