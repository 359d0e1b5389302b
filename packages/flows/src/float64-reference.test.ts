/**
 * Values and gradients against independent float64 plain-JS computations (DESIGN.md
 * convention 6a/6b): each layer's forward y and logDet are recomputed in float64 from its
 * current weights (float64-reference.ts, loops written from the formulas) and compared with
 * max relative error ≤ 1e-4; gradients of L = Σ y ⊙ r + Σ logDet wrt the input and a
 * parameter (tf.grad, float32) are compared with float64 central differences of the
 * reference (h = 1e-5, relative tolerance 1e-3 with a floor of 1e-2).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@disentangle/kernels';
import { maxRelativeError } from '@disentangle/kernels/testing';
import { ActNorm } from './act-norm';
import { randomizeTrainable } from './bijector-checks';
import type { Bijector } from './bijector';
import { Coupling, type AffineScale, type CouplingKind } from './coupling';
import {
  actNormForward, array4Of, channelMatrixForward, checkInputGradient, checkParameterGradient, couplingForward,
  couplingNetWeights, float64Of, logAbsDet, projectedScalar, projectedScalarTensor, splitPriorForward,
  squeezeForward, variableValues, weightFromLu, type Array4, type ForwardReference,
} from './float64-reference';
import { InvertibleConv1x1 } from './invertible-conv';
import { SplitPrior } from './priors';
import { Squeeze } from './squeeze';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TOLERANCE = 1e-4;

/** Compares layer.forward(x) with the float64 reference; returns the errors. */
function compareForward(layer: Bijector, x: tf.Tensor, reference: ForwardReference): { y: number; logDet: number } {
  const { y, logDet } = layer.forward(x);
  const errors = { y: maxRelativeError(y.dataSync(), reference.y), logDet: maxRelativeError(logDet.dataSync(), reference.logDet) };
  tf.dispose([y, logDet]);
  return errors;
}

/** The tfjs scalar L(x) = Σ forward(x).y ⊙ r + Σ logDet. */
const lossOf = (layer: Bijector, r: tf.Tensor) => (input: tf.Tensor) => tf.tidy(() => projectedScalarTensor(layer.forward(input), r));

/** The float64 x with its values replaced. */
const withData = (x: Array4, data: Float64Array): Array4 => ({ data, shape: x.shape });

describe('float64 reference: ActNorm', () => {
  it('y and logDet match; gradients wrt x and log s match central differences', () => {
    const random = new SeededRandom(11);
    const layer = new ActNorm({ channels: 4, name: 'f64_actnorm' });
    const init = tf.add(tf.mul(random.normal([2, 4, 4, 4]), 1.7), 0.6);
    tf.dispose(layer.forward(init) as unknown as tf.Tensor[]); // data-dependent initialisation
    const x = random.normal([2, 3, 3, 4]);
    const x64 = array4Of(x);
    const ref = (input: Array4, bias = float64Of(layer.bias), logScale = float64Of(layer.logScale)) => actNormForward(input, bias, logScale);
    const errors = compareForward(layer, x, ref(x64));
    expect(errors.y).toBeLessThanOrEqual(TOLERANCE);
    expect(errors.logDet).toBeLessThanOrEqual(TOLERANCE);
    const r = random.normal(x.shape);
    const r64 = float64Of(r);
    checkInputGradient(lossOf(layer, r), x, (v) => projectedScalar(ref(withData(x64, v)), r64));
    checkParameterGradient(() => lossOf(layer, r)(x), layer.logScale, (v) => projectedScalar(ref(x64, undefined, v), r64));
    checkParameterGradient(() => lossOf(layer, r)(x), layer.bias, (v) => projectedScalar(ref(x64, v), r64));
    tf.dispose([init, x, r]);
    layer.dispose();
  });
});

describe.each(['lu', 'plain'] as const)('float64 reference: InvertibleConv1x1 (%s)', (parameterization) => {
  it('y and logDet (log|det W| by float64 elimination of the composed W) match; gradients wrt x and the weights match', () => {
    const random = new SeededRandom(parameterization === 'lu' ? 12 : 13);
    const c = 4;
    const layer = new InvertibleConv1x1({ channels: c, parameterization, name: `f64_invconv_${parameterization}`, normal: () => random.normalNumber() });
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.2);
    const vars = layer.variables();
    const key = (w: string) => `${layer.name}/${w}`;
    const base = variableValues(vars);
    // W from the float64 variable values; `override` replaces one variable's values.
    const weightOf = (override: Record<string, Float64Array> = {}) => {
      const v = { ...base, ...override };
      return parameterization === 'plain' ? v[key('weight')] : weightFromLu(v[key('permutation')], v[key('lower')], v[key('upper')], v[key('sign_s')], v[key('log_s')], c);
    };
    const ref = (input: Array4, override: Record<string, Float64Array> = {}) => {
      const w = weightOf(override);
      return channelMatrixForward(input, w, logAbsDet(w, c));
    };
    const x = random.normal([1, 4, 4, c]);
    const x64 = array4Of(x);
    const errors = compareForward(layer, x, ref(x64));
    expect(errors.y).toBeLessThanOrEqual(TOLERANCE);
    expect(errors.logDet).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(ref(x64).logDet[0])).toBeGreaterThan(0.1); // the weights moved off a rotation
    const r = random.normal(x.shape);
    const r64 = float64Of(r);
    checkInputGradient(lossOf(layer, r), x, (v) => projectedScalar(ref(withData(x64, v)), r64));
    const params = parameterization === 'plain' ? ['weight'] : ['lower', 'upper', 'log_s'];
    for (const p of params) {
      checkParameterGradient(() => lossOf(layer, r)(x), vars[key(p)], (v) => projectedScalar(ref(x64, { [key(p)]: v }), r64));
    }
    tf.dispose([x, r]);
    layer.dispose();
  });
});

