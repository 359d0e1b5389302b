/**
 * Procedural datasets with known generative factors: a swiss roll (points), sprites,
 * chairs, faces and coloured digits (images), plus the raster helpers they share.
 */
import type { ProceduralGenerator } from '../types';
import { chairsGenerator } from './chairs';
import { colouredDigitsGenerator } from './coloured-digits';
import { makeFacesGenerator } from './faces';
import { spritesGenerator } from './sprites';

export * from './raster';
export * from './swiss-roll';
export * from './sprites';
export * from './chairs';
export * from './faces';
export * from './coloured-digits';

/** The default generator of each image set, by name (faces: 1000 identities). */
export const PROCEDURAL_GENERATORS: Record<string, ProceduralGenerator> = {
  sprites: spritesGenerator,
  chairs: chairsGenerator,
  faces: makeFacesGenerator(),
  'coloured-digits': colouredDigitsGenerator,
};
