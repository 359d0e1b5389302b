/**
 * A fuzz pass over the loaders (issue 15): truncated, bit-flipped and oversized files, wrong
 * dtypes and hostile paths, drawn from a seeded stream. Every case either loads a dataset of
 * the promised shape or fails with an Error that names the file; none crashes (a TypeError or
 * RangeError from deep inside), hangs, or reads outside the dataset's directory.
 */
import { SeededRandom } from '@disentangle/kernels';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadCeleba } from './celeba';
import { loadImageFolder } from './folder';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadIdxDataset } from './idx';
import type { ImageDataset } from './types';

const CASES = 40;

type Mutation = { name: string; apply: (bytes: Buffer) => Buffer };

/** Truncations, bit flips (header and body), appended bytes, and all zeros. */
function mutations(random: SeededRandom, headerBytes: number): Mutation[] {
  const int = (n: number) => Math.floor(random.uniformNumber() * n);
  return Array.from({ length: CASES }, (_, i): Mutation => {
    switch (i % 5) {
      case 0: { const at = int(200); return { name: `truncated to ${at} bytes`, apply: (b) => b.subarray(0, Math.min(at, b.length - 1)) }; }
      case 1: { const at = int(headerBytes); const bit = int(8); return { name: `header bit ${bit} of byte ${at} flipped`, apply: (b) => flip(b, at, bit) }; }
      case 2: { const r = random.uniformNumber(); const bit = int(8); return { name: `body bit flipped at ${r.toFixed(3)}`, apply: (b) => flip(b, headerBytes + Math.floor(r * (b.length - headerBytes)), bit) }; }
      case 3: { const extra = 1 + int(5000); return { name: `${extra} bytes appended`, apply: (b) => Buffer.concat([b, Buffer.alloc(extra, 7)]) }; }
      default: return { name: 'all zeros', apply: (b) => Buffer.alloc(b.length) };
    }
  });
}

function flip(bytes: Buffer, at: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 1 << bit;
  return copy;
}

/** Runs `load`; a failure must be an Error naming `file` (a plain Error, not a crash deep inside). */
async function expectLoadedOrNamed(load: () => Promise<ImageDataset>, file: string, check: (ds: ImageDataset) => void, label: string): Promise<'loaded' | 'refused'> {
  let dataset: ImageDataset;
  try {
    dataset = await load();
  } catch (error) {
    expect(error, label).toBeInstanceOf(Error);
    expect((error as Error).constructor.name, `${label}: ${(error as Error).stack}`).toBe('Error');
    expect((error as Error).message, label).toContain(file);
    return 'refused';
  }
  check(dataset);
  return 'loaded';
}

function idxImages(count: number, side: number, random: SeededRandom): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32BE(IDX_IMAGES_MAGIC, 0);
  header.writeInt32BE(count, 4);
  header.writeInt32BE(side, 8);
  header.writeInt32BE(side, 12);
  return Buffer.concat([header, Buffer.from(Array.from({ length: count * side * side }, () => Math.floor(random.uniformNumber() * 256)))]);
}

function idxLabels(count: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(IDX_LABELS_MAGIC, 0);
  header.writeInt32BE(count, 4);
  return Buffer.concat([header, Buffer.from(Array.from({ length: count }, (_, i) => i % 10))]);
}

