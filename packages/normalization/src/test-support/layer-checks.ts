/**
 * Checks every layer test runs: float64 gradient checks over inputs and weights, the
 * config round trip through tfjs' serialization registry, and a weight save → load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { array64, type Array64, checkGradient, maxRelativeError } from '@disentangle/kernels/testing';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export function randomTensor(rng: SeededRandom, shape: number[], std = 1, mean = 0): tf.Tensor {
  return rng.normal(shape, mean, std);
}

/** Values of every tensor in `named`, as float64 arrays with shapes. */
export async function snapshot(named: Record<string, tf.Tensor>): Promise<Record<string, Array64>> {
  const out: Record<string, Array64> = {};
  for (const [k, t] of Object.entries(named)) out[k] = array64(await t.data(), t.shape);
  return out;
}

/** The layer's weights keyed by the part of their name after the layer's own name. */
export function weightsOf(layer: tfl.layers.Layer): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const w of layer.weights) {
    const key = w.originalName.slice(w.originalName.indexOf(layer.name + '/') + layer.name.length + 1);
    out[key] = w.read() as tf.Variable;
  }
  return out;
}

let variableCounter = 0;

/**
 * Checks ∂L/∂v for every tensor in `inputs` and every trainable weight of `layer`, where
 * L = Σ layer(inputs) ⊙ R (a layer with several outputs: all of them, flattened and
 * concatenated), against central differences of `reference64` (which must compute the same
 * in float64 from the same named values: inputs by their keys, weights by `weightsOf` keys).
 */
export async function checkLayerGradients(options: {
  layer: tfl.layers.Layer;
  inputs: Record<string, tf.Tensor>;
  order: string[];
  kwargs?: Record<string, unknown>;
  reference64: (values: Record<string, Array64>) => Array64;
  tolerance?: number;
  seed?: number;
}): Promise<string[]> {
  const { layer, inputs, order, kwargs = {}, reference64, tolerance = 1e-2 } = options;
  const rng = new SeededRandom(options.seed ?? 99);
  const inputVariables: Record<string, tf.Variable> = {};
  for (const [k, t] of Object.entries(inputs)) inputVariables[k] = tf.variable(t, true, `grad-input-${k}-${variableCounter++}-${Math.random().toString(36).slice(2)}`);
  const call = () => {
    const list = order.map((k) => inputVariables[k]);
    const out = layer.apply(list.length === 1 ? list[0] : list, kwargs) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? tf.concat(out.map((t) => tf.reshape(t, [-1]))) : out;
  };
  const outShape = tf.tidy(() => call().shape);
  const projection = rng.normal(outShape);
  const projection64 = Float64Array.from(await projection.data());
  const weightNames = Object.keys(weightsOf(layer));
  const trainable = new Set(layer.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  const named: Record<string, tf.Variable> = { ...inputVariables };
  for (const [k, t] of Object.entries(weightsOf(layer))) if (trainable.has(t.name)) named[k] = t as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(call(), projection)) as tf.Scalar, Object.values(named));
  const values = await snapshot({ ...inputVariables, ...weightsOf(layer) });
  const checked: string[] = [];
  for (const [key, variable] of Object.entries(named)) {
    const analytic = await grads[variable.name].data();
    const base = values[key];
    checkGradient(
      analytic,
      (flat) => {
        const out = reference64({ ...values, [key]: { data: flat, shape: base.shape } });
        let s = 0;
        for (let i = 0; i < out.data.length; i++) s += out.data[i] * projection64[i];
        return s;
      },
      base.data,
      { tolerance },
    );
    checked.push(key);
  }
  tf.dispose([Object.values(grads), Object.values(inputVariables), projection]);
  expect(weightNames.filter((k) => trainable.has(weightsOf(layer)[k].name)).every((k) => checked.includes(k))).toBe(true);
  return checked;
}

/** A new layer made from `layer.getConfig()` through tfjs' serialization registry (what model loading uses). */
export function fromConfig<L extends tfl.layers.Layer>(layer: L): L {
  const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (entry == null) throw new Error(`${layer.getClassName()} is not registered`);
  const [cls, make] = entry;
  return make(cls, config) as L;
}

/**
 * Saves `source`'s weights with `saveWeights` (named by their path below the layer) and
 * loads them into `target` (already built) by name with `loadWeights`.
 */
export async function copyWeightsThroughDisk(source: tfl.layers.Layer, target: tfl.layers.Layer): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'normalization-weights-'));
  try {
    await saveWeights(path.join(dir, 'ckpt'), weightsOf(source));
    const { tensors } = await loadWeights(path.join(dir, 'ckpt'));
    const names = Object.keys(weightsOf(target));
    expect(names.sort()).toEqual(Object.keys(tensors).sort());
    target.setWeights(Object.keys(weightsOf(target)).map((k) => tensors[k]));
    tf.dispose(tensors);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Asserts two tensors hold identical values. */
export async function expectIdentical(a: tf.Tensor, b: tf.Tensor): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
}

/** Asserts a tensor matches a float64 reference to `tolerance` relative error. */
export async function expectCloseTo(actual: tf.Tensor, expected: Array64, tolerance = 1e-4): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  expect(maxRelativeError(await actual.data(), expected.data)).toBeLessThan(tolerance);
}

/** Saves a model to memory with model.save and loads it back with tfl.loadLayersModel. */
export async function saveAndLoadModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tfl.loadLayersModel(tf.io.fromMemory(saved!));
}

/**
 * Trains `model` briefly with Adam on (x, y) under an MSE loss, asserts the loss fell, then
 * saves and reloads it through model.save / loadLayersModel and asserts identical predictions.
 */
export async function expectFitsAndReloads(
  model: tfl.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
  { learningRate = 0.05, epochs = 8, batchSize = 4 }: { learningRate?: number; epochs?: number; batchSize?: number } = {},
): Promise<void> {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  const history = await model.fit(x, y, { epochs, batchSize, verbose: 0 });
  const losses = history.history.loss as number[];
  expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  const loaded = await saveAndLoadModel(model);
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  await expectIdentical(a, b);
  tf.dispose([a, b]);
}

/** Gives every trainable weight of a built `layer` seeded random values (non-trainable ones are kept). */
export function randomizeWeights(layer: tfl.layers.Layer, seed: number, std = 0.5): void {
  const rng = new SeededRandom(seed);
  const trainable = new Set(layer.trainableWeights);
  const values = layer.weights.map((w) => (trainable.has(w) ? rng.normal(w.shape as number[], 0, std) : w.read().clone()));
  layer.setWeights(values);
  tf.dispose(values);
}

/** Applies `layer` to concrete tensors (building it on first use) and disposes the outputs. */
export function applyAndDispose(layer: tfl.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): void {
  tf.dispose(layer.apply(inputs, kwargs) as tf.Tensor | tf.Tensor[]);
}
