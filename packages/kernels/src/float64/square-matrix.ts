/**
 * Float64 products of small square matrices in row-major typed arrays, shared by the
 * packages that do exact linear algebra on the CPU (the flows' 1×1-convolution inverse,
 * the metrics' Fréchet distance). tfjs has no float64 and no matrix inverse or
 * eigendecomposition, so these run in plain JS.
 */

/** C = A B for n × n row-major matrices, O(n³); zero entries of A are skipped. */
export function multiplySquareMatrices(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/** Aᵀ of an n × n row-major matrix. */
export function transposeSquareMatrix(a: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}
