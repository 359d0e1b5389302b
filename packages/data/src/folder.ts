/**
 * A labelled folder tree — FaceScrub or any user data: `<root>/<label>/*.{jpg,jpeg,png}`.
 * Labels are the sub-directory names sorted; images in each sorted by name. Images are
 * center-cropped to a square (default) and resized to `size` (default 64).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageFiles } from './image-files';
import type { ImageDataset } from './types';

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;

export interface FolderOptions {
  /** Output side (default 64). */
  size?: number;
  /** Center crop: a side in pixels, 'square' (default) or 'none'. */
  crop?: number | 'square' | 'none';
  channels?: 1 | 3;
  /** Keep at most this many images per label (the first by name). */
  perLabel?: number;
  name?: string;
}

export async function loadImageFolder(root: string, options: FolderOptions = {}): Promise<ImageDataset> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new Error(`${root}: cannot read the image folder (expected <root>/<label>/*.jpg|png): ${(error as Error).message}`);
  }
  const labelNames = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (labelNames.length === 0) throw new Error(`${root}: no label sub-directories (expected <root>/<label>/*.jpg|png)`);
  const paths: string[] = [];
  const labels: number[] = [];
  for (let l = 0; l < labelNames.length; l++) {
    const dir = join(root, labelNames[l]);
    let files = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && IMAGE_EXTENSIONS.test(e.name)).map((e) => e.name).sort();
    if (files.length === 0) throw new Error(`${dir}: label '${labelNames[l]}' has no .jpg/.jpeg/.png images`);
    if (options.perLabel !== undefined) files = files.slice(0, options.perLabel);
    for (const file of files) {
      paths.push(join(dir, file));
      labels.push(l);
    }
  }
  const channels = options.channels ?? 3;
  const { images, height, width } = await decodeImageFiles(paths, { channels, crop: options.crop ?? 'square', size: options.size ?? 64 });
  return {
    name: options.name ?? 'folder',
    count: paths.length,
    height,
    width,
    channels,
    images,
    labels: Int32Array.from(labels),
    labelNames,
    source: root,
  };
}
