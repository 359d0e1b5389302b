/**
 * Scatter plots as PNG (pngjs, pure JS, text in the data package's 5×8 bitmap font): panels of
 * 2-D points coloured by class, e.g. CSVAE's Figure 2 (the learned latent space projected onto
 * pairs of coordinates, points coloured by their binary label).
 *
 * Each panel is a `panelSize`² cell: white background, title on top, an axes box with tick
 * marks and labels at the two ends of each axis (the data range rounded outwards to a round
 * step, so the labels are exact), faint lines at x = 0 and y = 0 when they fall inside the box,
 * the x label below and the y label (rotated) on the left, and a legend of the class colours
 * under the plot. Points are filled discs in a colour-blind-safe palette (Okabe–Ito: blue,
 * orange, bluish green, vermillion, reddish purple, sky blue, black, yellow; more classes
 * cycle), drawn in a fixed shuffled order so no class systematically hides another.
 */
import { PNG } from 'pngjs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BITMAP_FONT_HEIGHT, bitmapTextWidth, drawBitmapText } from '@disentangle/data';
import { writeFileAtomic } from '@disentangle/kernels';

export interface ScatterPanel {
  title: string;
  xLabel: string;
  yLabel: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Class of each point: an integer ≥ 0 (the colour index and the legend entry). */
  classes: ArrayLike<number>;
}

export interface ScatterOptions {
  /** Panels per row (default: the number of panels, at most 4). */
  columns?: number;
  /** Side of each square panel cell in pixels (default 320, at least 120). */
  panelSize?: number;
  /** Legend names by class id (default `class 0`, `class 1`, …). */
  classNames?: string[];
  /** Radius of the point discs in pixels (default 2.5 at the default panel size, scaled with it). */
  pointRadius?: number;
}

type RGB = [number, number, number];

/** Okabe–Ito colour-blind-safe palette, in the order classes get it. */
export const SCATTER_PALETTE: readonly RGB[] = [
  [0, 114, 178], // blue
  [230, 159, 0], // orange
  [0, 158, 115], // bluish green
  [213, 94, 0], // vermillion
  [204, 121, 167], // reddish purple
  [86, 180, 233], // sky blue
  [0, 0, 0], // black
  [240, 228, 66], // yellow
];

const TEXT: RGB = [25, 25, 25];
const AXIS: RGB = [40, 40, 40];
const ZERO_LINE: RGB = [222, 222, 222];

/** Colour of class `c` (the palette, cycling past its end). */
export function scatterClassColour(c: number): RGB {
  return [...SCATTER_PALETTE[c % SCATTER_PALETTE.length]] as RGB;
}

/** An axis: the data range rounded outwards to multiples of `step`, and its end labels. */
interface Axis {
  lo: number;
  hi: number;
  loLabel: string;
  hiLabel: string;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * magnitude);
}

/** `v` (a multiple of `step`) with as many decimals as `step` needs; exponent form when very large or small. */
function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  let decimals = 0;
  while (decimals < 8 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6) decimals++;
  // The Number round-trip turns '-0.0' into '0' and drops float noise.
  return Number(v.toFixed(decimals)).toString();
}

/** The axis of values `v`: their range padded by 3% and rounded outwards to about 1/20 of it. */
function axisOf(values: ArrayLike<number>): Axis {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  if (values.length === 0) { lo = -1; hi = 1; }
  if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo))) {
    const half = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= half;
    hi += half;
  }
  const pad = 0.03 * (hi - lo);
  const step = niceStep((hi - lo + 2 * pad) / 20);
  const a = Math.floor((lo - pad) / step) * step;
  const b = Math.ceil((hi + pad) / step) * step;
  return { lo: a, hi: b, loLabel: formatTick(a, step), hiLabel: formatTick(b, step) };
}

/** Where a panel's parts lie inside its cell (pixels relative to the cell's top-left corner). */
export interface ScatterPanelGeometry {
  /** The axes box: left, top, right, bottom pixel (inclusive) of its frame. */
  box: { x0: number; y0: number; x1: number; y1: number };
  xRange: [number, number];
  yRange: [number, number];
  /** Tick labels at the ends of each axis. */
  xTicks: [string, string];
  yTicks: [string, string];
  /** Centre pixel of a data point (x grows right, y grows up). */
  toPixel(x: number, y: number): [number, number];
}

interface Resolved {
  columns: number;
  rows: number;
  size: number;
  scale: number;
  radius: number;
  classNames: string[];
  legendLines: number[][];
}

function fail(message: string): never {
  throw new Error(`renderScatterPanelsPng: ${message}`);
}

