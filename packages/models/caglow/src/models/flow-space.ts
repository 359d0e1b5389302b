/**
 * Images in [0, 1] to the flow's space and back (Glow's preprocessing, @disentangle/flows):
 * training draws dequantised x̃ = x_q + u/B (u ~ U[0,1)) so log p(x̃) bounds the discrete
 * likelihood; deterministic uses (encode, reconstruct) take each bin's centre x_q + ½/B.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '@disentangle/kernels';
import { postprocessImages, preprocessImages, quantize } from '@disentangle/flows';

export function toFlowSpace(x: tf.Tensor, nBits: number, random?: SeededRandom): tf.Tensor {
  if (random) return preprocessImages(x, nBits, random);
  return tf.tidy(() => tf.add(quantize(x, nBits), 0.5 / 2 ** nBits));
}

export function fromFlowSpace(x: tf.Tensor): tf.Tensor {
  return postprocessImages(x);
}
