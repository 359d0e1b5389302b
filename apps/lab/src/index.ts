/**
 * The lab as a library: the model registry, training a registry model on a data spec,
 * reopening a trained run, the reproduce runner and its declaration types, and the figures.
 * The trainer itself is @disentangle/training.
 */
export * from './registry/model-registry';
export * from './runs/model-run';
export * from './runs/judges';
export * from './reproduce/declaration';
export * from './reproduce/runner';
export * from './reproduce/claims';
export { drawFigure } from './reproduce/figures';
export * from './figures/image-figures';
export * from './figures/label-patterns';
export * from './images/png-grid';
export * from './images/loss-curve';
export { PAPERS, DEMO, paperById } from './papers';
