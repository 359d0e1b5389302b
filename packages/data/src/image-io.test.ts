import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeImageGrid, encodePng, planCropResize, readImageFile, svgTextAvailable, writeImageGrid } from './image-io';

/** An RGB image: `inner` colour in a centred w×h box, `outer` elsewhere. */
function boxImage(width: number, height: number, box: number, inner: number[], outer: number[]): Buffer {
  const data = Buffer.alloc(width * height * 3);
  const left = Math.floor((width - box) / 2);
  const top = Math.floor((height - box) / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x >= left && x < left + box && y >= top && y < top + box ? inner : outer;
      data.set(c, 3 * (y * width + x));
    }
  }
  return data;
}

describe('image IO', () => {
  it('decodes PNG exactly and JPEG closely to HWC floats in [0,1]', async () => {
    const raw = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128]);
    const png = await sharp(raw, { raw: { width: 2, height: 2, channels: 3 } }).png().toBuffer();
    const image = await decodeImage(png);
    expect([image.height, image.width, image.channels]).toEqual([2, 2, 3]);
    expect(image.data).toEqual(Float32Array.from(raw, (v) => v / 255));
    const grey = await decodeImage(png, { channels: 1 });
    expect(grey.data.length).toBe(4);
    expect(grey.data[3]).toBeCloseTo(128 / 255, 2);
    const round = await decodeImage(await encodePng(image));
    expect(round.data).toEqual(image.data);

    const jpeg = await sharp(boxImage(16, 16, 16, [200, 100, 50], [0, 0, 0]), { raw: { width: 16, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const decoded = await decodeImage(jpeg);
    expect(decoded.data[0] * 255).toBeCloseTo(200, -1);
  });

  it('center-crops and resizes like the papers (178×218 → 148 → 64)', async () => {
    const raw = boxImage(178, 218, 148, [255, 0, 0], [0, 0, 255]);
    const png = await sharp(raw, { raw: { width: 178, height: 218, channels: 3 } }).png().toBuffer();
    const image = await decodeImage(png, { crop: 148, size: 64 });
    expect([image.height, image.width]).toEqual([64, 64]);
    let red = 0;
    for (let i = 0; i < 64 * 64; i++) red += image.data[3 * i] > 0.9 && image.data[3 * i + 2] < 0.1 ? 1 : 0;
    expect(red).toBe(64 * 64);
    expect(planCropResize(178, 218, { crop: 'square' })).toMatchObject({ left: 0, top: 20, cropWidth: 178, cropHeight: 178 });
    await expect(decodeImage(png, { crop: 'none', size: 64, source: 'face.png' })).rejects.toThrow(/face.png: unsupported image size 178×218: not square after the crop/);
    await expect(decodeImage(png, { crop: 200, source: 'face.png' })).rejects.toThrow(/smaller than the 200×200 center crop/);
  });

  it('names the file of a corrupt or missing image', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'image-io-'));
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    await writeFile(join(dir, 'broken.jpg'), jpeg.subarray(0, jpeg.length / 2));
    await writeFile(join(dir, 'garbage.png'), 'not an image');
    await expect(readImageFile(join(dir, 'broken.jpg'))).rejects.toThrow(/broken\.jpg: cannot decode image/);
    await expect(readImageFile(join(dir, 'garbage.png'))).rejects.toThrow(/garbage\.png: cannot decode image/);
    await expect(readImageFile(join(dir, 'missing.png'))).rejects.toThrow(/missing\.png: cannot read image/);
  });

  it('writes labelled grids atomically with SVG text or the bitmap font', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'grid-'));
    const count = 6;
    const data = new Float32Array(count * 8 * 8).fill(0.5);
    const batch = { data, count, height: 8, width: 8, channels: 1 as const };
    const options = { columns: 3, zoom: 4, rowLabels: ['smile', 'no smile'], columnLabels: ['a', 'b', 'c'], title: 'samples' };
    const plain = await sharp(await encodeImageGrid(batch, { columns: 3, zoom: 4 })).metadata();
    expect([plain.width, plain.height]).toEqual([3 * 32 + 4 * 2, 2 * 32 + 3 * 2]);
    for (const text of ['bitmap', ...((await svgTextAvailable()) ? ['svg' as const] : [])] as const) {
      const path = join(dir, 'nested', `${text}.png`);
      await writeImageGrid(path, batch, { ...options, text });
      const { data: pixels, info } = await sharp(await readFile(path)).raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBeGreaterThan(plain.width!);
      expect(info.height).toBeGreaterThan(plain.height!);
      // Text pixels are light: some pixel in the label margin is brighter than the background.
      let bright = 0;
      for (let y = 0; y < info.height; y++) for (let x = 0; x < 30; x++) if (pixels[(y * info.width + x) * info.channels] > 150) bright++;
      expect(bright).toBeGreaterThan(10);
    }
    expect((await readdir(join(dir, 'nested'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await expect(encodeImageGrid({ ...batch, count: 7 }, { columns: 3 })).rejects.toThrow(/data has 384 values, expected/);
    await expect(encodeImageGrid(batch, { columns: 3, rowLabels: ['a', 'b', 'c'] })).rejects.toThrow(/rowLabels has 3 labels for 2 rows/);
  });
});
