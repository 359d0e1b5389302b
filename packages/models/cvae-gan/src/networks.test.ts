import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ParameterStore, SeededRandom, TRAINING_FIXED_STATISTICS } from '@disentangle/kernels';
import { batchNormalize, instanceNormalize, resizeSpatialCode } from '@disentangle/normalization';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsampleTwice } from './networks/modulated-decoder';
import { ModulatedNormalization } from './networks/modulated-normalization';
import { ProjectionDiscriminator } from './networks/projection-discriminator';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const close = (a: tf.Tensor, b: tf.Tensor, tolerance = 1e-5) => {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
};

describe('paper 000 networks', () => {
  it('upsampleTwice is nearest ×2 (the same as normalization.resizeSpatialCode), with the summed gradient', () => {
    const h = new SeededRandom(1).normal([2, 3, 4, 5]) as tf.Tensor4D;
    close(upsampleTwice(h), resizeSpatialCode(h, 6, 8), 0);
    const weights = new SeededRandom(2).normal([2, 6, 8, 5]);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsampleTwice(t as tf.Tensor4D), weights)))(h);
    const reference = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resizeSpatialCode(t, 6, 8), weights)))(h);
    close(ours, reference, 1e-5);
  });

  it('a modulated normalisation starts as the plain one: AdaIN with a zero style is instance norm, SPADE with a zero map batch norm', () => {
    const store = new ParameterStore(new SeededRandom(3), 'norm-test');
    const h = tf.add(tf.mul(new SeededRandom(4).normal([3, 4, 4, 6]), 2), 1) as tf.Tensor4D;
    const adainOnly = new ModulatedNormalization(store, 'a', 6, [{ kind: 'adain', width: 5 }], 4);
    close(adainOnly.apply(h, [tf.zeros([3, 5]) as tf.Tensor2D], TRAINING_FIXED_STATISTICS), instanceNormalize(h), 1e-5);
    const spadeOnly = new ModulatedNormalization(store, 's', 6, [{ kind: 'spade', channels: 1 }], 4);
    close(spadeOnly.apply(h, [tf.zeros([3, 2, 2, 1]) as tf.Tensor4D], TRAINING_FIXED_STATISTICS), batchNormalize(h), 1e-4);
  });

  it("with both codes the branches are concatenated and reduced by a 1×1 conv (eq. 2's block), and each code moves the output", () => {
    const store = new ParameterStore(new SeededRandom(5), 'both');
    const norm = new ModulatedNormalization(store, 'b', 4, [{ kind: 'spade', channels: 1 }, { kind: 'adain', width: 3 }], 4);
    expect(store.variables['b/reduce/kernel'].shape).toEqual([1, 1, 8, 4]);
    const h = new SeededRandom(6).normal([2, 4, 4, 4]) as tf.Tensor4D;
    const map = new SeededRandom(7).normal([2, 2, 2, 1]) as tf.Tensor4D;
    const style = new SeededRandom(8).normal([2, 3]) as tf.Tensor2D;
    const base = norm.apply(h, [map, style], TRAINING_FIXED_STATISTICS).dataSync();
    expect(norm.apply(h, [tf.mul(map, 2) as tf.Tensor4D, style], TRAINING_FIXED_STATISTICS).dataSync()).not.toEqual(base);
    expect(norm.apply(h, [map, tf.mul(style, 2) as tf.Tensor2D], TRAINING_FIXED_STATISTICS).dataSync()).not.toEqual(base);
    expect(() => norm.apply(h, [map], TRAINING_FIXED_STATISTICS)).toThrow(/1 codes for 2 branches/);
  });

  it('the projection discriminator is ψ(φ(x)) + cᵀVφ(x): scores differ by class only through the embedding', () => {
    const store = new ParameterStore(new SeededRandom(9), 'disc');
    const d = new ProjectionDiscriminator(store, 'd', { channels: 1, classes: 3, stages: [4, 4] });
    const x = new SeededRandom(10).uniform([2, 8, 8, 1]) as tf.Tensor4D;
    const onClass = (k: number) => d.apply(x, tf.cast(tf.oneHot(tf.tensor1d([k, k], 'int32'), 3), 'float32') as tf.Tensor2D).dataSync();
    const [s0, s1] = [onClass(0), onClass(1)];
    expect(s0[0]).not.toBeCloseTo(s1[0], 4);
    // An embedding with one column for every class leaves a class-independent score.
    store.variables['d/embedding'].assign(tf.fill([4, 3], 0.5));
    expect(onClass(0)[0]).toBeCloseTo(onClass(2)[0], 4);
    expect(() => d.apply(x, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/labels have 4 classes, expected 3/);
  });
});
