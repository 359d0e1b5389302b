/**
 * Shared raster helpers for the procedural generators: a supersampled RGB canvas with
 * filled ellipses, rings, rounded rectangles, polygons, strokes and arbitrary implicit
 * shapes (anti-aliased by box-filtering `ss`×`ss` samples per output pixel), a clip
 * rectangle (so an attribute can be guaranteed to touch only a known region), and a small
 * z-buffered triangle rasteriser with Lambert shading for meshes.
 *
 * All 2-D drawing coordinates are normalised: (0,0) is the image's top-left corner, (1,1)
 * its bottom-right, so a drawing renders identically (up to sampling) at any size.
 */

export type RGB = [number, number, number];
/** A paint: a flat colour, or a shader writing the colour at normalised (x, y) into `out`. */
export type Paint = RGB | ((x: number, y: number, out: RGB) => void);

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
export function mixRGB(a: RGB, b: RGB, t: number): RGB {
  return [lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)];
}
export function scaleRGB(a: RGB, s: number): RGB {
  return [clamp01(a[0] * s), clamp01(a[1] * s), clamp01(a[2] * s)];
}

/** HSV (all in [0,1]) → RGB. */
export function hsvToRgb(h: number, s: number, v: number): RGB {
  const hh = ((h % 1) + 1) % 1;
  const i = Math.floor(hh * 6);
  const f = hh * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (i % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** Piecewise-linear interpolation through a palette at t ∈ [0,1]. */
export function paletteAt(palette: RGB[], t: number): RGB {
  const x = clamp01(t) * (palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(x));
  return mixRGB(palette[i], palette[i + 1], x - i);
}

/** Supersampling factor used by default for an output side (more for small images). */
export function defaultSupersampling(size: number): number {
  return size <= 32 ? 4 : 3;
}

/**
 * A supersampled RGB canvas. Width = height = size·ss samples; sample (i, j) sits at
 * normalised ((i+½)/W, (j+½)/W). Every fill visits only the samples inside the shape's
 * bounding box intersected with the clip rectangle.
 */
export class Canvas {
  readonly side: number;
  readonly data: Float32Array;
  readonly depth: Float32Array | null;
  /** Current clip rectangle in normalised coordinates (samples outside are never written). */
  clip: Rect = { x0: 0, y0: 0, x1: 1, y1: 1 };
  private readonly tmp: RGB = [0, 0, 0];

  constructor(
    readonly size: number,
    readonly ss: number = defaultSupersampling(size),
    withDepth = false,
  ) {
    this.side = size * ss;
    this.data = new Float32Array(this.side * this.side * 3);
    this.depth = withDepth ? new Float32Array(this.side * this.side).fill(Infinity) : null;
  }

  /** Fills every sample with a colour (ignores the clip) and resets the depth buffer. */
  clear(c: RGB): void {
    const d = this.data;
    for (let i = 0; i < d.length; i += 3) {
      d[i] = c[0];
      d[i + 1] = c[1];
      d[i + 2] = c[2];
    }
    this.depth?.fill(Infinity);
  }

  /** Fills every sample with a vertical gradient from `top` (y = 0) to `bottom` (y = 1); ignores the clip. */
  verticalGradient(top: RGB, bottom: RGB): void {
    const W = this.side;
    const d = this.data;
    for (let j = 0; j < W; j++) {
      const t = (j + 0.5) / W;
      const r = top[0] + (bottom[0] - top[0]) * t;
      const g = top[1] + (bottom[1] - top[1]) * t;
      const b = top[2] + (bottom[2] - top[2]) * t;
      for (let k = j * W * 3, e = k + W * 3; k < e; k += 3) {
        d[k] = r;
        d[k + 1] = g;
        d[k + 2] = b;
      }
    }
  }

  /** Fills every sample (within the clip) with a shader, e.g. a background gradient. */
  fillAll(paint: Paint): void {
    this.fillImplicit({ x0: 0, y0: 0, x1: 1, y1: 1 }, () => true, paint);
  }

  /** Sets the clip rectangle for the duration of `draw`, then restores it. */
  withClip(rect: Rect, draw: () => void): void {
    const saved = this.clip;
    this.clip = {
      x0: Math.max(saved.x0, rect.x0),
      y0: Math.max(saved.y0, rect.y0),
      x1: Math.min(saved.x1, rect.x1),
      y1: Math.min(saved.y1, rect.y1),
    };
    try {
      draw();
    } finally {
      this.clip = saved;
    }
  }

  /**
   * The core fill: for every sample inside `bbox` ∩ clip whose centre satisfies `inside`,
   * blends `paint` with opacity `alpha`.
   */
  fillImplicit(bbox: Rect, inside: (x: number, y: number) => boolean, paint: Paint, alpha = 1): void {
    const W = this.side;
    const x0 = Math.max(bbox.x0, this.clip.x0);
    const y0 = Math.max(bbox.y0, this.clip.y0);
    const x1 = Math.min(bbox.x1, this.clip.x1);
    const y1 = Math.min(bbox.y1, this.clip.y1);
    if (x1 <= x0 || y1 <= y0) return;
    // Sample i is inside [x0, x1) when its centre (i+½)/W is.
    const i0 = Math.max(0, Math.ceil(x0 * W - 0.5));
    const i1 = Math.min(W - 1, Math.ceil(x1 * W - 0.5) - 1);
    const j0 = Math.max(0, Math.ceil(y0 * W - 0.5));
    const j1 = Math.min(W - 1, Math.ceil(y1 * W - 0.5) - 1);
    const d = this.data;
    const flat = Array.isArray(paint) ? paint : null;
    const shader = flat ? null : (paint as (x: number, y: number, out: RGB) => void);
    const c = this.tmp;
    const inv = 1 / W;
    for (let j = j0; j <= j1; j++) {
      const y = (j + 0.5) * inv;
      for (let i = i0; i <= i1; i++) {
        const x = (i + 0.5) * inv;
        if (!inside(x, y)) continue;
        let r: number, g: number, b: number;
        if (flat) {
          r = flat[0];
          g = flat[1];
          b = flat[2];
        } else {
          shader!(x, y, c);
          r = c[0];
          g = c[1];
          b = c[2];
        }
        const k = (j * W + i) * 3;
        if (alpha >= 1) {
          d[k] = r;
          d[k + 1] = g;
          d[k + 2] = b;
        } else {
          d[k] += (r - d[k]) * alpha;
          d[k + 1] += (g - d[k + 1]) * alpha;
          d[k + 2] += (b - d[k + 2]) * alpha;
        }
      }
    }
  }

  /** Filled ellipse centred at (cx, cy), radii rx, ry, rotated by `angle` radians. */
  fillEllipse(cx: number, cy: number, rx: number, ry: number, paint: Paint, alpha = 1, angle = 0): void {
    const ca = Math.cos(angle);
    const sa = Math.sin(angle);
    const ext = Math.max(rx, ry);
    this.fillImplicit(
      { x0: cx - ext, y0: cy - ext, x1: cx + ext, y1: cy + ext },
      (x, y) => {
        const dx = x - cx;
        const dy = y - cy;
        const u = (dx * ca + dy * sa) / rx;
        const v = (-dx * sa + dy * ca) / ry;
        return u * u + v * v <= 1;
      },
      paint,
      alpha,
    );
  }

  /** Elliptical ring: inside (rx, ry), outside (rx − w, ry − w). */
  strokeEllipse(cx: number, cy: number, rx: number, ry: number, w: number, paint: Paint, alpha = 1): void {
    const irx = Math.max(1e-6, rx - w);
    const iry = Math.max(1e-6, ry - w);
    this.fillImplicit(
      { x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry },
      (x, y) => {
        const dx = x - cx;
        const dy = y - cy;
        const o = (dx * dx) / (rx * rx) + (dy * dy) / (ry * ry);
        const n = (dx * dx) / (irx * irx) + (dy * dy) / (iry * iry);
        return o <= 1 && n > 1;
      },
      paint,
      alpha,
    );
  }

  /** Filled axis-aligned rounded rectangle: centre, half-sizes and corner radius. */
  fillRoundRect(cx: number, cy: number, hw: number, hh: number, radius: number, paint: Paint, alpha = 1): void {
    this.fillImplicit(
      { x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh },
      (x, y) => roundRectDistance(x - cx, y - cy, hw, hh, radius) <= 0,
      paint,
      alpha,
    );
  }

  /** Rounded-rectangle frame of width w (inner edge w inside the outer one). */
  strokeRoundRect(cx: number, cy: number, hw: number, hh: number, radius: number, w: number, paint: Paint, alpha = 1): void {
    this.fillImplicit(
      { x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh },
      (x, y) => {
        const dd = roundRectDistance(x - cx, y - cy, hw, hh, radius);
        return dd <= 0 && dd > -w;
      },
      paint,
      alpha,
    );
  }

  /** Filled polygon (even-odd rule); points as [x0, y0, x1, y1, …]. */
  fillPolygon(pts: number[], paint: Paint, alpha = 1): void {
    const bb = boundsOf(pts, 0);
    this.fillImplicit(bb, (x, y) => pointInPolygon(pts, x, y), paint, alpha);
  }

  /** Polyline of width w with round joins and caps (union of capsules); points [x0, y0, …]. */
  strokePolyline(pts: number[], w: number, paint: Paint, alpha = 1): void {
    const r = w / 2;
    const r2 = r * r;
    const bb = boundsOf(pts, r);
    this.fillImplicit(
      bb,
      (x, y) => {
        for (let k = 0; k + 3 < pts.length; k += 2) {
          // Cheap reject: outside the segment's padded bounding box.
          const ax = pts[k], ay = pts[k + 1], bx = pts[k + 2], by = pts[k + 3];
          if (x < (ax < bx ? ax : bx) - r || x > (ax > bx ? ax : bx) + r || y < (ay < by ? ay : by) - r || y > (ay > by ? ay : by) + r) continue;
          if (segmentDistance2(x, y, pts[k], pts[k + 1], pts[k + 2], pts[k + 3]) <= r2) return true;
        }
        return pts.length === 2 ? (x - pts[0]) ** 2 + (y - pts[1]) ** 2 <= r2 : false;
      },
      paint,
      alpha,
    );
  }

  /**
   * Box-filters the canvas into `out` (size×size×channels, HWC) at `offset`; channels 1
   * writes luminance (0.299 R + 0.587 G + 0.114 B). Values are clamped to [0,1].
   */
  resolve(out: Float32Array, offset = 0, channels: 1 | 3 = 3): void {
    const { size, ss, side, data } = this;
    const norm = 1 / (ss * ss);
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let sy = 0; sy < ss; sy++) {
          let k = ((py * ss + sy) * side + px * ss) * 3;
          for (let sx = 0; sx < ss; sx++, k += 3) {
            r += data[k];
            g += data[k + 1];
            b += data[k + 2];
          }
        }
        const o = offset + (py * size + px) * channels;
        if (channels === 3) {
          out[o] = clamp01(r * norm);
          out[o + 1] = clamp01(g * norm);
          out[o + 2] = clamp01(b * norm);
        } else {
          out[o] = clamp01((0.299 * r + 0.587 * g + 0.114 * b) * norm);
        }
      }
    }
  }

  // ---- 3-D: z-buffered triangles -------------------------------------------------------

  /**
   * Rasterises one screen-space triangle (normalised x, y; depth z, smaller = nearer) with a
   * flat colour, writing only samples that pass the depth test. Needs `withDepth`.
   */
  fillTriangleZ(
    ax: number, ay: number, az: number,
    bx: number, by: number, bz: number,
    cx: number, cy: number, cz: number,
    color: RGB,
  ): void {
    const depth = this.depth;
    if (!depth) throw new Error('Canvas.fillTriangleZ: canvas was created without a depth buffer');
    const W = this.side;
    // To sample units.
    const Ax = ax * W - 0.5, Ay = ay * W - 0.5;
    const Bx = bx * W - 0.5, By = by * W - 0.5;
    const Cx = cx * W - 0.5, Cy = cy * W - 0.5;
    const area = (Bx - Ax) * (Cy - Ay) - (By - Ay) * (Cx - Ax);
    if (Math.abs(area) < 1e-12) return;
    const i0 = Math.max(0, Math.ceil(Math.min(Ax, Bx, Cx)));
    const i1 = Math.min(W - 1, Math.floor(Math.max(Ax, Bx, Cx)));
    const j0 = Math.max(0, Math.ceil(Math.min(Ay, By, Cy)));
    const j1 = Math.min(W - 1, Math.floor(Math.max(Ay, By, Cy)));
    const invArea = 1 / area;
    const d = this.data;
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        // Barycentric weights (signed by the triangle's winding; both windings are drawn).
        const w0 = ((Bx - i) * (Cy - j) - (By - j) * (Cx - i)) * invArea;
        const w1 = ((Cx - i) * (Ay - j) - (Cy - j) * (Ax - i)) * invArea;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * az + w1 * bz + w2 * cz;
        const p = j * W + i;
        if (z >= depth[p]) continue;
        depth[p] = z;
        d[p * 3] = color[0];
        d[p * 3 + 1] = color[1];
        d[p * 3 + 2] = color[2];
      }
    }
  }
}

