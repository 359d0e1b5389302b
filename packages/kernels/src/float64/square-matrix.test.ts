import { describe, expect, it } from 'vitest';
import { multiplySquareMatrices, transposeSquareMatrix } from './square-matrix';

describe('square matrices in float64', () => {
  it('multiplies row-major matrices (a hand-computed 2×2 and a non-commuting pair)', () => {
    expect(Array.from(multiplySquareMatrices([1, 2, 3, 4], [5, 6, 7, 8], 2))).toEqual([19, 22, 43, 50]);
    expect(Array.from(multiplySquareMatrices([5, 6, 7, 8], [1, 2, 3, 4], 2))).toEqual([23, 34, 31, 46]);
  });

  it('keeps float64 precision that float32 would lose', () => {
    const big = 1 + 2 ** -40;
    expect(multiplySquareMatrices([big], [big], 1)[0]).toBe(big * big);
  });

  it('transposes', () => {
    expect(Array.from(transposeSquareMatrix([1, 2, 3, 4, 5, 6, 7, 8, 9], 3))).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
  });
});
