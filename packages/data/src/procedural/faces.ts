/**
 * Procedural faces: the CelebA / FaceScrub / TFD stand-in. A parametric, cartoon-but-plausible
 * frontal head and shoulders (RGB, 64×64 or 32×32) whose every factor is known:
 *
 * - **identity factors** (fixed per identity by {@link identityFactors}): face shape, face
 *   width, skin tone, hair style, hair colour, eye spacing, eye size, nose length, sex cues
 *   (`male`), age (wrinkles, grey hair), eye colour, clothing hue;
 * - **nuisance factors** (per image): yaw (features shift sideways, ears change size),
 *   smile, mouth opening, lighting direction, brightness, background hue;
 * - **attributes with their own style factors**: glasses (on/off, frame shape, frame colour,
 *   size, lens tint) and beard (on/off, length, colour).
 *
 * Glasses are drawn only inside {@link FACE_EYE_REGION} and beards only inside
 * {@link FACE_LOWER_REGION} (the canvas is clipped to them), so toggling either changes no
 * pixel outside its region — "did the edit only add glasses?" is measurable.
 * `attributes()` gives CelebA-style Eyeglasses, Beard (facial hair), Smiling, Young, Male;
 * `label()` the identity.
 */
import type { FactorSpec, ProceduralGenerator } from '../types';
import {
  Canvas,
  clamp01,
  hashedRandom,
  hsvToRgb,
  mixRGB,
  paletteAt,
  quadraticCurve,
  randomIn,
  randomInt,
  type Rect,
  type RGB,
} from './raster';

/** Normalised rectangle that contains every pixel glasses can touch. */
export const FACE_EYE_REGION: Readonly<Rect> = { x0: 0.18, y0: 0.38, x1: 0.82, y1: 0.56 };
/** Normalised rectangle that contains every pixel a beard can touch (lower face, chin, neck). */
export const FACE_LOWER_REGION: Readonly<Rect> = { x0: 0.16, y0: 0.6, x1: 0.84, y1: 1 };

/** Indices of the factors in a face factor vector. */
export const FACE = {
  identity: 0,
  faceShape: 1,
  faceWidth: 2,
  skinTone: 3,
  hairStyle: 4,
  hairColour: 5,
  eyeSpacing: 6,
  eyeSize: 7,
  noseLength: 8,
  male: 9,
  age: 10,
  eyeColour: 11,
  clothingHue: 12,
  yaw: 13,
  smile: 14,
  mouthOpen: 15,
  lightAngle: 16,
  brightness: 17,
  backgroundHue: 18,
  glasses: 19,
  glassesShape: 20,
  glassesColour: 21,
  glassesSize: 22,
  lensTint: 23,
  beard: 24,
  beardLength: 25,
  beardColour: 26,
} as const;

const FACE_SHAPES = ['oval', 'round', 'square'];
const HAIR_STYLES = ['bald', 'short', 'long', 'curly', 'side-part'];
const FRAME_SHAPES = ['round', 'square'];
const FRAME_COLOURS = ['black', 'tortoiseshell', 'gold', 'red'];
const FRAME_RGB: RGB[] = [
  [0.07, 0.07, 0.08],
  [0.42, 0.22, 0.1],
  [0.82, 0.66, 0.26],
  [0.72, 0.1, 0.12],
];
const SKIN: RGB[] = [
  [0.98, 0.86, 0.77],
  [0.93, 0.75, 0.62],
  [0.8, 0.6, 0.45],
  [0.6, 0.42, 0.29],
  [0.38, 0.26, 0.18],
];
const HAIR: RGB[] = [
  [0.07, 0.06, 0.06],
  [0.24, 0.14, 0.08],
  [0.45, 0.29, 0.16],
  [0.62, 0.28, 0.12],
  [0.88, 0.74, 0.46],
];
const EYES: RGB[] = [
  [0.3, 0.18, 0.09],
  [0.45, 0.35, 0.15],
  [0.25, 0.45, 0.25],
  [0.25, 0.45, 0.7],
];
const GREY: RGB = [0.78, 0.78, 0.78];

const RANGES = {
  faceWidth: [0.9, 1.1] as [number, number],
  eyeSpacing: [0.085, 0.115] as [number, number],
  eyeSize: [0.8, 1.2] as [number, number],
  noseLength: [0.09, 0.135] as [number, number],
  yaw: [-1, 1] as [number, number],
  lightAngle: [-1, 1] as [number, number],
  brightness: [0.8, 1.15] as [number, number],
  glassesSize: [0.85, 1.15] as [number, number],
  lensTint: [0, 0.7] as [number, number],
};

