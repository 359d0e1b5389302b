/**
 * Small dense linear algebra in float64 plain JS, for what tfjs lacks (no det, inv or LU:
 * see PLATFORM.md). Matrices are row-major Float64Arrays of n × n entries. These serve the
 * invertible 1×1 convolution, whose matrices are C × C with C at most a few hundred.
 */

/** LU decomposition with partial pivoting, P A = L U (Doolittle: L has a unit diagonal). */
export interface LuDecomposition {
  n: number;
  /** L (strictly lower part, unit diagonal implied) and U (upper part incl. diagonal) packed in one matrix. */
  lu: Float64Array;
  /** Row permutation: row i of P A is row `pivots[i]` of A. */
  pivots: Int32Array;
  /** +1 or −1: the sign of the permutation. */
  permutationSign: number;
}

function checkSquare(fn: string, a: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n <= 0 || a.length !== n * n) {
    throw new Error(`${fn}: expected a ${n}×${n} matrix (${n * n} entries), got ${a.length} entries`);
  }
}

/** P A = L U with partial pivoting. A singular matrix gives a zero on U's diagonal (no throw). */
export function luDecompose(a: ArrayLike<number>, n: number): LuDecomposition {
  checkSquare('luDecompose', a, n);
  const lu = Float64Array.from(a);
  const pivots = new Int32Array(n);
  for (let i = 0; i < n; i++) pivots[i] = i;
  let permutationSign = 1;
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[best * n + k])) best = i;
    if (best !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[best * n + j];
        lu[best * n + j] = t;
      }
      const p = pivots[k];
      pivots[k] = pivots[best];
      pivots[best] = p;
      permutationSign = -permutationSign;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const factor = (lu[i * n + k] /= pivot);
      if (factor === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= factor * lu[k * n + j];
    }
  }
  return { n, lu, pivots, permutationSign };
}

/** log |det A| and sign(det A) through LU (−Infinity and sign 0 for a singular matrix). */
export function logAbsDeterminant(a: ArrayLike<number>, n: number): { logAbsDet: number; sign: number } {
  const { lu, permutationSign } = luDecompose(a, n);
  let logAbsDet = 0;
  let sign = permutationSign;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i];
    if (d === 0) return { logAbsDet: -Infinity, sign: 0 };
    logAbsDet += Math.log(Math.abs(d));
    if (d < 0) sign = -sign;
  }
  return { logAbsDet, sign };
}

/** A⁻¹ by LU with partial pivoting; throws on a singular matrix. */
export function invertMatrix(a: ArrayLike<number>, n: number): Float64Array {
  const { lu, pivots } = luDecompose(a, n);
  for (let i = 0; i < n; i++) {
    if (lu[i * n + i] === 0) throw new Error(`invertMatrix: the ${n}×${n} matrix is singular`);
  }
  const inverse = new Float64Array(n * n);
  const column = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    // Solve A x = e_c: L y = P e_c, then U x = y.
    for (let i = 0; i < n; i++) column[i] = pivots[i] === c ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let s = column[i];
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * column[j];
      column[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = column[i];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * column[j];
      column[i] = s / lu[i * n + i];
    }
    for (let i = 0; i < n; i++) inverse[i * n + c] = column[i];
  }
  return inverse;
}

/** Row-major product and transpose of n × n matrices (shared float64 helpers in @disentangle/kernels). */
export { multiplySquareMatrices as multiplyMatrices, transposeSquareMatrix as transposeMatrix } from '@disentangle/kernels';

/**
 * A random n × n orthogonal matrix (Gram–Schmidt on Gaussian columns, as Glow initialises
 * its 1×1 convolutions with `np.linalg.qr(np.random.randn(c, c))`). `normal` returns N(0,1) draws.
 */
export function randomOrthogonalMatrix(n: number, normal: () => number): Float64Array {
  const q = new Float64Array(n * n);
  for (let attempt = 0; attempt < 10; attempt++) {
    for (let i = 0; i < n * n; i++) q[i] = normal();
    let ok = true;
    for (let c = 0; c < n && ok; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += q[r * n + c] * q[r * n + p];
        for (let r = 0; r < n; r++) q[r * n + c] -= dot * q[r * n + p];
      }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += q[r * n + c] ** 2;
      norm = Math.sqrt(norm);
      if (!(norm > 1e-8)) ok = false;
      else for (let r = 0; r < n; r++) q[r * n + c] /= norm;
    }
    if (ok) return q;
  }
  throw new Error(`randomOrthogonalMatrix: could not orthogonalise a ${n}×${n} Gaussian matrix`);
}