const COUPLINGS: Array<[string, CouplingKind, AffineScale]> = [
  ['affine, sigmoid scale', 'affine', 'sigmoid'],
  ['affine, exp scale', 'affine', 'exp'],
  ['additive', 'additive', 'sigmoid'],
];

describe.each(COUPLINGS)('float64 reference: Coupling (%s)', (_label, kind, scale) => {
  it('y and logDet match a float64 conv3×3 → ReLU → conv1×1 → ReLU → zero-conv3×3 network; gradients wrt x and conv weights match', () => {
    const random = new SeededRandom(kind === 'additive' ? 14 : scale === 'exp' ? 15 : 16);
    const hidden = 8;
    const layer = new Coupling({ channels: 4, kind, scale, hiddenChannels: hidden, name: `f64_coupling_${kind}_${scale}`, normal: () => random.normalNumber() });
    // Every weight moves, the zero-initialised output conv included, so the network is not the identity.
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.3);
    const vars = layer.variables();
    const prefix = `${layer.name}/nn`;
    const base = variableValues(vars);
    const ref = (input: Array4, override: Record<string, Float64Array> = {}) =>
      couplingForward(input, couplingNetWeights({ ...base, ...override }, prefix), kind, scale, hidden);
    const x = random.normal([1, 4, 4, 4]);
    const x64 = array4Of(x);
    const expected = ref(x64);
    const errors = compareForward(layer, x, expected);
    expect(errors.y).toBeLessThanOrEqual(TOLERANCE);
    expect(errors.logDet).toBeLessThanOrEqual(TOLERANCE);
    // not trivial: x_b really moves (and for affine, log|det| is far from 0)
    const xv = float64Of(x);
    const moved = expected.y.reduce((m, v, i) => Math.max(m, Math.abs(v - xv[i])), 0);
    expect(moved).toBeGreaterThan(0.05);
    if (kind === 'affine') expect(Math.abs(expected.logDet[0])).toBeGreaterThan(0.1);
    const r = random.normal(x.shape);
    const r64 = float64Of(r);
    checkInputGradient(lossOf(layer, r), x, (v) => projectedScalar(ref(withData(x64, v)), r64));
    for (const w of ['conv1/kernel', 'conv2/bias', 'conv_out/kernel', 'conv_out/log_scale']) {
      const k = `${prefix}/${w}`;
      checkParameterGradient(() => lossOf(layer, r)(x), vars[k], (v) => projectedScalar(ref(x64, { [k]: v }), r64));
    }
    tf.dispose([x, r]);
    layer.dispose();
  });
});

describe('float64 reference: Squeeze', () => {
  it('y equals the index formula exactly, logDet is 0, and the gradient wrt x matches', () => {
    const random = new SeededRandom(17);
    const layer = new Squeeze({ name: 'f64_squeeze' });
    const x = random.normal([2, 4, 6, 3]);
    const x64 = array4Of(x);
    const expected = squeezeForward(x64);
    const { y, logDet } = layer.forward(x);
    expect(y.shape).toEqual([2, 2, 3, 12]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected.y));
    expect(Array.from(logDet.dataSync())).toEqual([0, 0]);
    const r = random.normal(y.shape);
    const r64 = float64Of(r);
    checkInputGradient(lossOf(layer, r), x, (v) => projectedScalar(squeezeForward(withData(x64, v)), r64));
    tf.dispose([x, y, logDet, r]);
  });
});

describe('float64 reference: SplitPrior', () => {
  it('ε and logDet match a float64 conv2d_zeros prior; gradients wrt x and the prior conv match', () => {
    const random = new SeededRandom(18);
    const layer = new SplitPrior({ channels: 4, name: 'f64_split' });
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.2);
    const vars = layer.variables();
    const k = (w: string) => `${layer.name}/prior_conv/${w}`;
    const base = variableValues(vars);
    const ref = (input: Array4, override: Record<string, Float64Array> = {}) => {
      const v = { ...base, ...override };
      return splitPriorForward(input, v[k('kernel')], v[k('bias')], v[k('log_scale')]);
    };
    const x = random.normal([1, 4, 4, 4]);
    const x64 = array4Of(x);
    const expected = ref(x64);
    const errors = compareForward(layer, x, expected);
    expect(errors.y).toBeLessThanOrEqual(TOLERANCE);
    expect(errors.logDet).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(expected.logDet[0])).toBeGreaterThan(0.1);
    const r = random.normal(x.shape);
    const r64 = float64Of(r);
    checkInputGradient(lossOf(layer, r), x, (v) => projectedScalar(ref(withData(x64, v)), r64));
    for (const w of ['kernel', 'bias', 'log_scale']) {
      checkParameterGradient(() => lossOf(layer, r)(x), vars[k(w)], (v) => projectedScalar(ref(x64, { [k(w)]: v }), r64));
    }
    tf.dispose([x, r]);
    layer.dispose();
  });
});
