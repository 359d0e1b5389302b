/**
 * Conv2DBackpropFilter for the wasm backend, which has none (a conv net cannot train on
 * stock wasm). dW [kh*kw*C, Co] = colsᵀ [K, P] × dy [P, Co]: im2col in JS, product on XNNPACK.
 */
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, imagesPerChunk } from './conv-geometry';
import { im2colTransposed } from './im2col';
import { copySlice, disposeAll, f32, matMul2D, reshaped, type WasmBackend } from './wasm-util';

function conv2DBackpropFilter({ inputs, backend: b, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = b as unknown as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = convGeometry({ kernel: Conv2DBackpropFilter, xShape: x.shape, filterShape, strides, pad, dimRoundingMode, dataFormat });
  const { batchSize: N, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const perImage = Ho * Wo;
  const chunk = imagesPerChunk(perImage * K, N);

  let total: TensorInfo | null = null;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const n1 = Math.min(N, n0 + chunk);
    const P = (n1 - n0) * perImage;
    const cols = backend.makeOutput([K, P], 'float32');
    // The product needs dy's rows for these images as a tensor of its own (unless it is all of dy).
    const dyRows = chunk >= N ? null : copySlice(backend, dy, n0 * perImage * Co, P * Co, [P, Co]);
    im2colTransposed(f32(backend, x), f32(backend, cols), info, n0, n1);
    const part = matMul2D(backend, cols, dyRows ?? dy, K, P, Co);
    disposeAll(backend, cols, dyRows);
    if (total == null) {
      total = part;
    } else {
      const sum = f32(backend, total);
      const add = f32(backend, part);
      for (let i = 0; i < sum.length; i++) sum[i] += add[i];
      disposeAll(backend, part);
    }
  }
  if (total == null) {
    // Empty batch: the gradient is zero.
    total = backend.makeOutput([K, Co], 'float32');
    f32(backend, total).fill(0);
  }
  return reshaped(total, [...filterShape]);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
