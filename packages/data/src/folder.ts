/**
 * A labelled folder tree — FaceScrub or any user data: `<root>/<label>/<image>`, every image
 * format sharp decodes (JPEG, PNG, WebP, TIFF, GIF, AVIF, SVG; `image-formats.ts`). Labels are
 * the sub-directory names sorted; images in each sorted by name. Symlinked label folders and
 * files are followed. Images are center-cropped to a square (default) and resized to `size`
 * (default 64).
 *
 * Nothing is dropped quietly: a file that is not an image sharp reads (notes.txt, .DS_Store)
 * or a broken symlink is skipped and named, with the reason, in `onSkip` (default a warning)
 * and in the dataset's `skipped`; an image that fails to decode is an error naming it.
 * `limit` keeps that many images, taken from the labels in turn so every class stays.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageFiles } from './image-files';
import { decodableImageExtensions, isDecodableImage } from './image-formats';
import type { ImageDataset } from './types';

export interface FolderOptions {
  /** Output side (default 64). */
  size?: number;
  /** Center crop: a side in pixels, 'square' (default) or 'none'. */
  crop?: number | 'square' | 'none';
  channels?: 1 | 3;
  /** Keep at most this many images per label (the first by name). */
  perLabel?: number;
  /** Keep at most this many images in all, taken from each label in turn. */
  limit?: number;
  name?: string;
  /** Told which files were skipped and why (default: one console.warn listing them). */
  onSkip?: (skipped: SkippedFile[]) => void;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

type Kind = 'file' | 'directory' | 'other' | 'broken-link';

/** What `path` is, following symlinks (a dangling one is 'broken-link'). */
async function kindOf(path: string): Promise<Kind> {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'broken-link';
    throw new Error(`${path}: cannot read: ${(error as Error).message}`);
  }
}

async function entriesOf(dir: string, what: string): Promise<{ name: string; kind: Kind }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`${dir}: cannot read the ${what}: ${(error as Error).message}`);
  }
  return Promise.all(names.sort().map(async (name) => ({ name, kind: await kindOf(join(dir, name)) })));
}

/** `count` rows taken from each label's list in turn: every label keeps some images. */
function takeInTurn(perLabel: string[][], count: number): { path: string; label: number }[] {
  const taken: { path: string; label: number }[] = [];
  for (let round = 0; taken.length < count; round++) {
    let any = false;
    for (let l = 0; l < perLabel.length && taken.length < count; l++) {
      if (round < perLabel[l].length) {
        taken.push({ path: perLabel[l][round], label: l });
        any = true;
      }
    }
    if (!any) break;
  }
  // Label order, then name order, as an unlimited load gives them.
  return taken.sort((a, b) => a.label - b.label || (a.path < b.path ? -1 : 1));
}

export async function loadImageFolder(root: string, options: FolderOptions = {}): Promise<ImageDataset> {
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) throw new Error(`loadImageFolder: limit must be a positive integer, got ${options.limit}`);
  const expected = `expected <root>/<label>/<images>`;
  const top = await entriesOf(root, `image folder (${expected})`);
  const skipped: SkippedFile[] = top.filter((e) => e.kind !== 'directory').map((e) => ({ path: join(root, e.name), reason: e.kind === 'broken-link' ? 'a broken symlink' : 'not a label directory (images go in <root>/<label>/)' }));
  const labelNames = top.filter((e) => e.kind === 'directory').map((e) => e.name);
  if (labelNames.length === 0) throw new Error(`${root}: no label sub-directories (${expected})`);
  const perLabel: string[][] = [];
  for (const label of labelNames) {
    const dir = join(root, label);
    let files: string[] = [];
    for (const entry of await entriesOf(dir, `label directory '${label}'`)) {
      const path = join(dir, entry.name);
      if (entry.kind === 'file' && isDecodableImage(entry.name)) files.push(path);
      else skipped.push({ path, reason: entry.kind === 'broken-link' ? 'a broken symlink' : entry.kind === 'directory' ? 'a directory inside a label directory (labels are one level deep)' : entry.kind === 'other' ? 'not a regular file' : 'not an image format sharp decodes' });
    }
    if (files.length === 0) throw new Error(`${dir}: label '${label}' has no images (formats read: ${[...decodableImageExtensions()].join(' ')})`);
    if (options.perLabel !== undefined) files = files.slice(0, options.perLabel);
    perLabel.push(files);
  }
  if (skipped.length > 0) {
    (options.onSkip ?? ((list) => console.warn(`${root}: skipped ${list.length} file(s):\n${list.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`)))(skipped);
  }
  const available = perLabel.reduce((n, files) => n + files.length, 0);
  const rows = takeInTurn(perLabel, options.limit ?? available);
  const channels = options.channels ?? 3;
  const { images, height, width } = await decodeImageFiles(rows.map((r) => r.path), { channels, crop: options.crop ?? 'square', size: options.size ?? 64 });
  return {
    name: options.name ?? 'folder',
    count: rows.length,
    height,
    width,
    channels,
    images,
    labels: Int32Array.from(rows, (r) => r.label),
    labelNames,
    source: root,
    available,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}
