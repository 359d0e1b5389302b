/** `loadDataset(name, options)`: the registry of every procedural generator and real loader. */
import { PROCEDURAL_GENERATORS } from './procedural';
import { createDatasetRegistry, type LoadDatasetOptions } from './registry';
import type { ImageDataset } from './types';

export const DATASETS = createDatasetRegistry(PROCEDURAL_GENERATORS);

/** Loads a dataset by name; an unknown name is an error listing the known ones. */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<ImageDataset> {
  return DATASETS.load(name, options);
}

/** Every dataset name `loadDataset` accepts. */
export function datasetNames(): string[] {
  return DATASETS.names();
}
