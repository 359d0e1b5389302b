/**
 * Helpers shared by the wasm training kernels: heap views, temporary tensors, and the
 * stock tfjs-backend-wasm kernels they delegate to (Transpose, and BatchMatMul's XNNPACK
 * fast path for heavy products).
 */
import { getKernel, util } from '@tensorflow/tfjs-core';
import type { DataId, DataType, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the kernels use. Typed here rather than
 * imported, so the package does not depend on the backend's emscripten typings.
 */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view of the tensor's memory in the wasm heap; stale once the heap grows (any allocation). */
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** Our kernel configs keep the stock config they replaced under this key (null: there was none). */
export const STOCK_KERNEL = Symbol.for('@disentangle/kernels.stockWasmKernel');
export type TrainingKernelConfig = KernelConfig & { [STOCK_KERNEL]: KernelConfig | null };

export function isTrainingKernel(config: KernelConfig | undefined): config is TrainingKernelConfig {
  return config != null && STOCK_KERNEL in config;
}

/** The stock wasm kernel `name`, whether or not ours has replaced it. */
export function stockKernel(name: string): KernelConfig {
  const current = getKernel(name, 'wasm');
  const stock = isTrainingKernel(current) ? current[STOCK_KERNEL] : current;
  if (!stock) {
    throw new Error(
      `wasm training kernels: the stock wasm kernel ${name} is not registered; ` +
        `import '@tensorflow/tfjs-backend-wasm' before using them`,
    );
  }
  return stock;
}

export function runStock(
  name: string,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  return stockKernel(name).kernelFunc({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

/** Same data, new shape (no copy, no new reference: never dispose both). */
export function reshaped(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** A float32 view of `info`'s heap memory; take it after the last allocation it must survive. */
export function f32(backend: WasmBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function disposeAll(backend: WasmBackend, ...infos: Array<TensorInfo | null | undefined>): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId);
}

/**
 * a [M, K] × b [K, N] → new tensor [1, M, N], via the stock kernel's XNNPACK path (taken
 * only for batch 1 with no transposes). XNNPACK packs `b` and caches that on b's tensor
 * id, so pass the operand reused across calls (e.g. weights) as `b`.
 */
export function matMul2D(backend: WasmBackend, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  return runStock('BatchMatMul', backend, { a: reshaped(a, [1, m, k]), b: reshaped(b, [1, k, n]) }, {
    transposeA: false,
    transposeB: false,
  });
}

/** New tensor: `x` with its last two axes swapped (stock wasm Transpose). */
export function transposeLast2(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return runStock('Transpose', backend, { x }, { perm });
}

/** New float32 tensor holding `count` elements of `src` from `offset` (a contiguous slice). */
export function copySlice(backend: WasmBackend, src: TensorInfo, offset: number, count: number, shape: number[]): TensorInfo {
  util.assert(util.sizeFromShape(shape) === count, () => 'copySlice: shape does not match count');
  const out = backend.makeOutput(shape, 'float32');
  f32(backend, out).set(f32(backend, src).subarray(offset, offset + count));
  return out;
}
