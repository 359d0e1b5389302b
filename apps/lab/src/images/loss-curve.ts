/**
 * Loss curves as SVG: one polyline per series against the step, with axes, tick labels
 * and a legend. SVG keeps the text sharp and needs no font rasteriser; any browser shows it.
 */
export interface CurveSeries {
  name: string;
  steps: number[];
  values: number[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(1);
  return Number(v.toPrecision(4)).toString();
}

/** Renders the series to an SVG document (width × height pixels). */
export function renderLossCurveSvg(
  series: CurveSeries[],
  { title = 'loss', width = 720, height = 420, yLabel = 'loss' }: { title?: string; width?: number; height?: number; yLabel?: string } = {},
): string {
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const allSteps = series.flatMap((s) => s.steps);
  if (finite.length === 0 || allSteps.length === 0) throw new Error('renderLossCurveSvg: no finite values to plot');
  const left = 70, right = 20, top = 40, bottom = 50;
  const x0 = Math.min(...allSteps), x1 = Math.max(...allSteps, x0 + 1);
  let y0 = Math.min(...finite), y1 = Math.max(...finite);
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const pad = 0.05 * (y1 - y0);
  y0 -= pad; y1 += pad;
  const px = (s: number) => left + ((s - x0) / (x1 - x0)) * (width - left - right);
  const py = (v: number) => top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1, 6)) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8)) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${height - bottom}" y2="${height - bottom + 5}" stroke="black"/>`);
    parts.push(`<text x="${px(t)}" y="${height - bottom + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="black"/>`);
  parts.push(`<text x="${width / 2}" y="${height - 10}" text-anchor="middle">step</text>`);
  parts.push(`<text x="16" y="${height / 2}" text-anchor="middle" transform="rotate(-90 16 ${height / 2})">${escapeXml(yLabel)}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = s.steps
      .map((step, k) => (Number.isFinite(s.values[k]) ? `${px(step).toFixed(1)},${py(s.values[k]).toFixed(1)}` : null))
      .filter(Boolean)
      .join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${points}"/>`);
    parts.push(`<rect x="${width - right - 150}" y="${top + 10 + 18 * i}" width="14" height="3" fill="${colour}"/>`);
    parts.push(`<text x="${width - right - 130}" y="${top + 15 + 18 * i}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}