function checkPanels(panels: ScatterPanel[]): number {
  if (!Array.isArray(panels) || panels.length === 0) fail('no panels to draw');
  let maxClass = -1;
  panels.forEach((p, n) => {
    const name = `panel ${n} '${p.title}'`;
    const len = p.x.length;
    if (p.y.length !== len || p.classes.length !== len) {
      fail(`${name}: x, y and classes must have the same length, got ${len}, ${p.y.length}, ${p.classes.length}`);
    }
    for (let i = 0; i < len; i++) {
      if (!Number.isFinite(p.x[i])) fail(`${name}: x[${i}] = ${p.x[i]} is not finite`);
      if (!Number.isFinite(p.y[i])) fail(`${name}: y[${i}] = ${p.y[i]} is not finite`);
      const c = p.classes[i];
      if (!Number.isInteger(c) || c < 0) fail(`${name}: classes[${i}] = ${c} is not an integer ≥ 0`);
      if (c > maxClass) maxClass = c;
    }
  });
  return maxClass;
}

function resolve(panels: ScatterPanel[], options: ScatterOptions): Resolved {
  const maxClass = checkPanels(panels);
  const columns = options.columns ?? Math.min(panels.length, 4);
  if (!Number.isInteger(columns) || columns <= 0) fail(`columns must be a positive integer, got ${columns}`);
  const size = options.panelSize ?? 320;
  if (!Number.isInteger(size) || size < 120) fail(`panelSize must be an integer ≥ 120, got ${size}`);
  const scale = Math.max(1, Math.floor(size / 160));
  const radius = options.pointRadius ?? 2.5 * (size / 320);
  if (!(radius > 0) || !Number.isFinite(radius)) fail(`pointRadius must be a positive number, got ${radius}`);
  const count = Math.max(maxClass + 1, options.classNames?.length ?? 0, 1);
  const classNames = Array.from({ length: count }, (_, c) => options.classNames?.[c] ?? `class ${c}`);
  // Legend entries (disc + gap + name) wrapped into lines of the panel's inner width.
  const inner = size - 2 * 4 * scale;
  const entryWidth = (c: number) => 8 * scale + 3 * scale + bitmapTextWidth(classNames[c], scale);
  const legendLines: number[][] = [[]];
  let used = 0;
  for (let c = 0; c < count; c++) {
    const w = entryWidth(c) + (used > 0 ? 8 * scale : 0);
    if (used > 0 && used + w > inner) {
      legendLines.push([]);
      used = 0;
    }
    used += used > 0 ? w : entryWidth(c);
    legendLines[legendLines.length - 1].push(c);
  }
  return { columns, rows: Math.ceil(panels.length / columns), size, scale, radius, classNames, legendLines };
}

function geometry(panel: ScatterPanel, r: Resolved): ScatterPanelGeometry {
  const s = r.scale;
  const lh = BITMAP_FONT_HEIGHT * s;
  const gap = 3 * s, pad = 4 * s, tick = 3 * s;
  const xa = axisOf(panel.x), ya = axisOf(panel.y);
  const yTickWidth = Math.max(bitmapTextWidth(ya.loLabel, s), bitmapTextWidth(ya.hiLabel, s));
  const x0 = pad + lh + gap + yTickWidth + gap + tick;
  const x1 = r.size - 1 - 2 * pad;
  const y0 = pad + lh + 2 * gap;
  const y1 = r.size - 1 - (tick + gap + lh + gap + lh + gap + r.legendLines.length * (lh + gap) + pad);
  if (x1 - x0 < 20 || y1 - y0 < 20) fail(`panel '${panel.title}' leaves no room for the plot at panelSize ${r.size}; use a larger panelSize`);
  // Keep points (discs) clear of the frame: map the range onto the box inset by the radius + 1.
  const inset = Math.ceil(r.radius) + 1;
  const toPixel = (x: number, y: number): [number, number] => [
    Math.round(x0 + inset + ((x - xa.lo) / (xa.hi - xa.lo)) * (x1 - x0 - 2 * inset)),
    Math.round(y1 - inset - ((y - ya.lo) / (ya.hi - ya.lo)) * (y1 - y0 - 2 * inset)),
  ];
  return {
    box: { x0, y0, x1, y1 },
    xRange: [xa.lo, xa.hi],
    yRange: [ya.lo, ya.hi],
    xTicks: [xa.loLabel, xa.hiLabel],
    yTicks: [ya.loLabel, ya.hiLabel],
    toPixel,
  };
}

