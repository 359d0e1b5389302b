/**
 * A seeded, shuffling, resumable batch iterator over an ImageDataset.
 *
 * Epoch e visits the examples (or `indices`) in the order of the permutation drawn by
 * `new SeededRandom(seed).fork('epoch-' + e)`, so the whole position is two integers
 * ({epoch, position}): `getState()` goes into a checkpoint, `setState()` resumes at the same
 * batch. Batches are plain typed arrays (`next()`, usable without any tfjs backend) or
 * tensors (`nextTensors()`); **disposing the tensors is the caller's job** (`tf.dispose(batch)`
 * disposes every tensor in the object).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@disentangle/kernels';
import type { ImageDataset } from './types';

export interface BatchIteratorOptions {
  batchSize: number;
  seed: number;
  /** Shuffle each epoch (default true); false visits in index order. */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Restrict to these examples (e.g. a split's train indices). */
  indices?: ArrayLike<number>;
  /** Per-example label mask [dataset.count] (1 = labelled), passed through as `labelMask`. */
  labelMask?: Uint8Array;
}

export interface BatchIteratorState {
  epoch: number;
  /** Examples of this epoch already yielded. */
  position: number;
}

export interface ArrayBatch {
  /** Dataset indices of the batch's examples. */
  indices: Int32Array;
  /** [size, height, width, channels] in [0,1]. */
  images: Float32Array;
  shape: [number, number, number, number];
  labels?: Int32Array;
  /** [size, attributeNames.length] 0/1. */
  attributes?: Uint8Array;
  /** [size, factorSpecs.length]. */
  factors?: Float32Array;
  labelMask?: Uint8Array;
  epoch: number;
}

export interface TensorBatch {
  images: tf.Tensor4D;
  /** int32 [size]. */
  labels?: tf.Tensor1D;
  /** float32 [size, attributes]. */
  attributes?: tf.Tensor2D;
  /** float32 [size, factors]. */
  factors?: tf.Tensor2D;
  /** float32 [size], 1 where the label may be used. */
  labelMask?: tf.Tensor1D;
}

/** Tensors of an array batch (the caller disposes them). */
export function batchToTensors(batch: ArrayBatch): TensorBatch {
  const n = batch.shape[0];
  const out: TensorBatch = { images: tf.tensor4d(batch.images, batch.shape, 'float32') };
  if (batch.labels) out.labels = tf.tensor1d(batch.labels, 'int32');
  if (batch.attributes) out.attributes = tf.tensor2d(Float32Array.from(batch.attributes), [n, batch.attributes.length / n], 'float32');
  if (batch.factors) out.factors = tf.tensor2d(batch.factors, [n, batch.factors.length / n], 'float32');
  if (batch.labelMask) out.labelMask = tf.tensor1d(Float32Array.from(batch.labelMask), 'float32');
  return out;
}

export class BatchIterator implements Iterable<ArrayBatch> {
  readonly batchSize: number;
  private readonly pool: Int32Array;
  private order: Int32Array | null = null;
  private state: BatchIteratorState = { epoch: 0, position: 0 };

