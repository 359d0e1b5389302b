/**
 * Independent float64 plain-JS references of image ops for tests (NHWC layout): convolution,
 * dense, instance / batch norm, modulation, nearest resize. Nothing here touches tfjs, so a fault
 * in the tensor code cannot hide in its own reference. Shared by normalization and the zoos.
 */
export interface Array64 {
  data: Float64Array;
  shape: number[];
}

export const array64 = (data: ArrayLike<number>, shape: number[]): Array64 => ({ data: Float64Array.from(data), shape });

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Per-(n, c) statistics over H, W when `perSample`, else per-c over N, H, W; biased variance. */
function statistics(x: Array64, perSample: boolean): { mean: Float64Array; variance: Float64Array } {
  const [n, h, w, c] = x.shape;
  const groups = perSample ? n * c : c;
  const count = perSample ? h * w : n * h * w;
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);
  const group = (i: number) => (perSample ? Math.floor(i / (h * w * c)) * c + (i % c) : i % c);
  for (let i = 0; i < x.data.length; i++) mean[group(i)] += x.data[i] / count;
  for (let i = 0; i < x.data.length; i++) variance[group(i)] += (x.data[i] - mean[group(i)]) ** 2 / count;
  return { mean, variance };
}

function normalize(x: Array64, perSample: boolean, epsilon: number): Array64 {
  const { mean, variance } = statistics(x, perSample);
  const [, h, w, c] = x.shape;
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const g = perSample ? Math.floor(i / (h * w * c)) * c + (i % c) : i % c;
    out[i] = (x.data[i] - mean[g]) / Math.sqrt(variance[g] + epsilon);
  }
  return { data: out, shape: x.shape };
}

export const instanceNorm64 = (x: Array64, epsilon: number) => normalize(x, true, epsilon);
export const batchNorm64 = (x: Array64, epsilon: number) => normalize(x, false, epsilon);
export const batchStatistics64 = (x: Array64) => statistics(x, false);

/** (x − mean[c]) / √(variance[c] + ε) with given per-channel statistics (batch norm at inference). */
export function normalizeWith64(x: Array64, mean: ArrayLike<number>, variance: ArrayLike<number>, epsilon: number): Array64 {
  const c = x.shape[3];
  const out = x.data.map((v, i) => (v - mean[i % c]) / Math.sqrt(variance[i % c] + epsilon));
  return { data: out, shape: x.shape };
}

/** γ ⊙ x + β, with γ, β either [N, C] (per sample and channel) or x's own shape. */
export function modulate64(x: Array64, gamma: Array64, beta: Array64): Array64 {
  const [, h, w, c] = x.shape;
  const perChannel = gamma.shape.length === 2;
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const j = perChannel ? Math.floor(i / (h * w * c)) * c + (i % c) : i;
    out[i] = gamma.data[j] * x.data[i] + beta.data[j];
  }
  return { data: out, shape: x.shape };
}

/** 'same'-padded stride-1 convolution; kernel [kh, kw, cin, cout] (odd kh, kw), bias [cout] or null. */
export function conv2dSame64(x: Array64, kernel: Array64, bias: Array64 | null): Array64 {
  const [n, h, w, cin] = x.shape;
  const [kh, kw, kcin, cout] = kernel.shape;
  if (kcin !== cin) throw new Error(`conv2dSame64: kernel expects ${kcin} channels, x has ${cin}`);
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  const out = new Float64Array(n * h * w * cout);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let o = 0; o < cout; o++) {
          let s = bias ? bias.data[o] : 0;
          for (let dy = 0; dy < kh; dy++) {
            const yy = y + dy - ph;
            if (yy < 0 || yy >= h) continue;
            for (let dx = 0; dx < kw; dx++) {
              const xi = xx + dx - pw;
              if (xi < 0 || xi >= w) continue;
              for (let i = 0; i < cin; i++) {
                s += x.data[((b * h + yy) * w + xi) * cin + i] * kernel.data[((dy * kw + dx) * cin + i) * cout + o];
              }
            }
          }
          out[((b * h + y) * w + xx) * cout + o] = s;
        }
  return { data: out, shape: [n, h, w, cout] };
}

/** x [N, D] · kernel [D, U] + bias [U]. */
export function dense64(x: Array64, kernel: Array64, bias: Array64): Array64 {
  const [n, d] = x.shape;
  const u = kernel.shape[1];
  const out = new Float64Array(n * u);
  for (let b = 0; b < n; b++)
    for (let j = 0; j < u; j++) {
      let s = bias.data[j];
      for (let i = 0; i < d; i++) s += x.data[b * d + i] * kernel.data[i * u + j];
      out[b * u + j] = s;
    }
  return { data: out, shape: [n, u] };
}

export const map64 = (x: Array64, f: (v: number) => number): Array64 => ({ data: x.data.map(f), shape: x.shape });
export const relu64 = (x: Array64) => map64(x, (v) => Math.max(v, 0));
export const leakyRelu64 = (x: Array64, alpha: number) => map64(x, (v) => (v >= 0 ? v : alpha * v));

export function add64(a: Array64, b: Array64): Array64 {
  return { data: a.data.map((v, i) => v + b.data[i]), shape: a.shape };
}

/** Nearest-neighbour resize, source index min(floor(dst · in/out), in − 1) (TF legacy / PyTorch 'nearest'). */
export function resizeNearest64(x: Array64, height: number, width: number): Array64 {
  const [n, h, w, c] = x.shape;
  const out = new Float64Array(n * height * width * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < height; y++)
      for (let xx = 0; xx < width; xx++) {
        const sy = Math.min(Math.floor((y * h) / height), h - 1);
        const sx = Math.min(Math.floor((xx * w) / width), w - 1);
        for (let k = 0; k < c; k++) out[((b * height + y) * width + xx) * c + k] = x.data[((b * h + sy) * w + sx) * c + k];
      }
  return { data: out, shape: [n, height, width, c] };
}

/** Concatenation along the last axis. */
export function concatLast64(a: Array64, b: Array64): Array64 {
  const ca = a.shape[a.shape.length - 1];
  const cb = b.shape[b.shape.length - 1];
  const rows = a.data.length / ca;
  const out = new Float64Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    out.set(a.data.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
    out.set(b.data.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
  }
  return { data: out, shape: [...a.shape.slice(0, -1), ca + cb] };
}

/** Σ_i a_i r_i: a fixed random projection makes a scalar loss whose gradient has no symmetry. */
export function dot64(a: Array64, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * r[i];
  return s;
}

export { size as elementCount };
