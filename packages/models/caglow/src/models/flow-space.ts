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

/** Per label k, the mean code of the rows with it on and off (Glow + pre-store's stored features). */
export function meanCodesByLabel(codes: Float32Array, labels: Float32Array, width: number, labelCount: number): { presentMean: number[][]; absentMean: number[][] } {
  const n = codes.length / width;
  if (labels.length !== n * labelCount) throw new Error(`meanCodesByLabel: ${n} codes but ${labels.length / labelCount} label rows`);
  const presentMean: number[][] = [];
  const absentMean: number[][] = [];
  for (let k = 0; k < labelCount; k++) {
    const sums = [new Float64Array(width), new Float64Array(width)];
    const counts = [0, 0];
    for (let r = 0; r < n; r++) {
      const side = labels[r * labelCount + k] > 0.5 ? 0 : 1;
      counts[side]++;
      for (let d = 0; d < width; d++) sums[side][d] += codes[r * width + d];
    }
    if (counts[0] === 0) throw new Error(`meanCodesByLabel: no reference example has label ${k} on; pre-storing its feature needs some`);
    presentMean.push(Array.from(sums[0], (s) => s / counts[0]));
    absentMean.push(Array.from(sums[1], (s) => (counts[1] ? s / counts[1] : NaN)));
  }
  return { presentMean, absentMean };
}
