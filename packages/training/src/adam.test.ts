import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@disentangle/kernels'; // registers the gradients
import { beforeAll, describe, expect, it } from 'vitest';
import { adam, ScalarCache } from './adam';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two variables and a loss whose gradients differ per step. */
function problem(tag: string) {
  const a = tf.variable(tf.tensor2d([[0.3, -1.2], [2, 0.5]]), true, `adam-a-${tag}`);
  const b = tf.variable(tf.tensor1d([0.1, -0.4]), true, `adam-b-${tag}`);
  const loss = (step: number) => tf.sum(tf.add(tf.square(tf.sub(tf.matMul(a, tf.reshape(b, [2, 1])), step)), tf.mul(tf.abs(a), 0.1))) as tf.Scalar;
  return { a, b, loss, dispose: () => tf.dispose([a, b]) };
}

describe('Adam with cached constants', () => {
  it("gives bit for bit tf.train.adam's weights and optimizer state, through a changing learning rate", async () => {
    const theirs = problem('tf');
    const ours = problem('ours');
    const reference = tf.train.adam(0.05, 0.8, 0.99, 1e-7);
    const cached = adam(0.05, 0.8, 0.99, 1e-7);
    for (let step = 0; step < 12; step++) {
      const rate = step < 6 ? 0.05 : 0.05 * (12 - step) / 6;
      (reference as unknown as { learningRate: number }).learningRate = rate;
      (cached as unknown as { learningRate: number }).learningRate = rate;
      reference.minimize(() => theirs.loss(step), false, [theirs.a, theirs.b]);
      cached.minimize(() => ours.loss(step), false, [ours.a, ours.b]);
    }
    expect(Array.from(await ours.a.data())).toEqual(Array.from(await theirs.a.data()));
    expect(Array.from(await ours.b.data())).toEqual(Array.from(await theirs.b.data()));
    const [theirState, ourState] = [await reference.getWeights(), await cached.getWeights()];
    expect(ourState.map((w) => w.name.replace('ours', 'tf'))).toEqual(theirState.map((w) => w.name));
    for (let i = 0; i < ourState.length; i++) expect(Array.from(await ourState[i].tensor.data())).toEqual(Array.from(await theirState[i].tensor.data()));
    reference.dispose();
    cached.dispose();
    theirs.dispose();
    ours.dispose();
  });

  it('after its first step, makes no tensor from a JS number (each would be an upload on a GPU); tf.train.adam makes 6 per variable and 4 more', () => {
    /** Tensors made from JS values during `fn` (Engine.makeTensor), the ones a GPU backend must upload. */
    const tensorsFromValues = (fn: () => void): number => {
      const engine = tf.engine() as unknown as { makeTensor: (...args: unknown[]) => unknown };
      const makeTensor = engine.makeTensor;
      let count = 0;
      engine.makeTensor = function (this: unknown, ...args: unknown[]) {
        count++;
        return makeTensor.apply(this, args);
      };
      try {
        fn();
      } finally {
        engine.makeTensor = makeTensor;
      }
      return count;
    };
    const counts = [tf.train.adam(0.01), adam(0.01)].map((optimizer, k) => {
      const p = problem(`count-${k}`);
      const gradients = () => tf.variableGrads(() => p.loss(1), [p.a, p.b]).grads;
      const first = gradients();
      optimizer.applyGradients(first as never);
      tf.dispose(Object.values(first));
      const grads = gradients();
      const made = tensorsFromValues(() => optimizer.applyGradients(grads as never));
      tf.dispose(Object.values(grads));
      optimizer.dispose();
      p.dispose();
      return made;
    });
    expect(counts).toEqual([6 * 2 + 4, 0]);
  });

  it('the cache keeps the most recently used values and disposes the least recently used', () => {
    const cache = new ScalarCache(2);
    const one = cache.get(1);
    const two = cache.get(2);
    expect(cache.get(1)).toBe(one);   // 1 is now the most recently used
    cache.get(3);
    expect(cache.size).toBe(2);
    expect(two.isDisposed).toBe(true);
    expect(one.isDisposed).toBe(false);
    cache.get(4);                     // evicts 1, used before 3
    expect(one.isDisposed).toBe(true);
    cache.dispose();
    expect(cache.size).toBe(0);
  });

  it('a learning rate that changes every step does not evict the constants every step uses', () => {
    const p = problem('decay');
    const optimizer = adam(0.01);
    const cache = (optimizer as unknown as { constants: ScalarCache }).constants;
    const setRate = (step: number) => ((optimizer as unknown as { learningRate: number }).learningRate = 0.01 * (1 - step / 100));
    setRate(0);
    optimizer.minimize(() => p.loss(1), false, [p.a, p.b]);
    const [one, beta1] = [cache.get(1), cache.get(0.9)];
    for (let step = 1; step < 100; step++) {
      setRate(step);
      optimizer.minimize(() => p.loss(1), false, [p.a, p.b]);
    }
    // The same kept tensors after 99 new learning rates: never evicted, never uploaded again.
    expect(cache.get(1)).toBe(one);
    expect(cache.get(0.9)).toBe(beta1);
    expect(one.isDisposed).toBe(false);
    expect(cache.size).toBeLessThanOrEqual(32);
    optimizer.dispose();
    p.dispose();
  });
});
