/**
 * Procedural chairs: the 3D-chairs stand-in (paper 000). A chair is a mesh of boxes and
 * cylinders — seat, back, legs in one of three styles, optional armrests — rendered with an
 * orthographic camera at a fixed 20° elevation and one of 62 azimuths (as the 3D chairs
 * renders), z-buffered, flat Lambert shading with the light fixed relative to the camera
 * (upper left, in front) plus ambient, on a grey background. RGB, 32×32 or 64×64,
 * anti-aliased by supersampling. The label is the azimuth index 0..61.
 *
 * Each chair is centred on its bounding box and scaled so its bounding sphere fills 88% of
 * the image, so it turns in place without leaving the frame.
 */
import type { FactorSpec, ProceduralGenerator } from '../types';
import { Canvas, hsvToRgb, Mesh, randomIn, randomInt, renderMesh, type RGB } from './raster';

export const CHAIR_AZIMUTHS = 62;
export const CHAIR_ELEVATION_DEG = 20;
export const CHAIR_BACKGROUND: RGB = [0.5, 0.5, 0.5];

/** Indices of the factors in a chair factor vector. */
export const CHAIR = {
  azimuth: 0,
  seatWidth: 1,
  seatDepth: 2,
  seatHeight: 3,
  backHeight: 4,
  backTilt: 5,
  legThickness: 6,
  legStyle: 7,
  armrests: 8,
  hue: 9,
  saturation: 10,
} as const;

const LEG_STYLES = ['four-legs', 'pedestal', 'sled'];

export const PROCEDURAL_CHAIR_FACTORS: FactorSpec[] = [
  { name: 'azimuth', kind: 'categorical', role: 'label', values: Array.from({ length: CHAIR_AZIMUTHS }, (_, i) => `az${i}`), description: `Viewing azimuth index k: the camera turns 360°·k/62 about the vertical axis (k = 0 views the chair from the front); elevation fixed at ${CHAIR_ELEVATION_DEG}°.` },
  { name: 'seatWidth', kind: 'continuous', range: [0.4, 0.62], role: 'style', description: 'Seat width (world units; the seat height is ~0.45).' },
  { name: 'seatDepth', kind: 'continuous', range: [0.36, 0.56], role: 'style', description: 'Seat depth, front to back.' },
  { name: 'seatHeight', kind: 'continuous', range: [0.35, 0.55], role: 'style', description: 'Height of the seat above the floor (leg length).' },
  { name: 'backHeight', kind: 'continuous', range: [0.25, 0.65], role: 'style', description: 'Height of the backrest above the seat.' },
  { name: 'backTilt', kind: 'continuous', range: [0, 0.4], role: 'style', description: 'Backward tilt of the backrest, radians.' },
  { name: 'legThickness', kind: 'continuous', range: [0.015, 0.045], role: 'style', description: 'Half-thickness of legs, rails and the pedestal column (×2).' },
  { name: 'legStyle', kind: 'categorical', values: LEG_STYLES, role: 'style', description: 'four-legs: straight corner legs; pedestal: central column on a five-spoke base; sled: a floor rail and two uprights on each side.' },
  { name: 'armrests', kind: 'binary', role: 'style', description: 'Armrests on/off: a horizontal bar on each side on a front post.' },
  { name: 'hue', kind: 'continuous', range: [0, 1], role: 'style', description: 'Hue of the seat and back (legs: the same hue, darker; pedestal and sled legs: metal grey).' },
  { name: 'saturation', kind: 'continuous', range: [0.15, 0.8], role: 'style', description: 'Saturation of the seat and back colour.' },
];