export interface FaceOptions {
  /** Number of identities the generator samples from (default 1000). */
  identities?: number;
  /** Probability of glasses per image (default 0.3). */
  glassesProbability?: number;
  /** Probability of a beard per image of a male identity (default 0.4); female identities never have one. */
  beardProbabilityMale?: number;
  /** Probability that an identity is male (default 0.5). */
  maleProbability?: number;
}

export const FACE_DEFAULTS: Required<FaceOptions> = {
  identities: 1000,
  glassesProbability: 0.3,
  beardProbabilityMale: 0.4,
  maleProbability: 0.5,
};

/** The factor specs of a face generator with `identities` identities. */
export function faceFactorSpecs(identities: number): FactorSpec[] {
  return [
    { name: 'identity', kind: 'categorical', role: 'identity', values: Array.from({ length: identities }, (_, i) => `id${i}`), description: 'Identity index; all identity factors below are a deterministic function of it (identityFactors).' },
    { name: 'faceShape', kind: 'categorical', values: FACE_SHAPES, role: 'identity', description: 'Jaw outline: oval (tapered chin), round (shorter, no taper), square (flat superellipse jaw).' },
    { name: 'faceWidth', kind: 'continuous', range: RANGES.faceWidth, role: 'identity', description: 'Head half-width multiplier (0.225 image widths × this; males a further ×1.04).' },
    { name: 'skinTone', kind: 'continuous', range: [0, 1], role: 'identity', description: 'Skin colour along a light→dark palette of five tones.' },
    { name: 'hairStyle', kind: 'categorical', values: HAIR_STYLES, role: 'identity', description: 'Hair: bald (side fringes only), short cap, long (falls behind the head to the shoulders), curly (bumpy volume), side-part (slanted fringe).' },
    { name: 'hairColour', kind: 'continuous', range: [0, 1], role: 'identity', description: 'Hair colour along black → dark brown → brown → auburn → blond; greyed by age.' },
    { name: 'eyeSpacing', kind: 'continuous', range: RANGES.eyeSpacing, role: 'identity', description: 'Half the distance between the eye centres, in image widths.' },
    { name: 'eyeSize', kind: 'continuous', range: RANGES.eyeSize, role: 'identity', description: 'Eye (white, iris, lid) size multiplier.' },
    { name: 'noseLength', kind: 'continuous', range: RANGES.noseLength, role: 'identity', description: 'Distance from the eye line to the nose tip, in image heights.' },
    { name: 'male', kind: 'binary', role: 'identity', description: 'Male-like cues: wider, less tapered jaw, thicker brows, thicker neck, no lip colour or lashes, mostly short hair; beards only on male identities.' },
    { name: 'age', kind: 'continuous', range: [0, 1], role: 'identity', description: 'Age cues above 0.45: forehead lines, crow\'s feet and nasolabial folds; grey hair/beard above 0.5. Young = age < 0.5.' },
    { name: 'eyeColour', kind: 'continuous', range: [0, 1], role: 'identity', description: 'Iris colour along brown → hazel → green → blue.' },
    { name: 'clothingHue', kind: 'continuous', range: [0, 1], role: 'identity', description: 'Hue of the shirt on the shoulders.' },
    { name: 'yaw', kind: 'continuous', range: RANGES.yaw, role: 'nuisance', description: 'Head turn: eyes, nose and mouth shift sideways (nose most), one ear grows and the other shrinks.' },
    { name: 'smile', kind: 'continuous', range: [0, 1], role: 'nuisance', description: 'Smile: mouth corners rise, mouth widens, eyes narrow. Smiling = smile > 0.5.' },
    { name: 'mouthOpen', kind: 'continuous', range: [0, 1], role: 'nuisance', description: 'Mouth opening (teeth show when also smiling).' },
    { name: 'lightAngle', kind: 'continuous', range: RANGES.lightAngle, role: 'nuisance', description: 'Horizontal light direction (−1 from the left, +1 from the right) for the Lambert shading of skin and hair.' },
    { name: 'brightness', kind: 'continuous', range: RANGES.brightness, role: 'nuisance', description: 'Overall light intensity on the face and hair.' },
    { name: 'backgroundHue', kind: 'continuous', range: [0, 1], role: 'nuisance', description: 'Hue of the pale, vertically graded background.' },
    { name: 'glasses', kind: 'binary', role: 'attribute', description: 'Eyeglasses on/off (drawn only inside FACE_EYE_REGION).' },
    { name: 'glassesShape', kind: 'categorical', values: FRAME_SHAPES, role: 'style', description: 'Frame shape: round (elliptical lenses) or square (rounded rectangles).' },
    { name: 'glassesColour', kind: 'categorical', values: FRAME_COLOURS, role: 'style', description: 'Frame colour: black, tortoiseshell brown, gold (thinner wire), red.' },
    { name: 'glassesSize', kind: 'continuous', range: RANGES.glassesSize, role: 'style', description: 'Lens size multiplier.' },
    { name: 'lensTint', kind: 'continuous', range: RANGES.lensTint, role: 'style', description: 'Opacity of the dark lens tint (0 clear, 0.7 sunglasses).' },
    { name: 'beard', kind: 'binary', role: 'attribute', description: 'Beard on/off (drawn only inside FACE_LOWER_REGION): moustache, chin and jaw.' },
    { name: 'beardLength', kind: 'continuous', range: [0, 1], role: 'style', description: 'Beard length: 0 is short stubble (translucent, on the face), 1 a full beard reaching below the chin.' },
    { name: 'beardColour', kind: 'continuous', range: [0, 1], role: 'style', description: 'Beard colour along the hair palette (greyed by age like the hair).' },
  ];
}

