/**
 * Whether tfjs' gradients are registered, and the error to give when they are not. Training
 * calls `assertGradientsRegistered` first: without gradients, `tf.grad` fails deep inside with
 * "gradient function not found for <op>", which says nothing about the fix.
 */
import * as tf from '@tensorflow/tfjs-core';

export const GRADIENTS_MISSING_HINT =
  "tfjs' gradients are not registered: in Node install @tensorflow/tfjs-layers (or @tensorflow/tfjs) beside @tensorflow/tfjs-core; in a bundle, import '@tensorflow/tfjs-core/dist/register_all_gradients' or @tensorflow/tfjs";

/** Ops every model here differentiates through; all are registered together by tfjs. */
const PROBES = ['Add', 'Conv2D', 'BatchMatMul', 'Exp'];

export function gradientsRegistered(): boolean {
  return PROBES.every((op) => tf.getGradient(op) !== undefined);
}

export function assertGradientsRegistered(): void {
  if (!gradientsRegistered()) throw new Error(GRADIENTS_MISSING_HINT);
}
