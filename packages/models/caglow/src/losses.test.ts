import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UnsupervisedCode } from '@disentangle/kernels';
import { codeReconstructionLoss, discriminatorLoss, encoderAdversarialLoss, pairwiseFeatureMatchingLoss } from './losses';
import { conditionCrossEntropy } from './labels';
import { SupervisionBlock } from './networks/supervision-block';
import { SeededRandom } from '@disentangle/kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const value = (t: tf.Tensor) => t.dataSync()[0];

describe('CAGlow losses (eqs. 10–14) against hand-computed values', () => {
  it('eq. 10: L_E = −mean log D_i(z′)', () => {
    const logits = [0.5, -1.2, 2];
    const expected = -logits.reduce((s, l) => s + Math.log(sigmoid(l)), 0) / 3;
    expect(value(encoderAdversarialLoss(tf.tensor2d(logits, [3, 1])))).toBeCloseTo(expected, 6);
  });

  it('eq. 11 (standard form): L_Di = −mean log D_i(z*) − mean log(1 − D_i(z′))', () => {
    const real = [1.5, -0.3];
    const fake = [-2, 0.7, 0.1];
    const expected = -real.reduce((s, l) => s + Math.log(sigmoid(l)), 0) / 2 - fake.reduce((s, l) => s + Math.log(1 - sigmoid(l)), 0) / 3;
    expect(value(discriminatorLoss(tf.tensor2d(real, [2, 1]), tf.tensor2d(fake, [3, 1])))).toBeCloseTo(expected, 6);
  });

  it('eq. 12: softmax cross-entropy on the class part plus BCE on each attribute', () => {
    const layout = { names: ['a', 'b', 'glasses'], classColumns: 2 };
    const logits = [[1, 0, 0.5], [0, 2, -1]];
    const y = [[1, 0, 1], [1, 0, 0]];
    const row = (l: number[], t: number[]) => {
      const lse = Math.log(Math.exp(l[0]) + Math.exp(l[1]));
      const ce = -(t[0] * (l[0] - lse) + t[1] * (l[1] - lse));
      const p = sigmoid(l[2]);
      return ce - (t[2] * Math.log(p) + (1 - t[2]) * Math.log(1 - p));
    };
    const expected = (row(logits[0], y[0]) + row(logits[1], y[1])) / 2;
    expect(value(conditionCrossEntropy(layout, tf.tensor2d(logits), tf.tensor2d(y)))).toBeCloseTo(expected, 6);
  });

  it('eq. 13: squared error for continuous codes, BCE for discrete ones, summed per row', () => {
    const codes: UnsupervisedCode[] = [
      { name: 'c1', kind: 'continuous', range: [-1, 1] },
      { name: 'd1', kind: 'discrete', range: [0, 1] },
    ];
    const predicted = [[0.2, 1.0], [-0.5, -2]];
    const target = [[0.5, 1], [-1, 0]];
    const bce = (l: number, t: number) => -(t * Math.log(sigmoid(l)) + (1 - t) * Math.log(1 - sigmoid(l)));
    const expected = ((0.2 - 0.5) ** 2 + bce(1, 1) + (-0.5 + 1) ** 2 + bce(-2, 0)) / 2;
    expect(value(codeReconstructionLoss(codes, tf.tensor2d(predicted), tf.tensor2d(target)))).toBeCloseTo(expected, 6);
  });

  it('eq. 14: ½‖f(z) − f(z′)‖² per pair, on a tiny supervision block’s trunk features', () => {
    const block = new SupervisionBlock('test/block', 3, [4], 2, 1, new SeededRandom(1));
    const z = tf.tensor2d([[0.1, -0.4, 0.3], [1, 0.5, -0.2]]);
    const zFake = tf.tensor2d([[0.3, 0.2, -0.1], [-1, 0.5, 0.2]]);
    const real = block.apply(z).features;
    const fake = block.apply(zFake).features;
    const f = real.arraySync();
    const g = fake.arraySync();
    const expected = f.reduce((s, row, i) => s + 0.5 * row.reduce((t, v, j) => t + (v - g[i][j]) ** 2, 0), 0) / 2;
    expect(expected).toBeGreaterThan(0);
    expect(value(pairwiseFeatureMatchingLoss(real, fake))).toBeCloseTo(expected, 6);
    // The trunk is LeakyReLU(zW + b) of the first layer: check one feature by hand.
    const w = block.trunk.variables['test/block/trunk/dense0/kernel'].arraySync() as number[][];
    const pre = [0.1, -0.4, 0.3].reduce((s, v, i) => s + v * w[i][0], 0);
    expect(f[0][0]).toBeCloseTo(pre > 0 ? pre : 0.2 * pre, 6);
    expect(() => pairwiseFeatureMatchingLoss(real, tf.zeros([3, 4]) as tf.Tensor2D)).toThrow(/pair up/);
    block.dispose();
  });
});
