/**
 * Slice, SplitV and Concat for the wasm backend, for the narrow slices a flow takes: stock
 * copies every innermost run with `out.set(x.subarray(...))`, a new typed-array object per
 * run, so splitting NHWC channels (Glow's couplings and its split prior: runs of 2–32 floats)
 * cost about a microsecond a pixel. A Glow 2×8 step spent 32% of its kernel time in SplitV and
 * 6% in Concat. Here runs shorter than SHORT_RUN are copied element by element, longer ones
 * with `set` as before; trailing dimensions taken whole merge into one run. Strings go to the
 * stock kernels.
 */
import { Concat, Slice, SplitV, backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { ConcatAttrs, KernelConfig, KernelFunc, SliceAttrs, SplitVAttrs, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { runStock, type WasmBackend } from './wasm-util';

/** Below this many elements a run is copied in a loop (measured: `set` of a subarray costs ~30 element copies). */
const SHORT_RUN = 32;

type Heap = Float32Array | Int32Array | Uint8Array;
const heap = (backend: WasmBackend, info: TensorInfo) => backend.typedArrayFromHeap(info) as Heap;

/** `rows` runs of `width` elements, each `srcStride` / `dstStride` apart. */
function copyRuns(src: Heap, srcOffset: number, srcStride: number, dst: Heap, dstOffset: number, dstStride: number, rows: number, width: number): void {
  if (width >= SHORT_RUN) {
    for (let r = 0; r < rows; r++) dst.set(src.subarray(srcOffset + r * srcStride, srcOffset + r * srcStride + width), dstOffset + r * dstStride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * srcStride;
    const d = dstOffset + r * dstStride;
    for (let i = 0; i < width; i++) dst[d + i] = src[s + i];
  }
}

/** Copies the box `begin`…`begin + size` of x (shape `shape`) into out, row-major. */
function sliceInto(x: Heap, shape: number[], begin: number[], size: number[], out: Heap): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0];
    return;
  }
  const strides = util.computeStrides(shape);
  // Trailing dimensions taken whole, and the last partial one, form one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  const width = size.slice(inner).reduce((a, b) => a * b, 1);
  if (inner === 0) {
    out.set(x.subarray(begin[0] * (strides[0] ?? 1), begin[0] * (strides[0] ?? 1) + width));
    return;
  }
  // Rows: every index of dimensions [0, inner − 1) (an odometer), then dimension inner − 1 as the run loop.
  const rowDim = inner - 1;
  const rowStride = strides[rowDim];
  const innerOffset = begin[inner] * (strides[inner] ?? 1);
  const index = begin.slice(0, rowDim);
  const outer = size.slice(0, rowDim).reduce((a, b) => a * b, 1);
  let dst = 0;
  for (let o = 0; o < outer; o++) {
    let src = innerOffset + begin[rowDim] * rowStride;
    for (let d = 0; d < rowDim; d++) src += index[d] * strides[d];
    copyRuns(x, src, rowStride, out, dst, width, size[rowDim], width);
    dst += size[rowDim] * width;
    for (let d = rowDim - 1; d >= 0; d--) {
      if (++index[d] < begin[d] + size[d]) break;
      index[d] = begin[d];
    }
  }
}

function sliceKernel(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackend;
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return runStock(Slice, backend, { x }, args.attrs);
  const { begin, size } = args.attrs as unknown as SliceAttrs;
  const [b, s] = slice_util.parseSliceParams(x as never, begin, size);
  return sliceOf(backend, x, b, s);
}

function sliceOf(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) > 0) sliceInto(heap(backend, x), x.shape, begin, size, heap(backend, out));
  return out;
}

function splitVKernel(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = args.backend as unknown as WasmBackend;
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return runStock(SplitV, backend, { x }, args.attrs) as unknown as TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  const a = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, a);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[a] = s;
    const part = sliceOf(backend, x, [...begin], size);
    begin[a] += s;
    return part;
  });
}

function concatKernel(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackend;
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs[0].dtype === 'string') return runStock(Concat, backend, inputs as never, args.attrs);
  const { axis } = args.attrs as unknown as ConcatAttrs;
  const a = util.parseAxisParam(axis, inputs[0].shape)[0];
  backend_util.assertParamsConsistent(inputs.map((t) => t.shape), a);
  const out = backend.makeOutput(backend_util.computeOutShape(inputs.map((t) => t.shape), a), inputs[0].dtype);
  const nonEmpty = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (nonEmpty.length === 0) return out;
  // Each input is `rows` runs of its inner size; out's runs sit side by side.
  const rows = util.sizeFromShape(inputs[0].shape.slice(0, a));
  const widths = nonEmpty.map((t) => util.sizeFromShape(t.shape.slice(a)));
  const total = widths.reduce((s, w) => s + w, 0);
  const dst = heap(backend, out);
  let offset = 0;
  nonEmpty.forEach((t, i) => {
    copyRuns(heap(backend, t), 0, widths[i], dst, offset, total, rows, widths[i]);
    offset += widths[i];
  });
  return out;
}

export const sliceConfig: KernelConfig = { kernelName: Slice, backendName: 'wasm', kernelFunc: sliceKernel };
export const splitVConfig: KernelConfig = { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitVKernel as unknown as KernelFunc };
export const concatConfig: KernelConfig = { kernelName: Concat, backendName: 'wasm', kernelFunc: concatKernel };

/** For tests: x's box copied by the run logic above, from plain arrays. */
export function sliceValues(x: TypedArray, shape: number[], begin: number[], size: number[]): TypedArray {
  const out = new (x.constructor as new (n: number) => TypedArray)(util.sizeFromShape(size));
  if (out.length > 0) sliceInto(x as Heap, shape, begin, size, out as Heap);
  return out;
}
