/**
 * The shapes every dataset in @disentangle/data shares. Images are float32 NHWC in [0,1]
 * (convert to [-1,1] with `toSignedRange`); labels, binary attributes and — for procedural
 * sets — every generative factor travel with them, row-aligned with the images.
 */

/** One generative factor of a procedural dataset. */
export interface FactorSpec {
  name: string;
  /** categorical: integer codes 0..values.length-1; binary: 0/1; continuous: a real in `range`. */
  kind: 'categorical' | 'binary' | 'continuous';
  /** Names of a categorical factor's codes. */
  values?: string[];
  /** Range of a continuous factor. */
  range?: [number, number];
  /** Identity factors are fixed per identity (faces); nuisance factors vary per image. */
  role?: 'identity' | 'nuisance' | 'attribute' | 'style' | 'label';
  description: string;
}

/** A procedural generator: samples factor vectors and renders any factor vector to an image. */
export interface ProceduralGenerator {
  name: string;
  channels: 1 | 3;
  /** Image sides the generator supports (e.g. [32, 64]). */
  sizes: number[];
  factors: FactorSpec[];
  /** Draws one factor vector (same order as `factors`) from `random` (uniform [0,1)). */
  sampleFactors(random: () => number): number[];
  /** Renders a factor vector into `out` (size×size×channels floats in [0,1], HWC) at `offset`. */
  render(factors: number[], size: number, out: Float32Array, offset?: number): void;
  /** Class label of a factor vector (the factor a paper conditions on), if the set has one. */
  label?(factors: number[]): number;
  labelNames?: string[];
  /** Binary attributes (CelebA-style) of a factor vector, if the set has them. */
  attributes?(factors: number[]): number[];
  attributeNames?: string[];
}

export interface ImageDataset {
  name: string;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** [count, height, width, channels] in [0,1]. */
  images: Float32Array;
  /** Class ids [count], when the set has a class label. */
  labels?: Int32Array;
  labelNames?: string[];
  /** Binary attributes [count, attributeNames.length], when the set has them. */
  attributes?: Uint8Array;
  attributeNames?: string[];
  /** Generative factor values [count, factorSpecs.length] (procedural sets only). */
  factors?: Float32Array;
  factorSpecs?: FactorSpec[];
  /** Identity ids [count] (CelebA's identity_CelebA.txt, a 3D chair's id, a generated face's identity), when known. */
  identities?: Int32Array;
  /** The published split of each example [count]: 0 train, 1 validation, 2 test (CelebA's list_eval_partition.txt, IDX train/t10k). */
  partition?: Uint8Array;
  /** The generator that drew a procedural set, to render counterfactual factor vectors. */
  generator?: ProceduralGenerator;
  /** Where the examples came from: a seed or a directory, for the run's config. */
  source: string;
  /** Real sets: how many examples the source holds, of which `count` were loaded (a `count`/`limit` took fewer). */
  available?: number;
  /** Files a loader skipped, each with the reason (never silently: see the folder loader). */
  skipped?: { path: string; reason: string }[];
  /**
   * 'vector' for point sets stored as 1×1×channels "images" (the swiss roll's 3-D points):
   * models see them as [count, dim] vectors. Default 'image'.
   */
  layout?: 'image' | 'vector';
  /** Point sets: the per-coordinate mean and standard deviation removed before storing (to map samples back). */
  standardisation?: { mean: number[]; std: number[] };
}
