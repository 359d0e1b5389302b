import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadCeleba, parseCelebaAttributes } from './celeba';
import { loadChairs, parseChairRenderName } from './chairs';
import { loadImageFolder } from './folder';

const ATTRIBUTES = ['Eyeglasses', 'Male', 'Smiling'];

/** A 178×218 JPEG with a grey level `shade` in the central 148×148 box and black outside. */
async function faceJpeg(shade: number): Promise<Buffer> {
  const inner = await sharp({ create: { width: 148, height: 148, channels: 3, background: { r: shade, g: shade, b: shade } } }).png().toBuffer();
  return sharp({ create: { width: 178, height: 218, channels: 3, background: '#000000' } })
    .composite([{ input: inner, left: 15, top: 35 }])
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function celebaFixture(): Promise<string> {
  const dir = await mkdtemp(join(os.tmpdir(), 'celeba-'));
  await mkdir(join(dir, 'img_align_celeba'));
  const rows = [
    ['000001.jpg', 1, -1, 1],
    ['000002.jpg', -1, 1, 1],
    ['000003.jpg', -1, -1, -1],
    ['000004.jpg', 1, 1, -1],
  ] as const;
  for (let i = 0; i < rows.length; i++) await writeFile(join(dir, 'img_align_celeba', rows[i][0]), await faceJpeg(40 + 60 * i));
  const attr = [String(rows.length), ATTRIBUTES.join(' '), ...rows.map(([f, ...v]) => `${f} ${v.map((x) => String(x).padStart(2)).join(' ')}`)].join('\n');
  await writeFile(join(dir, 'list_attr_celeba.txt'), `${attr}\n`);
  await writeFile(join(dir, 'identity_CelebA.txt'), rows.map(([f], i) => `${f} ${100 + (i % 2)}`).join('\n'));
  await writeFile(join(dir, 'list_eval_partition.txt'), rows.map(([f], i) => `${f} ${[0, 0, 1, 2][i]}`).join('\n'));
  return dir;
}

describe('CelebA loader', () => {
  it('loads the published layout with the center crop and resize', async () => {
    const dir = await celebaFixture();
    const ds = await loadCeleba(dir, { size: 32 });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([4, 32, 32, 3]);
    expect(ds.attributeNames).toEqual(ATTRIBUTES);
    expect(Array.from(ds.attributes!)).toEqual([1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
    expect(Array.from(ds.identities!)).toEqual([100, 101, 100, 101]);
    expect(Array.from(ds.partition!)).toEqual([0, 0, 1, 2]);
    // The crop keeps only the central box: every pixel of image 2 is its shade (160), none black.
    const image = ds.images.subarray(2 * 32 * 32 * 3, 3 * 32 * 32 * 3);
    expect(Math.min(...image) * 255).toBeGreaterThan(150);
    expect(Math.max(...image) * 255).toBeLessThan(170);

    const train = await loadCeleba(dir, { partition: 'train', crop: 128, labelAttribute: 'Eyeglasses' });
    expect([train.count, train.height]).toEqual([2, 64]);
    expect(Array.from(train.labels!)).toEqual([1, 0]);
    expect(train.labelNames).toEqual(['no Eyeglasses', 'Eyeglasses']);
    expect(parseCelebaAttributes('1\nA B\nx.jpg 1 -1\n').values).toEqual(Uint8Array.from([1, 0]));
  });

  it('fails clearly on a broken copy', async () => {
    const attrRowsMismatch = await celebaFixture();
    await writeFile(join(attrRowsMismatch, 'list_attr_celeba.txt'), `5\n${ATTRIBUTES.join(' ')}\n000001.jpg 1 1 1\n`);
    await expect(loadCeleba(attrRowsMismatch)).rejects.toThrow(/list_attr_celeba\.txt: the count line says 5 images but there are 1 attribute rows/);

    const shortRow = await celebaFixture();
    await writeFile(join(shortRow, 'list_attr_celeba.txt'), `1\n${ATTRIBUTES.join(' ')}\n000001.jpg 1 1\n`);
    await expect(loadCeleba(shortRow)).rejects.toThrow(/list_attr_celeba\.txt:3: expected a file name and 3 values, got 2 values/);

    const missingImage = await celebaFixture();
    await rm(join(missingImage, 'img_align_celeba', '000003.jpg'));
    await expect(loadCeleba(missingImage)).rejects.toThrow(/000003\.jpg: cannot read image/);

    const corrupt = await celebaFixture();
    const jpeg = await faceJpeg(100);
    await writeFile(join(corrupt, 'img_align_celeba', '000002.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    await expect(loadCeleba(corrupt)).rejects.toThrow(/000002\.jpg: cannot decode image/);

    const missingAttr = await celebaFixture();
    await rm(join(missingAttr, 'list_attr_celeba.txt'));
    await expect(loadCeleba(missingAttr)).rejects.toThrow(/list_attr_celeba\.txt: cannot read CelebA file/);

    const identityGap = await celebaFixture();
    await writeFile(join(identityGap, 'identity_CelebA.txt'), '000001.jpg 5\n');
    await expect(loadCeleba(identityGap)).rejects.toThrow(/identity_CelebA\.txt: no row for 000002\.jpg/);

    const tooSmall = await celebaFixture();
    await expect(loadCeleba(tooSmall, { crop: 200 })).rejects.toThrow(/000001\.jpg: unsupported image size 178×218: smaller than the 200×200 center crop/);
    await expect(loadCeleba(tooSmall, { labelAttribute: 'Bald' })).rejects.toThrow(/no attribute "Bald"; attributes: Eyeglasses, Male, Smiling/);
  });
});

describe('3D chairs loader', () => {
  async function chairsFixture(): Promise<string> {
    const dir = await mkdtemp(join(os.tmpdir(), 'chairs-'));
    for (const [c, chair] of ['1a6f615e8b1b5ae4dbbc9440457e303e', '2b90701386f1813052db1dda4adf0a0c'].entries()) {
      const renders = join(dir, 'rendered_chairs', chair, 'renders');
      await mkdir(renders, { recursive: true });
      for (const [k, [p, t]] of [[20, 0], [20, 11], [30, 0], [30, 348]].entries()) {
        const png = await sharp({ create: { width: 60, height: 60, channels: 3, background: { r: 50 * c, g: 10 * k, b: 0 } } }).png().toBuffer();
        await writeFile(join(renders, `image_${String(k + 1).padStart(3, '0')}_p${String(p).padStart(3, '0')}_t${String(t).padStart(3, '0')}_r096.png`), png);
      }
    }
    return dir;
  }

  it('loads renders with view labels, chair identities and azimuth/elevation factors', async () => {
    expect(parseChairRenderName('image_031_p020_t000_r096.png')).toEqual({ elevation: 20, azimuth: 0, distance: 96 });
    const dir = await chairsFixture();
    const ds = await loadChairs(dir, { size: 16 });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([8, 16, 16, 3]);
    expect(ds.labelNames).toEqual(['p020 t000', 'p020 t011', 'p030 t000', 'p030 t348']);
    expect(Array.from(ds.labels!)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(Array.from(ds.identities!)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(ds.factors!.subarray(0, 8))).toEqual([0, 20, 11, 20, 0, 30, 348, 30]);
    const byAzimuth = await loadChairs(dir, { size: 16, label: 'azimuth', chairs: 1 });
    expect(byAzimuth.count).toBe(4);
    expect(byAzimuth.labelNames).toEqual(['t000', 't011', 't348']);
  });

  it('fails clearly on a misnamed render, a missing directory and a corrupt PNG', async () => {
    const misnamed = await chairsFixture();
    const renders = join(misnamed, 'rendered_chairs', '1a6f615e8b1b5ae4dbbc9440457e303e', 'renders');
    await writeFile(join(renders, 'render_7.png'), 'x');
    await expect(loadChairs(misnamed)).rejects.toThrow(/render_7\.png: file name does not match image_<n>_p<elevation>_t<azimuth>_r<distance>\.png/);
    await expect(loadChairs(join(misnamed, 'nope'))).rejects.toThrow(/nope[\\/]rendered_chairs: cannot read 3D chairs/);
    const corrupt = await chairsFixture();
    await writeFile(join(corrupt, 'rendered_chairs', '2b90701386f1813052db1dda4adf0a0c', 'renders', 'image_001_p020_t000_r096.png'), 'not a png');
    await expect(loadChairs(corrupt)).rejects.toThrow(/image_001_p020_t000_r096\.png: cannot decode image/);
  });
});

describe('labelled folder loader', () => {
  it('loads <root>/<label>/*.jpg|png with sorted labels, center-cropped square', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'folder-'));
    for (const [label, files] of Object.entries({ 'Zoe Saldana': ['a.jpg', 'b.png'], 'Al Pacino': ['x.jpeg'] })) {
      await mkdir(join(root, label));
      for (const file of files) await writeFile(join(root, label, file), await sharp({ create: { width: 40, height: 50, channels: 3, background: '#446688' } }).toFormat(file.endsWith('png') ? 'png' : 'jpeg').toBuffer());
      await writeFile(join(root, label, 'notes.txt'), 'ignored');
    }
    const ds = await loadImageFolder(root, { size: 20, onSkip: () => undefined });
    expect(ds.labelNames).toEqual(['Al Pacino', 'Zoe Saldana']);
    expect(Array.from(ds.labels!)).toEqual([0, 1, 1]);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 20, 20, 3]);
    await expect(loadImageFolder(root, { crop: 'none', size: 20, onSkip: () => undefined })).rejects.toThrow(/unsupported image size 40×50: not square after the crop/);
    await mkdir(join(root, 'Empty'));
    await expect(loadImageFolder(root, { onSkip: () => undefined })).rejects.toThrow(/Empty: label 'Empty' has no images \(formats read: .*\.jpg.*\.png/);
    await expect(loadImageFolder(join(root, 'missing'))).rejects.toThrow(/missing: cannot read the image folder/);
  });
});
