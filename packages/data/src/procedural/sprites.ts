/**
 * Procedural sprites, dSprites-like: one white-ish coloured shape on a black background,
 * RGB, 32×32 or 64×64, anti-aliased by supersampling. Factors (all independent, uniform):
 * - `shape`: square, ellipse (2:1, so its rotation shows) or heart — the label;
 * - `scale`: size multiplier in [0.5, 1] (at 1 a square's side is 0.24 of the image);
 * - `rotation`: radians in [0, 2π) about the shape's centre;
 * - `x`, `y`: centre position in [0, 1], mapped to image coordinates 0.22 + 0.56·v so every
 *   shape at every scale and rotation stays inside the frame;
 * - `hue`: colour of the shape (saturation 0.85, value 1).
 */
import type { FactorSpec, ProceduralGenerator } from '../types';
import { Canvas, hsvToRgb, randomIn, randomInt } from './raster';

export const SPRITE = { shape: 0, scale: 1, rotation: 2, x: 3, y: 4, hue: 5 } as const;
export const SPRITE_SHAPES = ['square', 'ellipse', 'heart'];

export const SPRITE_FACTORS: FactorSpec[] = [
  { name: 'shape', kind: 'categorical', values: SPRITE_SHAPES, role: 'label', description: 'Shape: square, ellipse (aspect 2:1) or heart.' },
  { name: 'scale', kind: 'continuous', range: [0.5, 1], role: 'style', description: 'Size multiplier (at 1: square side 0.24, ellipse 0.3×0.15, heart ~0.28 of the image).' },
  { name: 'rotation', kind: 'continuous', range: [0, 2 * Math.PI], role: 'style', description: 'Rotation about the centre, radians.' },
  { name: 'x', kind: 'continuous', range: [0, 1], role: 'style', description: 'Horizontal centre: image x = 0.22 + 0.56·x.' },
  { name: 'y', kind: 'continuous', range: [0, 1], role: 'style', description: 'Vertical centre: image y = 0.22 + 0.56·y (0 is the top).' },
  { name: 'hue', kind: 'continuous', range: [0, 1], role: 'style', description: 'Hue of the shape (HSV saturation 0.85, value 1); the background is black.' },
];

export function renderSprite(f: number[], size: number, out: Float32Array, offset = 0): void {
  const c = new Canvas(size);
  c.clear([0, 0, 0]);
  const shape = Math.round(f[SPRITE.shape]);
  const s = f[SPRITE.scale];
  const rot = f[SPRITE.rotation];
  const cx = 0.22 + 0.56 * f[SPRITE.x];
  const cy = 0.22 + 0.56 * f[SPRITE.y];
  const colour = hsvToRgb(f[SPRITE.hue], 0.85, 1);
  const ca = Math.cos(rot), sa = Math.sin(rot);
  const ext = 0.2 * s;
  const bbox = { x0: cx - ext, y0: cy - ext, x1: cx + ext, y1: cy + ext };
  const local = (x: number, y: number): [number, number] => {
    const dx = x - cx, dy = y - cy;
    return [dx * ca + dy * sa, -dx * sa + dy * ca];
  };
  if (shape === 0) {
    const h = 0.12 * s;
    c.fillImplicit(bbox, (x, y) => { const [u, v] = local(x, y); return Math.abs(u) <= h && Math.abs(v) <= h; }, colour);
  } else if (shape === 1) {
    c.fillEllipse(cx, cy, 0.15 * s, 0.075 * s, colour, 1, rot);
  } else {
    // (X² + Y² − 1)³ − X²Y³ ≤ 0 with Y up; the curve's centre of its extent sits at Y ≈ 0.1.
    const k = 0.12 * s;
    c.fillImplicit(bbox, (x, y) => {
      const [u, v] = local(x, y);
      const X = u / k, Y = -v / k + 0.1;
      const a = X * X + Y * Y - 1;
      return a * a * a - X * X * Y * Y * Y <= 0;
    }, colour);
  }
  c.resolve(out, offset, 3);
}

export const spritesGenerator: ProceduralGenerator = {
  name: 'sprites',
  channels: 3,
  sizes: [32, 64],
  factors: SPRITE_FACTORS,
  sampleFactors: (random) => [
    randomInt(random, 3),
    randomIn(random, [0.5, 1]),
    randomIn(random, [0, 2 * Math.PI]),
    random(),
    random(),
    random(),
  ],
  render: renderSprite,
  label: (f) => Math.round(f[SPRITE.shape]),
  labelNames: SPRITE_SHAPES,
};