/** Signed distance-like value to an axis-aligned rounded rectangle (≤ 0 inside). */
export function roundRectDistance(dx: number, dy: number, hw: number, hh: number, radius: number): number {
  const r = Math.min(radius, hw, hh);
  const qx = Math.abs(dx) - (hw - r);
  const qy = Math.abs(dy) - (hh - r);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - r;
}

export function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((px - ax) * vx + (py - ay) * vy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const dx = px - ax - t * vx;
  const dy = py - ay - t * vy;
  return dx * dx + dy * dy;
}

export function pointInPolygon(pts: number[], x: number, y: number): boolean {
  let inside = false;
  const n = pts.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = pts[2 * i], yi = pts[2 * i + 1];
    const xj = pts[2 * j], yj = pts[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function boundsOf(pts: number[], pad: number): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k + 1 < pts.length; k += 2) {
    x0 = Math.min(x0, pts[k]);
    x1 = Math.max(x1, pts[k]);
    y0 = Math.min(y0, pts[k + 1]);
    y1 = Math.max(y1, pts[k + 1]);
  }
  return { x0: x0 - pad, y0: y0 - pad, x1: x1 + pad, y1: y1 + pad };
}

/** Points along a quadratic Bézier (inclusive of both ends), flattened as [x, y, …]. */
export function quadraticCurve(
  x0: number, y0: number, cx: number, cy: number, x1: number, y1: number, steps = 12,
): number[] {
  const pts: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const a = (1 - t) * (1 - t), b = 2 * t * (1 - t), c = t * t;
    pts.push(a * x0 + b * cx + c * x1, a * y0 + b * cy + c * y1);
  }
  return pts;
}

