import { describe, expect, it } from 'vitest';
import { buildSwitchReference, principalAxes, priorStyleGrid, subspaceGrid } from './attribute-switch';

describe('switch references and style grids', () => {
  it('buildSwitchReference: label means of the code and, for a subspace model, the on-examples’ statistics in W_k', () => {
    // Codes [z, w_1] with z 1-D and w 2-D; rows 0 and 2 have the label on.
    const codes = Float32Array.from([0, 3, 3, 1, 0, 0, 2, 3.2, 2.6, 3, 0.1, 0]);
    const labels = Float32Array.from([1, 0, 1, 0]);
    const reference = buildSwitchReference(codes, labels, 3, 1, { offset: 1, wDim: 2 });
    const close = (actual: number[], expected: number[]) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
    close(reference.presentMean[0], [1, 3.1, 2.8]);
    close(reference.absentMean[0], [2, 0.05, 0]);
    close(reference.subspaces![0].mean, [3.1, 2.8]);
    // Two on-points differ by (0.2, −0.4): one principal axis along it.
    const [axis] = reference.subspaces![0].axes;
    expect(Math.abs(axis[0] * 0.2 - axis[1] * 0.4) / Math.hypot(0.2, 0.4)).toBeCloseTo(1, 4);
    expect(() => buildSwitchReference(codes, Float32Array.from([0, 0, 0, 0]), 3, 1)).toThrow(/no reference example has label 0 on/);
  });

  it('principalAxes finds the direction of largest spread first', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [Math.cos(i) * 3, Math.sin(i) * 0.5]);
    const { axes, scales } = priorAxes(rows);
    expect(Math.abs(axes[0][0])).toBeCloseTo(1, 2);
    expect(scales[0]).toBeGreaterThan(scales[1]);
  });

  it('priorStyleGrid spans mean ± span·std of the prior whatever the encoded spread; a 1-D W walks its axis over steps² points', () => {
    const tight = { mean: [0.3, 0.3], axes: [[1, 0], [0, 1]], scales: [0.01, 0.01] };
    const grid = priorStyleGrid({ mean: 3, std: 1 }, 2, tight, 5, 2);
    expect(grid).toHaveLength(25);
    expect(grid[0]).toEqual([1, 1]);
    expect(grid[24]).toEqual([5, 5]);
    expect(grid[12]).toEqual([3, 3]);
    // The encoded-spread grid of the same reference barely moves: the bug the prior grid fixes.
    const old = subspaceGrid(tight, 5, 2);
    expect(Math.abs(old[24][0] - old[0][0])).toBeLessThan(0.05);
    const line = priorStyleGrid({ mean: 3, std: 0.5 }, 1, undefined, 3, 2);
    expect(line.map((p) => p[0])).toEqual([2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4]);
    expect(() => priorStyleGrid({ mean: 3, std: 1 }, 2, undefined, 0)).toThrow(/steps must be a positive integer/);
  });
});

function priorAxes(rows: number[][]): { axes: number[][]; scales: number[] } {
  return principalAxes(rows, 2);
}
