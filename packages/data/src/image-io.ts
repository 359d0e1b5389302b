/**
 * Image IO with sharp: decode PNG/JPEG (any format libvips reads) to Float32 HWC in [0,1]
 * with the center crop and resize the papers used, encode PNG, and write labelled image grids
 * (sample, swap and traversal figures) atomically.
 *
 * Grid labels are rendered as an SVG overlay rasterised by librsvg (inside sharp); where no
 * system font is found (`svgTextAvailable()` is false) a built-in 5×8 bitmap font draws them
 * instead, in capitals.
 */
import sharp from 'sharp';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@disentangle/kernels';
import { BITMAP_FONT_ADVANCE, BITMAP_FONT_HEIGHT, drawBitmapText } from './bitmap-font';

/** One image, HWC floats in [0,1]. */
export interface ImageArray {
  data: Float32Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** A batch of images, NHWC floats in [0,1] (an ImageDataset's {images, count, ...} fits via `datasetBatch`). */
export interface ImageBatch {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface DecodeOptions {
  /** Output channels: 3 (RGB, default) or 1 (luminance). Alpha is flattened onto white. */
  channels?: 1 | 3;
  /**
   * Center crop before resizing: a side in pixels (square crop, e.g. CelebA's 148), 'square'
   * (the largest centred square) or 'none' (default).
   */
  crop?: number | 'square' | 'none';
  /** Resize to size×size after the crop (needs a square image after the crop). Default: keep. */
  size?: number;
  /** Name used in error messages (the file path). */
  source?: string;
}

/** The crop rectangle and output size of `options` on a width×height image, or a clear error. */
export function planCropResize(
  width: number,
  height: number,
  options: DecodeOptions,
): { left: number; top: number; cropWidth: number; cropHeight: number; outWidth: number; outHeight: number } {
  const where = options.source ?? 'image';
  const crop = options.crop ?? 'none';
  let cropWidth = width;
  let cropHeight = height;
  if (crop === 'square') cropWidth = cropHeight = Math.min(width, height);
  else if (typeof crop === 'number') {
    if (!Number.isInteger(crop) || crop <= 0) throw new Error(`${where}: crop must be a positive integer, 'square' or 'none', got ${crop}`);
    if (crop > width || crop > height) throw new Error(`${where}: unsupported image size ${width}×${height}: smaller than the ${crop}×${crop} center crop`);
    cropWidth = cropHeight = crop;
  } else if (crop !== 'none') throw new Error(`${where}: crop must be a positive integer, 'square' or 'none', got ${String(crop)}`);
  const left = Math.floor((width - cropWidth) / 2);
  const top = Math.floor((height - cropHeight) / 2);
  let outWidth = cropWidth;
  let outHeight = cropHeight;
  if (options.size !== undefined) {
    if (!Number.isInteger(options.size) || options.size <= 0) throw new Error(`${where}: size must be a positive integer, got ${options.size}`);
    if (cropWidth !== cropHeight) {
      throw new Error(`${where}: unsupported image size ${width}×${height}: not square after the crop (${cropWidth}×${cropHeight}); use crop 'square' or a crop side`);
    }
    outWidth = outHeight = options.size;
  }
  return { left, top, cropWidth, cropHeight, outWidth, outHeight };
}

/** Decodes image bytes (PNG, JPEG, …) to HWC floats in [0,1], center-cropped and resized per `options`. */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ImageArray> {
  const where = options.source ?? 'image';
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new Error(`${where}: channels must be 1 or 3, got ${String(channels)}`);
  try {
    const input = sharp(bytes, { failOn: 'truncated' });
    const meta = await input.metadata();
    if (!meta.width || !meta.height) throw new Error('no image dimensions');
    const plan = planCropResize(meta.width, meta.height, options);
    let pipeline = input.flatten({ background: '#ffffff' });
    if (plan.cropWidth !== meta.width || plan.cropHeight !== meta.height) {
      pipeline = pipeline.extract({ left: plan.left, top: plan.top, width: plan.cropWidth, height: plan.cropHeight });
    }
    if (plan.outWidth !== plan.cropWidth || plan.outHeight !== plan.cropHeight) pipeline = pipeline.resize(plan.outWidth, plan.outHeight, { fit: 'fill' });
    pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== plan.outWidth || info.height !== plan.outHeight) {
      throw new Error(`decoded ${info.width}×${info.height}×${info.channels}, expected ${plan.outWidth}×${plan.outHeight}×${channels}`);
    }
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
    return { data: out, height: info.height, width: info.width, channels };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(where)) throw error;
    throw new Error(`${where}: cannot decode image: ${message}`);
  }
}

/** Reads and decodes an image file; errors name the file. */
export async function readImageFile(path: string, options: Omit<DecodeOptions, 'source'> = {}): Promise<ImageArray> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read image: ${(error as Error).message}`);
  }
  return decodeImage(bytes, { ...options, source: path });
}

const toByte = (v: number) => (v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0);

/** PNG bytes of one image (HWC floats in [0,1], clipped). */
export async function encodePng(image: ImageArray): Promise<Buffer> {
  const { data, height, width, channels } = image;
  if (data.length !== height * width * channels) throw new Error(`encodePng: data has ${data.length} values, expected ${height}×${width}×${channels}`);
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = toByte(data[i]);
  return sharp(bytes, { raw: { width, height, channels } }).png().toBuffer();
}

/** Writes one image as PNG atomically, creating the directory. */
export async function writePng(path: string, image: ImageArray): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, await encodePng(image));
}

let svgTextCheck: Promise<boolean> | null = null;

/** Whether librsvg finds a font to draw SVG text here (checked once: draws "Hg" and looks for ink). */
export function svgTextAvailable(): Promise<boolean> {
  svgTextCheck ??= (async () => {
    try {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="24"><text x="2" y="18" font-family="sans-serif" font-size="16" fill="#fff">Hg</text></svg>';
      const { data } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let i = 3; i < data.length; i += 4) if (data[i] > 64) return true;
      return false;
    } catch {
      return false;
    }
  })();
  return svgTextCheck;
}

export interface ImageGridOptions {
  columns: number;
  /** Integer upscale per pixel, nearest neighbour (default 2). */
  zoom?: number;
  /** Gap between cells in output pixels (default 2). */
  gap?: number;
  /** One label per row, drawn left of it (at most the number of rows). */
  rowLabels?: string[];
  /** One label per column, drawn above it (at most `columns`); truncated to the cell width. */
  columnLabels?: string[];
  title?: string;
  /** RGB 0–255 of the background (default [40, 40, 48]) and of the text (default [235, 235, 235]). */
  background?: [number, number, number];
  textColor?: [number, number, number];
  /** 'auto' (default): SVG text if a font is found, else the bitmap font. */
  text?: 'auto' | 'svg' | 'bitmap';
}

const FONT_SIZE = 13;
const LINE_HEIGHT = 20;
const SVG_CHAR_WIDTH = 8;
const BITMAP_SCALE = 2;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function truncate(text: string, maxChars: number, ellipsis: string): string {
  if (text.length <= maxChars) return text;
  return maxChars <= 1 ? text.slice(0, Math.max(0, maxChars)) : `${text.slice(0, maxChars - 1)}${ellipsis}`;
}

/** PNG bytes of `images` laid out row by row with optional title, row and column labels. */
export async function encodeImageGrid(images: ImageBatch, options: ImageGridOptions): Promise<Buffer> {
  const { count, height, width, channels, data } = images;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`writeImageGrid: count must be a positive integer, got ${count}`);
  if (channels !== 1 && channels !== 3) throw new Error(`writeImageGrid: channels must be 1 or 3, got ${String(channels)}`);
  if (data.length !== count * height * width * channels) {
    throw new Error(`writeImageGrid: data has ${data.length} values, expected count×height×width×channels = ${count}×${height}×${width}×${channels}`);
  }
  if (!Number.isInteger(options.columns) || options.columns <= 0) throw new Error(`writeImageGrid: columns must be a positive integer, got ${options.columns}`);
  const zoom = options.zoom ?? 2;
  if (!Number.isInteger(zoom) || zoom <= 0) throw new Error(`writeImageGrid: zoom must be a positive integer, got ${zoom}`);
  const gap = options.gap ?? 2;
  const columns = options.columns;
  const rows = Math.ceil(count / columns);
  if (options.rowLabels && options.rowLabels.length > rows) throw new Error(`writeImageGrid: rowLabels has ${options.rowLabels.length} labels for ${rows} rows`);
  if (options.columnLabels && options.columnLabels.length > columns) {
    throw new Error(`writeImageGrid: columnLabels has ${options.columnLabels.length} labels for ${columns} columns`);
  }

  const mode = options.text === 'svg' || options.text === 'bitmap' ? options.text : (await svgTextAvailable()) ? 'svg' : 'bitmap';
  const bitmap = mode === 'bitmap';
  const charWidth = bitmap ? BITMAP_FONT_ADVANCE * BITMAP_SCALE : SVG_CHAR_WIDTH;
  const prepare = (text: string) => (bitmap ? text.toUpperCase() : text);
  const cellW = width * zoom;
  const cellH = height * zoom;
  const ellipsis = bitmap ? '.' : '…';
  const rowLabels = (options.rowLabels ?? []).map((l) => prepare(truncate(l, 40, ellipsis)));
  const columnLabels = (options.columnLabels ?? []).map((l) => prepare(truncate(l, Math.max(1, Math.floor((cellW + gap) / charWidth) - 1), ellipsis)));
  const title = options.title ? prepare(options.title) : '';
  const rowLabelWidth = options.rowLabels?.length ? Math.max(...rowLabels.map((l) => l.length)) * charWidth + 8 : 0;
  const titleHeight = title ? LINE_HEIGHT + gap : 0;
  const columnLabelHeight = options.columnLabels?.length ? LINE_HEIGHT : 0;
  const gridLeft = rowLabelWidth;
  const gridTop = titleHeight + columnLabelHeight;
  const gridW = columns * cellW + (columns + 1) * gap;
  const outW = Math.max(gridLeft + gridW, title ? title.length * charWidth + 2 * gap + 8 : 0);
  const outH = gridTop + rows * cellH + (rows + 1) * gap;

  const rgb = new Uint8Array(outW * outH * 3);
  const [br, bg, bb] = options.background ?? [40, 40, 48];
  for (let i = 0; i < outW * outH; i++) {
    rgb[3 * i] = br;
    rgb[3 * i + 1] = bg;
    rgb[3 * i + 2] = bb;
  }
  const cellLeft = (n: number) => gridLeft + gap + (n % columns) * (cellW + gap);
  const cellTop = (n: number) => gridTop + gap + Math.floor(n / columns) * (cellH + gap);
  for (let n = 0; n < count; n++) {
    const x0 = cellLeft(n);
    const y0 = cellTop(n);
    for (let y = 0; y < cellH; y++) {
      const srcRow = (n * height + Math.floor(y / zoom)) * width;
      for (let x = 0; x < cellW; x++) {
        const src = (srcRow + Math.floor(x / zoom)) * channels;
        const dst = 3 * ((y0 + y) * outW + x0 + x);
        const r = toByte(data[src]);
        rgb[dst] = r;
        rgb[dst + 1] = channels === 3 ? toByte(data[src + 1]) : r;
        rgb[dst + 2] = channels === 3 ? toByte(data[src + 2]) : r;
      }
    }
  }

  const color = options.textColor ?? [235, 235, 235];
  // Each label: text, anchor point x, the top of its line, and its horizontal alignment.
  const labels: { text: string; x: number; top: number; anchor: 'start' | 'middle' | 'end' }[] = [];
  if (title) labels.push({ text: title, x: gap + 4, top: 0, anchor: 'start' });
  columnLabels.forEach((text, c) => labels.push({ text, x: cellLeft(c) + cellW / 2, top: titleHeight, anchor: 'middle' }));
  rowLabels.forEach((text, r) => labels.push({ text, x: rowLabelWidth - 4, top: cellTop(r * columns) + cellH / 2 - LINE_HEIGHT / 2, anchor: 'end' }));

  const raw = { raw: { width: outW, height: outH, channels: 3 as const } };
  if (labels.length === 0) return sharp(Buffer.from(rgb.buffer), raw).png().toBuffer();
  if (bitmap) {
    for (const label of labels) {
      const textWidth = label.text.length * BITMAP_FONT_ADVANCE * BITMAP_SCALE - BITMAP_SCALE;
      const x = label.anchor === 'start' ? label.x : label.anchor === 'middle' ? label.x - textWidth / 2 : label.x - textWidth;
      const y = label.top + (LINE_HEIGHT - BITMAP_FONT_HEIGHT * BITMAP_SCALE) / 2;
      drawBitmapText(rgb, outW, outH, label.text, Math.round(x), Math.round(y), BITMAP_SCALE, color);
    }
    return sharp(Buffer.from(rgb.buffer), raw).png().toBuffer();
  }
  const fill = `rgb(${color[0]},${color[1]},${color[2]})`;
  const texts = labels
    .map((l) => `<text x="${l.x}" y="${l.top + LINE_HEIGHT / 2}" dominant-baseline="central" text-anchor="${l.anchor}">${escapeXml(l.text)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}"><g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${FONT_SIZE}" fill="${fill}">${texts}</g></svg>`;
  return sharp(Buffer.from(rgb.buffer), raw)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** Writes a labelled grid PNG atomically (temp file + rename), creating the directory. */
export async function writeImageGrid(path: string, images: ImageBatch, options: ImageGridOptions): Promise<void> {
  const png = await encodeImageGrid(images, options);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, png);
}
