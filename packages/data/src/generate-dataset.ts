/**
 * Draws a procedural dataset: samples factor vectors from a seed and renders each one, with
 * the generator's labels and attributes row-aligned. Deterministic: the same generator, count,
 * size, seed and identities give the same dataset bit for bit.
 */
import { SeededRandom } from '@disentangle/kernels';
import { resizeArea } from './resize-area';
import type { ImageDataset, ProceduralGenerator } from './types';

export interface GenerateDatasetOptions {
  /** Number of images. */
  count: number;
  /**
   * Image side: one of `generator.sizes`, or a divisor of one of them (rendered at the smallest
   * such multiple and box-downsampled by the integer factor, see `renderSize`).
   */
  size: number;
  /** Seed of the factor stream (`new SeededRandom(seed).fork('factors')`). */
  seed: number;
  /**
   * Number of distinct identities (faces, chairs): the factors whose role is 'identity' are
   * drawn once per identity and shared by every image of it; image i has identity i mod K.
   * Omitted: every image draws all its factors independently (and `identities` is not set).
   */
  identities?: number;
  /**
   * Seed of the identities' own factors (default `seed`): two draws with the same
   * `identitySeed` and different seeds show the same people in new images — how a judge of
   * identities is trained on fresh images of the run's identities.
   */
  identitySeed?: number;
}

function assertPositiveInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`generateDataset: ${field} must be a positive integer, got ${String(value)}`);
  }
}

/** Checks a factor vector against the generator's factor specs (length, finite values). */
function checkFactors(generator: ProceduralGenerator, factors: number[], where: string): void {
  if (!Array.isArray(factors) || factors.length !== generator.factors.length) {
    throw new Error(
      `generateDataset: generator '${generator.name}' sampled ${Array.isArray(factors) ? factors.length : 'no'} factors at ${where}, expected ${generator.factors.length} (${generator.factors.map((f) => f.name).join(', ')})`,
    );
  }
  for (let k = 0; k < factors.length; k++) {
    if (!Number.isFinite(factors[k])) {
      throw new Error(`generateDataset: generator '${generator.name}' gave factor '${generator.factors[k].name}' = ${factors[k]} at ${where}`);
    }
  }
}

/**
 * The side a generator renders at to give `size`: `size` itself when supported, else the
 * smallest supported multiple of it (faces at 16 render at 32, then average 2×2), so every
 * generator gets every divisor of its sizes without drawing at a resolution it was not
 * designed for. Neither: an error naming the supported sizes.
 */
export function renderSize(generator: ProceduralGenerator, size: number): number {
  if (generator.sizes.includes(size)) return size;
  const multiples = generator.sizes.filter((s) => s > size && s % size === 0).sort((a, b) => a - b);
  if (multiples.length === 0) {
    throw new Error(
      `generateDataset: generator '${generator.name}' does not support size ${size}; supported sizes: ${generator.sizes.join(', ')} (and their divisors, rendered at the supported size and box-downsampled)`,
    );
  }
  return multiples[0];
}

/**
 * Renders a factor vector at any size `renderSize` allows: directly when the generator
 * supports it, else at the supported multiple, box-downsampled into `out` at `offset`.
 */
export function renderAtSize(generator: ProceduralGenerator, factors: number[], size: number, out: Float32Array, offset = 0): void {
  const native = renderSize(generator, size);
  if (native === size) {
    generator.render(factors, size, out, offset);
    return;
  }
  const { channels } = generator;
  const scratch = new Float32Array(native * native * channels);
  generator.render(factors, native, scratch, 0);
  out.set(resizeArea(scratch, { fromHeight: native, fromWidth: native, toHeight: size, toWidth: size, channels }), offset);
}

/**
 * The generator a downsampled dataset carries: the same, except that `render` at the
 * dataset's size goes through `renderAtSize`, so counterfactuals rendered from
 * `dataset.generator` at `dataset.height` match the dataset's images.
 */
function downsamplingGenerator(generator: ProceduralGenerator): ProceduralGenerator {
  return { ...generator, render: (factors, size, out, offset = 0) => renderAtSize(generator, factors, size, out, offset) };
}

