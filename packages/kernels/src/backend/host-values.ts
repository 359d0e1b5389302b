/**
 * A tensor's values when reading them costs no device round trip, for input checks inside a
 * training step: on CPU-memory backends (cpu, wasm, tensorflow) always; on WebGPU only while
 * the values are still on the CPU (a tensor made from JS arrays and not yet used by a GPU op).
 * Otherwise undefined: the values live on the GPU, a read would stall the step (and a
 * synchronous one fails in Node), and they came from the device (a resident batch, an op).
 */
import * as tf from '@tensorflow/tfjs-core';

export function hostValues(t: tf.Tensor): tf.TypedArray | undefined {
  if (tf.getBackend() !== 'webgpu') return t.dataSync() as tf.TypedArray;
  const tensorMap = (tf.backend() as unknown as { tensorMap?: { get(dataId: object): { values?: tf.TypedArray | null } | undefined } }).tensorMap;
  return tensorMap?.get(t.dataId)?.values ?? undefined;
}
