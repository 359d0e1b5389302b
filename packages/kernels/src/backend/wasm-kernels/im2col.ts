/**
 * im2col / col2im for NHWC convolutions, in JS typed arrays over the wasm heap. The heavy
 * product in between runs on XNNPACK (see wasm-util.ts matMul2D).
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import { validRange } from './conv-geometry';

/** Milliseconds spent in im2col and col2im since the process started (a profile's split of the conv backprops). */
export const wasmIm2colClock = { im2colMs: 0, col2imMs: 0 };

/**
 * Fills cols (transposed im2col, shape [K, P]) for images [n0, n1):
 * cols[(ky*kw + kx)*C + c][p] = x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, c], 0 in the padding,
 * with p = ((n - n0)*Ho + oy)*Wo + ox. Row-major in P so Conv2DBackpropFilter is cols × dy.
 */
export function im2colTransposed(x: Float32Array, cols: Float32Array, info: backend_util.Conv2DInfo, n0: number, n1: number): void {
  const started = performance.now();
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const P = (n1 - n0) * Ho * Wo;
  for (let ky = 0; ky < kh; ky++) {
    const [oyLo, oyHi] = validRange(Ho, sh, top, ky * dh, H);
    for (let kx = 0; kx < kw; kx++) {
      const [oxLo, oxHi] = validRange(Wo, sw, left, kx * dw, W);
      for (let c = 0; c < C; c++) {
        const row = cols.subarray(((ky * kw + kx) * C + c) * P, ((ky * kw + kx) * C + c + 1) * P);
        row.fill(0);
        for (let n = n0; n < n1; n++) {
          for (let oy = oyLo; oy < oyHi; oy++) {
            const iy = oy * sh - top + ky * dh;
            const p0 = ((n - n0) * Ho + oy) * Wo;
            // x index of (n, iy, ox*sw - left + kx*dw, c), stepping sw*C per output column.
            let xi = ((n * H + iy) * W + oxLo * sw - left + kx * dw) * C + c;
            const step = sw * C;
            for (let ox = oxLo; ox < oxHi; ox++, xi += step) row[p0 + ox] = x[xi];
          }
        }
      }
    }
  }
  wasmIm2colClock.im2colMs += performance.now() - started;
}

/**
 * Scatter-adds cols (im2col layout, shape [P, K], K = kh*kw*C) for images [n0, n1) into
 * dx (NHWC, not cleared here): the adjoint of im2col, used by Conv2DBackpropInput.
 */
export function col2imAdd(cols: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo, n0: number, n1: number): void {
  const started = performance.now();
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const K = kh * kw * C;
  for (let n = n0; n < n1; n++) {
    for (let ky = 0; ky < kh; ky++) {
      const [oyLo, oyHi] = validRange(Ho, sh, top, ky * dh, H);
      for (let oy = oyLo; oy < oyHi; oy++) {
        const iy = oy * sh - top + ky * dh;
        for (let kx = 0; kx < kw; kx++) {
          const [oxLo, oxHi] = validRange(Wo, sw, left, kx * dw, W);
          for (let ox = oxLo; ox < oxHi; ox++) {
            const ix = ox * sw - left + kx * dw;
            const src = (((n - n0) * Ho + oy) * Wo + ox) * K + (ky * kw + kx) * C;
            const dst = ((n * H + iy) * W + ix) * C;
            for (let c = 0; c < C; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
  wasmIm2colClock.col2imMs += performance.now() - started;
}
