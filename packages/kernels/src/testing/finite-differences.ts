import { maxRelativeError } from './compare';

/**
 * Central differences in float64: df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h.
 * `f` must compute in float64 (plain JS), which is what makes the check independent
 * of the float32 tensor code under test.
 */
export function centralDifferenceGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h = 1e-5,
): Float64Array {
  const point = Float64Array.from(x);
  const grad = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const saved = point[i];
    point[i] = saved + h;
    const up = f(point);
    point[i] = saved - h;
    const down = f(point);
    point[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

export interface GradientCheckResult {
  analytic: Float64Array;
  numeric: Float64Array;
  maxRelativeError: number;
}

/**
 * Compares an analytic gradient (e.g. from tf.grad on float32 tensors) with central
 * differences of a float64 reference function; throws when the relative error exceeds
 * `tolerance`.
 */
export function checkGradient(
  analytic: ArrayLike<number>,
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  { tolerance = 1e-2, h = 1e-5, floor = 1e-2 }: { tolerance?: number; h?: number; floor?: number } = {},
): GradientCheckResult {
  const numeric = centralDifferenceGradient(f, x, h);
  const a = Float64Array.from(analytic);
  const err = maxRelativeError(a, numeric, floor);
  if (!(err <= tolerance)) {
    throw new Error(
      `gradient check failed: max relative error ${err.toExponential(3)} > ${tolerance}\n` +
        `analytic: ${Array.from(a.slice(0, 8)).map((v) => v.toFixed(6)).join(', ')}\n` +
        `numeric:  ${Array.from(numeric.slice(0, 8)).map((v) => v.toFixed(6)).join(', ')}`,
    );
  }
  return { analytic: a, numeric, maxRelativeError: err };
}