// ---- meshes ------------------------------------------------------------------------------

/** A triangle mesh with a colour per triangle: positions [x,y,z,…], indices [a,b,c,…]. */
export class Mesh {
  readonly positions: number[] = [];
  readonly indices: number[] = [];
  readonly colors: RGB[] = [];

  private vertex(x: number, y: number, z: number): number {
    this.positions.push(x, y, z);
    return this.positions.length / 3 - 1;
  }

  private quad(a: number, b: number, c: number, d: number, color: RGB): void {
    this.indices.push(a, b, c, a, c, d);
    this.colors.push(color, color);
  }

  /**
   * An oriented box: centre, half-extents along its local axes, rotated by `rx` about the
   * x axis (tilt) then `ry` about the y axis (y is up).
   */
  box(cx: number, cy: number, cz: number, hx: number, hy: number, hz: number, color: RGB, rx = 0, ry = 0): this {
    const cr = Math.cos(rx), sr = Math.sin(rx), cyw = Math.cos(ry), syw = Math.sin(ry);
    const v: number[] = [];
    for (let k = 0; k < 8; k++) {
      const x = k & 1 ? hx : -hx;
      const y = k & 2 ? hy : -hy;
      const z = k & 4 ? hz : -hz;
      const y1 = y * cr - z * sr;
      const z1 = y * sr + z * cr;
      const x2 = x * cyw + z1 * syw;
      const z2 = -x * syw + z1 * cyw;
      v.push(this.vertex(cx + x2, cy + y1, cz + z2));
    }
    // Faces (any winding; normals are oriented towards the camera at shading time).
    this.quad(v[0], v[1], v[3], v[2], color); // -z
    this.quad(v[4], v[5], v[7], v[6], color); // +z
    this.quad(v[0], v[2], v[6], v[4], color); // -x
    this.quad(v[1], v[3], v[7], v[5], color); // +x
    this.quad(v[0], v[1], v[5], v[4], color); // -y
    this.quad(v[2], v[3], v[7], v[6], color); // +y
    return this;
  }

