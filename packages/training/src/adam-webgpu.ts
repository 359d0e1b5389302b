/**
 * Adam's update for one variable as three WebGPU dispatches instead of tfjs' fourteen (issue 17:
 * dispatches within 1.5× of PyTorch's op count; Adam was about half of a step's dispatches).
 * The formulas and their order are adam.ts's (Kingma & Ba 2015, Alg. 1, as tfjs computes it):
 *
 *   m′ = β1·m + (1 − β1)·g                          (one dispatch)
 *   v′ = β2·v + (1 − β2)·g²                         (one dispatch)
 *   θ′ = (m′ / c1) / (√(v′ / c2) + ε) · (−lr) + θ   (one dispatch), c1 = 1 − β1^t, c2 = 1 − β2^t
 *
 * c1 and c2 stay on the GPU (one-element inputs), so nothing is read back; β, 1 − β, ε and −lr
 * are uniforms, rounded to float32 as tfjs' scalars are. The GPU may fuse a multiply and an add,
 * so the weights agree with tfjs' update to float32 rounding, not bit for bit.
 */
import { flatProgram, type WebgpuBackendInternals } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';

const MOMENT = 'DisentangleAdamMoment';
const STEP = 'DisentangleAdamStep';

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

function register(): void {
  if (tf.getKernel(MOMENT, 'webgpu')) return;
  tf.registerKernel({
    kernelName: MOMENT,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { moment, gradient } = inputs as unknown as { moment: Info; gradient: Info };
      const { beta, oneMinusBeta, squared } = attrs as unknown as { beta: number; oneMinusBeta: number; squared: boolean };
      const g = squared ? 'gradient[index] * gradient[index]' : 'gradient[index]';
      const program = flatProgram(`disentangle-adam-moment-${squared ? 2 : 1}`, moment.shape, `setOutputAtIndex(index, moment[index] * uniforms.beta + ${g} * uniforms.oneMinusBeta);`, 'beta : f32, oneMinusBeta : f32,', '', ['moment', 'gradient']);
      return (backend as unknown as WebgpuBackendInternals).runWebGPUProgram(program, [moment, gradient], 'float32', [
        { type: 'float32', data: [beta] },
        { type: 'float32', data: [oneMinusBeta] },
      ]) as unknown as tf.TensorInfo;
    },
  });
  tf.registerKernel({
    kernelName: STEP,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { theta, first, second, c1, c2 } = inputs as unknown as Record<'theta' | 'first' | 'second' | 'c1' | 'c2', Info>;
      const { epsilon, negativeRate } = attrs as unknown as { epsilon: number; negativeRate: number };
      const body = `let mHat = first[index] / c1[0];
        let vHat = second[index] / c2[0];
        setOutputAtIndex(index, mHat / (sqrt(vHat) + uniforms.epsilon) * uniforms.negativeRate + theta[index]);`;
      const program = flatProgram('disentangle-adam-step', theta.shape, body, 'epsilon : f32, negativeRate : f32,', '', ['theta', 'first', 'second', 'c1', 'c2']);
      return (backend as unknown as WebgpuBackendInternals).runWebGPUProgram(program, [theta, first, second, c1, c2], 'float32', [
        { type: 'float32', data: [epsilon] },
        { type: 'float32', data: [negativeRate] },
      ]) as unknown as tf.TensorInfo;
    },
  });
}

/** β·m + (1 − β)·g, or with g² (`squared`): one dispatch. */
export function adamMomentOnWebgpu(moment: tf.Tensor, gradient: tf.Tensor, beta: number, squared: boolean): tf.Tensor {
  register();
  return tf.engine().runKernel(MOMENT, { moment, gradient }, { beta, oneMinusBeta: 1 - beta, squared } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** θ + (−lr)·(m′/c1) / (√(v′/c2) + ε): one dispatch; c1, c2 one-element tensors. */
export function adamStepOnWebgpu(theta: tf.Tensor, first: tf.Tensor, second: tf.Tensor, c1: tf.Tensor, c2: tf.Tensor, learningRate: number, epsilon: number): tf.Tensor {
  register();
  return tf.engine().runKernel(STEP, { theta, first, second, c1, c2 }, { epsilon, negativeRate: -learningRate } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
