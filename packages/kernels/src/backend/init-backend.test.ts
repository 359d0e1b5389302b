import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, requestHardwareAdapter, softwareAdapterReason } from './init-backend';

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

  it('tells a software WebGPU adapter (lavapipe, SwiftShader, a fallback) from a GPU', () => {
    // What Dawn reports for Mesa 25's lavapipe on the CPU machines (shared/PLATFORM.md) and for real GPUs.
    expect(softwareAdapterReason({ info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-15.0.7 (LLVM 15.0.7, 256 bits)' } })).toBe("its architecture is 'software'");
    expect(softwareAdapterReason({ info: { vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.7, 256 bits)' } })).toBe('llvmpipe is a software renderer');
    expect(softwareAdapterReason({ info: { vendor: 'google', device: 'SwiftShader Device (Subzero)' } })).toBe('SwiftShader is a software renderer');
    expect(softwareAdapterReason({ info: { vendor: 'nvidia', device: 'NVIDIA H200' }, isFallbackAdapter: true })).toBe('a fallback adapter');
    expect(softwareAdapterReason({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA H200' } })).toBeUndefined();
    expect(softwareAdapterReason({ info: { vendor: 'amd', architecture: 'rdna-3', device: 'AMD Radeon RX 7900 XTX' } })).toBeUndefined();
    expect(softwareAdapterReason({})).toBeUndefined();
  });

  it('auto refuses a software adapter with the reason and the way round it; --backend webgpu takes it', async () => {
    const lavapipe = { requestAdapter: async () => ({ info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-15.0.7' } }) };
    await expect(requestHardwareAdapter(lavapipe)).rejects.toThrow("only a software adapter (mesa llvmpipe-15.0.7: its architecture is 'software'), slower than wasm on the CPU; --backend webgpu uses it anyway");
    await expect(requestHardwareAdapter(lavapipe, { allowSoftware: true })).resolves.toMatchObject({ info: { device: 'llvmpipe-15.0.7' } });
    const gpu = { requestAdapter: async () => ({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200' } }) };
    await expect(requestHardwareAdapter(gpu)).resolves.toMatchObject({ info: { device: 'NVIDIA H200' } });
    await expect(requestHardwareAdapter({ requestAdapter: async () => null })).rejects.toThrow(/found no GPU adapter/);
  });
});
