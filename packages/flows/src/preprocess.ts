/**
 * Data preprocessing and bits per dimension for discrete images (Glow's `preprocess` and
 * objective; Theis et al. 2016 for the dequantisation bound).
 *
 * Images come as floats x ∈ [0, 1]. With n_bits bits there are B = 2^n_bits levels:
 *   quantise:     k = min(⌊x · B⌋, B − 1),   x_q = k / B − ½            ∈ [−½, ½)
 *   dequantise:   x̃ = x_q + u / B,  u ~ U[0, 1)^D                     (uniform noise fills each bin)
 * A density p on x̃ gives the discrete model P(k) = ∫_bin p ≥ … and, by Jensen,
 *   log P(k) ≥ E_u[ log p(x̃) ] − D · log B
 * (the bin has volume B^{−D}). Bits per dimension are then
 *   bpd = −( log p(x̃) − D · log B ) / (D · log 2)
 * — an upper bound on the discrete negative log-likelihood in bits, the number Glow reports.
 * (Glow's code: `objective += -log(n_bins) * D`, `bits_x = -objective / (log 2 · D)`.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '@disentangle/kernels';

function checkBits(fn: string, nBits: number): number {
  if (!Number.isInteger(nBits) || nBits < 1 || nBits > 16) throw new Error(`${fn}: nBits must be an integer in 1..16, got ${nBits}`);
  return 2 ** nBits;
}

/** x ∈ [0,1] → k / 2^nBits − ½ with k = min(⌊x·2^nBits⌋, 2^nBits − 1). */
export function quantize(x: tf.Tensor, nBits: number): tf.Tensor {
  const bins = checkBits('quantize', nBits);
  return tf.tidy(() => tf.sub(tf.div(tf.minimum(tf.floor(tf.mul(tf.clipByValue(x, 0, 1), bins)), bins - 1), bins), 0.5));
}

/** Adds uniform noise u / 2^nBits, u ~ U[0,1), to quantised data (from `random` when given). */
export function dequantize(xq: tf.Tensor, nBits: number, random?: SeededRandom): tf.Tensor {
  const bins = checkBits('dequantize', nBits);
  return tf.tidy(() => {
    const u = random ? random.uniform(xq.shape) : tf.randomUniform(xq.shape);
    return tf.add(xq, tf.div(u, bins));
  });
}

/** quantize then dequantize: what a flow is trained on. */
export function preprocessImages(x: tf.Tensor, nBits: number, random?: SeededRandom): tf.Tensor {
  return tf.tidy(() => dequantize(quantize(x, nBits), nBits, random));
}

/** Model space [−½, ½] back to [0, 1] (clipped), for writing images. */
export function postprocessImages(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.add(x, 0.5), 0, 1));
}

/**
 * bpd = −(log p(x̃) − D · log 2^nBits) / (D · log 2), elementwise over a [batch] tensor of
 * log-densities (nats) of dequantised data with D dimensions each.
 */
export function bitsPerDimension(logDensity: tf.Tensor, dimensions: number, nBits: number): tf.Tensor {
  checkBits('bitsPerDimension', nBits);
  if (!Number.isInteger(dimensions) || dimensions <= 0) throw new Error(`bitsPerDimension: dimensions must be a positive integer, got ${dimensions}`);
  return tf.tidy(() => tf.div(tf.neg(tf.sub(logDensity, dimensions * nBits * Math.LN2)), dimensions * Math.LN2));
}