/**
 * The identity factors of identity `id` (deterministic from the id alone): a full factor
 * vector whose per-image factors are neutral (no yaw, slight smile, closed mouth, frontal
 * light, no glasses or beard). Overwrite the per-image entries to make an image of them.
 */
export function identityFactors(id: number, options: FaceOptions = {}): number[] {
  const o = { ...FACE_DEFAULTS, ...options };
  const r = hashedRandom(id, 0xface);
  const male = r() < o.maleProbability ? 1 : 0;
  const f = new Array<number>(27).fill(0);
  f[FACE.identity] = id;
  f[FACE.faceShape] = randomInt(r, 3);
  f[FACE.faceWidth] = randomIn(r, RANGES.faceWidth);
  f[FACE.skinTone] = r();
  const u = r();
  // Hair style given sex: [bald, short, long, curly, side-part] cumulative probabilities.
  const cum = male ? [0.18, 0.68, 0.72, 0.86, 1] : [0, 0.1, 0.65, 0.85, 1];
  f[FACE.hairStyle] = cum.findIndex((c) => u < c);
  f[FACE.hairColour] = r();
  f[FACE.eyeSpacing] = randomIn(r, RANGES.eyeSpacing);
  f[FACE.eyeSize] = randomIn(r, RANGES.eyeSize);
  f[FACE.noseLength] = randomIn(r, RANGES.noseLength);
  f[FACE.male] = male;
  f[FACE.age] = r();
  f[FACE.eyeColour] = r();
  f[FACE.clothingHue] = r();
  f[FACE.yaw] = 0;
  f[FACE.smile] = 0.3;
  f[FACE.mouthOpen] = 0;
  f[FACE.lightAngle] = 0;
  f[FACE.brightness] = 1;
  f[FACE.backgroundHue] = r();
  f[FACE.glassesShape] = randomInt(r, 2);
  f[FACE.glassesColour] = randomInt(r, 4);
  f[FACE.glassesSize] = randomIn(r, RANGES.glassesSize);
  f[FACE.lensTint] = randomIn(r, RANGES.lensTint) * 0.3;
  f[FACE.beardLength] = r();
  f[FACE.beardColour] = f[FACE.hairColour];
  return f;
}

/** Geometry shared by the drawing steps, derived from a factor vector. */
interface Layout {
  cx: number;
  cy: number;
  rx: number;
  ryU: number;
  ryL: number;
  p: number;
  taper: number;
  fx: number;
  ey: number;
  my: number;
}

function layoutOf(f: number[]): Layout {
  const male = f[FACE.male] > 0.5;
  const shape = Math.round(f[FACE.faceShape]);
  const rx = 0.225 * f[FACE.faceWidth] * (male ? 1.04 : 1);
  const ryU = 0.3;
  const ryL = shape === 1 ? 0.26 : shape === 2 ? 0.275 : 0.3;
  const p = shape === 2 ? 4 : 2;
  const taper = (shape === 1 ? 0.02 : shape === 2 ? 0.1 : 0.18) - (male ? 0.05 : 0);
  const yaw = f[FACE.yaw];
  const cx = 0.5 + yaw * 0.012;
  const cy = 0.5;
  const ey = 0.47;
  const noseTip = ey + f[FACE.noseLength];
  const my = Math.max(0.7, noseTip + 0.07);
  return { cx, cy, rx, ryU, ryL, p, taper: Math.max(0, taper), fx: 0.5 + yaw * 0.04, ey, my };
}

