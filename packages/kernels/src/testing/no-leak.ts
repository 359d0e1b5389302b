import * as tf from '@tensorflow/tfjs-core';

/** Number of tensors still alive after `fn` (and disposing what it returns). */
export async function countTensorsCreatedBy(fn: () => unknown | Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  const out = await fn();
  tf.dispose(out as tf.TensorContainer);
  return tf.memory().numTensors - before;
}

/**
 * Throws when `fn` leaves tensors behind. `fn` runs once first to warm up caches
 * (kernels may allocate one-off constants), then the count is taken on a second call.
 */
export async function expectNoLeak(fn: () => unknown | Promise<unknown>, label = 'function'): Promise<void> {
  await countTensorsCreatedBy(fn);
  const leaked = await countTensorsCreatedBy(fn);
  if (leaked !== 0) throw new Error(`${label} leaked ${leaked} tensor(s)`);
}
