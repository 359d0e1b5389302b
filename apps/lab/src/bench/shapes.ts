/**
 * Procedurally drawn grey-scale shapes for the demo: a circle, a square or a triangle
 * at a random position, scale and rotation, anti-aliased by 4×4 supersampling.
 * Deterministic from the `random` source it is given. (The full procedural datasets with
 * ground-truth factors live in @disentangle/data; this is the demo's own small set.)
 */
export type ShapeKind = 'circle' | 'square' | 'triangle';
export const SHAPE_KINDS: readonly ShapeKind[] = ['circle', 'square', 'triangle'];

export interface ShapeFactors {
  kind: ShapeKind;
  /** Centre in [0,1]² image coordinates. */
  x: number;
  y: number;
  /** Half-size as a fraction of the image side. */
  scale: number;
  /** Rotation in radians. */
  rotation: number;
}

/** Whether the unit-space point (u, v), relative to the shape's centre and unrotated, is inside. */
function inside(kind: ShapeKind, u: number, v: number): boolean {
  switch (kind) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    case 'triangle': {
      // Equilateral triangle with circumradius 1, apex up.
      const h = 1.5; // from v = -1 (apex) to v = 0.5 (base)
      if (v < -1 || v > 0.5) return false;
      const halfWidth = ((v + 1) / h) * (Math.sqrt(3) / 2);
      return Math.abs(u) <= halfWidth;
    }
  }
}

/** Renders one shape into `out` (size×size floats in [0,1]), row-major. */
export function drawShape(f: ShapeFactors, size: number, out: Float32Array, offset = 0): void {
  const sub = 4;
  const cos = Math.cos(f.rotation);
  const sin = Math.sin(f.rotation);
  const radius = f.scale * size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let hits = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const px = (col + (sx + 0.5) / sub - f.x * size) / radius;
          const py = (row + (sy + 0.5) / sub - f.y * size) / radius;
          const u = cos * px + sin * py;
          const v = -sin * px + cos * py;
          if (inside(f.kind, u, v)) hits++;
        }
      }
      out[offset + row * size + col] = hits / (sub * sub);
    }
  }
}

/** Draws random shape factors from `random` (a function returning uniform [0,1) numbers). */
export function randomShapeFactors(random: () => number): ShapeFactors {
  const scale = 0.15 + 0.15 * random();
  const margin = scale + 0.02;
  return {
    kind: SHAPE_KINDS[Math.floor(random() * SHAPE_KINDS.length)],
    x: margin + (1 - 2 * margin) * random(),
    y: margin + (1 - 2 * margin) * random(),
    scale,
    rotation: random() * Math.PI * 2,
  };
}

/** `count` images of side `size`, as one Float32Array [count, size, size, 1] plus their factors. */
export function makeShapesDataset(
  count: number,
  size: number,
  random: () => number,
): { images: Float32Array; factors: ShapeFactors[] } {
  const images = new Float32Array(count * size * size);
  const factors: ShapeFactors[] = [];
  for (let i = 0; i < count; i++) {
    const f = randomShapeFactors(random);
    drawShape(f, size, images, i * size * size);
    factors.push(f);
  }
  return { images, factors };
}

/**
 * Copies `out.length / pixelsPerImage` images drawn uniformly with replacement from
 * `images` into `out`: the minibatch the demos train on. Draws come from `random.int`, so
 * a saved RNG state resumes the same sequence of batches.
 */
export function fillRandomBatch(images: Float32Array, pixelsPerImage: number, out: Float32Array, random: { int(n: number): number }): void {
  const available = images.length / pixelsPerImage;
  const batch = out.length / pixelsPerImage;
  for (let b = 0; b < batch; b++) {
    const index = random.int(available);
    out.set(images.subarray(index * pixelsPerImage, (index + 1) * pixelsPerImage), b * pixelsPerImage);
  }
}
