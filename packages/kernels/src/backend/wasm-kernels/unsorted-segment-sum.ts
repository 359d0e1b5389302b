/**
 * UnsortedSegmentSum for the wasm backend, which has none (it is gather's gradient, so an
 * embedding cannot train without it). out[s, ...] = Σ over i with ids[i] = s of x[i, ...];
 * ids outside [0, numSegments) are dropped, as in TensorFlow and the cpu backend.
 */
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-util';

function unsortedSegmentSum({ inputs, backend: b, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = b as unknown as WasmBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm training kernel): unsupported dtype ${x.dtype}`);
  }
  const idsShape = segmentIds.shape;
  util.assert(
    idsShape.every((d, i) => d === x.shape[i]),
    () => `UnsortedSegmentSum: segmentIds shape ${idsShape} must be a prefix of x shape ${x.shape}`,
  );
  const inner = util.sizeFromShape(x.shape.slice(idsShape.length));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsShape.length)], x.dtype);
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const sums = backend.typedArrayFromHeap(out);
  // float32 sums accumulate in float64 (a frequent id can collect thousands of rows).
  const acc = x.dtype === 'float32' ? new Float64Array(sums.length) : sums;
  acc.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += xs[src + j];
  }
  if (acc !== sums) sums.set(acc);
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
