/**
 * Test support (not exported from the package): plain-JS float64 re-implementations of the
 * layers' forward passes, written from the formulas in the README with explicit loops and
 * sharing no code with the layers, plus gradient checks of a tfjs scalar against central
 * differences of its float64 twin.
 *
 * Arrays are NHWC, flattened row-major (index ((n·H + i)·W + j)·C + c), in Float64Array.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkGradient, type GradientCheckResult } from '@disentangle/kernels/testing';

export type Shape4 = [number, number, number, number];

export interface Array4 {
  data: Float64Array;
  shape: Shape4;
}

export interface ForwardReference {
  y: Float64Array;
  /** log|det ∂y/∂x| per example. */
  logDet: Float64Array;
}

/** A tensor's values as float64 (the float32 values exactly). */
export function float64Of(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}

/** The rank-4 tensor as an Array4. */
export function array4Of(t: tf.Tensor): Array4 {
  if (t.rank !== 4) throw new Error(`array4Of: expected rank 4, got [${t.shape.join(',')}]`);
  return { data: float64Of(t), shape: t.shape as Shape4 };
}

/** The current values of every variable of a layer, float64, by key. */
export function variableValues(variables: Record<string, tf.Variable>): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, float64Of(v)]));
}

const index4 = (shape: Shape4, n: number, i: number, j: number, c: number) => ((n * shape[1] + i) * shape[2] + j) * shape[3] + c;

/** Channels [from, from + count) of x. */
export function sliceChannels(x: Array4, from: number, count: number): Array4 {
  const [n, h, w, c] = x.shape;
  const out = new Float64Array(n * h * w * count);
  for (let p = 0; p < n * h * w; p++) for (let k = 0; k < count; k++) out[p * count + k] = x.data[p * c + from + k];
  return { data: out, shape: [n, h, w, count] };
}

/** Channel-axis concatenation. */
export function concatChannels(a: Array4, b: Array4): Array4 {
  const [n, h, w, ca] = a.shape;
  const cb = b.shape[3];
  const out = new Float64Array(n * h * w * (ca + cb));
  for (let p = 0; p < n * h * w; p++) {
    for (let k = 0; k < ca; k++) out[p * (ca + cb) + k] = a.data[p * ca + k];
    for (let k = 0; k < cb; k++) out[p * (ca + cb) + ca + k] = b.data[p * cb + k];
  }
  return { data: out, shape: [n, h, w, ca + cb] };
}

/**
 * Stride-1 'same' convolution with an odd k × k kernel [k, k, C_in, C_out] (zero padding
 * (k−1)/2 on every side) plus a bias: out[n,i,j,o] = b[o] + Σ_{dy,dx,c} x[n,i+dy−p,j+dx−p,c]·K[dy,dx,c,o].
 */
export function conv2dSame(x: Array4, kernel: Float64Array, k: number, outChannels: number, bias?: Float64Array): Array4 {
  const [n, h, w, cin] = x.shape;
  if (kernel.length !== k * k * cin * outChannels) throw new Error(`conv2dSame: kernel has ${kernel.length} values, expected ${k}·${k}·${cin}·${outChannels}`);
  const pad = (k - 1) / 2;
  const shape: Shape4 = [n, h, w, outChannels];
  const out = new Float64Array(n * h * w * outChannels);
  for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let o = 0; o < outChannels; o++) {
    let sum = bias ? bias[o] : 0;
    for (let dy = 0; dy < k; dy++) {
      const ii = i + dy - pad;
      if (ii < 0 || ii >= h) continue;
      for (let dx = 0; dx < k; dx++) {
        const jj = j + dx - pad;
        if (jj < 0 || jj >= w) continue;
        for (let c = 0; c < cin; c++) sum += x.data[index4(x.shape, b, ii, jj, c)] * kernel[((dy * k + dx) * cin + c) * outChannels + o];
      }
    }
    out[index4(shape, b, i, j, o)] = sum;
  }
  return { data: out, shape };
}