/** Half-width of the head outline at height y (0 outside its vertical extent). */
function headHalfWidth(L: Layout, y: number, chinExtra = 0): number {
  const dy = y - L.cy;
  if (dy < 0) {
    const t = dy / L.ryU;
    return t <= -1 ? 0 : L.rx * Math.sqrt(1 - t * t);
  }
  const ry = L.ryL + chinExtra;
  const t = dy / ry;
  if (t >= 1) return 0;
  return L.rx * Math.pow(1 - Math.pow(t, L.p), 1 / L.p) * (1 - L.taper * t);
}

function hairColourOf(f: number[], palettePos: number): RGB {
  const grey = clamp01((f[FACE.age] - 0.5) * 1.7) * 0.9;
  return mixRGB(paletteAt(HAIR, palettePos), GREY, grey);
}

/** Renders one face (see the module doc for the factors) into `out` at `offset`. */
export function renderFace(f: number[], size: number, out: Float32Array, offset = 0): void {
  const c = new Canvas(size);
  const L = layoutOf(f);
  const male = f[FACE.male] > 0.5;
  const yaw = f[FACE.yaw];
  const smile = f[FACE.smile];
  const open = f[FACE.mouthOpen];
  const bright = f[FACE.brightness];
  const age = f[FACE.age];
  const style = Math.round(f[FACE.hairStyle]);
  const skin = paletteAt(SKIN, f[FACE.skinTone]);
  const hair = hairColourOf(f, f[FACE.hairColour]);
  // Light in the face's frame: from the side given by lightAngle, above and in front.
  const la = f[FACE.lightAngle];
  const ll = Math.hypot(la * 0.8, 0.45, 0.75);
  const lx = (la * 0.8) / ll, ly = -0.45 / ll, lz = 0.75 / ll;
  /** Lambert shading on an ellipsoid centred at (ox, oy) with radii (ax, ay). */
  const lit = (base: RGB, ox: number, oy: number, ax: number, ay: number, amb = 0.45) =>
    (x: number, y: number, o: RGB) => {
      let nx = (x - ox) / ax, ny = (y - oy) / ay;
      const n2 = nx * nx + ny * ny;
      if (n2 > 0.98) { const s = Math.sqrt(0.98 / n2); nx *= s; ny *= s; }
      const nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
      const d = Math.max(0, nx * lx + ny * ly + nz * lz);
      const s = bright * (amb + (1 - amb) * d) * 1.08;
      o[0] = clamp01(base[0] * s); o[1] = clamp01(base[1] * s); o[2] = clamp01(base[2] * s);
    };

  // Background: pale hue, darker towards the bottom.
  const bgTop = hsvToRgb(f[FACE.backgroundHue], 0.18, 0.9);
  const bgBottom = hsvToRgb(f[FACE.backgroundHue], 0.25, 0.68);
  c.verticalGradient(bgTop, bgBottom);

  // Long hair falls behind the head and onto the shoulders.
  if (style === 2) {
    const hw = L.rx * 1.28;
    c.fillImplicit(
      { x0: L.cx - hw, y0: 0.16, x1: L.cx + hw, y1: 0.9 },
      (x, y) => {
        const dx = (x - L.cx) / hw;
        if (y < L.cy) return dx * dx + ((y - L.cy) / (L.ryU * 1.12)) ** 2 <= 1;
        return Math.abs(dx) <= 1 - 0.25 * ((y - L.cy) / 0.4) ** 2 && y < 0.86 + 0.03 * Math.cos(dx * 9);
      },
      lit(hair, L.cx, L.cy - 0.05, hw, 0.45, 0.5),
    );
  }

  // Shoulders and neck.
  const shirt = hsvToRgb(f[FACE.clothingHue], 0.55, 0.7);
  c.fillEllipse(0.5, 1.1, 0.5, 0.22, lit(shirt, 0.5, 1.05, 0.55, 0.3, 0.55));
  const neckW = L.rx * (male ? 0.58 : 0.5);
  const neckSkin: RGB = [skin[0] * 0.82, skin[1] * 0.8, skin[2] * 0.8];
  c.fillRoundRect(L.cx, 0.84, neckW, 0.1, 0.02, lit(neckSkin, L.cx, 0.86, neckW * 1.6, 0.4, 0.6));
  // Shirt collar (a V in skin tone over the shirt).
  c.fillPolygon([L.cx - neckW * 0.9, 0.89, L.cx + neckW * 0.9, 0.89, L.cx, 0.97], lit(neckSkin, L.cx, 0.86, neckW * 1.6, 0.4, 0.6));

  // Ears (grow/shrink with yaw).
  for (const side of [-1, 1]) {
    const s = 1 - side * yaw * 0.35;
    const ex = L.cx + side * (L.rx * 0.97 - yaw * 0.01);
    c.fillEllipse(ex, L.ey + 0.035, 0.03 * s, 0.052, lit(scale(skin, 0.93), ex, L.ey + 0.035, 0.04, 0.06));
    c.fillEllipse(ex + side * 0.006 * s, L.ey + 0.04, 0.012 * s, 0.028, scale(skin, 0.72 * bright), 0.6);
  }

  // Head.
  const headBox: Rect = { x0: L.cx - L.rx, y0: L.cy - L.ryU, x1: L.cx + L.rx, y1: L.cy + L.ryL };
  const inHead = (x: number, y: number) => Math.abs(x - L.cx) <= headHalfWidth(L, y);
  c.fillImplicit(headBox, inHead, lit(skin, L.cx + yaw * 0.02, L.cy, L.rx * 1.05, 0.34));

  // Cheeks (soft blush, stronger for female identities).
  const blush = scale(mixRGB(skin, [0.92, 0.4, 0.4], 0.3), bright);
  for (const side of [-1, 1]) {
    c.fillEllipse(L.fx + side * (f[FACE.eyeSpacing] + 0.015), 0.585, 0.045, 0.03, blush, male ? 0.15 : 0.4);
  }

  // Age: forehead lines, crow's feet, nasolabial folds.
  const wrinkle = clamp01((age - 0.45) * 1.8);
  const lineCol = scale(skin, 0.62 * bright);
  if (wrinkle > 0) {
    for (let k = 0; k < 3; k++) {
      const y = 0.255 + k * 0.028;
      c.strokePolyline(quadraticCurve(L.fx - 0.09 + k * 0.01, y + 0.01, L.fx, y - 0.008, L.fx + 0.09 - k * 0.01, y + 0.01, 8), 0.007, lineCol, 0.55 * wrinkle);
    }
    for (const side of [-1, 1]) {
      const x = L.fx + side * (f[FACE.eyeSpacing] + 0.05 * f[FACE.eyeSize]);
      c.strokePolyline([x, L.ey - 0.012, x + side * 0.02, L.ey - 0.02], 0.005, lineCol, 0.6 * wrinkle);
      c.strokePolyline([x, L.ey + 0.008, x + side * 0.02, L.ey + 0.016], 0.005, lineCol, 0.6 * wrinkle);
      const nx = L.fx + yaw * 0.02 + side * 0.04;
      const ny = L.ey + f[FACE.noseLength] - 0.01;
      c.strokePolyline(quadraticCurve(nx, ny, nx + side * 0.035, ny + 0.05, nx + side * 0.03, L.my + 0.02, 8), 0.007, lineCol, 0.6 * wrinkle);
    }
  }

  // Hair on top.
  const capRx = L.rx * (style === 3 ? 1.25 : 1.1);
  const capRy = L.ryU * (style === 3 ? 1.18 : 1.08);
  const capCy = L.cy - 0.015;
  const hairShade = lit(hair, L.cx, L.cy - 0.1, capRx, capRy, 0.5);
  if (style === 0) {
    // Bald: hair only at the sides above the ears.
    c.fillImplicit(
      { x0: L.cx - capRx, y0: 0.3, x1: L.cx + capRx, y1: L.ey + 0.02 },
      (x, y) => {
        const dx = (x - L.cx) / capRx, dy = (y - capCy) / capRy;
        return dx * dx + dy * dy <= 1 && Math.abs(x - L.cx) > headHalfWidth(L, y) * 0.86;
      },
      hairShade,
    );
  } else {
    c.fillImplicit(
      { x0: L.cx - capRx, y0: capCy - capRy, x1: L.cx + capRx, y1: L.ey },
      (x, y) => {
        const dx = (x - L.cx) / capRx, dy = (y - capCy) / capRy;
        let r2 = dx * dx + dy * dy;
        const ux = (x - L.cx) / L.rx;
        if (style === 3) {
          const ang = Math.atan2(dy, dx);
          const bump = 1 + 0.06 * Math.cos(ang * 11);
          r2 /= bump * bump;
        }
        if (r2 > 1) return false;
        let hairline: number;
        if (style === 4) hairline = 0.3 + 0.05 * clamp01((ux + 1) / 2) + 0.06 * ux * ux; // side part
        else if (style === 2) hairline = 0.285 + 0.035 * Math.abs(ux) + 0.1 * ux * ux; // centre part
        else if (style === 3) hairline = 0.3 + 0.1 * ux * ux;
        else hairline = 0.275 + 0.12 * ux * ux; // short
        // At the temples hair reaches down to the ears, outside the face.
        const outside = Math.abs(x - L.cx) > headHalfWidth(L, y) * 0.9;
        return y < hairline || (outside && y < L.ey - 0.01);
      },
      hairShade,
    );
    if (style === 2) {
      // Strands falling in front of the shoulders, outside the cheeks.
      for (const side of [-1, 1]) {
        c.fillImplicit(
          { x0: L.cx - L.rx * 1.3, y0: L.ey - 0.05, x1: L.cx + L.rx * 1.3, y1: 0.84 },
          (x, y) => {
            const d = (x - L.cx) * side;
            const hw = headHalfWidth(L, Math.min(y, L.cy + L.ryL * 0.6));
            return d > hw * 0.92 && d < L.rx * 1.28 - 0.05 * clamp01((y - 0.6) / 0.25);
          },
          hairShade,
        );
      }
    }
  }

  // Eyebrows.
  const browCol = scale(mixRGB(hair, [0.1, 0.08, 0.06], 0.35), bright);
  const eyeSize = f[FACE.eyeSize];
  const spacing = f[FACE.eyeSpacing];
  for (const side of [-1, 1]) {
    const ex = L.fx + side * spacing;
    const by = L.ey - 0.042 - 0.012 * eyeSize;
    const inner = ex - side * 0.035, outer = ex + side * 0.042;
    c.strokePolyline(quadraticCurve(inner, by + 0.004, ex + side * 0.005, by - 0.016, outer, by + 0.008, 8), male ? 0.017 : 0.01, browCol);
  }

  // Eyes: white, iris (clipped to the white), pupil, upper lid / lashes.
  const irisCol = paletteAt(EYES, f[FACE.eyeColour]);
  for (const side of [-1, 1]) {
    const ex = L.fx + side * spacing;
    const erx = 0.036 * eyeSize;
    const ery = 0.019 * eyeSize * (1 - 0.3 * smile);
    const inEye = (x: number, y: number) => ((x - ex) / erx) ** 2 + ((y - L.ey) / ery) ** 2 <= 1;
    c.fillImplicit({ x0: ex - erx, y0: L.ey - ery, x1: ex + erx, y1: L.ey + ery }, inEye, scale([0.96, 0.95, 0.93], Math.min(1, bright)));
    const ix = ex + yaw * 0.008;
    const ir = 0.017 * eyeSize;
    c.fillImplicit({ x0: ix - ir, y0: L.ey - ir, x1: ix + ir, y1: L.ey + ir }, (x, y) => inEye(x, y) && (x - ix) ** 2 + (y - L.ey) ** 2 <= ir * ir, irisCol);
    const pr = 0.0075 * eyeSize;
    c.fillImplicit({ x0: ix - pr, y0: L.ey - pr, x1: ix + pr, y1: L.ey + pr }, (x, y) => inEye(x, y) && (x - ix) ** 2 + (y - L.ey) ** 2 <= pr * pr, [0.03, 0.03, 0.03]);
    c.strokePolyline(quadraticCurve(ex - erx, L.ey + 0.002, ex, L.ey - ery * 2.05, ex + erx, L.ey + 0.002, 10), male ? 0.006 : 0.009, [0.12, 0.08, 0.07]);
  }

  // Nose: side shadow, tip, nostrils.
  const nx = L.fx + yaw * 0.025;
  const tip = L.ey + f[FACE.noseLength];
  const shadowSide = la > 0 ? -1 : 1;
  c.strokePolyline(quadraticCurve(nx + shadowSide * 0.012, L.ey + 0.015, nx + shadowSide * 0.018, tip - 0.03, nx + shadowSide * 0.022, tip - 0.005, 8), 0.01, scale(skin, 0.75 * bright), 0.45);
  c.fillEllipse(nx, tip - 0.004, 0.03, 0.016, lit(scale(skin, 0.97), nx, tip - 0.01, 0.04, 0.03, 0.55));
  for (const side of [-1, 1]) c.fillEllipse(nx + side * 0.013, tip + 0.004, 0.008, 0.005, scale(skin, 0.4 * bright), 0.85);

  // Beard (only inside the lower-face region), drawn before the mouth.
  if (f[FACE.beard] > 0.5) {
    drawBeard(c, f, L, hairColourOf(f, f[FACE.beardColour]), skin, bright, tip);
  }

  // Mouth.
  const mx = L.fx + yaw * 0.015;
  const mw = 0.05 + smile * 0.02;
  const cornerY = L.my - smile * 0.022;
  const upperCtrl = L.my - 0.006 - open * 0.004;
  const lowerCtrl = L.my + 0.004 + smile * 0.028 + open * 0.05;
  const upper = quadraticCurve(mx - mw, cornerY, mx, upperCtrl, mx + mw, cornerY, 12);
  const lower = quadraticCurve(mx + mw, cornerY, mx, lowerCtrl, mx - mw, cornerY, 12);
  const lip: RGB = male ? mixRGB(skin, [0.6, 0.25, 0.25], 0.35) : mixRGB(skin, [0.75, 0.12, 0.2], 0.6);
  const opening = open * 0.8 + smile * 0.35;
  if (opening > 0.15) {
    const poly = [...upper, ...lower];
    c.fillPolygon(poly, [0.3, 0.06, 0.08]);
    if (smile > 0.3) {
      // Upper teeth: the top part of the opening.
      const teethBottom = (upperCtrl + lowerCtrl) / 2 + 0.004;
      c.withClip({ x0: 0, y0: 0, x1: 1, y1: teethBottom }, () => c.fillPolygon(poly, scale([0.97, 0.95, 0.9], Math.min(1, bright))));
    }
  }
  c.strokePolyline(upper, male ? 0.008 : 0.011, scale(lip, bright));
  c.strokePolyline(lower.map((v, i) => (i % 2 ? v + 0.003 : v)), male ? 0.01 : 0.014, scale(lip, bright * 1.05));

  // Glasses (only inside the eye region).
  if (f[FACE.glasses] > 0.5) drawGlasses(c, f, L);

  c.resolve(out, offset, 3);
}

