/**
 * Writes image grids as PNG (pngjs, pure JS): the demo's reconstructions and samples.
 * Images are NHWC floats in [0,1] with 1 or 3 channels; each cell is scaled up by an
 * integer factor (nearest) so 32×32 images are large enough to look at.
 */
import { PNG } from 'pngjs';
import { writeFileAtomic } from '@disentangle/kernels';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ImageBatch {
  /** [count, height, width, channels] values in [0,1]. */
  data: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface GridOptions {
  columns: number;
  /** Integer upscale factor per pixel (default 2). */
  zoom?: number;
  /** Gap between cells in output pixels (default 2), drawn in `background`. */
  gap?: number;
  background?: [number, number, number];
}

/** Lays `images` out row by row and returns PNG bytes. */
export function encodeGridPng(images: ImageBatch, options: GridOptions): Buffer {
  const { count, height, width, channels, data } = images;
  if (data.length !== count * height * width * channels) {
    throw new Error(`encodeGridPng: data has ${data.length} values, expected ${count}×${height}×${width}×${channels}`);
  }
  const zoom = options.zoom ?? 2;
  const gap = options.gap ?? 2;
  const columns = Math.max(1, Math.min(options.columns, count));
  const rows = Math.ceil(count / columns);
  const cellW = width * zoom;
  const cellH = height * zoom;
  const outW = columns * cellW + (columns + 1) * gap;
  const outH = rows * cellH + (rows + 1) * gap;
  const png = new PNG({ width: outW, height: outH });
  const [br, bg, bb] = options.background ?? [40, 40, 48];
  for (let i = 0; i < outW * outH; i++) {
    png.data[4 * i] = br;
    png.data[4 * i + 1] = bg;
    png.data[4 * i + 2] = bb;
    png.data[4 * i + 3] = 255;
  }
  const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  for (let n = 0; n < count; n++) {
    const x0 = gap + (n % columns) * (cellW + gap);
    const y0 = gap + Math.floor(n / columns) * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = ((n * height + Math.floor(y / zoom)) * width + Math.floor(x / zoom)) * channels;
        const dst = 4 * ((y0 + y) * outW + x0 + x);
        const r = data[src];
        png.data[dst] = toByte(r);
        png.data[dst + 1] = toByte(channels === 3 ? data[src + 1] : r);
        png.data[dst + 2] = toByte(channels === 3 ? data[src + 2] : r);
      }
    }
  }
  return PNG.sync.write(png);
}

export async function writeGridPng(path: string, images: ImageBatch, options: GridOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, encodeGridPng(images, options));
}
