/**
 * BatchMatMul for the wasm backend. Stock takes XNNPACK's fast path only for batch 1 with
 * no transposes; anything else (e.g. the transposed products every dense layer's gradient
 * makes) runs a naive loop ~10× slower. Here transposes are materialised with the wasm
 * Transpose kernel and each product goes through the fast path: one call when b has no
 * batch (a's batch folds into its rows), else one call per broadcast batch entry. Batch
 * dims broadcast fully ([2,1] with [1,3] gives 6 products; the stock kernel gives 3).
 */
import { BatchMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { copySlice, disposeAll, f32, matMul2D, reshaped, runStock, transposeLast2, type WasmBackend } from './wasm-util';

/**
 * Below this many multiply-adds per batch entry, the stock loop beats a fast-path call
 * (each creates and packs an XNNPACK operator): measured break-even near 24³ at batch 64.
 */
export const SMALL_PRODUCT = 1 << 14;

/** For each flat index of the broadcast batch shape, the flat index into `dims` (size-1 axes repeat). */
function broadcastIndices(outDims: number[], dims: number[]): number[] {
  const padded = [...Array(outDims.length - dims.length).fill(1), ...dims];
  const strides = padded.map((_, d) => util.sizeFromShape(padded.slice(d + 1)));
  const result: number[] = [];
  for (let i = 0; i < util.sizeFromShape(outDims); i++) {
    let rest = i;
    let index = 0;
    for (let d = outDims.length - 1; d >= 0; d--) {
      const coord = rest % outDims[d];
      rest = Math.floor(rest / outDims[d]);
      if (padded[d] !== 1) index += coord * strides[d];
    }
    result.push(index);
  }
  return result;
}

/**
 * a [...batchA, m, k] × b [...batchB, k, n] with no transposes, through the fast path:
 * one call when b has no batch (a's batch entries stack as rows), else one per entry.
 */
function fastProduct(backend: WasmBackend, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  const batchDimsA = a.shape.slice(0, -2);
  const batchDimsB = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(batchDimsA);
  const outBatch = broadcast_util.assertAndGetBroadcastShape(batchDimsA, batchDimsB);
  const outShape = [...outBatch, m, n];
  if (util.sizeFromShape(batchDimsB) === 1) return reshaped(matMul2D(backend, a, b, batchA * m, k, n), outShape);
  const out = backend.makeOutput(outShape, 'float32');
  const ia = broadcastIndices(outBatch, batchDimsA);
  const ib = broadcastIndices(outBatch, batchDimsB);
  for (let i = 0; i < ia.length; i++) {
    // Each fast-path operand is a tensor of its own: copy this entry's slices out.
    const aSlice = batchA === 1 ? null : copySlice(backend, a, ia[i] * m * k, m * k, [m, k]);
    const bSlice = copySlice(backend, b, ib[i] * k * n, k * n, [k, n]);
    const product = matMul2D(backend, aSlice ?? a, bSlice, m, k, n);
    f32(backend, out).set(f32(backend, product), i * m * n);
    disposeAll(backend, aSlice, bSlice, product);
  }
  return out;
}

function batchMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackend;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const sizeA = util.sizeFromShape(a.shape);
  const sizeB = util.sizeFromShape(b.shape);
  const alreadyFast = !transposeA && !transposeB && sizeA === m * k && sizeB === k * n;
  // The stock kernel broadcasts only a batch of 1 (or equal batches) correctly.
  const batchA = sizeA / (m * k);
  const batchB = sizeB / (k * n);
  const stockBroadcasts = batchA === 1 || batchB === 1 || util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2));
  // Cases the stock kernel handles as well or better (or reports the error for).
  if (
    alreadyFast || a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || rb < 2 || k !== kb ||
    m * n === 0 || k === 0 || (m * k * n < SMALL_PRODUCT && stockBroadcasts)
  ) {
    return runStock(BatchMatMul, backend, args.inputs as Record<string, TensorInfo>, args.attrs);
  }
  const outBatch = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const sizeOut = util.sizeFromShape(outBatch) * m * n;
  // Elements moved: transposes, plus XNNPACK packing its right operand. Computing
  // outᵀ = op(b)ᵀ × op(a)ᵀ instead pays for transposing out but makes a the packed side,
  // which wins for a × bᵀ with a big b (a dense layer's input gradient).
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
  const swapped = (transposeB ? 0 : sizeB) + (transposeA ? 0 : sizeA) + sizeA + sizeOut;
  if (direct <= swapped) {
    const aT = transposeA ? transposeLast2(backend, a) : null;
    const bT = transposeB ? transposeLast2(backend, b) : null;
    const out = fastProduct(backend, aT ?? a, bT ?? b, m, k, n);
    disposeAll(backend, aT, bT);
    return out;
  }
  const left = transposeB ? null : transposeLast2(backend, b); // op(b)ᵀ [.., n, k]
  const right = transposeA ? null : transposeLast2(backend, a); // op(a)ᵀ [.., k, m]
  const outT = fastProduct(backend, left ?? b, right ?? a, n, k, m);
  const out = transposeLast2(backend, outT);
  disposeAll(backend, left, right, outT);
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
