/** Convolution geometry for the wasm training kernels: tfjs' own computeConv2DInfo, NHWC only. */
import { backend_util } from '@tensorflow/tfjs-core';

type Conv2DInfo = backend_util.Conv2DInfo;

export interface ConvGeometryArgs {
  kernel: string;
  xShape: number[];
  filterShape: number[];
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  depthwise?: boolean;
  dataFormat?: string;
}

/** computeConv2DInfo for NHWC; throws a clear Error for other layouts instead of computing wrong values. */
export function convGeometry(args: ConvGeometryArgs): Conv2DInfo {
  const { kernel, dataFormat } = args;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (wasm training kernel): only the NHWC data format is supported, got '${dataFormat}'`);
  }
  if (args.xShape.length !== 4 || args.filterShape.length !== 4) {
    throw new Error(`${kernel} (wasm training kernel): expected rank-4 input and filter, got ${args.xShape} and ${args.filterShape}`);
  }
  return backend_util.computeConv2DInfo(
    args.xShape as [number, number, number, number],
    args.filterShape as [number, number, number, number],
    args.strides,
    args.dilations ?? 1,
    args.pad,
    args.dimRoundingMode,
    args.depthwise ?? false,
    'channelsLast',
  );
}

/**
 * Largest im2col buffer (floats) one matmul call works on; bigger batches go in chunks of
 * images so the wasm heap stays small. Mutable so tests can force chunking.
 */
export const im2colLimits = { maxElements: 1 << 23 };

/** How many images fit one im2col chunk (at least one). */
export function imagesPerChunk(elementsPerImage: number, batch: number): number {
  return Math.max(1, Math.min(batch, Math.floor(im2colLimits.maxElements / Math.max(1, elementsPerImage))));
}

/** Output positions o in [lo, hi) whose input index o*stride - pad + tap lies in [0, size). */
export function validRange(outSize: number, stride: number, pad: number, tap: number, size: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - tap) / stride));
  const hi = Math.min(outSize, Math.floor((size - 1 + pad - tap) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * For each input index i in [0, inSize), the (output o, tap k) pairs with
 * i = o*stride - pad + k*dilation: pairs for i are at [start[i], start[i+1]) in `out`/`tap`.
 * Lets a backprop-input loop gather into each input element instead of scattering.
 */
export function tapTable(inSize: number, outSize: number, stride: number, pad: number, taps: number, dilation: number) {
  const start = new Int32Array(inSize + 1);
  const out: number[] = [];
  const tap: number[] = [];
  for (let i = 0; i < inSize; i++) {
    start[i] = out.length;
    for (let k = 0; k < taps; k++) {
      const num = i + pad - k * dilation;
      if (num < 0 || num % stride !== 0 || num / stride >= outSize) continue;
      out.push(num / stride);
      tap.push(k);
    }
  }
  start[inSize] = out.length;
  return { start, out: Int32Array.from(out), tap: Int32Array.from(tap) };
}
