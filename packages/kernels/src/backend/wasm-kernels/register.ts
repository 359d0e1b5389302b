/**
 * Registers the training kernels stock tfjs-backend-wasm lacks (Conv2DBackpropFilter,
 * depthwise conv gradients, UnsortedSegmentSum) or runs slowly (Conv2DBackpropInput,
 * transposed / batched BatchMatMul, narrow Slice / SplitV / Concat). See /work/shared/PLATFORM.md for the measurements.
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input';
import { concatConfig, sliceConfig, splitVConfig } from './slice-concat';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { isTrainingKernel, STOCK_KERNEL, type TrainingKernelConfig } from './wasm-util';

const CONFIGS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  sliceConfig,
  splitVConfig,
  concatConfig,
];

export { wasmIm2colClock } from './im2col';

/** The kernels registerWasmTrainingKernels registers (or overrides) for the 'wasm' backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.freeze(CONFIGS.map((c) => c.kernelName));

/**
 * Registers the training kernels for the 'wasm' backend (idempotent). Returns the kernel names it registered/overrode.
 *
 * Import '@tensorflow/tfjs-backend-wasm' first (ours delegate to its BatchMatMul and
 * Transpose); calling before or after `tf.setBackend('wasm')` both work. A replaced stock
 * kernel's setupFunc is kept, so it still runs when the backend initialises.
 */
export function registerWasmTrainingKernels(): string[] {
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul == null || getKernel('Transpose', 'wasm') == null) {
    throw new Error(
      "registerWasmTrainingKernels: the wasm backend's kernels are not registered; " +
        "import '@tensorflow/tfjs-backend-wasm' first",
    );
  }
  for (const config of CONFIGS) {
    const current = getKernel(config.kernelName, 'wasm');
    if (isTrainingKernel(current)) continue; // already ours (perhaps from another copy of this module)
    if (current) unregisterKernel(config.kernelName, 'wasm');
    const ours: TrainingKernelConfig = {
      ...config,
      setupFunc: current?.setupFunc,
      disposeFunc: current?.disposeFunc,
      [STOCK_KERNEL]: current ?? null,
    };
    registerKernel(ours);
  }
  return [...WASM_TRAINING_KERNELS];
}
