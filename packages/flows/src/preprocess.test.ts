import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { bitsPerDimension, dequantize, postprocessImages, preprocessImages, quantize } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('preprocessing and bits per dimension', () => {
  it('quantises [0,1] to 2^nBits levels shifted to [-1/2, 1/2)', async () => {
    const x = tf.tensor1d([0, 0.1, 0.49, 0.5, 0.99, 1]);
    expect(Array.from(await quantize(x, 2).data())).toEqual([-0.5, -0.5, -0.25, 0, 0.25, 0.25]);
    const q5 = await quantize(x, 5).data();
    expect(q5[5]).toBeCloseTo(31 / 32 - 0.5, 7);
    expect(() => quantize(x, 0)).toThrow(/nBits/);
    x.dispose();
  });

  it('dequantisation noise stays inside each bin and postprocessing returns to [0,1]', async () => {
    const random = new SeededRandom(1);
    const x = random.uniform([1000]);
    const q = quantize(x, 3);
    const d = dequantize(q, 3, random);
    const diff = await tf.sub(d, q).data();
    for (const v of diff) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThan(1 / 8); }
    const back = await postprocessImages(preprocessImages(x, 8, random)).data();
    const xv = await x.data();
    for (let i = 0; i < xv.length; i++) expect(Math.abs(back[i] - xv[i])).toBeLessThan(1 / 256 + 1e-6);
  });

  it('bits/dim: the uniform density on [-1/2,1/2]^D (log p = 0) scores exactly nBits; closed form otherwise', async () => {
    const D = 48;
    expect((await bitsPerDimension(tf.zeros([2]), D, 5).data())[0]).toBeCloseTo(5, 5);
    const logp = -37.5;
    const expected = -(logp - D * Math.log(2 ** 8)) / (D * Math.log(2));
    expect((await bitsPerDimension(tf.tensor1d([logp]), D, 8).data())[0]).toBeCloseTo(expected, 4);
  });
});
