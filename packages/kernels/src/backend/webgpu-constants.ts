/**
 * Constants without uploads on tfjs's WebGPU backend (issue 17: a training step should copy
 * nothing from the CPU to the GPU). Two sources of uploads are constants the CPU makes:
 *
 *   - scalars: every JS number an op takes (`tf.mul(x, 0.5)`, the `2` inside Square's
 *     gradient, a loss weight) becomes a new rank-0 tensor, uploaded when first used;
 *   - constant arrays: `tf.ones` / `tf.zeros` build their values on the CPU (tfjs's own Sum
 *     and Mean gradients multiply by `ones(x.shape)`, as big as the input).
 *
 * `installWebgpuConstants` patches the active WebGPU backend so that
 *   - an array whose elements are all equal (a scalar is one) is never copied: when it is
 *     first needed on the GPU a fill program writes the value into its buffer (one dispatch,
 *     its uniforms the value);
 *   - a new such constant (up to 2^18 elements) equal in dtype, shape and value to one made
 *     before shares that one's data (its backend reference count goes up, as a reshape's does),
 *     so a step's constants are made once per run; the cache keeps the `maxConstants` most
 *     recently used, 16 MiB at most. Reading a cached constant back returns its values from the
 *     CPU (no GPU read).
 * Values, dtypes and shapes are unchanged: only where the numbers come from.
 */
import * as tf from '@tensorflow/tfjs-core';
import { flatProgram, type WebgpuBackendInternals, type WebgpuTensorData } from './webgpu-program';

const INSTALLED = Symbol.for('@disentangle/kernels: webgpu constants');

export interface WebgpuConstants {
  readonly stats: {
    /** Constants that reused a cached one's data. */
    constantHits: number;
    /** Constants the cache holds now. */
    cachedConstants: number;
    /** Constants written on the GPU by the fill program instead of uploaded. */
    filledOnDevice: number;
  };
  /** Puts the backend's methods back and releases the cache's references. */
  uninstall(): void;
}

/** Fill programs run so far in this process: the overhead counter tells them from uploads. */
let deviceFills = 0;
export function webgpuDeviceFills(): number {
  return deviceFills;
}

/** Larger constants are filled on the GPU each time they are made, not kept; all kept ones hold at most 16 MiB of float32. */
const MAX_CACHED_ELEMENTS = 1 << 18;
const MAX_HELD_ELEMENTS = 1 << 22;

/** int32 values a float32 uniform carries exactly. */
const EXACT_INT = 2 ** 24;

/** The common value if every element is equal (bit for bit for float32, so −0 ≠ 0), else undefined. */
function uniformValue(data: WebgpuTensorData): number | undefined {
  const values = data.values!;
  if (values.length === 0) return undefined;
  if (data.dtype === 'float32') {
    if (!(values instanceof Float32Array)) return undefined;
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const first = bits[0];
    for (let i = 1; i < bits.length; i++) if (bits[i] !== first) return undefined;
    return values[0];
  }
  if (data.dtype !== 'int32' && data.dtype !== 'bool') return undefined;
  const first = values[0];
  if (!(Math.abs(first) <= EXACT_INT)) return undefined;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return undefined;
  return first;
}

/** Cache key of a constant: dtype, shape and the common value; undefined if the elements differ. */
function constantKey(values: unknown, shape: number[], dtype: string): string | undefined {
  if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) || values.length > MAX_CACHED_ELEMENTS) return undefined;
  const value = uniformValue({ dtype, shape, values, refCount: 0 });
  if (value === undefined) return undefined;
  return `${dtype}[${shape.join(',')}]:${Object.is(value, -0) ? '-0' : String(value)}`;
}

