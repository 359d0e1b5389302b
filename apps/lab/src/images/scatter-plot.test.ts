import { PNG } from 'pngjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  renderScatterPanelsPng,
  SCATTER_PALETTE,
  scatterClassColour,
  scatterPanelGeometry,
  writeScatterPanelsPng,
  type ScatterPanel,
} from './scatter-plot';

function pixel(png: PNG, x: number, y: number): number[] {
  const o = 4 * (y * png.width + x);
  return Array.from(png.data.subarray(o, o + 3));
}

/** Pixels of the image (within the rectangle) whose colour is exactly `rgb`. */
function pixelsOf(png: PNG, rgb: readonly number[], x0 = 0, y0 = 0, x1 = png.width, y1 = png.height): [number, number][] {
  const out: [number, number][] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const p = pixel(png, x, y);
    if (p[0] === rgb[0] && p[1] === rgb[1] && p[2] === rgb[2]) out.push([x, y]);
  }
  return out;
}

const panel = (title: string, x: number[], y: number[], classes: number[]): ScatterPanel => ({ title, xLabel: 'z1', yLabel: 'z2', x, y, classes });

describe('renderScatterPanelsPng', () => {
  it('draws each point as a disc of its class colour where the geometry puts it', () => {
    // Three well-separated points: class 0 bottom-left, class 1 top-right, class 2 in the middle.
    const panels = [panel('latent', [-2, 3, 0.5], [-1, 4, 1.5], [0, 1, 2])];
    const options = { panelSize: 320, pointRadius: 3, classNames: ['label 0', 'label 1', 'label 2'] };
    const png = PNG.sync.read(renderScatterPanelsPng(panels, options));
    expect([png.width, png.height]).toEqual([320, 320]);
    const [g] = scatterPanelGeometry(panels, options);
    const { box } = g;
    // Axis ranges contain the data, rounded outwards.
    expect(g.xRange[0]).toBeLessThanOrEqual(-2);
    expect(g.xRange[1]).toBeGreaterThanOrEqual(3);
    expect(g.yRange[0]).toBeLessThanOrEqual(-1);
    expect(g.yRange[1]).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < panels[0].x.length; i++) {
      const [px, py] = g.toPixel(panels[0].x[i], panels[0].y[i]);
      expect(px).toBeGreaterThan(box.x0);
      expect(px).toBeLessThan(box.x1);
      const colour = [...SCATTER_PALETTE[panels[0].classes[i] as number]];
      expect(pixel(png, px, py), `point ${i}`).toEqual(colour);
      expect(pixel(png, px + 2, py), `point ${i} +2`).toEqual(colour);
      expect(pixel(png, px, py - 2), `point ${i} -2`).toEqual(colour);
      // Inside the box, that colour appears only in this point's disc.
      const found = pixelsOf(png, colour, box.x0 + 1, box.y0 + 1, box.x1, box.y1);
      expect(found.length).toBeGreaterThanOrEqual(25);
      for (const [x, y] of found) expect(Math.hypot(x - px, y - py)).toBeLessThanOrEqual(3.6);
    }
    // Independently of the geometry: class 0 is left of and below class 1, class 2 between.
    const centre = (c: number) => {
      const ps = pixelsOf(png, SCATTER_PALETTE[c], box.x0 + 1, box.y0 + 1, box.x1, box.y1);
      return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
    };
    const [a, b, c] = [centre(0), centre(1), centre(2)];
    expect(a[0]).toBeLessThan(c[0]);
    expect(c[0]).toBeLessThan(b[0]);
    expect(a[1]).toBeGreaterThan(c[1]); // image y grows downwards
    expect(c[1]).toBeGreaterThan(b[1]);
    // White background outside the box, a dark frame, and the legend discs below the box.
    expect(pixel(png, 1, 1)).toEqual([255, 255, 255]);
    expect(pixel(png, box.x0, Math.round((box.y0 + box.y1) / 2))).toEqual([40, 40, 40]);
    for (let k = 0; k < 3; k++) expect(pixelsOf(png, SCATTER_PALETTE[k], 0, box.y1 + 1).length, `legend ${k}`).toBeGreaterThan(20);
    // Text is drawn (dark pixels above the box: the title).
    expect(pixelsOf(png, [25, 25, 25], 0, 0, 320, box.y0).length).toBeGreaterThan(30);
  });

  it('lays panels out in columns × rows of panelSize', () => {
    const panels = Array.from({ length: 5 }, (_, n) => panel(`p${n}`, [0, 1, 2], [n, n + 1, n - 1], [0, 1, 0]));
    const png = PNG.sync.read(renderScatterPanelsPng(panels, { columns: 2, panelSize: 200 }));
    expect([png.width, png.height]).toEqual([2 * 200, 3 * 200]);
    const three = PNG.sync.read(renderScatterPanelsPng(panels.slice(0, 3)));
    expect([three.width, three.height]).toEqual([3 * 320, 320]);
    // Panel 3 (second row, first column) has its point where its own geometry says, offset by its cell.
    const geometry = scatterPanelGeometry(panels, { columns: 2, panelSize: 200 });
    const [px, py] = geometry[3].toPixel(1, 4);
    expect(pixel(png, px, 200 + py)).toEqual([...SCATTER_PALETTE[1]]);
  });

  it('rounds the axis ends to readable tick labels', () => {
    const [g] = scatterPanelGeometry([panel('t', [-2.37, 3.12], [0.0123, 0.0456], [0, 1])]);
    expect(g.xTicks).toEqual([String(g.xRange[0]), String(g.xRange[1])]);
    expect(g.xTicks.every((t) => t.length <= 5)).toBe(true);
    expect(g.yTicks.every((t) => t.length <= 6)).toBe(true);
    expect(g.yRange[0]).toBeLessThanOrEqual(0.0123);
    expect(g.yRange[1]).toBeGreaterThanOrEqual(0.0456);
    // A constant coordinate still gets a range.
    const [flat] = scatterPanelGeometry([panel('flat', [1, 1], [0, 0], [0, 0])]);
    expect(flat.xRange[1]).toBeGreaterThan(flat.xRange[0]);
    expect(flat.yRange[1]).toBeGreaterThan(flat.yRange[0]);
  });

  it('a non-finite value is an error naming the panel', () => {
    const good = panel('z projection', [0, 1], [0, 1], [0, 1]);
    const bad = panel('w projection', [0, Number.NaN], [0, 1], [0, 1]);
    expect(() => renderScatterPanelsPng([good, bad])).toThrow(/panel 1 'w projection': x\[1\] = NaN is not finite/);
    expect(() => renderScatterPanelsPng([panel('inf', [0], [Infinity], [0])])).toThrow(/'inf': y\[0\] = Infinity/);
    expect(() => renderScatterPanelsPng([panel('len', [0, 1], [0], [0, 1])])).toThrow(/'len': x, y and classes must have the same length/);
    expect(() => renderScatterPanelsPng([panel('cls', [0], [0], [0.5])])).toThrow(/'cls': classes\[0\] = 0.5/);
    expect(() => renderScatterPanelsPng([])).toThrow(/no panels/);
    expect(() => renderScatterPanelsPng([good], { panelSize: 50 })).toThrow(/panelSize/);
  });

  it('colours cycle through the palette; writeScatterPanelsPng writes the same bytes', async () => {
    expect(scatterClassColour(1)).toEqual([...SCATTER_PALETTE[1]]);
    expect(scatterClassColour(SCATTER_PALETTE.length)).toEqual([...SCATTER_PALETTE[0]]);
    const dir = await mkdtemp(join(tmpdir(), 'scatter-'));
    try {
      const panels = [panel('a', [0, 1], [1, 0], [0, 1])];
      await writeScatterPanelsPng(join(dir, 'sub', 'fig.png'), panels, { panelSize: 160 });
      expect(await readFile(join(dir, 'sub', 'fig.png'))).toEqual(renderScatterPanelsPng(panels, { panelSize: 160 }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