/**
 * The geometry of each panel inside its cell, as `renderScatterPanelsPng` draws it. Panel n's
 * cell starts at (n mod columns, ⌊n / columns⌋) × panelSize.
 */
export function scatterPanelGeometry(panels: ScatterPanel[], options: ScatterOptions = {}): ScatterPanelGeometry[] {
  const r = resolve(panels, options);
  return panels.map((p) => geometry(p, r));
}

/** An RGB raster with clipping to the current panel cell. */
class Raster {
  readonly rgb: Uint8Array;
  clip = { x0: 0, y0: 0, x1: 0, y1: 0 };
  constructor(readonly width: number, readonly height: number) {
    this.rgb = new Uint8Array(width * height * 3).fill(255);
  }
  set(x: number, y: number, c: RGB): void {
    if (x < this.clip.x0 || y < this.clip.y0 || x >= this.clip.x1 || y >= this.clip.y1) return;
    const o = 3 * (y * this.width + x);
    this.rgb[o] = c[0];
    this.rgb[o + 1] = c[1];
    this.rgb[o + 2] = c[2];
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) this.set(x, y, c);
  }
  disc(cx: number, cy: number, radius: number, c: RGB): void {
    const R = Math.ceil(radius);
    const r2 = radius * radius + 0.25;
    for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r2) this.set(cx + dx, cy + dy, c);
  }
  /** Text with its top-left corner at (x, y), clipped to the current cell. */
  text(text: string, x: number, y: number, scale: number, c: RGB): void {
    const w = bitmapTextWidth(text, scale), h = BITMAP_FONT_HEIGHT * scale;
    if (w === 0) return;
    const tmp = new Uint8Array(w * h * 3).fill(255);
    drawBitmapText(tmp, w, h, text, 0, 0, scale, [0, 0, 0]);
    for (let ty = 0; ty < h; ty++) for (let tx = 0; tx < w; tx++) if (tmp[3 * (ty * w + tx)] === 0) this.set(x + tx, y + ty, c);
  }
  /** Text rotated 90° anticlockwise (read bottom to top) with its bounding box's top-left at (x, y). */
  textUp(text: string, x: number, y: number, scale: number, c: RGB): void {
    const w = bitmapTextWidth(text, scale), h = BITMAP_FONT_HEIGHT * scale;
    if (w === 0) return;
    const tmp = new Uint8Array(w * h * 3).fill(255);
    drawBitmapText(tmp, w, h, text, 0, 0, scale, [0, 0, 0]);
    for (let ty = 0; ty < h; ty++) for (let tx = 0; tx < w; tx++) if (tmp[3 * (ty * w + tx)] === 0) this.set(x + ty, y + (w - 1 - tx), c);
  }
}

/** `text` cut to at most `maxWidth` pixels at `scale` (ending in '..' when cut). */
function fit(text: string, maxWidth: number, scale: number): string {
  if (bitmapTextWidth(text, scale) <= maxWidth) return text;
  let n = text.length;
  while (n > 0 && bitmapTextWidth(`${text.slice(0, n)}..`, scale) > maxWidth) n--;
  return n > 0 ? `${text.slice(0, n)}..` : '';
}

