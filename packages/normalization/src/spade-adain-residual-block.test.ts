import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpadeAdainResidualBlock, spadeAdainResidualBlock } from './spade-adain-residual-block';
import { residualReference64 } from './test-support/block-references';
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

const normalization = { spadeHiddenChannels: 2, spadeKernelSize: 3 };

const inputs = blockInputs;
const ORDER = BLOCK_INPUT_ORDER;
const list = blockInputList;

describe('SpadeAdainResidualBlock', () => {
  it('has an identity shortcut when channels match and a learned one otherwise; values match float64', async () => {
    for (const filters of [2, 3]) {
      const i = inputs(filters);
      const block = spadeAdainResidualBlock({ filters, normalization });
      applyAndDispose(block, list(i));
      const names = Object.keys(weightsOf(block));
      expect(names.some((n) => n.startsWith('shortcut_conv/'))).toBe(filters !== 2);
      // 3 (or 2) SPADE+AdaIN blocks × 12 trainable (SPADE 6, AdaIN without mapping 4, fuse 2) + the convs.
      expect(block.trainableWeights).toHaveLength(filters === 2 ? 2 * 12 + 4 : 3 * 12 + 5);
      randomizeWeights(block, 10 + filters, 0.4);
      const out = block.apply(list(i), { training: true }) as tf.Tensor;
      expect(out.shape).toEqual([2, 3, 3, filters]);
      const v = await snapshot({ ...i, ...weightsOf(block) });
      await expectCloseTo(out, residualReference64(v.features, v.spatialCode, v.styleCode, v));
      tf.dispose([list(i), out]);
    }
  });

  it('has gradients wrt all inputs and every weight matching float64 central differences', async () => {
    const i = inputs(20, [2, 2, 2, 2]);
    const block = new SpadeAdainResidualBlock({ filters: 3, normalization });
    applyAndDispose(block, list(i));
    randomizeWeights(block, 21, 0.4);
    const checked = await checkLayerGradients({
      layer: block,
      inputs: i,
      order: ORDER,
      kwargs: { training: true },
      reference64: (v) => residualReference64(v.features, v.spatialCode, v.styleCode, v),
      tolerance: 2e-2,
    });
    expect(checked).toHaveLength(3 + 3 * 12 + 5);
  });

  it('leaks no tensors', async () => {
    const i = inputs(22);
    const block = new SpadeAdainResidualBlock({ filters: 3, normalization });
    await expectNoLeak(() => block.apply(list(i), { training: true }), 'residual training');
    await expectNoLeak(() => block.apply(list(i)), 'residual inference');
    tf.dispose(list(i));
  });

  it('round-trips config and weights (saveWeights → loadWeights) with identical outputs', async () => {
    const i = inputs(23);
    const block = new SpadeAdainResidualBlock({
      filters: 3,
      hiddenFilters: 1,
      activationSlope: 0.1,
      normalization: { ...normalization, mappingLayers: 1, momentum: 0.5 },
    });
    applyAndDispose(block, list(i), { training: true });
    randomizeWeights(block, 24, 0.4);
    const copy = fromConfig(block);
    expect(copy.getConfig()).toEqual(block.getConfig());
    applyAndDispose(copy, list(i));
    await copyWeightsThroughDisk(block, copy);
    const a = block.apply(list(i)) as tf.Tensor;
    const b = copy.apply(list(i)) as tf.Tensor;
    await expectIdentical(a, b);
    tf.dispose([list(i), a, b]);
  });

  it('works in a tf.model (two stacked blocks): fit lowers the loss, model.save → load is identical', async () => {
    const image = tfl.input({ shape: [4, 4, 1] });
    const spatial = tfl.input({ shape: [2, 2, 1] });
    const style = tfl.input({ shape: [3] });
    const opts = { normalization: { ...normalization, momentum: 0.5 } };
    let h = spadeAdainResidualBlock({ filters: 2, ...opts }).apply([image, spatial, style]) as tfl.SymbolicTensor;
    h = spadeAdainResidualBlock({ filters: 1, ...opts }).apply([h, spatial, style]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [image, spatial, style], outputs: h });
    const rng = new SeededRandom(25);
    const x = [randomTensor(rng, [4, 4, 4, 1]), randomTensor(rng, [4, 2, 2, 1]), randomTensor(rng, [4, 3])];
    const y = tf.tanh(randomTensor(rng, [4, 4, 4, 1]));
    await expectFitsAndReloads(model, x, y, { learningRate: 0.03, epochs: 6 });
    tf.dispose([x, y]);
  });

  it('rejects bad arguments and inputs', () => {
    expect(() => new SpadeAdainResidualBlock({ filters: 0 })).toThrow(/filters must be a positive integer/);
    const block = new SpadeAdainResidualBlock({ filters: 2, normalization, name: 'res_bad' });
    const i = inputs(26);
    expect(() => block.apply([i.features, i.spatialCode])).toThrow(/"res_bad": expected 3 inputs/);
    expect(() => block.apply([i.styleCode, i.spatialCode, i.styleCode])).toThrow(/input "features" must be rank 4 .*\[2, 3\]/);
    tf.dispose(list(i));
  });
});
