/**
 * 3D chairs (Aubry et al. 2014, "Seeing 3D chairs") in its published layout:
 *   <dir>/rendered_chairs/<chair id>/renders/image_<XXX>_p<YYY>_t<ZZZ>_r<WWW>.png
 * where p is the elevation in degrees (020 or 030), t the azimuth in degrees (31 values,
 * 000…348 in steps of 360/31 ≈ 11.6) and r the camera distance. Each of the 1,393 chairs has
 * 62 renders, 600×600 RGB: 31 azimuths × 2 elevations.
 *
 * Decision (paper 000's "62 azimuth classes"): the default label is the **view**, the
 * (elevation, azimuth) pair, so the full set has 62 classes ordered by elevation then azimuth,
 * named like 'p020 t000'. `label: 'azimuth'` gives 31 azimuth-only classes and
 * `label: 'chair'` the chair id. Classes are the distinct values found on disk, so a partial
 * copy gets fewer. Every image also carries its chair (`identities`) and its azimuth and
 * elevation in degrees as ground-truth `factors`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageFiles } from './image-files';
import type { FactorSpec, ImageDataset } from './types';

export const CHAIR_RENDER_PATTERN = /^image_(\d+)_p(\d+)_t(\d+)_r(\d+)\.png$/;

export interface ChairsOptions {
  /** Output side (default 64). */
  size?: number;
  /** Center crop before resizing: a side in pixels, 'square' or 'none' (default; the renders are square). */
  crop?: number | 'square' | 'none';
  /** Class label: 'view' (default, 62 classes), 'azimuth' (31) or 'chair'. */
  label?: 'view' | 'azimuth' | 'chair';
  /** Load only the first `chairs` chairs (sorted by id): the full set at 64×64 RGB is 4 GB of floats. */
  chairs?: number;
  channels?: 1 | 3;
}

export const CHAIR_FACTORS: FactorSpec[] = [
  { name: 'azimuth', kind: 'continuous', range: [0, 360], role: 'nuisance', description: 'camera azimuth in degrees (t in the file name)' },
  { name: 'elevation', kind: 'continuous', range: [20, 30], role: 'nuisance', description: 'camera elevation in degrees (p in the file name: 20 or 30)' },
];

async function listDir(path: string, what: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    throw new Error(`${path}: cannot read ${what}: ${(error as Error).message}`);
  }
}

/** Parses a render's file name into its elevation and azimuth (degrees), or null if it isn't one. */
export function parseChairRenderName(file: string): { elevation: number; azimuth: number; distance: number } | null {
  const match = CHAIR_RENDER_PATTERN.exec(file);
  if (!match) return null;
  return { elevation: Number(match[2]), azimuth: Number(match[3]), distance: Number(match[4]) };
}

export async function loadChairs(dir: string, options: ChairsOptions = {}): Promise<ImageDataset> {
  const label = options.label ?? 'view';
  if (!['view', 'azimuth', 'chair'].includes(label)) throw new Error(`loadChairs: label must be 'view', 'azimuth' or 'chair', got ${String(label)}`);
  const root = join(dir, 'rendered_chairs');
  let chairIds = (await listDir(root, '3D chairs (expected <dir>/rendered_chairs/<chair>/renders/*.png)'))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (chairIds.length === 0) throw new Error(`${root}: no chair directories`);
  if (options.chairs !== undefined) {
    if (!Number.isInteger(options.chairs) || options.chairs <= 0) throw new Error(`loadChairs: chairs must be a positive integer, got ${options.chairs}`);
    chairIds = chairIds.slice(0, options.chairs);
  }
  const entries: { path: string; chair: number; elevation: number; azimuth: number }[] = [];
  for (let c = 0; c < chairIds.length; c++) {
    const renders = join(root, chairIds[c], 'renders');
    const files = (await listDir(renders, 'chair renders')).filter((e) => e.isFile() && e.name.endsWith('.png')).map((e) => e.name).sort();
    if (files.length === 0) throw new Error(`${renders}: no PNG renders`);
    for (const file of files) {
      const parsed = parseChairRenderName(file);
      if (!parsed) throw new Error(`${join(renders, file)}: file name does not match image_<n>_p<elevation>_t<azimuth>_r<distance>.png`);
      if (parsed.azimuth >= 360) throw new Error(`${join(renders, file)}: azimuth ${parsed.azimuth} is not in 0..359`);
      entries.push({ path: join(renders, file), chair: c, elevation: parsed.elevation, azimuth: parsed.azimuth });
    }
  }

  const viewKey = (e: { elevation: number; azimuth: number }) => e.elevation * 1000 + e.azimuth;
  const pad = (n: number) => String(n).padStart(3, '0');
  let labels: Int32Array;
  let labelNames: string[];
  if (label === 'chair') {
    labels = Int32Array.from(entries, (e) => e.chair);
    labelNames = chairIds;
  } else {
    const key = label === 'view' ? viewKey : (e: { azimuth: number }) => e.azimuth;
    const values = [...new Set(entries.map(key))].sort((a, b) => a - b);
    const index = new Map(values.map((v, i) => [v, i]));
    labels = Int32Array.from(entries, (e) => index.get(key(e))!);
    labelNames = values.map((v) => (label === 'view' ? `p${pad(Math.floor(v / 1000))} t${pad(v % 1000)}` : `t${pad(v)}`));
  }

  const channels = options.channels ?? 3;
  const { images, height, width } = await decodeImageFiles(
    entries.map((e) => e.path),
    { channels, crop: options.crop ?? 'none', size: options.size ?? 64 },
  );
  const factors = new Float32Array(entries.length * 2);
  entries.forEach((e, i) => {
    factors[2 * i] = e.azimuth;
    factors[2 * i + 1] = e.elevation;
  });
  return {
    name: 'chairs',
    count: entries.length,
    height,
    width,
    channels,
    images,
    labels,
    labelNames,
    identities: Int32Array.from(entries, (e) => e.chair),
    factors,
    factorSpecs: CHAIR_FACTORS,
    source: dir,
  };
}
