/**
 * Area-averaging (box-filter) resize of HWC float images, in memory. Each output pixel is the
 * mean of the source area it covers, with exact fractional weights where the ratio is not an
 * integer (28 → 16: every output pixel covers 1.75×1.75 source pixels). So the resize is
 * antialiased when shrinking, and every source pixel contributes exactly its area: the mean
 * intensity of an image is preserved (up to float rounding). Used to give the fixed-size real
 * sets (MNIST-style, 28×28) any `size`, and to render procedural sets at divisors of the
 * sizes their generators support. sharp (image-io.ts) works on encoded files, and the
 * bilinear resize of coloured-digits neither antialiases nor preserves ink, hence this module.
 */
import type { ImageDataset } from './types';

/** The source pixels an output pixel covers along one axis, with weights summing to 1. */
interface Taps {
  index: number[];
  weight: number[];
}

/** Per output pixel o of `to`, the overlap of [o·r, (o+1)·r) with each source pixel, over r (r = from / to). */
function axisTaps(from: number, to: number): Taps[] {
  const r = from / to;
  return Array.from({ length: to }, (_, o) => {
    const start = o * r;
    const end = (o + 1) * r;
    const taps: Taps = { index: [], weight: [] };
    for (let j = Math.floor(start); j < Math.min(from, Math.ceil(end)); j++) {
      const overlap = Math.min(end, j + 1) - Math.max(start, j);
      if (overlap > 1e-12) {
        taps.index.push(j);
        taps.weight.push(overlap / r);
      }
    }
    return taps;
  });
}

export interface ResizeAreaShape {
  fromHeight: number;
  fromWidth: number;
  toHeight: number;
  toWidth: number;
  channels: number;
}

/**
 * Resizes `count` HWC images stored one after another in `src` ([count, fromHeight, fromWidth,
 * channels]) to [count, toHeight, toWidth, channels] by area averaging. Same size: a copy.
 */
export function resizeArea(src: Float32Array, shape: ResizeAreaShape, count = 1): Float32Array {
  const { fromHeight, fromWidth, toHeight, toWidth, channels } = shape;
  for (const [field, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`resizeArea: ${field} must be a positive integer, got ${String(v)}`);
  }
  const inPixels = fromHeight * fromWidth * channels;
  if (src.length !== count * inPixels) throw new Error(`resizeArea: ${src.length} values, expected ${count}×${fromHeight}×${fromWidth}×${channels}`);
  const outPixels = toHeight * toWidth * channels;
  const out = new Float32Array(count * outPixels);
  if (fromHeight === toHeight && fromWidth === toWidth) {
    out.set(src);
    return out;
  }
  const rows = axisTaps(fromHeight, toHeight);
  const cols = axisTaps(fromWidth, toWidth);
  const acc = new Float64Array(channels);
  for (let n = 0; n < count; n++) {
    const inBase = n * inPixels;
    let o = n * outPixels;
    for (let oy = 0; oy < toHeight; oy++) {
      const ry = rows[oy];
      for (let ox = 0; ox < toWidth; ox++) {
        const cx = cols[ox];
        acc.fill(0);
        for (let a = 0; a < ry.index.length; a++) {
          const rowBase = inBase + ry.index[a] * fromWidth * channels;
          for (let b = 0; b < cx.index.length; b++) {
            const w = ry.weight[a] * cx.weight[b];
            const p = rowBase + cx.index[b] * channels;
            for (let c = 0; c < channels; c++) acc[c] += w * src[p + c];
          }
        }
        for (let c = 0; c < channels; c++) out[o++] = acc[c];
      }
    }
  }
  return out;
}

/**
 * A dataset whose images are resized to size×size by area averaging; every other field is
 * shared (labels, attributes and factors do not depend on the resolution). Same size: unchanged.
 */
export function resizeDatasetArea(dataset: ImageDataset, size: number): ImageDataset {
  if (dataset.height === size && dataset.width === size) return dataset;
  const images = resizeArea(
    dataset.images,
    { fromHeight: dataset.height, fromWidth: dataset.width, toHeight: size, toWidth: size, channels: dataset.channels },
    dataset.count,
  );
  return { ...dataset, height: size, width: size, images, source: `${dataset.source} (area-resized ${dataset.height}×${dataset.width} → ${size}×${size})` };
}
