import { describe, expect, it } from 'vitest';
import { renderLossCurveSvg } from './loss-curve';

describe('renderLossCurveSvg', () => {
  it('draws one polyline per series with a point per finite value, and a legend', () => {
    const svg = renderLossCurveSvg([
      { name: 'total', steps: [10, 20, 30], values: [5, 3, Number.NaN] },
      { name: 'kl <nats>', steps: [10, 20, 30], values: [1, 2, 3] },
    ]);
    const polylines = [...svg.matchAll(/points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    expect(polylines).toEqual([2, 3]);
    expect(svg).toContain('kl &lt;nats&gt;');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('puts lower losses lower on the page', () => {
    const svg = renderLossCurveSvg([{ name: 'loss', steps: [0, 1], values: [10, 1] }]);
    const [first, second] = /points="([^"]*)"/.exec(svg)![1].split(' ').map((p) => Number(p.split(',')[1]));
    expect(second).toBeGreaterThan(first);
  });

  it('refuses to plot nothing', () => {
    expect(() => renderLossCurveSvg([{ name: 'loss', steps: [1], values: [Number.NaN] }])).toThrow(/no finite values/);
  });
});
