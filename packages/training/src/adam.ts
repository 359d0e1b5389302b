/**
 * tfjs' Adam, with its scalar constants made once instead of every step.
 *
 * `tf.train.adam`'s update turns each number it uses (β1, 1 − β1, β2, 1 − β2, ε, −lr, and the
 * 1 of 1 − β^t) into a new scalar tensor on every step, for every variable: about six per
 * variable. On WebGPU each is a CPU→GPU upload (about 1.1 ms on the H100, shared/PLATFORM.md):
 * for the demo VAE, half of a step's uploads. Here the same update (Kingma & Ba 2015, Alg. 1, in
 * tfjs' order of operations, so the weights are bit for bit those of `tf.train.adam`) takes
 * its scalars from a small cache of kept tensors. The optimizer state (m, v and β^t) and its
 * checkpoint names are tfjs' own, so runs saved with `tf.train.adam` resume with this one.
 *
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,
 *   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 *
 * A learning rate that changes every step (a decaying schedule) still costs one new scalar per
 * step: the cache keeps the last few values only.
 *
 * On WebGPU the update runs as three fused dispatches per variable (adam-webgpu.ts), the same
 * formulas to float32 rounding, with the same state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamMomentOnWebgpu, adamStepOnWebgpu } from './adam-webgpu';

/**
 * Kept scalar tensors by value; beyond `capacity` the least recently used is disposed, so the
 * constants every step uses stay while a decaying learning rate's old values go.
 */
export class ScalarCache {
  private readonly tensors = new Map<number, tf.Scalar>();

  constructor(private readonly capacity = 32) {}

  get(value: number): tf.Scalar {
    let tensor = this.tensors.get(value);
    if (tensor !== undefined && !tensor.isDisposed) {
      // Most recent last: the Map's order is the eviction order.
      this.tensors.delete(value);
      this.tensors.set(value, tensor);
    } else {
      tensor = tf.keep(tf.scalar(value));
      this.tensors.set(value, tensor);
      if (this.tensors.size > this.capacity) {
        const [oldest, stale] = this.tensors.entries().next().value as [number, tf.Scalar];
        this.tensors.delete(oldest);
        stale.dispose();
      }
    }
    return tensor;
  }

  get size(): number {
    return this.tensors.size;
  }

  dispose(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.tensors.clear();
  }
}

/** The AdamOptimizer fields tfjs declares private; this subclass updates them as tfjs does. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

export class CachedConstantsAdam extends tf.AdamOptimizer {
  private readonly constants = new ScalarCache();

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdamState;
    const c = (value: number) => this.constants.get(value);
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const fused = tf.getBackend() === 'webgpu';
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(c(1), state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(c(1), state.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i]!.variable;
        const secondMoment = state.accumulatedSecondMoment[i]!.variable;
        if (fused) {
          const first = adamMomentOnWebgpu(firstMoment, gradient, state.beta1, false);
          const second = adamMomentOnWebgpu(secondMoment, gradient, state.beta2, true);
          const updated = adamStepOnWebgpu(value, first, second, oneMinusAccBeta1, oneMinusAccBeta2, state.learningRate, state.epsilon);
          firstMoment.assign(first);
          secondMoment.assign(second);
          value.assign(updated);
          return;
        }
        const newFirstMoment = tf.add(tf.mul(firstMoment, c(state.beta1)), tf.mul(gradient, c(1 - state.beta1)));
        const newSecondMoment = tf.add(tf.mul(secondMoment, c(state.beta2)), tf.mul(tf.square(gradient), c(1 - state.beta2)));
        const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        const step = tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), c(state.epsilon))), c(-state.learningRate));
        value.assign(tf.add(step, value));
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, c(state.beta1)));
      state.accBeta2.assign(tf.mul(state.accBeta2, c(state.beta2)));
    });
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    this.constants.dispose();
  }
}

/** `tf.train.adam` with cached constants: same arguments, same defaults. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): CachedConstantsAdam {
  // tfjs' constructor takes the backend's ε when it is not given.
  return new CachedConstantsAdam(learningRate, beta1, beta2, epsilon as number);
}