describe('fuzzing the loaders', () => {
  it(`IDX: ${CASES} mutated image files and ${CASES} mutated label files, gzipped or not`, async () => {
    const random = new SeededRandom(151);
    const images = idxImages(6, 5, random);
    const labels = idxLabels(6);
    const outcomes = { loaded: 0, refused: 0 };
    for (const [kind, original, header] of [['images', images, 16], ['labels', labels, 8]] as const) {
      for (const [i, mutation] of mutations(random, header).entries()) {
        const dir = await mkdtemp(join(os.tmpdir(), 'fuzz-idx-'));
        const gz = i % 2 === 1;
        const name = (what: string) => `t10k-${what}-ubyte${gz ? '.gz' : ''}`;
        const write = (what: string, bytes: Buffer) => writeFile(join(dir, name(what)), gz ? gzipSync(bytes) : bytes);
        await write('images-idx3', kind === 'images' ? mutation.apply(original) : images);
        await write('labels-idx1', kind === 'labels' ? mutation.apply(original) : labels);
        const file = join(dir, name(kind === 'images' ? 'images-idx3' : 'labels-idx1'));
        outcomes[await expectLoadedOrNamed(() => loadIdxDataset(dir, { split: 'test' }), kind === 'images' || !gz ? dir : file, (ds) => {
          expect(ds.count * ds.height * ds.width).toBe(ds.images.length);
          expect(ds.labels!.length).toBe(ds.count);
        }, `${kind} ${mutation.name}${gz ? ' (gzipped)' : ''}`)]++;
      }
    }
    // A gzipped file whose bytes were cut or flipped after compression: named too.
    const dir = await mkdtemp(join(os.tmpdir(), 'fuzz-idx-gz-'));
    const packed = gzipSync(images);
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), packed.subarray(0, packed.length - 9));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels);
    await expect(loadIdxDataset(dir, { split: 'test' })).rejects.toThrow(`${join(dir, 't10k-images-idx3-ubyte.gz')}: corrupt or truncated gzip`);
    expect(outcomes.refused).toBeGreaterThan(CASES); // most mutations are caught; body flips in pixels load as other pixels
  });

  it(`CelebA: ${CASES} mutated attribute files and hostile image names`, async () => {
    const random = new SeededRandom(152);
    const dir = await mkdtemp(join(os.tmpdir(), 'fuzz-celeba-'));
    await mkdir(join(dir, 'img_align_celeba'));
    const jpeg = await sharp({ create: { width: 178, height: 218, channels: 3, background: '#705030' } }).jpeg().toBuffer();
    for (const f of ['000001.jpg', '000002.jpg', '000003.jpg']) await writeFile(join(dir, 'img_align_celeba', f), jpeg);
    const attr = Buffer.from('3\nEyeglasses Male\n000001.jpg -1  1\n000002.jpg  1 -1\n000003.jpg  1  1\n');
    const attrPath = join(dir, 'list_attr_celeba.txt');
    for (const mutation of mutations(random, 20)) {
      await writeFile(attrPath, mutation.apply(attr));
      await expectLoadedOrNamed(() => loadCeleba(dir, { size: 8 }), dir, (ds) => expect(ds.attributes!.length).toBe(ds.count * ds.attributeNames!.length), mutation.name);
    }
    const secret = join(os.tmpdir(), `fuzz-secret-${process.pid}.jpg`);
    await writeFile(secret, jpeg);
    for (const hostile of [`../../${secret.split('/').slice(-1)[0]}`, secret, '..', 'img/../../x.jpg']) {
      await writeFile(attrPath, `1\nEyeglasses\n${hostile} 1\n`);
      await expect(loadCeleba(dir, { size: 8 })).rejects.toThrow(`${attrPath}:3: image name '${hostile}' is not a plain file name inside img_align_celeba/`);
    }
  });

  it(`image folder: ${CASES} mutated PNG and JPEG files`, async () => {
    const random = new SeededRandom(153);
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#406080' } }).png().toBuffer();
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#406080' } }).jpeg().toBuffer();
    const outcomes = { loaded: 0, refused: 0 };
    for (const [i, mutation] of mutations(random, 40).entries()) {
      const root = await mkdtemp(join(os.tmpdir(), 'fuzz-folder-'));
      await mkdir(join(root, 'a'));
      const [name, bytes] = i % 2 ? ['bad.png', png] : ['bad.jpg', jpeg];
      await writeFile(join(root, 'a', 'good.png'), png);
      await writeFile(join(root, 'a', name), mutation.apply(bytes));
      outcomes[await expectLoadedOrNamed(() => loadImageFolder(root, { size: 8 }), join(root, 'a', name), (ds) => expect(ds.count).toBe(2), `${name} ${mutation.name}`)]++;
    }
    // Truncations, zeros and header flips are refused; a flipped bit in JPEG data may decode as other pixels.
    expect(outcomes.refused).toBeGreaterThanOrEqual(CASES / 2);
  });
});
