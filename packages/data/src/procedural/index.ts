/**
 * Procedural datasets with known generative factors: a swiss roll (points), sprites,
 * chairs, faces, face expressions and coloured digits (images), plus the raster helpers they share.
 */
import type { ProceduralGenerator } from '../types';
import { chairsGenerator } from './chairs';
import { colouredDigitsGenerator } from './coloured-digits';
import { faceExpressionsGenerator } from './face-expressions';
import { makeFacesGenerator } from './faces';
import { spritesGenerator } from './sprites';

export * from './raster';
export * from './swiss-roll';
export * from './sprites';
export * from './chairs';
export * from './faces';
export * from './face-expressions';
export * from './coloured-digits';

/** The default generator of each image set, by name (faces, face-expressions: 1000 identities). */
export const PROCEDURAL_GENERATORS: Record<string, ProceduralGenerator> = {
  sprites: spritesGenerator,
  chairs: chairsGenerator,
  faces: makeFacesGenerator(),
  'face-expressions': faceExpressionsGenerator,
  'coloured-digits': colouredDigitsGenerator,
};