export function relu(x: Array4): Array4 {
  return { data: x.data.map((v) => (v > 0 ? v : 0)), shape: x.shape };
}

/** Glow's conv2d_zeros: (conv_{k×k}(x) + b) ⊙ exp(3 · log s). */
export function zeroConv(x: Array4, kernel: Float64Array, bias: Float64Array, logScale: Float64Array, outChannels: number, k = 3): Array4 {
  const out = conv2dSame(x, kernel, k, outChannels, bias);
  const c = outChannels;
  for (let p = 0; p < out.data.length; p++) out.data[p] *= Math.exp(3 * logScale[p % c]);
  return out;
}

/** Per-example sums of `values` over all but the batch axis. */
function perExampleSum(values: Float64Array, batch: number): Float64Array {
  const per = values.length / batch;
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) for (let p = 0; p < per; p++) out[b] += values[b * per + p];
  return out;
}

// ---------------------------------------------------------------- ActNorm

/** y = (x + b) ⊙ exp(log s) per channel; log|det| = H·W·Σ log s. */
export function actNormForward(x: Array4, bias: Float64Array, logScale: Float64Array): ForwardReference {
  const [n, h, w, c] = x.shape;
  const y = new Float64Array(x.data.length);
  for (let p = 0; p < y.length; p++) y[p] = (x.data[p] + bias[p % c]) * Math.exp(logScale[p % c]);
  const sum = logScale.reduce((a, b) => a + b, 0);
  return { y, logDet: new Float64Array(n).fill(h * w * sum) };
}

// ---------------------------------------------------------------- 1×1 convolution

/** C × C row-major product. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += a[i * c + k] * b[k * c + j];
    out[i * c + j] = s;
  }
  return out;
}

/** W = P · (strictly-lower(L) + I) · (strictly-upper(U) + diag(sign(s) ⊙ exp(log|s|))). */
export function weightFromLu(permutation: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, signS: ArrayLike<number>, logS: ArrayLike<number>, c: number): Float64Array {
  const l = new Float64Array(c * c);
  const u = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) {
    if (j < i) l[i * c + j] = lower[i * c + j];
    if (j === i) { l[i * c + j] = 1; u[i * c + j] = signS[i] * Math.exp(logS[i]); }
    if (j > i) u[i * c + j] = upper[i * c + j];
  }
  return matMul(permutation, matMul(l, u, c), c);
}

/** log|det A| by Gaussian elimination with partial pivoting (−∞ when singular). */
export function logAbsDet(matrix: ArrayLike<number>, c: number): number {
  const a = Float64Array.from(matrix);
  let result = 0;
  for (let col = 0; col < c; col++) {
    let pivot = col;
    for (let r = col + 1; r < c; r++) if (Math.abs(a[r * c + col]) > Math.abs(a[pivot * c + col])) pivot = r;
    if (a[pivot * c + col] === 0) return -Infinity;
    if (pivot !== col) for (let k = 0; k < c; k++) [a[col * c + k], a[pivot * c + k]] = [a[pivot * c + k], a[col * c + k]];
    result += Math.log(Math.abs(a[col * c + col]));
    for (let r = col + 1; r < c; r++) {
      const f = a[r * c + col] / a[col * c + col];
      for (let k = col; k < c; k++) a[r * c + k] -= f * a[col * c + k];
    }
  }
  return result;
}

/** y[n,i,j,:] = W x[n,i,j,:]; log|det| = H·W·`logAbsDetW`. */
export function channelMatrixForward(x: Array4, weight: ArrayLike<number>, logAbsDetW: number): ForwardReference {
  const [n, h, w, c] = x.shape;
  const y = new Float64Array(x.data.length);
  for (let p = 0; p < n * h * w; p++) for (let r = 0; r < c; r++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += weight[r * c + k] * x.data[p * c + k];
    y[p * c + r] = s;
  }
  return { y, logDet: new Float64Array(n).fill(h * w * logAbsDetW) };
}

