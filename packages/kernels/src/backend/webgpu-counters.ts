/**
 * Overhead counters of tfjs's WebGPU backend, which do not depend on the adapter (a software
 * one counts the same as an H100): per stretch of work, how many
 *   - uploads: tensors whose values went from the CPU to the GPU (a staging or mapped buffer each);
 *   - uniformWrites: `queue.writeBuffer` calls (tfjs writes each program's uniforms this way);
 *   - reads: GPU buffers copied back to the CPU (`getBufferData`: a staging copy and a map);
 *   - dispatches: compute programs run (`runWebGPUProgram`, one dispatch each).
 * Wraps the active backend's methods; `stop()` puts them back. See issue 17: a training step
 * should upload nothing and read nothing, and dispatch about as many kernels as PyTorch runs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { webgpuDeviceFills } from './webgpu-constants';

export interface WebgpuCounts {
  uploads: number;
  uniformWrites: number;
  reads: number;
  dispatches: number;
}

interface WebgpuBackendLike {
  tensorMap: { get(dataId: object): { resource?: unknown; values?: unknown } | undefined };
  queue: { writeBuffer: (...args: unknown[]) => unknown };
  uploadToGPU(dataId: object): void;
  getBufferData(buffer: unknown): Promise<ArrayBuffer>;
  runWebGPUProgram(...args: unknown[]): unknown;
}

export interface WebgpuCounter {
  /** Counts since the counter started. */
  readonly counts: WebgpuCounts;
  /** Counts since the last `mark()` (or the start), and a new mark. */
  mark(): WebgpuCounts;
  stop(): void;
}

/** Starts counting on the active backend, which must be 'webgpu'. */
export function countWebgpuOverhead(): WebgpuCounter {
  if (tf.getBackend() !== 'webgpu') throw new Error(`countWebgpuOverhead: the active backend is '${tf.getBackend()}', not webgpu (initBackend({ backend: 'webgpu' }) first)`);
  const backend = tf.backend() as unknown as WebgpuBackendLike;
  const counts: WebgpuCounts = { uploads: 0, uniformWrites: 0, reads: 0, dispatches: 0 };
  let last = { ...counts };
  const original = { uploadToGPU: backend.uploadToGPU, getBufferData: backend.getBufferData, runWebGPUProgram: backend.runWebGPUProgram, writeBuffer: backend.queue.writeBuffer };
  backend.uploadToGPU = function (dataId) {
    const data = this.tensorMap.get(dataId);
    const pending = data != null && data.resource == null && data.values != null;
    const fills = webgpuDeviceFills();
    original.uploadToGPU.call(this, dataId);
    // A constant that installWebgpuConstants wrote with a fill program is a dispatch, not an upload.
    if (pending && webgpuDeviceFills() === fills) counts.uploads++;
  };
  backend.getBufferData = function (buffer) {
    counts.reads++;
    return original.getBufferData.call(this, buffer);
  };
  backend.runWebGPUProgram = function (...args) {
    counts.dispatches++;
    return original.runWebGPUProgram.apply(this, args);
  };
  const queue = backend.queue;
  queue.writeBuffer = function (...args) {
    counts.uniformWrites++;
    return original.writeBuffer.apply(queue, args);
  };
  return {
    counts,
    mark() {
      const delta = { uploads: counts.uploads - last.uploads, uniformWrites: counts.uniformWrites - last.uniformWrites, reads: counts.reads - last.reads, dispatches: counts.dispatches - last.dispatches };
      last = { ...counts };
      return delta;
    },
    stop() {
      backend.uploadToGPU = original.uploadToGPU;
      backend.getBufferData = original.getBufferData;
      backend.runWebGPUProgram = original.runWebGPUProgram;
      queue.writeBuffer = original.writeBuffer;
    },
  };
}
