import type * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@disentangle/kernels';
import { randomTensor } from './layer-checks';

/** Random [features, spatialCode, styleCode] for the SPADE+AdAIN blocks' tests. */
export function blockInputs(seed: number, [n, h, w, c] = [2, 3, 3, 2]) {
  const rng = new SeededRandom(seed);
  return {
    features: randomTensor(rng, [n, h, w, c]),
    spatialCode: randomTensor(rng, [n, 2, 2, 1]),
    styleCode: randomTensor(rng, [n, 3]),
  };
}

/** The blocks' input order, as the gradient checks name them. */
export const BLOCK_INPUT_ORDER = ['features', 'spatialCode', 'styleCode'];

export const blockInputList = (i: ReturnType<typeof blockInputs>): tf.Tensor[] => [i.features, i.spatialCode, i.styleCode];