// ---------------------------------------------------------------- coupling

/** The coupling network's weights, keys as in `CouplingNetwork.variables()` without the `<name>/nn/` prefix. */
export interface CouplingNetWeights {
  conv1Kernel: Float64Array;
  conv1Bias: Float64Array;
  conv2Kernel: Float64Array;
  conv2Bias: Float64Array;
  outKernel: Float64Array;
  outBias: Float64Array;
  outLogScale: Float64Array;
}

export function couplingNetWeights(values: Record<string, Float64Array>, prefix: string): CouplingNetWeights {
  const get = (k: string) => {
    const v = values[`${prefix}/${k}`];
    if (v === undefined) throw new Error(`couplingNetWeights: no variable ${prefix}/${k}`);
    return v;
  };
  return {
    conv1Kernel: get('conv1/kernel'), conv1Bias: get('conv1/bias'),
    conv2Kernel: get('conv2/kernel'), conv2Bias: get('conv2/bias'),
    outKernel: get('conv_out/kernel'), outBias: get('conv_out/bias'), outLogScale: get('conv_out/log_scale'),
  };
}

/** conv 3×3 + b → ReLU → conv 1×1 + b → ReLU → (conv 3×3 + b) ⊙ exp(3 log s). */
export function couplingNetwork(x: Array4, wts: CouplingNetWeights, hidden: number, outChannels: number): Array4 {
  const h1 = relu(conv2dSame(x, wts.conv1Kernel, 3, hidden, wts.conv1Bias));
  const h2 = relu(conv2dSame(h1, wts.conv2Kernel, 1, hidden, wts.conv2Bias));
  return zeroConv(h2, wts.outKernel, wts.outBias, wts.outLogScale, outChannels, 3);
}

/**
 * Coupling forward: x = [x_a (first ⌊C/2⌋ channels), x_b], h = NN(x_a);
 * additive y_b = x_b + h; affine t = h[…,2k], r = h[…,2k+1],
 * sigmoid: s = 1/(1 + e^{−(r+2)}), y_b = (x_b + t)·s; exp: y_b = x_b·e^r + t; log|det| = Σ log s.
 */
export function couplingForward(x: Array4, wts: CouplingNetWeights, kind: 'affine' | 'additive', scale: 'sigmoid' | 'exp', hidden: number): ForwardReference {
  const [n, hh, ww, c] = x.shape;
  const pass = Math.floor(c / 2);
  const cb = c - pass;
  const xa = sliceChannels(x, 0, pass);
  const h = couplingNetwork(xa, wts, hidden, kind === 'affine' ? 2 * cb : cb);
  const y = Float64Array.from(x.data);
  const logDet = new Float64Array(n);
  for (let b = 0; b < n; b++) for (let i = 0; i < hh; i++) for (let j = 0; j < ww; j++) for (let k = 0; k < cb; k++) {
    const xi = index4(x.shape, b, i, j, pass + k);
    if (kind === 'additive') {
      y[xi] = x.data[xi] + h.data[index4(h.shape, b, i, j, k)];
      continue;
    }
    const t = h.data[index4(h.shape, b, i, j, 2 * k)];
    const r = h.data[index4(h.shape, b, i, j, 2 * k + 1)];
    if (scale === 'sigmoid') {
      const s = 1 / (1 + Math.exp(-(r + 2)));
      y[xi] = (x.data[xi] + t) * s;
      logDet[b] += Math.log(s);
    } else {
      y[xi] = x.data[xi] * Math.exp(r) + t;
      logDet[b] += r;
    }
  }
  return { y, logDet };
}

// ---------------------------------------------------------------- squeeze and split