function scale(a: RGB, s: number): RGB {
  return [clamp01(a[0] * s), clamp01(a[1] * s), clamp01(a[2] * s)];
}

function drawBeard(c: Canvas, f: number[], L: Layout, colour: RGB, skin: RGB, bright: number, noseTip: number): void {
  const len = f[FACE.beardLength];
  const extra = 0.015 + 0.075 * len;
  const top = Math.max(FACE_LOWER_REGION.y0, noseTip + 0.02);
  const mx = L.fx + f[FACE.yaw] * 0.015;
  const mw = 0.05 + f[FACE.smile] * 0.02;
  const holeRy = 0.014 + f[FACE.mouthOpen] * 0.03 + f[FACE.smile] * 0.012;
  const holeCy = L.my + 0.006 + f[FACE.mouthOpen] * 0.018;
  const alpha = 0.55 + 0.45 * clamp01(len * 2.5);
  const smileLift = f[FACE.smile] * 0.022;
  const base = scale(mixRGB(colour, skin, 0.12), bright);
  c.withClip(FACE_LOWER_REGION, () => {
    c.fillImplicit(
      { x0: L.cx - L.rx, y0: top, x1: L.cx + L.rx, y1: L.cy + L.ryL + extra },
      (x, y) => {
        const hw = headHalfWidth(L, y, extra);
        const ax = Math.abs(x - L.cx);
        if (ax > hw) return false;
        const dx = x - mx;
        // Moustache: a band from under the nose down to the upper lip.
        const tl = Math.min(1, (dx / mw) ** 2);
        const lipY = (L.my - 0.003) * (1 - tl) + (L.my - smileLift) * tl;
        const mwid = mw + 0.014 - 0.25 * Math.max(0, y - (noseTip + 0.02));
        const moustache = Math.abs(dx) < mwid && y > noseTip + 0.018 && y < lipY + 0.004;
        // Chin and jaw: below the lower lip in the middle, rising to the sideburns.
        const u = Math.min(1, ax / (L.rx * 0.98));
        const jawTop = (L.my + 0.024) * (1 - u * u) + (FACE_LOWER_REGION.y0 - 0.01) * u * u;
        const jaw = y > jawTop || (Math.abs(dx) > mw - 0.004 && Math.abs(dx) < mw + 0.02 && y > lipY - 0.01);
        if (!moustache && !jaw) return false;
        // Keep the lips free.
        return (dx / (mw + 0.004)) ** 2 + ((y - holeCy) / holeRy) ** 2 > 1;
      },
      (x, y, o) => {
        const t = 0.85 + 0.15 * Math.sin(x * 420 + Math.sin(y * 230) * 2) * Math.sin(y * 310);
        o[0] = clamp01(base[0] * t); o[1] = clamp01(base[1] * t); o[2] = clamp01(base[2] * t);
      },
      alpha,
    );
  });
}

