/**
 * @disentangle/data: datasets with known generative factors (procedural), loaders for the
 * papers' real datasets, dataset utilities (splits, batching, semi-supervised masks,
 * balanced subsets) and image IO with labelled grids. Images are float32 NHWC in [0,1].
 */
export * from './types';
export * from './generate-dataset';
export * from './signed-range';
export * from './subset';
export * from './label-matrix';
export * from './batch-iterator';
export * from './image-io';
export * from './resize-area';
export * from './bitmap-font';
export * from './idx';
export * from './mnist-package';
export * from './celeba';
export * from './chairs';
export * from './folder';
export * from './registry';
export * from './load-dataset';
export * from './procedural';
export * from './point-sets';
export * from './prepared-data';
export { createResidentBatchSource } from './resident-batches';
