import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attributeExtractorLoss,
  codeReadoutLoss,
  conditionalDiscriminatorLoss,
  conditionalGeneratorLoss,
  featureReconstructionLoss,
  fusionPartners,
  klZ1Loss,
  klZ2Loss,
  reconstructionLoss,
} from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const value = (t: tf.Tensor) => t.dataSync()[0];
const bce = (logit: number, target: number) => -(target * Math.log(sigmoid(logit)) + (1 - target) * Math.log(1 - sigmoid(logit)));

describe('paper 002 losses against hand-computed values', () => {
  it('the ELBO terms: summed squared error, KL to N(0, I), KL to the label prior N(y, s²)', () => {
    const x = tf.tensor4d([0.2, 0.4, 0.9, 0.1], [2, 1, 2, 1]);
    const g = tf.tensor4d([0.1, 0.4, 0.5, 0.3], [2, 1, 2, 1]);
    expect(value(reconstructionLoss(x, g))).toBeCloseTo((0.01 + 0 + 0.16 + 0.04) / 2, 6);
    const mu = [[0.5, -1], [0, 2]];
    const logVar = [[0, Math.log(0.25)], [Math.log(4), 0]];
    const kl1 = (m: number, lv: number) => 0.5 * (m * m + Math.exp(lv) - lv - 1);
    const expected1 = (kl1(0.5, 0) + kl1(-1, Math.log(0.25)) + kl1(0, Math.log(4)) + kl1(2, 0)) / 2;
    expect(value(klZ1Loss(tf.tensor2d(mu), tf.tensor2d(logVar)))).toBeCloseTo(expected1, 5);
    const s = 0.1;
    const y = [[1, 0], [0, 1]];
    const kl2 = (m: number, lv: number, t: number) => 0.5 * (Math.log(s * s) - lv + (Math.exp(lv) + (m - t) ** 2) / (s * s) - 1);
    const expected2 = (kl2(0.5, 0, 1) + kl2(-1, Math.log(0.25), 0) + kl2(0, Math.log(4), 0) + kl2(2, 0, 1)) / 2;
    expect(value(klZ2Loss(tf.tensor2d(mu), tf.tensor2d(logVar), tf.tensor2d(y), s))).toBeCloseTo(expected2, 3);
  });

  it('L_s / L_f1: Bernoulli cross-entropy of z̃2 read back, targets clipped to [0, 1], summed over attributes', () => {
    const logits = [[1.5, -0.5], [0, 2]];
    const codes = [[1.2, 0.1], [-0.3, 0.9]]; // read as Bernoulli parameters 1, 0.1, 0, 0.9
    const expected = (bce(1.5, 1) + bce(-0.5, 0.1) + bce(0, 0) + bce(2, 0.9)) / 2;
    expect(value(codeReadoutLoss(tf.tensor2d(logits), tf.tensor2d(codes)))).toBeCloseTo(expected, 5);
  });

  it('L_s carries no gradient into the code it reads back', () => {
    const codes = tf.tensor2d([[0.3, 0.8]]);
    const grad = tf.grad((c: tf.Tensor) => codeReadoutLoss(tf.tensor2d([[0.2, -0.1]]), c as tf.Tensor2D))(codes);
    expect(Array.from(grad.dataSync())).toEqual([0, 0]);
  });

  it('L_f2: squared feature distance summed over features, only the fused side has a gradient', () => {
    const fused = tf.tensor2d([[1, 2, 3], [0, 0, 1]]);
    const source = tf.tensor2d([[1, 0, 4], [1, 1, 1]]);
    expect(value(featureReconstructionLoss(fused, source))).toBeCloseTo((0 + 4 + 1 + (1 + 1 + 0)) / 2, 6);
    const [dFused, dSource] = tf.grads((a: tf.Tensor, b: tf.Tensor) => featureReconstructionLoss(a as tf.Tensor2D, b as tf.Tensor2D))([fused, source]);
    expect(Array.from(dFused.dataSync())).toEqual([0, 2, -1, -1, -1, 0]); // 2 (a − b) / batch
    expect(Array.from(dSource.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("f's own loss: BCE of the attribute classifier summed over attributes", () => {
    expect(value(attributeExtractorLoss(tf.tensor2d([[0.5, -2]]), tf.tensor2d([[1, 0]])))).toBeCloseTo(bce(0.5, 1) + bce(-2, 0), 6);
  });

  it('the conditional GAN: −L_D = −mean log D(real) − mean log(1 − D(fused)); L_GAN = −mean log D(fused)', () => {
    const real = [2, -0.5];
    const fused = [-1, 0.3];
    const expectedD = -(Math.log(sigmoid(2)) + Math.log(sigmoid(-0.5))) / 2 - (Math.log(1 - sigmoid(-1)) + Math.log(1 - sigmoid(0.3))) / 2;
    expect(value(conditionalDiscriminatorLoss(tf.tensor2d(real, [2, 1]), tf.tensor2d(fused, [2, 1])))).toBeCloseTo(expectedD, 6);
    expect(value(conditionalGeneratorLoss(tf.tensor2d(fused, [2, 1])))).toBeCloseTo(-(Math.log(sigmoid(-1)) + Math.log(sigmoid(0.3))) / 2, 6);
    // At D = ½ everywhere, −L_D = 2 log 2 (the slide: L_D = −2 JSD + log 4 with JSD = 0).
    expect(value(conditionalDiscriminatorLoss(tf.zeros([3, 1]), tf.zeros([3, 1])))).toBeCloseTo(2 * Math.log(2), 6);
  });

  it('fusion partners: every row paired with a different row, images and codes alike', () => {
    const t = tf.tensor4d([0, 1, 2, 3, 4, 5], [3, 1, 2, 1]);
    expect(Array.from(fusionPartners(t).dataSync())).toEqual([2, 3, 4, 5, 0, 1]);
    expect(Array.from(fusionPartners(tf.tensor2d([[1], [2]])).dataSync())).toEqual([2, 1]);
    expect(() => fusionPartners(tf.zeros([1, 4]))).toThrow(/at least 2 examples per batch/);
  });
});