function drawGlasses(c: Canvas, f: number[], L: Layout): void {
  const colour = FRAME_RGB[Math.round(f[FACE.glassesColour])];
  const size = f[FACE.glassesSize];
  const square = Math.round(f[FACE.glassesShape]) === 1;
  const w = Math.round(f[FACE.glassesColour]) === 2 ? 0.006 : 0.009;
  const tint = f[FACE.lensTint];
  const spacing = f[FACE.eyeSpacing];
  const hw = (square ? 0.05 : 0.046) * size;
  const hh = (square ? 0.034 : 0.04) * size;
  const ey = L.ey + 0.004;
  c.withClip(FACE_EYE_REGION, () => {
    for (const side of [-1, 1]) {
      const lx = L.fx + side * spacing;
      if (tint > 0.01) {
        if (square) c.fillRoundRect(lx, ey, hw, hh, 0.012, [0.1, 0.1, 0.16], tint);
        else c.fillEllipse(lx, ey, hw, hh, [0.1, 0.1, 0.16], tint);
      }
      // A faint reflection on the lens.
      c.strokePolyline([lx - hw * 0.45, ey - hh * 0.2, lx - hw * 0.1, ey - hh * 0.6], 0.006, [1, 1, 1], 0.25);
      if (square) c.strokeRoundRect(lx, ey, hw, hh, 0.012, w, colour);
      else c.strokeEllipse(lx, ey, hw, hh, w, colour);
      // Temple arm to the side of the head.
      const edge = L.cx + side * (headHalfWidth(L, ey - 0.01) + 0.004);
      c.strokePolyline([lx + side * (hw - w / 2), ey - hh * 0.35, edge, ey - hh * 0.5], w * 0.9, colour);
    }
    const inner = spacing - hw + w / 2;
    c.strokePolyline(quadraticCurve(L.fx - inner, ey - hh * 0.3, L.fx, ey - hh * 0.8, L.fx + inner, ey - hh * 0.3, 8), w * 0.9, colour);
  });
}

