/**
 * Loaders never shrink or grow a dataset quietly (issue 15): every real loader honours the
 * same size option `count` (item 1), the folder loader reads every format sharp decodes and
 * follows symlinks, naming what it skips (item 6), a dir given to a procedural set is refused
 * (item 12), a swiss roll too small to standardise names its count (item 13), and each set
 * has default labels for models that need them (item 14).
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DATASETS, loadDataset } from './load-dataset';
import { loadImageFolder, type SkippedFile } from './folder';
import { prepareData } from './prepared-data';

const image = (format: 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif', shade = 90) =>
  sharp({ create: { width: 24, height: 24, channels: 3, background: { r: shade, g: 60, b: 30 } } }).toFormat(format).toBuffer();

/** <root>/{cats,dogs}/ with 13 image files in five formats, a symlinked file and a symlinked label folder, and two non-images. */
async function folderFixture(): Promise<string> {
  const base = await mkdtemp(join(os.tmpdir(), 'folder-formats-'));
  const root = join(base, 'root');
  await mkdir(join(root, 'cats'), { recursive: true });
  await mkdir(join(root, 'dogs'));
  const formats = ['png', 'jpeg', 'webp', 'tiff', 'gif'] as const;
  const ext = { png: 'png', jpeg: 'jpg', webp: 'webp', tiff: 'tif', gif: 'gif' };
  for (const [i, format] of formats.entries()) {
    await writeFile(join(root, 'cats', `c${i}.${ext[format]}`), await image(format, 20 * i));
    await writeFile(join(root, 'dogs', `d${i}.${ext[format]}`), await image(format, 20 * i + 5));
  }
  // A file elsewhere linked in, and a whole label folder that is a symlink.
  const outside = join(base, 'outside');
  await mkdir(join(outside, 'birds'), { recursive: true });
  await writeFile(join(outside, 'extra.png'), await image('png'));
  await symlink(join(outside, 'extra.png'), join(root, 'cats', 'linked.png'));
  await writeFile(join(outside, 'birds', 'b0.png'), await image('png'));
  await writeFile(join(outside, 'birds', 'b1.webp'), await image('webp'));
  await symlink(join(outside, 'birds'), join(root, 'birds'));
  await writeFile(join(root, 'dogs', 'notes.txt'), 'not an image');
  await symlink(join(base, 'gone.png'), join(root, 'dogs', 'dangling.png'));
  return root;
}

describe('the folder loader', () => {
  it('loads every image format sharp decodes and follows symlinks: 13 of 13 images, and names the 2 files it skips', async () => {
    const root = await folderFixture();
    let skipped: SkippedFile[] = [];
    const ds = await loadImageFolder(root, { size: 8, onSkip: (list) => (skipped = list) });
    expect(ds.labelNames).toEqual(['birds', 'cats', 'dogs']);
    expect(ds.count).toBe(13);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(skipped).toEqual([
      { path: join(root, 'dogs', 'dangling.png'), reason: 'a broken symlink' },
      { path: join(root, 'dogs', 'notes.txt'), reason: 'not an image format sharp decodes' },
    ]);
    expect(ds.skipped).toEqual(skipped);
  });

  it('honours count through the registry, taking the labels in turn so every class stays, and records what was there', async () => {
    const root = await folderFixture();
    const ds = await loadDataset('folder', { dir: root, count: 5, size: 8 });
    expect(ds.count).toBe(5);
    expect(new Set(ds.labels)).toEqual(new Set([0, 1, 2]));
    expect(ds.available).toBe(13);
  });
});

describe('every real loader honours count', () => {
  it('celeba loads count images, not the whole attribute file', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'celeba-count-'));
    await mkdir(join(dir, 'img_align_celeba'));
    const jpeg = await sharp({ create: { width: 178, height: 218, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const files = Array.from({ length: 6 }, (_, i) => `00000${i + 1}.jpg`);
    for (const f of files) await writeFile(join(dir, 'img_align_celeba', f), jpeg);
    await writeFile(join(dir, 'list_attr_celeba.txt'), `6\nEyeglasses Male\n${files.map((f, i) => `${f} ${i % 2 ? 1 : -1} 1`).join('\n')}\n`);
    const data = await prepareData({ dataset: 'celeba', dir, count: 4, size: 8 });
    expect([data.dataset.count, data.dataset.available]).toEqual([4, 6]);
  });

  it('3d-chairs loads exactly count images (not a whole number of chairs)', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'chairs-count-'));
    for (const chair of ['a', 'b']) {
      const renders = join(dir, 'rendered_chairs', chair, 'renders');
      await mkdir(renders, { recursive: true });
      for (const [k, t] of [0, 11, 23].entries()) await writeFile(join(renders, `image_00${k + 1}_p020_t${String(t).padStart(3, '0')}_r096.png`), await image('png'));
    }
    expect((await loadDataset('3d-chairs', { dir, count: 2, size: 8 })).count).toBe(2);
  });
});

describe('procedural sets and a dir', () => {
  it('refuses a dir instead of ignoring it, naming the sets that take one', async () => {
    await expect(loadDataset('faces', { dir: '/data/celeba', count: 4, size: 16 })).rejects.toThrow(
      /dataset 'faces' is procedural \(drawn from a seed\) and takes no dir, got '\/data\/celeba'; a dir is for the real sets: .*celeba.*folder.*idx/,
    );
    await expect(prepareData({ dataset: 'swiss-roll', dir: '/tmp', count: 10 })).rejects.toThrow(/'swiss-roll' is procedural/);
  });
});

describe('small and default inputs', () => {
  it('a swiss roll of one point is an error naming the count, not a NaN loss later', async () => {
    await expect(prepareData({ dataset: 'swiss-roll', count: 1 })).rejects.toThrow(/swiss-roll.*count must be an integer > 1, got 1/);
  });

  it('each labelled set names default labels for models that need labels', () => {
    expect(DATASETS.resolve('swiss-roll').defaultLabels).toEqual(['label']);
    expect(DATASETS.resolve('faces').defaultLabels).toEqual(['Eyeglasses']);
    expect(DATASETS.resolve('face-expressions').defaultLabels).toBe('one-hot');
    expect(DATASETS.resolve('mnist').defaultLabels).toBe('one-hot');
    expect(DATASETS.resolve('chairs').defaultLabels).toBe('one-hot');
  });
});
