import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { gumbelSoftmax, SeededRandom } from '@disentangle/kernels';
import { array64, type Array64, concatLast64, expectNoLeak } from '@disentangle/kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatenateToken, LearnedTokens, learnedTokens, mixTokens } from './learned-tokens';
import {
  applyAndDispose,
  checkLayerGradients,
  copyWeightsThroughDisk,
  expectCloseTo,
  expectFitsAndReloads,
  expectIdentical,
  fromConfig,
  randomTensor,
  snapshot,
  weightsOf,
} from './test-support/layer-checks';
import { useCpuBackend } from './test-support/setup';

beforeAll(useCpuBackend);

const SHAPES: [number, number, number][] = [[2, 2, 1], [1, 3, 2]];

/** Float64 Σ_k y[n,k] · token_k for one token tensor [K, ...]. */
function mix64(y: Array64, tokens: Array64): Array64 {
  const [n, k] = y.shape;
  const per = tokens.data.length / k;
  const out = new Float64Array(n * per);
  for (let b = 0; b < n; b++)
    for (let c = 0; c < k; c++) for (let j = 0; j < per; j++) out[b * per + j] += y.data[b * k + c] * tokens.data[c * per + j];
  return { data: out, shape: [n, ...tokens.shape.slice(1)] };
}

/** All outputs flattened and concatenated, as checkLayerGradients projects them. */
function allTokens64(v: Record<string, Array64>): Array64 {
  const parts = [mix64(v.labels, v.scalar), ...SHAPES.map((_, i) => mix64(v.labels, v[`map_${i}`]))];
  const data = Float64Array.from(parts.flatMap((p) => Array.from(p.data)));
  return array64(data, [data.length]);
}

