/**
 * Point sets in the dataset registry: datasets whose examples are vectors, not images
 * (`layout: 'vector'`, stored as 1×1×dim "images" so every batch tool serves both).
 *
 *   swiss-roll   CSVAE's toy (paper 004, Figure 2): standardised 3-D points with the binary
 *                label of `makeSwissRoll` as attribute 'label' and as class off/on.
 */
import { SeededRandom } from '@disentangle/kernels';
import { makeSwissRoll } from './procedural/swiss-roll';
import type { ImageDataset } from './types';

/** Per-coordinate mean and (population) standard deviation of [count, dim] rows. */
function moments(values: Float32Array, dim: number): { mean: number[]; std: number[] } {
  const count = values.length / dim;
  const mean = new Array<number>(dim).fill(0);
  const std = new Array<number>(dim).fill(0);
  for (let i = 0; i < values.length; i++) mean[i % dim] += values[i] / count;
  for (let i = 0; i < values.length; i++) std[i % dim] += (values[i] - mean[i % dim]) ** 2 / count;
  return { mean, std: std.map((v) => Math.sqrt(v) || 1) };
}

/** The swiss roll as a standardised point set (each coordinate to mean 0, std 1). */
export function makeSwissRollDataset({ count = 1000, seed = 0 }: { count?: number; seed?: number } = {}): ImageDataset {
  if (!(Number.isInteger(count) && count > 1)) throw new Error(`dataset 'swiss-roll': count must be an integer > 1, got ${count}`);
  const random = new SeededRandom(seed).fork('swiss-roll');
  const roll = makeSwissRoll(count, () => random.uniformNumber());
  const standardisation = moments(roll.points, 3);
  const images = roll.points.map((v, i) => (v - standardisation.mean[i % 3]) / standardisation.std[i % 3]);
  return {
    name: 'swiss-roll',
    count,
    height: 1,
    width: 1,
    channels: 3,
    images,
    labels: roll.labels,
    labelNames: ['off', 'on'],
    attributes: Uint8Array.from(roll.labels),
    attributeNames: ['label'],
    factors: roll.factors,
    factorSpecs: roll.factorSpecs,
    source: `makeSwissRoll(seed ${seed})`,
    layout: 'vector',
    standardisation,
  };
}