export function generateDataset(generator: ProceduralGenerator, options: GenerateDatasetOptions): ImageDataset {
  const { count, size, seed, identities } = options;
  const identitySeed = options.identitySeed ?? seed;
  if (!Number.isSafeInteger(identitySeed)) throw new Error(`generateDataset: identitySeed must be a safe integer, got ${String(identitySeed)}`);
  assertPositiveInteger(count, 'count');
  assertPositiveInteger(size, 'size');
  if (!Number.isSafeInteger(seed)) throw new Error(`generateDataset: seed must be a safe integer, got ${String(seed)}`);
  const native = renderSize(generator, size);
  const identityFactorIndices = generator.factors.flatMap((f, k) => (f.role === 'identity' ? [k] : []));
  if (identities !== undefined) {
    assertPositiveInteger(identities, 'identities');
    if (identityFactorIndices.length === 0) {
      throw new Error(`generateDataset: identities was given but generator '${generator.name}' has no factor with role 'identity'`);
    }
  }

  const root = new SeededRandom(seed);
  const factorRandom = root.fork('factors');
  const draw = () => factorRandom.uniformNumber();
  let identityVectors: number[][] = [];
  if (identities !== undefined) {
    const identityRandom = new SeededRandom(identitySeed).fork('identities');
    const drawIdentity = () => identityRandom.uniformNumber();
    identityVectors = Array.from({ length: identities }, (_, i) => {
      const vector = generator.sampleFactors(drawIdentity);
      checkFactors(generator, vector, `identity ${i}`);
      return vector;
    });
  }

  const pixels = size * size * generator.channels;
  const nFactors = generator.factors.length;
  const images = new Float32Array(count * pixels);
  const factorValues = new Float32Array(count * nFactors);
  const labels = generator.label ? new Int32Array(count) : undefined;
  const attributeNames = generator.attributes ? (generator.attributeNames ?? []) : undefined;
  const attributes = attributeNames ? new Uint8Array(count * attributeNames.length) : undefined;
  const identityIds = identities !== undefined ? new Int32Array(count) : undefined;

  for (let i = 0; i < count; i++) {
    const factors = generator.sampleFactors(draw);
    checkFactors(generator, factors, `image ${i}`);
    if (identityIds) {
      const id = i % identities!;
      identityIds[i] = id;
      for (const k of identityFactorIndices) factors[k] = identityVectors[id][k];
    }
    renderAtSize(generator, factors, size, images, i * pixels);
    factorValues.set(factors, i * nFactors);
    if (labels) {
      const label = generator.label!(factors);
      const classes = generator.labelNames?.length;
      if (!Number.isInteger(label) || label < 0 || (classes !== undefined && label >= classes)) {
        throw new Error(`generateDataset: generator '${generator.name}' gave label ${label} for image ${i}${classes !== undefined ? `, expected 0..${classes - 1}` : ''}`);
      }
      labels[i] = label;
    }
    if (attributes) {
      const values = generator.attributes!(factors);
      if (values.length !== attributeNames!.length || values.some((v) => v !== 0 && v !== 1)) {
        throw new Error(
          `generateDataset: generator '${generator.name}' gave attributes [${values.join(', ')}] for image ${i}, expected ${attributeNames!.length} values in {0, 1} (${attributeNames!.join(', ')})`,
        );
      }
      attributes.set(values, i * attributeNames!.length);
    }
  }

  return {
    name: generator.name,
    count,
    height: size,
    width: size,
    channels: generator.channels,
    images,
    labels,
    labelNames: labels ? generator.labelNames : undefined,
    attributes,
    attributeNames,
    factors: factorValues,
    factorSpecs: generator.factors,
    identities: identityIds,
    generator: native === size ? generator : downsamplingGenerator(generator),
    source: `procedural:${generator.name} seed=${seed} count=${count} size=${size}${native !== size ? ` (rendered at ${native}, box-downsampled)` : ''}${identities !== undefined ? ` identities=${identities}${identitySeed !== seed ? ` identitySeed=${identitySeed}` : ''}` : ''}`,
  };
}
