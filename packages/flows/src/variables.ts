/**
 * Variable bookkeeping shared by the flow layers. Every layer has a `name` (a path such as
 * `glow/level0/step1/actnorm`) and reports its variables under `<name>/<weight>`: those keys
 * are stable and unique within a model, so `saveWeights(dir, flow.variables())` and the lab
 * trainer's checkpoints can find them again. The tf.Variable's own (engine-wide) name is the
 * same key, with `_1`, `_2`, ... appended only when another live variable already holds it.
 */
import * as tf from '@tensorflow/tfjs-core';

export function createVariable(key: string, initial: tf.Tensor, trainable = true): tf.Variable {
  const registered = tf.engine().registeredVariables;
  let unique = key;
  for (let n = 1; registered[unique] != null; n++) unique = `${key}_${n}`;
  const variable = tf.variable(initial, trainable, unique, initial.dtype);
  initial.dispose();
  return variable;
}

/** Merges variable maps, throwing on a repeated key (two layers given the same name). */
export function mergeVariables(owner: string, maps: Array<Record<string, tf.Variable>>): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const map of maps) {
    for (const [key, variable] of Object.entries(map)) {
      if (key in out) throw new Error(`${owner}: two layers report a variable named "${key}"; give each layer a distinct name`);
      out[key] = variable;
    }
  }
  return out;
}

let counter = 0;
/** A default layer name, unique in this process: `<prefix>_<n>`. */
export function defaultName(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}`;
}

/** Formats a shape for error messages: [1,4,4,2]. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `x` is rank 4 (NHWC); `what` names the argument. */
export function assertRank4(fn: string, what: string, x: tf.Tensor): asserts x is tf.Tensor4D {
  if (x.rank !== 4) throw new Error(`${fn}: ${what} must be NHWC [batch, height, width, channels], got shape ${shapeString(x.shape)}`);
}

/** Throws unless `x` has `channels` channels. */
export function assertChannels(fn: string, what: string, x: tf.Tensor, channels: number): void {
  assertRank4(fn, what, x);
  if (x.shape[3] !== channels) {
    throw new Error(`${fn}: ${what} has shape ${shapeString(x.shape)} with ${x.shape[3]} channels, expected ${channels} channels`);
  }
}