  /** A box spanning two points (a thick segment, e.g. a slanted leg) with square section 2h. */
  beam(ax: number, ay: number, az: number, bx: number, by: number, bz: number, h: number, color: RGB): this {
    const dx = bx - ax, dy = by - ay, dz = bz - az;
    const len = Math.hypot(dx, dy, dz);
    // Local y along the segment: tilt about x then yaw about y.
    const ry = Math.atan2(dx, dz);
    const rx = Math.atan2(Math.hypot(dx, dz), dy);
    return this.box((ax + bx) / 2, (ay + by) / 2, (az + bz) / 2, h, len / 2, h, color, rx, ry);
  }

  /** A vertical cylinder (axis along y) with `segments` sides and caps. */
  cylinder(cx: number, cz: number, y0: number, y1: number, r: number, color: RGB, segments = 12): this {
    const bottom: number[] = [];
    const top: number[] = [];
    for (let s = 0; s < segments; s++) {
      const a = (2 * Math.PI * s) / segments;
      bottom.push(this.vertex(cx + r * Math.cos(a), y0, cz + r * Math.sin(a)));
      top.push(this.vertex(cx + r * Math.cos(a), y1, cz + r * Math.sin(a)));
    }
    const cb = this.vertex(cx, y0, cz);
    const ct = this.vertex(cx, y1, cz);
    for (let s = 0; s < segments; s++) {
      const n = (s + 1) % segments;
      this.quad(bottom[s], bottom[n], top[n], top[s], color);
      this.indices.push(cb, bottom[n], bottom[s], ct, top[s], top[n]);
      this.colors.push(color, color);
    }
    return this;
  }
}