  constructor(
    readonly dataset: ImageDataset,
    private readonly options: BatchIteratorOptions,
  ) {
    const { batchSize, seed, labelMask } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`BatchIterator: batchSize must be a positive integer, got ${String(batchSize)}`);
    if (!Number.isSafeInteger(seed)) throw new Error(`BatchIterator: seed must be a safe integer, got ${String(seed)}`);
    if (labelMask && labelMask.length !== dataset.count) {
      throw new Error(`BatchIterator: labelMask has ${labelMask.length} entries, dataset '${dataset.name}' has ${dataset.count} examples`);
    }
    if (options.indices) {
      this.pool = Int32Array.from(options.indices);
      this.pool.forEach((index, i) => {
        if (!Number.isInteger(index) || index < 0 || index >= dataset.count) throw new Error(`BatchIterator: indices[${i}] = ${index} is outside 0..${dataset.count - 1}`);
      });
    } else {
      this.pool = new Int32Array(dataset.count).map((_, i) => i);
    }
    if (this.pool.length === 0) throw new Error(`BatchIterator: no examples to iterate over in '${dataset.name}'`);
    this.batchSize = batchSize;
    if (options.dropLast && this.pool.length < batchSize) {
      throw new Error(`BatchIterator: dropLast with batchSize ${batchSize} > ${this.pool.length} examples would never yield`);
    }
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    return this.options.dropLast ? Math.floor(this.pool.length / this.batchSize) : Math.ceil(this.pool.length / this.batchSize);
  }

  private epochOrder(): Int32Array {
    if (this.order === null) {
      if (this.options.shuffle === false) this.order = this.pool;
      else {
        const permutation = new SeededRandom(this.options.seed).fork(`epoch-${this.state.epoch}`).permutation(this.pool.length);
        this.order = permutation.map((p) => this.pool[p]);
      }
    }
    return this.order;
  }

  /** The position to save with a checkpoint (JSON-serialisable). */
  getState(): BatchIteratorState {
    return { ...this.state };
  }

  /** Continues from a `getState()`: the next batch is the one that would have come next. */
  setState(state: BatchIteratorState): void {
    if (!state || !Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.position) || state.position < 0 || state.position > this.pool.length) {
      throw new Error(`BatchIterator.setState: expected {epoch ≥ 0, position in 0..${this.pool.length}}, got ${JSON.stringify(state)}`);
    }
    this.state = { ...state };
    this.order = null;
  }

  /** The next batch of plain typed arrays; rolls over into the next epoch (never ends). */
  next(): ArrayBatch {
    const { indices, epoch } = this.nextIndices();
    return this.gather(indices, epoch);
  }

  /**
   * Advances as `next()` does, without gathering: the batch's dataset indices, its epoch and
   * where it starts in that epoch's order (`currentOrder()`), for sources that keep the data elsewhere.
   */
  nextIndices(): { indices: Int32Array; epoch: number; start: number } {
    let remaining = this.pool.length - this.state.position;
    if (remaining === 0 || (this.options.dropLast && remaining < this.batchSize)) {
      this.state = { epoch: this.state.epoch + 1, position: 0 };
      this.order = null;
      remaining = this.pool.length;
    }
    const order = this.epochOrder();
    const size = Math.min(this.batchSize, remaining);
    const start = this.state.position;
    const indices = order.slice(start, start + size);
    const epoch = this.state.epoch;
    this.state = { epoch, position: start + size };
    return { indices, epoch, start };
  }

  /** The current epoch's visiting order: dataset indices, a permutation of the pool. */
  currentOrder(): Int32Array {
    return this.epochOrder();
  }

  /** The next batch as tensors (the caller disposes them, e.g. `tf.dispose(batch)`). */
  nextTensors(): TensorBatch {
    return batchToTensors(this.next());
  }

  /** One epoch's batches from the current position (a for-of over the iterator). */
  *[Symbol.iterator](): Iterator<ArrayBatch> {
    if (this.state.position >= this.pool.length) this.setState({ epoch: this.state.epoch + 1, position: 0 });
    const epoch = this.state.epoch;
    while (this.state.epoch === epoch && this.state.position < this.pool.length) {
      if (this.options.dropLast && this.pool.length - this.state.position < this.batchSize) {
        this.setState({ epoch: epoch + 1, position: 0 });
        return;
      }
      yield this.next();
    }
  }

  private gather(indices: Int32Array, epoch: number): ArrayBatch {
    const { dataset } = this;
    const pixels = dataset.height * dataset.width * dataset.channels;
    const nAttributes = dataset.attributeNames?.length ?? 0;
    const nFactors = dataset.factorSpecs?.length ?? 0;
    const n = indices.length;
    const images = new Float32Array(n * pixels);
    const labels = dataset.labels ? new Int32Array(n) : undefined;
    const attributes = dataset.attributes ? new Uint8Array(n * nAttributes) : undefined;
    const factors = dataset.factors ? new Float32Array(n * nFactors) : undefined;
    const labelMask = this.options.labelMask ? new Uint8Array(n) : undefined;
    for (let b = 0; b < n; b++) {
      const i = indices[b];
      images.set(dataset.images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
      if (labels) labels[b] = dataset.labels![i];
      if (attributes) attributes.set(dataset.attributes!.subarray(i * nAttributes, (i + 1) * nAttributes), b * nAttributes);
      if (factors) factors.set(dataset.factors!.subarray(i * nFactors, (i + 1) * nFactors), b * nFactors);
      if (labelMask) labelMask[b] = this.options.labelMask![i];
    }
    return { indices, images, shape: [n, dataset.height, dataset.width, dataset.channels], labels, attributes, factors, labelMask, epoch };
  }
}