/** Builds the chair mesh of a factor vector (the azimuth is ignored). */
export function buildChairMesh(f: number[]): Mesh {
  const w = f[CHAIR.seatWidth], d = f[CHAIR.seatDepth], h = f[CHAIR.seatHeight];
  const bh = f[CHAIR.backHeight], tilt = f[CHAIR.backTilt], lt = f[CHAIR.legThickness];
  const style = Math.round(f[CHAIR.legStyle]);
  const body = hsvToRgb(f[CHAIR.hue], f[CHAIR.saturation], 0.85);
  const legs: RGB = style === 0 ? [body[0] * 0.55, body[1] * 0.55, body[2] * 0.55] : [0.62, 0.63, 0.66];
  const st = 0.05; // seat thickness
  const bt = 0.04; // back thickness
  const m = new Mesh();
  // Seat.
  m.box(0, h - st / 2, 0, w / 2, st / 2, d / 2, body);
  // Back, hinged at the rear edge of the seat, tilted backwards.
  m.box(0, h + (bh / 2) * Math.cos(tilt), -d / 2 + bt / 2 - (bh / 2) * Math.sin(tilt), w / 2, bh / 2, bt / 2, body, -tilt);
  const y0 = h - st;
  if (style === 0) {
    for (const sx of [-1, 1]) for (const sz of [-1, 1]) {
      const x = sx * (w / 2 - lt), z = sz * (d / 2 - lt);
      m.box(x, y0 / 2, z, lt, y0 / 2, lt, legs);
    }
  } else if (style === 1) {
    m.cylinder(0, 0, 0.06, y0, lt * 1.6, legs, 12);
    const reach = Math.max(w, d) * 0.55;
    for (let k = 0; k < 5; k++) {
      const a = (2 * Math.PI * k) / 5 + Math.PI / 2;
      const ex = reach * Math.cos(a), ez = reach * Math.sin(a);
      m.beam(0, 0.07, 0, ex, 0.035, ez, lt * 0.9, legs);
      m.cylinder(ex, ez, 0, 0.035, lt * 1.2, [0.15, 0.15, 0.15], 8);
    }
  } else {
    for (const sx of [-1, 1]) {
      const x = sx * (w / 2 - lt);
      m.box(x, lt, 0, lt, lt, d / 2 + 0.03, legs);
      m.box(x, y0 / 2 + lt, d / 2 - lt * 2, lt, y0 / 2, lt, legs);
      m.box(x, y0 / 2 + lt, -d / 2 + lt * 2, lt, y0 / 2, lt, legs);
    }
  }
  if (f[CHAIR.armrests] > 0.5) {
    const ah = 0.2;
    for (const sx of [-1, 1]) {
      const x = sx * (w / 2 + 0.02);
      m.box(x, h + ah, -0.02, 0.025, 0.018, d / 2 - 0.01, body);
      m.box(x, h + ah / 2, d / 2 - 0.06, 0.018, ah / 2, 0.018, legs);
    }
  }
  return m;
}

/** Renders a chair (see the module doc) into `out` at `offset`. */
export function renderChair(f: number[], size: number, out: Float32Array, offset = 0): void {
  const mesh = buildChairMesh(f);
  const P = mesh.positions;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let k = 0; k < P.length; k += 3) {
    x0 = Math.min(x0, P[k]); x1 = Math.max(x1, P[k]);
    y0 = Math.min(y0, P[k + 1]); y1 = Math.max(y1, P[k + 1]);
    z0 = Math.min(z0, P[k + 2]); z1 = Math.max(z1, P[k + 2]);
  }
  const radius = 0.5 * Math.hypot(x1 - x0, y1 - y0, z1 - z0);
  const canvas = new Canvas(size, size <= 32 ? 4 : 3, true);
  canvas.clear(CHAIR_BACKGROUND);
  renderMesh(canvas, mesh, {
    azimuth: (2 * Math.PI * Math.round(f[CHAIR.azimuth])) / CHAIR_AZIMUTHS,
    elevation: (CHAIR_ELEVATION_DEG * Math.PI) / 180,
    scale: 0.44 / radius,
    target: [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2],
    light: [-0.5, 0.7, 0.6],
    ambient: 0.35,
  });
  canvas.resolve(out, offset, 3);
}

export const chairsGenerator: ProceduralGenerator = {
  name: 'chairs',
  channels: 3,
  sizes: [32, 64],
  factors: PROCEDURAL_CHAIR_FACTORS,
  sampleFactors(random) {
    return PROCEDURAL_CHAIR_FACTORS.map((spec) =>
      spec.kind === 'continuous' ? randomIn(random, spec.range!) : spec.kind === 'binary' ? randomInt(random, 2) : randomInt(random, spec.values!.length),
    );
  },
  render: renderChair,
  label: (f) => Math.round(f[CHAIR.azimuth]),
  labelNames: PROCEDURAL_CHAIR_FACTORS[0].values,
};