/** CelebA-style attribute names, in the order `attributes()` returns them. */
export const FACE_ATTRIBUTE_NAMES = ['Eyeglasses', 'Beard', 'Smiling', 'Young', 'Male'];

/**
 * A face generator over `identities` identities: sampleFactors draws an identity uniformly,
 * takes its identity factors, then draws the nuisance and attribute factors.
 */
export function makeFacesGenerator(options: FaceOptions = {}): ProceduralGenerator & {
  identityFactors(id: number): number[];
  options: Required<FaceOptions>;
} {
  const o = { ...FACE_DEFAULTS, ...options };
  const factors = faceFactorSpecs(o.identities);
  return {
    name: 'faces',
    channels: 3,
    sizes: [32, 64],
    factors,
    options: o,
    identityFactors: (id: number) => identityFactors(id, o),
    sampleFactors(random) {
      const f = identityFactors(randomInt(random, o.identities), o);
      f[FACE.yaw] = randomIn(random, RANGES.yaw);
      f[FACE.smile] = random();
      f[FACE.mouthOpen] = random() < 0.5 ? 0 : random();
      f[FACE.lightAngle] = randomIn(random, RANGES.lightAngle);
      f[FACE.brightness] = randomIn(random, RANGES.brightness);
      f[FACE.backgroundHue] = random();
      f[FACE.glasses] = random() < o.glassesProbability ? 1 : 0;
      f[FACE.glassesShape] = randomInt(random, 2);
      f[FACE.glassesColour] = randomInt(random, 4);
      f[FACE.glassesSize] = randomIn(random, RANGES.glassesSize);
      f[FACE.lensTint] = randomIn(random, RANGES.lensTint);
      f[FACE.beard] = f[FACE.male] > 0.5 && random() < o.beardProbabilityMale ? 1 : 0;
      f[FACE.beardLength] = random();
      f[FACE.beardColour] = clamp01(f[FACE.hairColour] + (random() - 0.5) * 0.3);
      return f;
    },
    render: renderFace,
    label: (f) => f[FACE.identity],
    labelNames: factors[0].values,
    attributes: (f) => [
      f[FACE.glasses] > 0.5 ? 1 : 0,
      f[FACE.beard] > 0.5 ? 1 : 0,
      f[FACE.smile] > 0.5 ? 1 : 0,
      f[FACE.age] < 0.5 ? 1 : 0,
      f[FACE.male] > 0.5 ? 1 : 0,
    ],
    attributeNames: FACE_ATTRIBUTE_NAMES,
  };
}
