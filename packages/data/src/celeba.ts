/**
 * CelebA (Liu et al. 2015) in its published layout:
 *   <dir>/img_align_celeba/000001.jpg …          178×218 aligned JPEGs
 *   <dir>/list_attr_celeba.txt                   line 1: count; line 2: the 40 attribute names;
 *                                                then `000001.jpg  -1  1 …` (1 = present, -1 = absent)
 *   <dir>/identity_CelebA.txt     (optional)     `000001.jpg 2880`
 *   <dir>/list_eval_partition.txt (optional)     `000001.jpg 0` (0 train, 1 validation, 2 test)
 * Images are center-cropped to 148×148 (the papers' crop; `crop` changes it, e.g. 128) and
 * resized to 64×64 (or `size`, e.g. 32). The attribute file decides which images load; every
 * row's image must exist and every optional file must cover every loaded image.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageFiles } from './image-files';
import { attributeColumn } from './subset';
import type { ImageDataset } from './types';

export interface CelebaOptions {
  /** Output side (default 64). */
  size?: number;
  /** Center crop side before resizing (default 148). */
  crop?: number;
  /** Only this published partition (needs list_eval_partition.txt); default all. */
  partition?: 'train' | 'validation' | 'test' | 'all';
  /** Load only the first `limit` images (after the partition filter). The full set is 202,599 images: 64×64 floats take 10 GB. */
  limit?: number;
  /** Use this attribute as the class label (labels 0 = without, 1 = with), e.g. 'Eyeglasses'. */
  labelAttribute?: string;
  channels?: 1 | 3;
}

async function readText(path: string, optional: boolean): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path}: cannot read CelebA file: ${(error as Error).message}`);
  }
}

/** Parses `file value` rows into a map, checking each value is an integer. */
function parseFileValueRows(text: string, path: string, field: string): Map<string, number> {
  const map = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.trim().split(/\s+/);
    const value = Number(parts[1]);
    if (parts.length !== 2 || !Number.isInteger(value)) throw new Error(`${path}:${i + 1}: expected '<file> <${field}>', got '${line.trim()}'`);
    map.set(parts[0], value);
  });
  return map;
}

/** Parses list_attr_celeba.txt: file names, attribute names and 0/1 attributes. */
export function parseCelebaAttributes(text: string, path = 'list_attr_celeba.txt'): { files: string[]; names: string[]; values: Uint8Array } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const declared = Number(lines[0]?.trim());
  if (!Number.isInteger(declared) || declared < 0) throw new Error(`${path}:1: expected the image count, got '${lines[0]?.trim() ?? ''}'`);
  const names = (lines[1] ?? '').trim().split(/\s+/).filter(Boolean);
  if (names.length === 0) throw new Error(`${path}:2: expected the attribute names`);
  const rows = lines.slice(2);
  if (rows.length !== declared) throw new Error(`${path}: the count line says ${declared} images but there are ${rows.length} attribute rows`);
  const files: string[] = [];
  const values = new Uint8Array(rows.length * names.length);
  rows.forEach((row, r) => {
    const parts = row.trim().split(/\s+/);
    if (parts.length !== names.length + 1) {
      throw new Error(`${path}:${r + 3}: expected a file name and ${names.length} values, got ${parts.length - 1} values`);
    }
    // A row names a file inside img_align_celeba/: '../x' or '/etc/x' would read outside it.
    if (/[\\/]/.test(parts[0]) || parts[0] === '.' || parts[0] === '..') throw new Error(`${path}:${r + 3}: image name '${parts[0]}' is not a plain file name inside img_align_celeba/`);
    files.push(parts[0]);
    for (let a = 0; a < names.length; a++) {
      const v = parts[a + 1];
      if (v !== '1' && v !== '-1' && v !== '0') throw new Error(`${path}:${r + 3}: attribute '${names[a]}' is '${v}', expected 1 or -1`);
      values[r * names.length + a] = v === '1' ? 1 : 0;
    }
  });
  return { files, names, values };
}

const PARTITIONS = { train: 0, validation: 1, test: 2 } as const;

export async function loadCeleba(dir: string, options: CelebaOptions = {}): Promise<ImageDataset> {
  const size = options.size ?? 64;
  const crop = options.crop ?? 148;
  const channels = options.channels ?? 3;
  const which = options.partition ?? 'all';
  if (which !== 'all' && !(which in PARTITIONS)) throw new Error(`loadCeleba: partition must be train, validation, test or all, got ${String(which)}`);
  const attrPath = join(dir, 'list_attr_celeba.txt');
  const attributes = parseCelebaAttributes((await readText(attrPath, false))!, attrPath);
  const identityPath = join(dir, 'identity_CelebA.txt');
  const partitionPath = join(dir, 'list_eval_partition.txt');
  const identityText = await readText(identityPath, true);
  const partitionText = await readText(partitionPath, true);
  const identityMap = identityText === null ? null : parseFileValueRows(identityText, identityPath, 'identity');
  const partitionMap = partitionText === null ? null : parseFileValueRows(partitionText, partitionPath, 'partition');
  if (which !== 'all' && !partitionMap) throw new Error(`${partitionPath}: missing, needed for partition '${which}'`);

  let rows = attributes.files.map((_, r) => r);
  const lookup = (map: Map<string, number>, file: string, path: string) => {
    const value = map.get(file);
    if (value === undefined) throw new Error(`${path}: no row for ${file} (listed in ${attrPath})`);
    return value;
  };
  if (which !== 'all') rows = rows.filter((r) => lookup(partitionMap!, attributes.files[r], partitionPath) === PARTITIONS[which]);
  const available = rows.length;
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit <= 0) throw new Error(`loadCeleba: limit must be a positive integer, got ${options.limit}`);
    rows = rows.slice(0, options.limit);
  }
  if (rows.length === 0) throw new Error(`${attrPath}: no images to load${which !== 'all' ? ` in partition '${which}'` : ''}`);

  const files = rows.map((r) => attributes.files[r]);
  const { images, height, width } = await decodeImageFiles(
    files.map((f) => join(dir, 'img_align_celeba', f)),
    { channels, crop, size },
  );
  const nAttributes = attributes.names.length;
  const attributeValues = new Uint8Array(rows.length * nAttributes);
  rows.forEach((r, i) => attributeValues.set(attributes.values.subarray(r * nAttributes, (r + 1) * nAttributes), i * nAttributes));
  const dataset: ImageDataset = {
    name: 'celeba',
    count: rows.length,
    height,
    width,
    channels,
    images,
    attributes: attributeValues,
    attributeNames: attributes.names,
    identities: identityMap ? Int32Array.from(files, (f) => lookup(identityMap, f, identityPath)) : undefined,
    partition: partitionMap
      ? Uint8Array.from(files, (f) => {
          const p = lookup(partitionMap, f, partitionPath);
          if (p < 0 || p > 2) throw new Error(`${partitionPath}: partition ${p} for ${f}, expected 0, 1 or 2`);
          return p;
        })
      : undefined,
    source: dir,
    available,
  };
  if (options.labelAttribute !== undefined) {
    const column = attributeColumn(dataset, options.labelAttribute);
    dataset.labels = Int32Array.from({ length: dataset.count }, (_, i) => attributeValues[i * nAttributes + column]);
    dataset.labelNames = [`no ${options.labelAttribute}`, options.labelAttribute];
  }
  return dataset;
}
