/**
 * Checks every bijector's tests share (not exported from the package): round trip,
 * log-determinants of forward and inverse cancelling, the log-determinant against a
 * brute-force Jacobian, and parameter gradients against central differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkGradient, type GradientCheckResult } from '@disentangle/kernels/testing';
import type { Bijector } from './bijector';
import { logAbsDeterminant } from './linear-algebra';

/**
 * log |det J| of f at x (batch 1) in float64: J is built row by row, row i being the
 * gradient of output i (tf.grad of ⟨f(x), e_i⟩), then its determinant by float64 LU.
 * f's output must have as many entries as x.
 */
export function bruteForceLogAbsDetJacobian(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number {
  if (x.shape[0] !== 1) throw new Error('bruteForceLogAbsDetJacobian: x must have batch 1');
  const d = x.size;
  const outShape = tf.tidy(() => f(x).shape);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  if (outSize !== d) throw new Error(`bruteForceLogAbsDetJacobian: f maps ${d} to ${outSize} values`);
  const jacobian = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const row = tf.tidy(() => {
      const mask = tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), d), outShape);
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), mask)))(x);
    });
    jacobian.set(row.dataSync(), i * d);
    row.dispose();
  }
  return logAbsDeterminant(jacobian, d).logAbsDet;
}

export interface BijectorCheck {
  roundTripError: number;
  logDetSumError: number;
  forwardLogDet: number;
  bruteForceLogDet: number;
}

/**
 * Runs x → y → x, compares logDet(forward) + logDet(inverse) with 0, and the forward
 * logDet of the first example with the brute-force Jacobian's.
 */
export function checkBijector(b: Bijector, x: tf.Tensor, cond?: tf.Tensor): BijectorCheck {
  return tf.tidy(() => {
    const fwd = b.forward(x, cond);
    const inv = b.inverse(fwd.y, cond);
    const roundTripError = tf.max(tf.abs(tf.sub(inv.x, x))).dataSync()[0];
    const logDetSumError = tf.max(tf.abs(tf.add(fwd.logDet, inv.logDet))).dataSync()[0];
    const x0 = tf.slice(x, [0], [1]);
    const c0 = cond === undefined ? undefined : tf.slice(cond, [0], [1]);
    const bruteForceLogDet = bruteForceLogAbsDetJacobian((input) => b.forward(input, c0).y, x0);
    return { roundTripError, logDetSumError, forwardLogDet: fwd.logDet.dataSync()[0], bruteForceLogDet };
  }) as unknown as BijectorCheck;
}

/**
 * Adds N(0, std²) noise to every trainable variable, so zero-initialised paths carry
 * gradient while well-conditioned starts (a rotation) stay well-conditioned.
 */
export function randomizeTrainable(variables: Record<string, tf.Variable>, normal: () => number, std = 0.1): void {
  for (const v of Object.values(variables)) {
    if (!v.trainable) continue;
    const values = new Float32Array(v.size);
    const current = v.dataSync();
    for (let i = 0; i < values.length; i++) values[i] = current[i] + normal() * std;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
}

/**
 * Gradient of `loss` wrt entries `indices` of `variable`: tf.grad (float32, autodiff)
 * against central differences of the same loss evaluated by perturbing the variable
 * (h = 2e-3: the forward pass runs in float32, so a much smaller step drowns in rounding;
 * a larger one crosses ReLU kinks).
 */
export function checkVariableGradient(
  loss: () => tf.Scalar,
  variable: tf.Variable,
  indices: number[],
  { tolerance = 2e-2, h = 2e-3, floor = 5e-2 }: { tolerance?: number; h?: number; floor?: number } = {},
): GradientCheckResult {
  const { grads } = tf.variableGrads(loss, [variable]);
  const full = grads[variable.name].dataSync();
  tf.dispose(grads);
  const analytic = indices.map((i) => full[i]);
  const original = variable.dataSync().slice();
  const f = (point: Float64Array) => {
    const values = Float32Array.from(original);
    indices.forEach((idx, j) => { values[idx] = point[j]; });
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
    const value = tf.tidy(() => loss().dataSync()[0]);
    return value;
  };
  try {
    return checkGradient(analytic, f, indices.map((i) => original[i]), { tolerance, h, floor });
  } finally {
    tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
  }
}
