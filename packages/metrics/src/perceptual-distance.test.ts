import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { generateDataset, PROCEDURAL_GENERATORS } from '@disentangle/data';
import { EvaluationClassifier } from './evaluation-classifier';
import { meanPerceptualDistance, perceptualDistance } from './perceptual-distance';

let network: EvaluationClassifier;
let images: tf.Tensor4D;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  // An untrained judge: the properties tested here hold for any weights.
  network = new EvaluationClassifier({ dataset: 'faces', imageSize: 32, channels: 3, task: 'attributes', attributeNames: ['a'], seed: 3 });
  const faces = generateDataset(PROCEDURAL_GENERATORS.faces, { count: 8, size: 32, seed: 5 });
  images = tf.tensor4d(faces.images, [8, 32, 32, 3]);
});

afterAll(() => {
  network.dispose();
  images.dispose();
});

/** x + level·noise, clipped to [0, 1]. */
function corrupt(x: tf.Tensor4D, level: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(new SeededRandom(seed).normal(x.shape), level)), 0, 1) as tf.Tensor4D);
}

describe('perceptualDistance', () => {
  it('is 0 between an image and itself, and symmetric', async () => {
    const same = await perceptualDistance(network, images, images).data();
    for (const v of same) expect(Math.abs(v)).toBeLessThan(1e-6);
    const other = tf.reverse(images, 0) as tf.Tensor4D;
    const ab = await perceptualDistance(network, images, other).data();
    const ba = await perceptualDistance(network, other, images).data();
    for (let i = 0; i < ab.length; i++) {
      expect(ab[i]).toBeGreaterThan(0);
      expect(ab[i]).toBeLessThanOrEqual(2);
      expect(Math.abs(ab[i] - ba[i])).toBeLessThan(1e-5);
    }
    other.dispose();
  });

  it('grows with the corruption level', async () => {
    const values: number[] = [];
    for (const level of [0.02, 0.05, 0.1, 0.2, 0.4]) {
      const y = corrupt(images, level, 11);
      values.push((await meanPerceptualDistance(network, images, y)).value);
      y.dispose();
    }
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    const result = await meanPerceptualDistance(network, images, images, 3);
    expect(result).toEqual({ value: expect.closeTo(0, 6), n: 8, featureNetwork: network.name });
  });

  it('rejects mismatched shapes and leaks nothing', async () => {
    const half = tf.slice(images, 0, 4);
    expect(() => perceptualDistance(network, images, half)).toThrow(/same shape/);
    await expectNoLeak(() => perceptualDistance(network, images, images), 'perceptualDistance');
    half.dispose();
  });
});
