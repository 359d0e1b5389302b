/**
 * Training batches that live on the device (issue 17: a steady WebGPU step copies nothing from
 * the CPU). The whole dataset is copied to the backend once; at the start of each epoch one
 * gather, by that epoch's shuffled order (its one small upload), lays the training split out
 * in visiting order; each step then slices its rows from that copy. The batches, their order
 * and the resumable state are those of `createBatchSource` on the same data and seed; only
 * where the numbers are copied from changes. Costs the dataset twice in device memory.
 */
import type { ModelBatch } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { BatchIterator } from './batch-iterator';
import type { PreparedData } from './prepared-data';

interface Columns {
  x: tf.Tensor;
  y?: tf.Tensor2D;
  labelled?: tf.Tensor1D;
}

function disposeColumns(columns: Columns | undefined): void {
  if (columns) tf.dispose([columns.x, columns.y, columns.labelled].filter((t): t is tf.Tensor => t !== undefined));
}

export function createResidentBatchSource(data: PreparedData, { batchSize, seed = 0 }: { batchSize: number; seed?: number }) {
  const indices = data.split.train;
  const iterator = new BatchIterator(data.dataset, { batchSize, seed, indices, dropLast: indices.length >= batchSize });
  const { dataset, input } = data;
  const k = data.labelNames.length;
  const rowShape = input.kind === 'vector' ? [input.dim] : [input.size, input.size, input.channels];
  let all: Columns | undefined;
  let epochCopy: (Columns & { epoch: number }) | undefined;

  const upload = (): Columns =>
    tf.tidy(() => ({
      x: tf.keep(tf.tensor(dataset.images, [dataset.count, ...rowShape], 'float32')),
      ...(k > 0 ? { y: tf.keep(tf.tensor2d(data.y, [dataset.count, k])) } : {}),
      ...(data.labelled ? { labelled: tf.keep(tf.tensor1d(Float32Array.from(data.labelled))) } : {}),
    }));

  const layOut = (epoch: number): Columns & { epoch: number } =>
    tf.tidy(() => {
      const order = tf.tensor1d(iterator.currentOrder(), 'int32');
      const source = all!;
      return {
        epoch,
        x: tf.keep(tf.gather(source.x, order)),
        ...(source.y ? { y: tf.keep(tf.gather(source.y, order)) } : {}),
        ...(source.labelled ? { labelled: tf.keep(tf.gather(source.labelled, order)) } : {}),
      };
    });

  return {
    batchesPerEpoch: iterator.batchesPerEpoch,
    next: (): ModelBatch => {
      const { epoch, start, indices: rows } = iterator.nextIndices();
      all ??= upload();
      if (epochCopy?.epoch !== epoch) {
        disposeColumns(epochCopy);
        epochCopy = layOut(epoch);
      }
      const n = rows.length;
      const copy = epochCopy;
      return {
        x: tf.slice(copy.x, [start, ...rowShape.map(() => 0)], [n, ...rowShape]),
        ...(copy.y ? { y: tf.slice(copy.y, [start, 0], [n, k]) } : {}),
        ...(copy.labelled ? { labelled: tf.slice(copy.labelled, [start], [n]) } : {}),
      };
    },
    getState: () => iterator.getState(),
    setState: (state: unknown) => iterator.setState(state as ReturnType<BatchIterator['getState']>),
    /** Frees the device copies (the next `next()` makes them again). */
    dispose: () => {
      disposeColumns(epochCopy);
      disposeColumns(all);
      epochCopy = undefined;
      all = undefined;
    },
  };
}
