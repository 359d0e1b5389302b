/**
 * Procedural face expressions: the Toronto Faces Dataset (TFD) stand-in for CSVAE (Klys et al.
 * 2018), built on the procedural faces ({@link makeFacesGenerator}). The class label is an
 * expression, one of four drawn uniformly per image:
 *
 * | label | name       | smile (EXPRESSION_SMILE_RANGES) | mouthOpen (EXPRESSION_OPEN_RANGES) |
 * |-------|------------|---------------------------------|------------------------------------|
 * | 0     | `neutral`  | low  [0, 0.25]                  | closed [0, 0.15]                   |
 * | 1     | `smile`    | high [0.9, 1.5]                 | closed                             |
 * | 2     | `surprise` | low                             | open   [1.2, 1.9]                  |
 * | 3     | `laugh`    | high                            | open                               |
 *
 * Inside its class an image draws smile strength and mouth opening uniformly from the class's
 * ranges (within-class variety, the "intra-class variation" CSVAE's W subspace should capture),
 * and the ranges leave a gap between classes so the expression is visible at 32×32: a closed
 * low smile is a thin lip line, a high smile shows a row of teeth, an open mouth is a dark oval
 * (red lips, no teeth) and a laugh a wide open mouth full of teeth. The high ranges go past the
 * faces' [0, 1] (the renderer extrapolates: wider, higher mouth corners, a taller opening) because
 * at 32×32 a mouth opened to 1 is about one pixel tall; the factor specs' ranges say so.
 * `label(f)` is a deterministic function of the factors: thresholds at the middle of each gap
 * ({@link EXPRESSION_SMILE_THRESHOLD}, {@link EXPRESSION_OPEN_THRESHOLD}), so a counterfactual
 * factor vector gets the label its smile and mouth say.
 *
 * Glasses and beards are **off by default** (`glassesProbability: 0`, `beardProbabilityMale: 0`):
 * TFD is a set of expression images, and a beard covers the mouth region the label lives in.
 * Pass them as options to switch them back on. Everything else (identity factors, yaw,
 * lighting, background) varies as in the faces generator; with `identities: K` in
 * generateDataset the identity factors are shared by images i ≡ id (mod K) while each image
 * still draws its own expression, so every identity shows all four (CSVAE's TFD attribute-transfer
 * metric compares images of one identity across expressions).
 *
 * Images are RGB like the faces (TFD is grayscale; average the channels if a run wants that).
 * `attributes()` gives the faces' CelebA-style attributes plus `MouthOpen` (Smiling = high smile,
 * MouthOpen = open mouth: the label's two bits, usable as non-exclusive labels).
 */
import type { FactorSpec, ProceduralGenerator } from '../types';
import { FACE, FACE_ATTRIBUTE_NAMES, faceFactorSpecs, makeFacesGenerator, type FaceOptions } from './faces';
import { randomIn, randomInt } from './raster';

/** The expression classes, in label order. */
export const EXPRESSION_NAMES = ['neutral', 'smile', 'surprise', 'laugh'];

/** Smile strength drawn for low-smile (neutral, surprise) and high-smile (smile, laugh) classes. */
export const EXPRESSION_SMILE_RANGES: Readonly<{ low: [number, number]; high: [number, number] }> = {
  low: [0, 0.25],
  high: [0.9, 1.5],
};
/** Mouth opening drawn for closed (neutral, smile) and open (surprise, laugh) classes. */
export const EXPRESSION_OPEN_RANGES: Readonly<{ closed: [number, number]; open: [number, number] }> = {
  closed: [0, 0.15],
  open: [1.2, 1.9],
};
/** label: smile ≥ this is a high smile (the middle of the gap between the smile ranges). */
export const EXPRESSION_SMILE_THRESHOLD = (EXPRESSION_SMILE_RANGES.low[1] + EXPRESSION_SMILE_RANGES.high[0]) / 2;
/** label: mouthOpen ≥ this is an open mouth (the middle of the gap between the opening ranges). */
export const EXPRESSION_OPEN_THRESHOLD = (EXPRESSION_OPEN_RANGES.closed[1] + EXPRESSION_OPEN_RANGES.open[0]) / 2;