/** Installs both on the active backend, which must be 'webgpu'; a second call returns the first installation. */
export function installWebgpuConstants({ maxConstants = 1024 } = {}): WebgpuConstants {
  if (tf.getBackend() !== 'webgpu') throw new Error(`installWebgpuConstants: the active backend is '${tf.getBackend()}', not webgpu`);
  if (!(Number.isInteger(maxConstants) && maxConstants >= 0)) throw new Error(`installWebgpuConstants: maxConstants must be a non-negative integer, got ${maxConstants}`);
  const backend = tf.backend() as unknown as WebgpuBackendInternals & { [INSTALLED]?: WebgpuConstants };
  if (backend[INSTALLED]) return backend[INSTALLED];
  const original = { write: backend.write, uploadToGPU: backend.uploadToGPU, readSync: backend.readSync, read: backend.read };
  // The values of every cached constant, so reading one back never waits for the GPU: a tensor
  // that was only ever read on the CPU (ActNorm's initialised flag) may share a constant that
  // other ops moved to the GPU, where a synchronous read is not possible in Node.
  const known = new WeakMap<object, ArrayLike<number> & { slice(): ArrayLike<number> }>();
  // Insertion order is recency: a hit moves its key to the end, eviction takes the first.
  const cache = new Map<string, object>();
  let heldElements = 0;
  const elementsOf = (dataId: object) => backend.tensorMap.get(dataId)?.shape.reduce((a, b) => a * b, 1) ?? 0;
  const stats = { constantHits: 0, cachedConstants: 0, filledOnDevice: 0 };

  const release = (dataId: object) => {
    // The cache held the last reference: the engine still lists the data (its tensors only decremented).
    if (backend.disposeData(dataId)) tf.engine().removeDataId(dataId as tf.DataId, backend as unknown as tf.KernelBackend);
  };

  backend.write = function (values, shape, dtype) {
    const key = maxConstants === 0 ? undefined : constantKey(values, shape, dtype);
    if (key === undefined) return original.write.call(this, values, shape, dtype);
    const hit = cache.get(key);
    const data = hit && this.tensorMap.get(hit);
    if (hit && data) {
      cache.delete(key);
      cache.set(key, hit);
      data.refCount++;
      stats.constantHits++;
      return hit;
    }
    const dataId = original.write.call(this, values, shape, dtype);
    this.tensorMap.get(dataId)!.refCount++; // the cache's own reference
    known.set(dataId, values as Float32Array);
    cache.set(key, dataId);
    heldElements += elementsOf(dataId);
    while (cache.size > maxConstants || heldElements > MAX_HELD_ELEMENTS) {
      const [oldKey, oldId] = cache.entries().next().value as [string, object];
      cache.delete(oldKey);
      heldElements -= elementsOf(oldId);
      release(oldId);
    }
    stats.cachedConstants = cache.size;
    return dataId;
  };

  backend.uploadToGPU = function (dataId) {
    const data = this.tensorMap.get(dataId);
    const value = data && data.resource == null && data.values != null ? uniformValue(data) : undefined;
    if (data === undefined || value === undefined) return original.uploadToGPU.call(this, dataId);
    // With the values gone, the backend's own upload (inside runWebGPUProgram) only allocates the buffer.
    data.values = null;
    const program = flatProgram('disentangle-fill', data.shape, 'setOutputAtIndex(index, uniforms.value);', 'value : f32,');
    this.runWebGPUProgram(program, [], data.dtype, [{ type: 'float32', data: [value] }], { dataId, shape: data.shape, dtype: data.dtype });
    stats.filledOnDevice++;
    deviceFills++;
  };

  backend.readSync = function (dataId) {
    const values = known.get(dataId);
    return values ? values.slice() : original.readSync.call(this, dataId);
  };
  backend.read = function (dataId) {
    const values = known.get(dataId);
    return values ? Promise.resolve(values.slice()) : original.read.call(this, dataId);
  };

  const installed: WebgpuConstants = {
    stats,
    uninstall() {
      backend.write = original.write;
      backend.uploadToGPU = original.uploadToGPU;
      backend.readSync = original.readSync;
      backend.read = original.read;
      for (const dataId of cache.values()) release(dataId);
      cache.clear();
      heldElements = 0;
      stats.cachedConstants = 0;
      delete backend[INSTALLED];
    },
  };
  backend[INSTALLED] = installed;
  return installed;
}
