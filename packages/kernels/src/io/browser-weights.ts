/**
 * The browser's weight IO, under the Node entry's names, so code written against
 * `@disentangle/kernels` (every zoo's `load…Model`) runs in a page: sources are URLs
 * (absolute, or relative to the page) naming a checkpoint's `model.json` or its folder.
 * Saving needs a file system: those functions throw and say what to do instead.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { assignLoaded, type LoadedWeights, type RestoreVariablesOptions } from './weights-format';
import { loadModelFromUrl, loadWeightsFromUrl } from './weights-url';
import type * as nodeWeights from './weights-io';

/** The checkpoint at `url` (its model.json or folder): tensors (the caller disposes them) and metadata. */
export function loadWeights(url: string): Promise<LoadedWeights> {
  return loadWeightsFromUrl(url);
}

/** Assigns the checkpoint at `url` into existing variables (the checks of the Node version). */
export async function restoreVariables(
  url: string,
  variables: Record<string, tf.Variable> | tf.Variable[],
  options: RestoreVariablesOptions = {},
): Promise<string[]> {
  return assignLoaded(await loadWeightsFromUrl(url), variables, options, url);
}

/** A model saved by `saveModelWithConfig` in Node, fetched from `url` and rebuilt. */
export function loadModelWithConfig<C, M extends { variables: Record<string, tf.Variable>; dispose(): void }>(
  url: string,
  key: string,
  create: (config: C) => M,
  config?: C,
): Promise<M> {
  return loadModelFromUrl(url, key, create, config);
}

function needsNode(name: string): Error {
  return new Error(
    `${name} writes to a file system and is only in @disentangle/kernels' Node entry; in a browser, save a checkpoint in Node and load it with loadWeights(url) / loadModelWithConfig(url, …), or save tensors with tf.io (e.g. 'downloads://')`,
  );
}

export const saveWeights: typeof nodeWeights.saveWeights = async () => {
  throw needsNode('saveWeights');
};
export const saveModelWithConfig: typeof nodeWeights.saveModelWithConfig = async () => {
  throw needsNode('saveModelWithConfig');
};
export const writeFileAtomic: typeof nodeWeights.writeFileAtomic = async () => {
  throw needsNode('writeFileAtomic');
};
