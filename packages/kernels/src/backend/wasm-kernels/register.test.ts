import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './register';
import { useWasm } from './test-helpers';
import { isTrainingKernel, STOCK_KERNEL } from './wasm-util';

/** Puts the stock kernels back, as if registerWasmTrainingKernels had never run. */
function restoreStock(): void {
  for (const name of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(name, 'wasm');
    if (!isTrainingKernel(current)) continue;
    tf.unregisterKernel(name, 'wasm');
    if (current[STOCK_KERNEL]) tf.registerKernel(current[STOCK_KERNEL]);
  }
}

describe('registerWasmTrainingKernels', () => {
  it('lists the nine kernels and is idempotent', async () => {
    expect([...WASM_TRAINING_KERNELS].sort()).toEqual([
      'BatchMatMul', 'Concat', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Slice', 'SplitV', 'UnsortedSegmentSum',
    ]);
    const first = registerWasmTrainingKernels();
    const configs = first.map((name) => tf.getKernel(name, 'wasm'));
    expect(registerWasmTrainingKernels()).toEqual(first);
    expect(first.map((name) => tf.getKernel(name, 'wasm'))).toEqual(configs);
    expect(configs.every(isTrainingKernel)).toBe(true);
  });

  it('works when called after tf.setBackend("wasm"), keeping the stock kernels to delegate to', async () => {
    await useWasm();
    restoreStock();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerWasmTrainingKernels();
    const stockMatMul = (tf.getKernel('BatchMatMul', 'wasm') as never)[STOCK_KERNEL] as tf.KernelConfig;
    expect(stockMatMul.setupFunc).toBeDefined();
    const a = tf.ones([2, 64, 32]);
    const b = tf.ones([2, 64, 16]);
    const product = tf.matMul(a, b, true, false);
    expect(product.shape).toEqual([2, 32, 16]);
    expect(Array.from(await product.data()).every((v) => v === 64)).toBe(true);
    // Switching away and back re-runs the kept setupFuncs.
    await tf.setBackend('cpu');
    await tf.setBackend('wasm');
    const again = tf.matMul(a, b, true, false);
    expect((await again.data())[0]).toBe(64);
    tf.dispose([a, b, product, again]);
  });
});
