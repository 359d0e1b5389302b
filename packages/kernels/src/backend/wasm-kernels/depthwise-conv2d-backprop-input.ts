/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend, which has none: the adjoint of
 * the depthwise convolution as a direct loop (per-channel work is too small for a matmul).
 * It gathers into each dx element (sums in registers, four channels at a time) rather than
 * scattering through memory. Supports strides, dilations and any padding (NHWC).
 */
import { DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, tapTable } from './conv-geometry';
import { f32, type WasmBackend } from './wasm-util';

function depthwiseBackpropInput({ inputs, backend: b, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = b as unknown as WasmBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = convGeometry({
    kernel: DepthwiseConv2dNativeBackpropInput, xShape: [...inputShape], filterShape: filter.shape, strides, dilations, pad, dimRoundingMode, depthwise: true,
  });
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const mult = Co / C;
  const rows = tapTable(H, Ho, info.strideHeight, info.padInfo.top, kh, info.dilationHeight);
  const cols = tapTable(W, Wo, info.strideWidth, info.padInfo.left, kw, info.dilationWidth);

  const out = backend.makeOutput([...inputShape], 'float32');
  const dx = f32(backend, out);
  const dys = f32(backend, dy);
  const w = f32(backend, filter);
  for (let n = 0; n < N; n++) {
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        const xi = ((n * H + iy) * W + ix) * C;
        for (let c = 0; c < C; c += 4) {
          // Lanes past the last channel read channel c (harmless) and are not stored.
          const group = Math.min(4, C - c);
          const d1 = group > 1 ? mult : 0;
          const d2 = group > 2 ? 2 * mult : 0;
          const d3 = group > 3 ? 3 * mult : 0;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let r = rows.start[iy]; r < rows.start[iy + 1]; r++) {
            const yRow = (n * Ho + rows.out[r]) * Wo;
            const tapRow = rows.tap[r] * kw;
            for (let q = cols.start[ix]; q < cols.start[ix + 1]; q++) {
              const yi = (yRow + cols.out[q]) * Co + c * mult;
              const wi = (tapRow + cols.tap[q]) * Co + c * mult;
              if (mult === 1) {
                s0 += dys[yi] * w[wi];
                s1 += dys[yi + d1] * w[wi + d1];
                s2 += dys[yi + d2] * w[wi + d2];
                s3 += dys[yi + d3] * w[wi + d3];
                continue;
              }
              for (let m = 0; m < mult; m++) {
                s0 += dys[yi + m] * w[wi + m];
                s1 += dys[yi + d1 + m] * w[wi + d1 + m];
                s2 += dys[yi + d2 + m] * w[wi + d2 + m];
                s3 += dys[yi + d3 + m] * w[wi + d3 + m];
              }
            }
          }
          dx[xi + c] = s0;
          if (group > 1) dx[xi + c + 1] = s1;
          if (group > 2) dx[xi + c + 2] = s2;
          if (group > 3) dx[xi + c + 3] = s3;
        }
      }
    }
  }
  return out;
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};
