import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';

describe('initBackend', () => {
  it('explains why tfjs-node is skipped when it is not installed', async () => {
    const error = await initBackend({ backend: 'tensorflow' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/tensorflow-gpu: not installed; tensorflow: not installed/);
  });

  it('sets a named backend and reports it, with gradients registered', async () => {
    const choice = await initBackend({ backend: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', requested: 'cpu', threads: null, adapter: null });
    expect(choice.attempts).toEqual([{ candidate: 'cpu', ok: true, reason: expect.stringContaining('reference') }]);
    expect(tf.getBackend()).toBe('cpu');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([3]));
    expect((await g.data())[0]).toBe(6);
  });

  it('auto tries candidates in order and keeps the first that works, saying why the others failed', async () => {
    const choice = await initBackend({ backend: 'auto', threads: 1 });
    const names = choice.attempts.map((a) => a.candidate);
    expect(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'].slice(0, names.length)).toEqual(names);
    expect(choice.attempts.slice(0, -1).every((a) => !a.ok && a.reason.length > 0)).toBe(true);
    expect(choice.attempts[choice.attempts.length - 1].ok).toBe(true);
    expect(tf.getBackend()).toBe(choice.backend);
    if (choice.backend === 'wasm') {
      expect(choice.kernels).toContain('Conv2DBackpropFilter');
      expect(choice.threads).toBe(1);
    }
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend({ backend: 'metal' as never })).rejects.toThrow(/unknown backend 'metal'/);
  });
});
