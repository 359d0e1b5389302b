import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { EVALUATION, ParameterStore, SeededRandom, TRAINING_FIXED_STATISTICS } from '@disentangle/kernels';
import { adain, batchNormalize, instanceNormalize, resizeSpatialCode } from '@disentangle/normalization';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { FreeCodeEncoder } from './networks/free-code-encoder';
import { LabelMapping } from './networks/label-mapping';
import { ModulatedDecoder } from './networks/modulated-decoder';
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

  it('SPADE + AdaIN with random weights: value and gradients (h, map, style) match the block composed by hand from normalization\'s functions', () => {
    const store = new ParameterStore(new SeededRandom(11), 'wiring');
    const norm = new ModulatedNormalization(store, 'n', 3, [{ kind: 'spade', channels: 1 }, { kind: 'adain', width: 2 }], 4);
    const r = new SeededRandom(12);
    for (const v of Object.values(store.variables)) if (!store.isStatistic(v)) v.assign(r.normal(v.shape));
    const w = (name: string) => store.variables[`n/${name}`] as unknown as tf.Tensor4D;
    const conv = (x: tf.Tensor4D, name: string) => tf.add(tf.conv2d(x, w(`${name}/kernel`), 1, 'same'), w(`${name}/bias`)) as tf.Tensor4D;
    const reference = (h: tf.Tensor4D, map: tf.Tensor4D, style: tf.Tensor2D) => {
      // SPADE: BN's own affine (γ_bn, β_bn), then 1 + conv(a) and conv(a) from a = ReLU(conv(resize(m))).
      const bn = tf.add(tf.mul(batchNormalize(h), w('spade0/norm/gamma')), w('spade0/norm/beta'));
      const a = tf.relu(conv(resizeSpatialCode(map, 4, 4), 'spade0/shared'));
      const spadeOut = tf.add(tf.mul(bn, tf.add(1, conv(a, 'spade0/gamma'))), conv(a, 'spade0/beta')) as tf.Tensor4D;
      const adainOut = adain(h, tf.add(1, tf.matMul(style, w('adain1/gamma') as unknown as tf.Tensor2D)), tf.add(tf.matMul(style, w('adain1/beta') as unknown as tf.Tensor2D), w('adain1/betaBias')));
      return conv(tf.concat([spadeOut, adainOut], 3) as tf.Tensor4D, 'reduce');
    };
    const h = r.normal([2, 4, 4, 3]) as tf.Tensor4D;
    const map = r.normal([2, 2, 2, 1]) as tf.Tensor4D;
    const style = r.normal([2, 2]) as tf.Tensor2D;
    const weights = r.normal([2, 4, 4, 3]);
    close(norm.apply(h, [map, style], TRAINING_FIXED_STATISTICS), reference(h, map, style), 1e-4);
    const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor2D), weights));
    const ours = tf.grads(loss((a, b, c) => norm.apply(a, [b, c], TRAINING_FIXED_STATISTICS)))([h, map, style]);
    const theirs = tf.grads(loss(reference))([h, map, style]);
    ours.forEach((g, i) => close(g, theirs[i], 1e-3));
  });

  it('every network frees the tensors it makes (f, the encoder, the decoder, D)', async () => {
    const store = new ParameterStore(new SeededRandom(13), 'leaks');
    const mapping = new LabelMapping(store, 'f', 3, [4], { kind: 'spatial', side: 2 });
    const encoder = new FreeCodeEncoder(store, 'e', { size: 8, channels: 1, labelChannels: 1, stages: [4, 4], form: { kind: 'spatial', channels: 1 } });
    const decoder = new ModulatedDecoder(store, 'd', { size: 8, channels: 1, inputWidth: 0, branches: [{ kind: 'spade', channels: 1 }, { kind: 'adain', width: 4 }], stages: [4, 4], spadeHidden: 4 });
    const d = new ProjectionDiscriminator(store, 'p', { channels: 1, classes: 3, stages: [4, 4] });
    const c = tf.cast(tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3), 'float32') as tf.Tensor2D;
    const x = new SeededRandom(14).uniform([2, 8, 8, 1]) as tf.Tensor4D;
    const map = mapping.apply(c) as tf.Tensor4D;
    const style = tf.zeros([2, 4]) as tf.Tensor2D;
    await expectNoLeak(() => mapping.apply(c), 'f');
    await expectNoLeak(() => encoder.apply(x, map, EVALUATION), 'the encoder');
    await expectNoLeak(() => decoder.apply(2, [map, style], EVALUATION), 'the decoder');
    await expectNoLeak(() => d.apply(x, c, true), 'D');
  });
});