/** Attribute names of the face-expressions generator: the faces' five plus MouthOpen. */
export const FACE_EXPRESSION_ATTRIBUTE_NAMES = [...FACE_ATTRIBUTE_NAMES, 'MouthOpen'];

/** The expression class (index into EXPRESSION_NAMES) of a face factor vector. */
export function expressionOf(f: number[]): number {
  const high = f[FACE.smile] >= EXPRESSION_SMILE_THRESHOLD ? 1 : 0;
  const open = f[FACE.mouthOpen] >= EXPRESSION_OPEN_THRESHOLD ? 1 : 0;
  return high + 2 * open;
}

/** Factor specs: the faces' factors with smile and mouthOpen marked as the label's factors. */
function expressionFactorSpecs(identities: number): FactorSpec[] {
  const specs = faceFactorSpecs(identities);
  const s = EXPRESSION_SMILE_RANGES, o = EXPRESSION_OPEN_RANGES;
  specs[FACE.smile] = {
    ...specs[FACE.smile],
    range: [s.low[0], s.high[1]],
    role: 'label',
    description:
      `Smile (mouth corners rise, mouth widens, eyes narrow). Drawn uniformly in [${s.low.join(', ')}] for neutral/surprise ` +
      `and [${s.high.join(', ')}] for smile/laugh; the label reads smile ≥ ${EXPRESSION_SMILE_THRESHOLD}.`,
  };
  specs[FACE.mouthOpen] = {
    ...specs[FACE.mouthOpen],
    range: [o.closed[0], o.open[1]],
    role: 'label',
    description:
      `Mouth opening (teeth show when also smiling). Drawn uniformly in [${o.closed.join(', ')}] for neutral/smile ` +
      `and [${o.open.join(', ')}] for surprise/laugh; the label reads mouthOpen ≥ ${EXPRESSION_OPEN_THRESHOLD}.`,
  };
  return specs;
}

export type FaceExpressionOptions = FaceOptions;

/**
 * A face-expressions generator (see the module doc). Options as for faces, but glasses and
 * beards default to off.
 */
export function makeFaceExpressionsGenerator(options: FaceExpressionOptions = {}): ProceduralGenerator & {
  identityFactors(id: number): number[];
  options: Required<FaceOptions>;
} {
  const faces = makeFacesGenerator({ glassesProbability: 0, beardProbabilityMale: 0, ...options });
  const factors = expressionFactorSpecs(faces.options.identities);
  return {
    name: 'face-expressions',
    channels: faces.channels,
    sizes: faces.sizes,
    factors,
    options: faces.options,
    identityFactors: faces.identityFactors,
    sampleFactors(random) {
      const f = faces.sampleFactors(random);
      const expression = randomInt(random, EXPRESSION_NAMES.length);
      const high = expression % 2 === 1;
      const open = expression >= 2;
      f[FACE.smile] = randomIn(random, high ? EXPRESSION_SMILE_RANGES.high : EXPRESSION_SMILE_RANGES.low);
      f[FACE.mouthOpen] = randomIn(random, open ? EXPRESSION_OPEN_RANGES.open : EXPRESSION_OPEN_RANGES.closed);
      return f;
    },
    render: faces.render,
    label: expressionOf,
    labelNames: EXPRESSION_NAMES,
    attributes: (f) => [...faces.attributes!(f), f[FACE.mouthOpen] >= EXPRESSION_OPEN_THRESHOLD ? 1 : 0],
    attributeNames: FACE_EXPRESSION_ATTRIBUTE_NAMES,
  };
}

/** The default face-expressions generator (1000 identities, no glasses or beards). */
export const faceExpressionsGenerator = makeFaceExpressionsGenerator();
