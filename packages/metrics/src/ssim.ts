/**
 * Structural similarity (SSIM), Wang, Bovik, Sheikh & Simoncelli, "Image quality assessment:
 * from error visibility to structural similarity", IEEE TIP 13(4), 2004, eq. (13) with the
 * paper's Gaussian weighting (its reference MATLAB code `ssim_index.m`):
 *
 *   μ_x = w ∗ x,  σ_x² = w ∗ x² − μ_x²,  σ_xy = w ∗ (x·y) − μ_x μ_y
 *   SSIM(x, y) = (2 μ_x μ_y + C1)(2 σ_xy + C2) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2))
 *   C1 = (K1 L)², C2 = (K2 L)², K1 = 0.01, K2 = 0.03, L = 1 (images in [0, 1])
 *
 * w is an 11×11 Gaussian window with σ = 1.5 normalised to sum 1, applied with 'valid'
 * borders (only windows fully inside the image, as `filter2(..., 'valid')` does); the SSIM
 * map is averaged over positions, per channel, and the channel means are averaged. Images
 * smaller than the window are an error rather than silently using a smaller window.
 *
 * A reference-free alternative to the learned perceptual distance: it needs no judge and
 * is the same everywhere, but it compares pixels' local statistics, not semantics.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface SsimOptions {
  /** Window side (odd). Default 11. */
  windowSize?: number;
  /** Gaussian σ of the window. Default 1.5. */
  sigma?: number;
  /** Default 0.01. */
  k1?: number;
  /** Default 0.03. */
  k2?: number;
  /** Dynamic range L of the pixel values. Default 1 (images in [0, 1]). */
  dataRange?: number;
}

/** The normalised 1-D Gaussian g_i ∝ exp(−(i − (n−1)/2)² / 2σ²); the 2-D window is g gᵀ. */
export function gaussianWindow1d(size: number, sigma: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new Error(`ssim: windowSize must be a positive odd integer, got ${size}`);
  if (!(sigma > 0)) throw new Error(`ssim: sigma must be > 0, got ${sigma}`);
  const g = new Float64Array(size);
  const centre = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma));
    sum += g[i];
  }
  for (let i = 0; i < size; i++) g[i] /= sum;
  return g;
}

/**
 * SSIM of each image pair: `a`, `b` [N, H, W, C] (or [H, W, C]) in [0, dataRange]; returns
 * [N] (mean over the SSIM map and the channels). SSIM(x, x) = 1.
 */
export function ssim(a: tf.Tensor, b: tf.Tensor, options: SsimOptions = {}): tf.Tensor1D {
  const size = options.windowSize ?? 11;
  const sigma = options.sigma ?? 1.5;
  const range = options.dataRange ?? 1;
  const c1 = ((options.k1 ?? 0.01) * range) ** 2;
  const c2 = ((options.k2 ?? 0.03) * range) ** 2;
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`ssim: images must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  if (a.rank !== 3 && a.rank !== 4) throw new Error(`ssim: expected images [N, H, W, C] or [H, W, C], got rank ${a.rank}`);
  const [h, w, channels] = a.shape.slice(-3);
  if (h < size || w < size) throw new Error(`ssim: images (${h}×${w}) are smaller than the ${size}×${size} window`);
  const g = gaussianWindow1d(size, sigma);
  return tf.tidy(() => {
    const x = tf.cast(a.rank === 3 ? tf.expandDims(a, 0) : a, 'float32') as tf.Tensor4D;
    const y = tf.cast(b.rank === 3 ? tf.expandDims(b, 0) : b, 'float32') as tf.Tensor4D;
    const window = new Float32Array(size * size * channels);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) for (let c = 0; c < channels; c++) window[(i * size + j) * channels + c] = g[i] * g[j];
    const filter = tf.tensor4d(window, [size, size, channels, 1]);
    const blur = (t: tf.Tensor4D) => tf.depthwiseConv2d(t, filter, 1, 'valid');
    const muX = blur(x);
    const muY = blur(y);
    const muXX = tf.square(muX);
    const muYY = tf.square(muY);
    const muXY = tf.mul(muX, muY);
    const sigmaXX = tf.sub(blur(tf.square(x)), muXX);
    const sigmaYY = tf.sub(blur(tf.square(y)), muYY);
    const sigmaXY = tf.sub(blur(tf.mul(x, y)), muXY);
    const numerator = tf.mul(tf.add(tf.mul(muXY, 2), c1), tf.add(tf.mul(sigmaXY, 2), c2));
    const denominator = tf.mul(tf.add(tf.add(muXX, muYY), c1), tf.add(tf.add(sigmaXX, sigmaYY), c2));
    const map = tf.div(numerator, denominator);
    return tf.mean(tf.mean(map, [1, 2]), 1) as tf.Tensor1D;
  });
}
