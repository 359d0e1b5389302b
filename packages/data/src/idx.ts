/**
 * MNIST-format IDX files (LeCun et al.'s layout, also Fashion-MNIST's), gzipped or not:
 * images: int32 BE magic 2051, count, rows, cols, then count·rows·cols bytes;
 * labels: int32 BE magic 2049, count, then count bytes. Magic numbers, counts and lengths are
 * all checked; a truncated or mislabelled file is an error naming it.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImageDataset } from './types';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The largest IDX file read, unpacked (1 GiB). */
const MAX_IDX_BYTES = 2 ** 30;

async function readMaybeGzipped(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read IDX file: ${(error as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // Bounded, so a gzip bomb is an error, not an exhausted memory (Fashion-MNIST's largest file unpacks to 47 MB).
      return gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (error) {
      throw new Error(`${path}: corrupt or truncated gzip: ${(error as Error).message}`);
    }
  }
  return bytes;
}

/** Parses an IDX image file's bytes: [count, rows, cols] and the pixel bytes. */
export function parseIdxImages(bytes: Uint8Array, source = 'IDX images'): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  if (bytes.length < 16) throw new Error(`${source}: truncated IDX image file (${bytes.length} bytes, header needs 16)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getInt32(0);
  if (magic !== IDX_IMAGES_MAGIC) throw new Error(`${source}: bad IDX image magic number ${magic}, expected ${IDX_IMAGES_MAGIC}`);
  const count = view.getInt32(4);
  const rows = view.getInt32(8);
  const cols = view.getInt32(12);
  if (count < 0 || rows <= 0 || cols <= 0) throw new Error(`${source}: bad IDX image header: count ${count}, rows ${rows}, cols ${cols}`);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw new Error(`${source}: IDX image file has ${bytes.length} bytes, the header (${count}×${rows}×${cols}) needs ${expected}${bytes.length < expected ? ' (truncated)' : ''}`);
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an IDX label file's bytes. */
export function parseIdxLabels(bytes: Uint8Array, source = 'IDX labels'): Uint8Array {
  if (bytes.length < 8) throw new Error(`${source}: truncated IDX label file (${bytes.length} bytes, header needs 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getInt32(0);
  if (magic !== IDX_LABELS_MAGIC) throw new Error(`${source}: bad IDX label magic number ${magic}, expected ${IDX_LABELS_MAGIC}`);
  const count = view.getInt32(4);
  if (bytes.length !== 8 + count) {
    throw new Error(`${source}: IDX label file has ${bytes.length} bytes, the header (${count} labels) needs ${8 + count}${bytes.length < 8 + count ? ' (truncated)' : ''}`);
  }
  return bytes.subarray(8);
}

/** Reads one images + labels pair of IDX files (gzipped or not) and checks they match. */
export async function readIdxPair(imagesPath: string, labelsPath: string): Promise<{ count: number; rows: number; cols: number; pixels: Uint8Array; labels: Uint8Array }> {
  const [imageBytes, labelBytes] = await Promise.all([readMaybeGzipped(imagesPath), readMaybeGzipped(labelsPath)]);
  const images = parseIdxImages(imageBytes, imagesPath);
  const labels = parseIdxLabels(labelBytes, labelsPath);
  if (labels.length !== images.count) throw new Error(`${labelsPath}: ${labels.length} labels for ${images.count} images in ${imagesPath}`);
  return { ...images, labels };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The first existing spelling of an IDX file: `<prefix>-<kind>-ubyte`, `<prefix>-<kind>.ubyte` style variants, gzipped or not. */
async function findIdxFile(dir: string, prefix: string, kind: 'images-idx3' | 'labels-idx1'): Promise<string | null> {
  const [what, idx] = kind.split('-');
  for (const stem of [`${prefix}-${what}-${idx}-ubyte`, `${prefix}-${what}.${idx}-ubyte`]) {
    for (const suffix of ['.gz', '']) {
      const path = join(dir, stem + suffix);
      if (await exists(path)) return path;
    }
  }
  return null;
}

export interface IdxDatasetOptions {
  /** 'train' (60k for MNIST), 'test' (t10k) or 'all' (both, train first; default). */
  split?: 'train' | 'test' | 'all';
  /** Class names (default: the digits 0–9, or Fashion-MNIST's for `loadFashionMnist`). */
  labelNames?: string[];
  /** Keep only the first `limit` examples (after concatenation). */
  limit?: number;
  name?: string;
}

/**
 * Loads MNIST-layout IDX files from `dir`: train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz),
 * t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz). `partition` marks train 0, test 2.
 */
export async function loadIdxDataset(dir: string, options: IdxDatasetOptions = {}): Promise<ImageDataset> {
  const split = options.split ?? 'all';
  if (!['train', 'test', 'all'].includes(split)) throw new Error(`loadIdxDataset: split must be 'train', 'test' or 'all', got ${String(split)}`);
  const prefixes = split === 'all' ? ['train', 't10k'] : split === 'train' ? ['train'] : ['t10k'];
  const parts = [];
  for (const prefix of prefixes) {
    const imagesPath = await findIdxFile(dir, prefix, 'images-idx3');
    const labelsPath = await findIdxFile(dir, prefix, 'labels-idx1');
    if (!imagesPath || !labelsPath) {
      throw new Error(`${join(dir, `${prefix}-${imagesPath ? 'labels-idx1' : 'images-idx3'}-ubyte`)}(.gz): missing IDX file (expected ${prefix}-images-idx3-ubyte and ${prefix}-labels-idx1-ubyte, gzipped or not, in ${dir})`);
    }
    parts.push({ prefix, labelsPath, ...(await readIdxPair(imagesPath, labelsPath)) });
  }
  const { rows, cols } = parts[0];
  for (const part of parts) {
    if (part.rows !== rows || part.cols !== cols) throw new Error(`${dir}: ${part.prefix} images are ${part.rows}×${part.cols}, ${parts[0].prefix} images ${rows}×${cols}`);
  }
  const labelNames = options.labelNames ?? MNIST_CLASSES;
  let total = parts.reduce((n, p) => n + p.count, 0);
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit <= 0) throw new Error(`loadIdxDataset: limit must be a positive integer, got ${options.limit}`);
    total = Math.min(total, options.limit);
  }
  const pixels = rows * cols;
  const images = new Float32Array(total * pixels);
  const labels = new Int32Array(total);
  const partition = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    const n = Math.min(part.count, total - offset);
    for (let i = 0; i < n * pixels; i++) images[offset * pixels + i] = part.pixels[i] / 255;
    for (let i = 0; i < n; i++) {
      const label = part.labels[i];
      if (label >= labelNames.length) throw new Error(`${part.labelsPath}: ${part.prefix} label ${label} at row ${i} is outside 0..${labelNames.length - 1}`);
      labels[offset + i] = label;
      partition[offset + i] = part.prefix === 'train' ? 0 : 2;
    }
    offset += n;
  }
  return {
    name: options.name ?? 'idx',
    count: total,
    height: rows,
    width: cols,
    channels: 1,
    images,
    labels,
    labelNames,
    partition,
    source: dir,
  };
}

/** Fashion-MNIST (Xiao et al. 2017) from Debian's `dataset-fashion-mnist` (or `dir`): 70,000 28×28 images, 10 classes. */
export async function loadFashionMnist(options: IdxDatasetOptions & { dir?: string } = {}): Promise<ImageDataset> {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  if (!(await exists(dir))) {
    throw new Error(`${dir}: Fashion-MNIST not found; install Debian's package (apt-get install dataset-fashion-mnist) or pass the directory of its IDX files`);
  }
  return loadIdxDataset(dir, { labelNames: FASHION_MNIST_CLASSES, name: 'fashion-mnist', ...options });
}