/** A fixed pseudo-random drawing order of n points (so no class is always drawn last). */
function drawOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    const j = s % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** PNG bytes of the panels laid out row by row (`columns` per row), each panelSize × panelSize. */
export function renderScatterPanelsPng(panels: ScatterPanel[], options: ScatterOptions = {}): Buffer {
  const r = resolve(panels, options);
  const s = r.scale, size = r.size;
  const lh = BITMAP_FONT_HEIGHT * s;
  const gap = 3 * s, pad = 4 * s, tick = 3 * s;
  const width = r.columns * size, height = r.rows * size;
  const raster = new Raster(width, height);

  panels.forEach((panel, n) => {
    const cx = (n % r.columns) * size, cy = Math.floor(n / r.columns) * size;
    raster.clip = { x0: cx, y0: cy, x1: cx + size, y1: cy + size };
    const g = geometry(panel, r);
    const { x0, y0, x1, y1 } = g.box;
    const X = (x: number) => cx + x, Y = (y: number) => cy + y;

    // Title, centred over the box (kept inside the cell).
    const title = fit(panel.title, size - 2 * pad, s);
    const titleW = bitmapTextWidth(title, s);
    raster.text(title, X(Math.max(pad, Math.min(size - pad - titleW, Math.round((x0 + x1 - titleW) / 2)))), Y(pad), s, TEXT);

    // Zero lines, then the points, then the frame on top.
    const [zx, zy] = g.toPixel(0, 0);
    if (g.xRange[0] < 0 && g.xRange[1] > 0) raster.rect(X(zx), Y(y0 + 1), X(zx), Y(y1 - 1), ZERO_LINE);
    if (g.yRange[0] < 0 && g.yRange[1] > 0) raster.rect(X(x0 + 1), Y(zy), X(x1 - 1), Y(zy), ZERO_LINE);
    const order = drawOrder(panel.x.length);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const [px, py] = g.toPixel(panel.x[i], panel.y[i]);
      raster.disc(X(px), Y(py), r.radius, scatterClassColour(panel.classes[i]));
    }
    raster.rect(X(x0), Y(y0), X(x1), Y(y0), AXIS);
    raster.rect(X(x0), Y(y1), X(x1), Y(y1), AXIS);
    raster.rect(X(x0), Y(y0), X(x0), Y(y1), AXIS);
    raster.rect(X(x1), Y(y0), X(x1), Y(y1), AXIS);

    // Ticks at the ends of the x axis (at the mapped range ends), labels below.
    const [xl] = g.toPixel(g.xRange[0], 0), [xh] = g.toPixel(g.xRange[1], 0);
    raster.rect(X(xl), Y(y1 + 1), X(xl), Y(y1 + tick), AXIS);
    raster.rect(X(xh), Y(y1 + 1), X(xh), Y(y1 + tick), AXIS);
    const tickTop = y1 + tick + gap;
    const centred = (text: string, at: number) => Math.max(0, Math.min(size - bitmapTextWidth(text, s), at - Math.floor(bitmapTextWidth(text, s) / 2)));
    raster.text(g.xTicks[0], X(centred(g.xTicks[0], xl)), Y(tickTop), s, TEXT);
    raster.text(g.xTicks[1], X(centred(g.xTicks[1], xh)), Y(tickTop), s, TEXT);
    // Ticks at the ends of the y axis, labels to the left, right-aligned and centred on the tick.
    const [, yl] = g.toPixel(0, g.yRange[0]), [, yh] = g.toPixel(0, g.yRange[1]);
    raster.rect(X(x0 - tick), Y(yl), X(x0 - 1), Y(yl), AXIS);
    raster.rect(X(x0 - tick), Y(yh), X(x0 - 1), Y(yh), AXIS);
    const yRight = x0 - tick - gap;
    for (const [label, at] of [[g.yTicks[0], yl], [g.yTicks[1], yh]] as const) {
      raster.text(label, X(yRight - bitmapTextWidth(label, s)), Y(Math.max(0, Math.min(size - lh, at - Math.floor(lh / 2)))), s, TEXT);
    }

    // Axis labels: x centred under the tick labels, y rotated and centred left of the box.
    const xLabel = fit(panel.xLabel, x1 - x0, s);
    raster.text(xLabel, X(Math.round((x0 + x1 - bitmapTextWidth(xLabel, s)) / 2)), Y(tickTop + lh + gap), s, TEXT);
    const yLabel = fit(panel.yLabel, y1 - y0, s);
    raster.textUp(yLabel, X(pad), Y(Math.round((y0 + y1 - bitmapTextWidth(yLabel, s)) / 2)), s, TEXT);

    // Legend: a disc and the class name per class, centred lines.
    let ly = tickTop + 2 * (lh + gap);
    for (const line of r.legendLines) {
      const entries = line.map((c) => ({ c, name: fit(r.classNames[c], size - 2 * pad - 11 * s, s) }));
      const lineWidth = entries.reduce((w, e, k) => w + (k > 0 ? 8 * s : 0) + 11 * s + bitmapTextWidth(e.name, s), 0);
      let lx = Math.max(pad, Math.min(size - pad - lineWidth, Math.round((x0 + x1 - lineWidth) / 2)));
      for (const e of entries) {
        raster.disc(X(lx + 4 * s), Y(ly + Math.floor(lh / 2) - 1), 3.5 * s, scatterClassColour(e.c));
        raster.text(e.name, X(lx + 11 * s), Y(ly), s, TEXT);
        lx += 11 * s + bitmapTextWidth(e.name, s) + 8 * s;
      }
      ly += lh + gap;
    }
  });

  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = raster.rgb[3 * i];
    png.data[4 * i + 1] = raster.rgb[3 * i + 1];
    png.data[4 * i + 2] = raster.rgb[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Writes the scatter panels as a PNG atomically (temporary file + rename), creating the directory. */
export async function writeScatterPanelsPng(file: string, panels: ScatterPanel[], options: ScatterOptions = {}): Promise<void> {
  const png = renderScatterPanelsPng(panels, options);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, png);
}