export interface Camera {
  /** Azimuth (radians) about the vertical axis. */
  azimuth: number;
  /** Elevation (radians) above the horizontal. */
  elevation: number;
  /** Normalised image units per world unit. */
  scale: number;
  /** World point drawn at the image centre. */
  target: [number, number, number];
  /** Light direction in camera space (x right, y up, z towards the viewer); normalised inside. */
  light: [number, number, number];
  ambient: number;
}

/**
 * Renders a mesh with an orthographic camera: every triangle is flat-shaded with
 * ambient + (1 − ambient)·max(0, n·l) where n is its normal turned towards the viewer.
 */
export function renderMesh(canvas: Canvas, mesh: Mesh, cam: Camera): void {
  const { positions: P, indices: I, colors: C } = mesh;
  const ca = Math.cos(cam.azimuth), sa = Math.sin(cam.azimuth);
  const ce = Math.cos(cam.elevation), se = Math.sin(cam.elevation);
  const n = P.length / 3;
  const sx = new Float64Array(n), sy = new Float64Array(n), sz = new Float64Array(n);
  // Camera space: yaw the world by -azimuth, then pitch by elevation.
  const vx = new Float64Array(n), vy = new Float64Array(n), vz = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = P[3 * k] - cam.target[0];
    const y = P[3 * k + 1] - cam.target[1];
    const z = P[3 * k + 2] - cam.target[2];
    const x1 = x * ca - z * sa;
    const z1 = x * sa + z * ca;
    const y2 = y * ce - z1 * se;
    const z2 = y * se + z1 * ce;
    vx[k] = x1;
    vy[k] = y2;
    vz[k] = z2;
    sx[k] = 0.5 + x1 * cam.scale;
    sy[k] = 0.5 - y2 * cam.scale;
    sz[k] = -z2; // z2 towards the viewer → smaller depth is nearer
  }
  const ll = Math.hypot(...cam.light);
  const lx = cam.light[0] / ll, ly = cam.light[1] / ll, lz = cam.light[2] / ll;
  const col: RGB = [0, 0, 0];
  for (let t = 0; t < I.length / 3; t++) {
    const a = I[3 * t], b = I[3 * t + 1], c = I[3 * t + 2];
    const ux = vx[b] - vx[a], uy = vy[b] - vy[a], uz = vz[b] - vz[a];
    const wx = vx[c] - vx[a], wy = vy[c] - vy[a], wz = vz[c] - vz[a];
    let nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    const nl = Math.hypot(nx, ny, nz);
    if (nl < 1e-12) continue;
    nx /= nl; ny /= nl; nz /= nl;
    if (nz < 0) { nx = -nx; ny = -ny; nz = -nz; }
    const lambert = Math.max(0, nx * lx + ny * ly + nz * lz);
    const shade = cam.ambient + (1 - cam.ambient) * lambert;
    const base = C[t];
    col[0] = clamp01(base[0] * shade);
    col[1] = clamp01(base[1] * shade);
    col[2] = clamp01(base[2] * shade);
    canvas.fillTriangleZ(sx[a], sy[a], sz[a], sx[b], sy[b], sz[b], sx[c], sy[c], sz[c], col);
  }
}

/** Deterministic per-id random source (mulberry32 on a hashed id), for identity factors. */
export function hashedRandom(id: number, salt = 0): () => number {
  let s = (Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n) from a uniform source. */
export function randomInt(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** Uniform real in `range`. */
export function randomIn(random: () => number, range: [number, number]): number {
  return range[0] + (range[1] - range[0]) * random();
}