/** out[n, i, j, c·4 + 2·dy + dx] = x[n, 2i + dy, 2j + dx, c]. */
export function squeezeForward(x: Array4): ForwardReference {
  const [n, h, w, c] = x.shape;
  const outShape: Shape4 = [n, h / 2, w / 2, 4 * c];
  const y = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++) for (let i = 0; i < h / 2; i++) for (let j = 0; j < w / 2; j++) for (let ch = 0; ch < c; ch++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
    y[index4(outShape, b, i, j, ch * 4 + 2 * dy + dx)] = x.data[index4(x.shape, b, 2 * i + dy, 2 * j + dx, ch)];
  }
  return { y, logDet: new Float64Array(n) };
}

/**
 * Split forward: [z₁ (first ⌊C/2⌋ channels), z₂] → [z₁, ε], h = conv2d_zeros(z₁),
 * μ = h[…,2k], log σ = h[…,2k+1], ε = (z₂ − μ)·exp(−log σ); log|det| = −Σ log σ.
 */
export function splitPriorForward(x: Array4, kernel: Float64Array, bias: Float64Array, logScale: Float64Array): ForwardReference {
  const [n, hh, ww, c] = x.shape;
  const kept = Math.floor(c / 2);
  const factored = c - kept;
  const h = zeroConv(sliceChannels(x, 0, kept), kernel, bias, logScale, 2 * factored, 3);
  const y = Float64Array.from(x.data);
  const logDet = new Float64Array(n);
  for (let b = 0; b < n; b++) for (let i = 0; i < hh; i++) for (let j = 0; j < ww; j++) for (let k = 0; k < factored; k++) {
    const xi = index4(x.shape, b, i, j, kept + k);
    const mean = h.data[index4(h.shape, b, i, j, 2 * k)];
    const logSigma = h.data[index4(h.shape, b, i, j, 2 * k + 1)];
    y[xi] = (x.data[xi] - mean) * Math.exp(-logSigma);
    logDet[b] -= logSigma;
  }
  return { y, logDet };
}

// ---------------------------------------------------------------- the scalar and its gradients

/** The scalar of the gradient checks: Σ y ⊙ r + Σ logDet. */
export function projectedScalar(out: ForwardReference, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.y.length; i++) s += out.y[i] * r[i];
  for (const v of out.logDet) s += v;
  return s;
}

/** The same scalar on tensors: Σ y ⊙ r + Σ logDet. */
export function projectedScalarTensor(out: { y: tf.Tensor; logDet: tf.Tensor }, r: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.add(tf.sum(tf.mul(out.y, r)), tf.sum(out.logDet)) as tf.Scalar);
}

export interface GradientCheckOptions {
  tolerance?: number;
  h?: number;
  floor?: number;
}

const DEFAULT_CHECK: Required<GradientCheckOptions> = { tolerance: 1e-3, h: 1e-5, floor: 1e-2 };

/**
 * ∂/∂x of the tfjs scalar `loss(x)` (tf.grad, float32) against central differences of
 * `reference(values of x in float64)`, over every entry of x.
 */
export function checkInputGradient(
  loss: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  reference: (values: Float64Array) => number,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const analytic = tf.tidy(() => tf.grad(loss)(x).dataSync().slice());
  return checkGradient(analytic, reference, float64Of(x), { ...DEFAULT_CHECK, ...options });
}

/**
 * ∂/∂variable of the tfjs scalar `loss()` (tf.variableGrads, float32) against central
 * differences of `reference(values of the variable in float64)`, over every entry.
 */
export function checkParameterGradient(
  loss: () => tf.Scalar,
  variable: tf.Variable,
  reference: (values: Float64Array) => number,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const { value, grads } = tf.variableGrads(loss, [variable]);
  const analytic = grads[variable.name].dataSync().slice();
  tf.dispose([value, grads]);
  return checkGradient(analytic, reference, float64Of(variable), { ...DEFAULT_CHECK, ...options });
}
