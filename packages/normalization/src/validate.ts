/**
 * Shape checks shared by every block: errors name the layer, the input and the shapes.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A shape where unknown dimensions (the symbolic batch) are null. */
export type MaybeShape = readonly (number | null)[];

export function formatShape(shape: MaybeShape): string {
  return `[${shape.map((d) => (d == null ? 'null' : String(d))).join(', ')}]`;
}

/** Throws unless `shape` has rank `rank`; `layout` describes the expected axes, e.g. "[batch, height, width, channels]". */
export function assertRank(owner: string, input: string, shape: MaybeShape, rank: number, layout: string): void {
  if (!Array.isArray(shape) || shape.length !== rank) {
    const got = Array.isArray(shape) ? formatShape(shape) : String(shape);
    throw new Error(`${owner}: input "${input}" must be rank ${rank} ${layout}, got shape ${got}`);
  }
}

/** Throws when two known dimensions differ (null dimensions always match). */
export function assertSameDimension(
  owner: string,
  what: string,
  inputA: string,
  shapeA: MaybeShape,
  axisA: number,
  inputB: string,
  shapeB: MaybeShape,
  axisB: number,
): void {
  const a = shapeA[axisA];
  const b = shapeB[axisB];
  if (a != null && b != null && a !== b) {
    throw new Error(
      `${owner}: ${what} of "${inputA}" ${formatShape(shapeA)} and "${inputB}" ${formatShape(shapeB)} differ (${a} vs ${b})`,
    );
  }
}

/** Throws unless `inputs` is a list of exactly `names.length` items; returns it typed. */
export function expectInputList<T>(owner: string, inputs: T | T[], names: readonly string[]): T[] {
  if (!Array.isArray(inputs) || inputs.length !== names.length) {
    const got = Array.isArray(inputs) ? `${inputs.length} inputs` : 'a single input';
    throw new Error(`${owner}: expected ${names.length} inputs [${names.join(', ')}], got ${got}`);
  }
  return inputs;
}

/** The shape list of a layer's shape argument that must hold `names.length` shapes. */
export function expectShapeList(owner: string, shapes: unknown, names: readonly string[]): MaybeShape[] {
  const isList = Array.isArray(shapes) && shapes.length > 0 && Array.isArray(shapes[0]);
  if (!isList || (shapes as unknown[]).length !== names.length) {
    const got = isList ? `${(shapes as unknown[]).length} shapes` : `one shape ${formatShape(shapes as MaybeShape)}`;
    throw new Error(`${owner}: expected ${names.length} inputs [${names.join(', ')}], got ${got}`);
  }
  return shapes as MaybeShape[];
}

/** The single shape of a layer's shape argument (a one-element list is unwrapped). */
export function singleShape(shapes: unknown): MaybeShape {
  if (Array.isArray(shapes) && shapes.length > 0 && Array.isArray(shapes[0])) {
    if (shapes.length !== 1) throw new Error(`expected one input, got ${shapes.length}`);
    return shapes[0] as MaybeShape;
  }
  return shapes as MaybeShape;
}

/** The single tensor of a layer's input argument (a one-element list is unwrapped). */
export function singleTensor(owner: string, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${owner}: expected one input, got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

export const IMAGE_LAYOUT = '[batch, height, width, channels]';
