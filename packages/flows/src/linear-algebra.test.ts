import { describe, expect, it } from 'vitest';
import { invertMatrix, logAbsDeterminant, luDecompose, multiplyMatrices, randomOrthogonalMatrix, transposeMatrix } from './linear-algebra';

const A = [0, 2, 1, 1, 1, 0, 3, -1, 4]; // det = 0·(4−0) − 2·(4−0) + 1·(−1−3) = −12

describe('float64 linear algebra', () => {
  it('LU with pivoting reproduces P A = L U', () => {
    const { lu, pivots } = luDecompose(A, 3);
    const l = new Float64Array(9);
    const u = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      if (j < i) l[i * 3 + j] = lu[i * 3 + j];
      else u[i * 3 + j] = lu[i * 3 + j];
      if (i === j) l[i * 3 + j] = 1;
    }
    const product = multiplyMatrices(l, u, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(product[i * 3 + j]).toBeCloseTo(A[pivots[i] * 3 + j], 12);
  });

  it('determinant and inverse match closed forms', () => {
    const { logAbsDet, sign } = logAbsDeterminant(A, 3);
    expect(logAbsDet).toBeCloseTo(Math.log(12), 12);
    expect(sign).toBe(-1);
    const inv = invertMatrix(A, 3);
    const identity = multiplyMatrices(A, inv, 3);
    for (let i = 0; i < 9; i++) expect(identity[i]).toBeCloseTo(i % 4 === 0 ? 1 : 0, 12);
    expect(logAbsDeterminant([1, 2, 2, 4], 2).logAbsDet).toBe(-Infinity);
    expect(() => invertMatrix([1, 2, 2, 4], 2)).toThrow(/singular/);
    expect(() => luDecompose([1, 2, 3], 2)).toThrow(/2×2/);
  });

  it('random orthogonal matrices satisfy QᵀQ = I', () => {
    let s = 1;
    const normal = () => { s = (s * 16807) % 2147483647; return (s / 2147483647) * 2 - 1; };
    const q = randomOrthogonalMatrix(5, normal);
    const qtq = multiplyMatrices(transposeMatrix(q, 5), q, 5);
    for (let i = 0; i < 25; i++) expect(qtq[i]).toBeCloseTo(i % 6 === 0 ? 1 : 0, 12);
    expect(Math.abs(logAbsDeterminant(q, 5).logAbsDet)).toBeLessThan(1e-12);
  });
});