describe('LearnedTokens', () => {
  it('a one-hot label picks exactly its class tokens', async () => {
    const layer = learnedTokens({ numClasses: 3, tokenShapes: SHAPES });
    const labels = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3);
    const [scalar, map0, map1] = layer.apply(labels) as tf.Tensor[];
    expect([scalar.shape, map0.shape, map1.shape]).toEqual([[2, 1], [2, 2, 2, 1], [2, 1, 3, 2]]);
    const w = weightsOf(layer);
    for (const [out, token] of [[scalar, w.scalar], [map0, w.map_0], [map1, w.map_1]] as const) {
      const expected = tf.gather(token, tf.tensor1d([2, 0], 'int32'));
      await expectIdentical(out, expected);
      expected.dispose();
    }
    tf.dispose([labels, scalar, map0, map1]);
  });

  it('a soft label gives the probability-weighted mix (float64 reference)', async () => {
    const layer = new LearnedTokens({ numClasses: 3, tokenShapes: SHAPES });
    const labels = tf.tensor2d([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]]);
    const outs = layer.apply(labels) as tf.Tensor[];
    const v = await snapshot({ labels, ...weightsOf(layer) });
    await expectCloseTo(outs[0], mix64(v.labels, v.scalar));
    await expectCloseTo(outs[1], mix64(v.labels, v.map_0));
    await expectCloseTo(outs[2], mix64(v.labels, v.map_1));
    tf.dispose([labels, outs]);
  });

  it('gradients wrt a Gumbel-softmax label and the tokens are non-zero and match central differences', async () => {
    const layer = new LearnedTokens({ numClasses: 3, tokenShapes: SHAPES });
    const logits = tf.tensor2d([[0.1, 1.2, -0.5], [0.3, -0.2, 0.4]]);
    const labels = gumbelSoftmax(logits, 0.7, { noise: new SeededRandom(1) });
    applyAndDispose(layer, labels);
    const checked = await checkLayerGradients({ layer, inputs: { labels }, order: ['labels'], reference64: allTokens64 });
    expect(checked).toEqual(['labels', 'scalar', 'map_0', 'map_1']);
    const dLabels = tf.grad((l: tf.Tensor) => tf.sum(tf.mul((layer.apply(l) as tf.Tensor[])[1], 1.5)))(labels);
    expect(Math.min(...Array.from(await dLabels.data()).map(Math.abs))).toBeGreaterThan(0);
    dLabels.dispose();
    // Gradient reaches the logits through the Gumbel-softmax sample, and is not zero.
    const r = randomTensor(new SeededRandom(2), [2, 1]);
    const g = tf.grad((l: tf.Tensor) => {
      const [scalar] = layer.apply(gumbelSoftmax(l, 0.7, { noise: new SeededRandom(1) })) as tf.Tensor[];
      return tf.sum(tf.mul(scalar, r));
    })(logits);
    expect(Math.max(...Array.from(await g.data()).map(Math.abs))).toBeGreaterThan(1e-4);
    tf.dispose([logits, labels, r, g]);
  });

  it('leaks no tensors', async () => {
    const layer = new LearnedTokens({ numClasses: 2, tokenShapes: SHAPES });
    const labels = tf.tensor2d([[1, 0]]);
    await expectNoLeak(() => layer.apply(labels), 'LearnedTokens');
    const x = tf.ones([1, 2, 2, 3]);
    const t = tf.ones([1, 2, 2, 1]);
    await expectNoLeak(() => concatenateToken(x, t), 'concatenateToken');
    tf.dispose([labels, x, t]);
  });

  it('round-trips config and weights (saveWeights → loadWeights) with identical outputs', async () => {
    const layer = new LearnedTokens({ numClasses: 3, tokenShapes: SHAPES, initialStddev: 0.5, name: 'tokens_a' });
    const labels = tf.tensor2d([[0.2, 0.5, 0.3]]);
    applyAndDispose(layer, labels);
    const copy = fromConfig(layer);
    expect(copy.getConfig()).toEqual(layer.getConfig());
    applyAndDispose(copy, labels);
    await copyWeightsThroughDisk(layer, copy);
    const a = layer.apply(labels) as tf.Tensor[];
    const b = copy.apply(labels) as tf.Tensor[];
    for (let i = 0; i < a.length; i++) await expectIdentical(a[i], b[i]);
    tf.dispose([labels, a, b]);
  });

  it('feeds a decoder in a tf.model (scalar to the FC layer, a map to a block input): fit lowers the loss, save → load', async () => {
    const z = tfl.input({ shape: [3] });
    const y = tfl.input({ shape: [2] });
    const [scalar, map] = learnedTokens({ numClasses: 2, tokenShapes: [[2, 2, 1]] }).apply(y) as tfl.SymbolicTensor[];
    const fcInput = tfl.layers.concatenate().apply([z, scalar]) as tfl.SymbolicTensor;
    const fc = tfl.layers.dense({ units: 8 }).apply(fcInput) as tfl.SymbolicTensor;
    const blockInput = tfl.layers.reshape({ targetShape: [2, 2, 2] }).apply(fc) as tfl.SymbolicTensor;
    const withToken = tfl.layers.concatenate({ axis: 3 }).apply([blockInput, map]) as tfl.SymbolicTensor;
    const out = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).apply(withToken) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [z, y], outputs: out });
    expect(model.trainableWeights).toHaveLength(2 + 2 + 2);
    const rng = new SeededRandom(3);
    const zs = randomTensor(rng, [6, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2);
    const target = tf.tanh(randomTensor(rng, [6, 2, 2, 1]));
    await expectFitsAndReloads(model, [zs, ys], target, { batchSize: 6 });
    tf.dispose([zs, ys, target]);
  });

  it('concatenateToken appends the token map along channels', async () => {
    const rng = new SeededRandom(4);
    const x = randomTensor(rng, [2, 2, 3, 2]);
    const t = randomTensor(rng, [2, 2, 3, 1]);
    const out = concatenateToken(x, t);
    const v = await snapshot({ x, t });
    await expectCloseTo(out, concatLast64(v.x, v.t), 1e-7);
    tf.dispose([x, t, out]);
  });

  it('rejects bad labels, class counts and token maps, naming the input and shapes', () => {
    const layer = new LearnedTokens({ numClasses: 3, tokenShapes: SHAPES, name: 'tok_bad' });
    const rank1 = tf.ones([3]);
    const fourClasses = tf.ones([2, 4]);
    expect(() => layer.apply(rank1)).toThrow(/"tok_bad": input "labels" must be rank 2 \[batch, classes\], got shape \[3\]/);
    expect(() => layer.apply(fourClasses)).toThrow(/"tok_bad": input "labels" must have 3 classes, got shape \[2, 4\]/);
    expect(() => new LearnedTokens({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => new LearnedTokens({ numClasses: 2, tokenShapes: [[2, 2] as never] })).toThrow(/tokenShapes\[0\]/);
    const x = tf.ones([2, 2, 2, 3]);
    const t3 = tf.ones([3, 2, 2, 1]);
    const tSmall = tf.ones([2, 1, 2, 1]);
    expect(() => concatenateToken(x, t3)).toThrow(/batch sizes of "blockInput" \[2, 2, 2, 3\] and "tokenMap" \[3, 2, 2, 1\] differ/);
    expect(() => concatenateToken(x, tSmall)).toThrow(/heights of "blockInput"/);
    expect(() => concatenateToken(x, rank1)).toThrow(/input "tokenMap" must be rank 4/);
    tf.dispose([rank1, fourClasses, x, t3, tSmall]);
  });
});

describe('mixTokens (the plain-function form, for models that keep their own variables)', () => {
  beforeAll(() => useCpuBackend());

  it('one-hot labels select their class token, soft labels mix them; errors name the mismatch', () => {
    const tokens = tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]);
    const picked = mixTokens(tf.tensor2d([[0, 1], [1, 0], [0.25, 0.75]]), tokens);
    expect(picked.shape).toEqual([3, 2, 2, 1]);
    expect(Array.from(picked.dataSync())).toEqual([10, 20, 30, 40, 1, 2, 3, 4, 7.75, 15.5, 23.25, 31]);
    const scalars = mixTokens(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[5], [-5]]));
    expect(Array.from(scalars.dataSync())).toEqual([5, -5]);
    expect(() => mixTokens(tf.tensor2d([[1, 0, 0]]), tokens)).toThrow(/one token per class \(3\)/);
    tf.dispose([tokens, picked, scalars]);
  });
});
