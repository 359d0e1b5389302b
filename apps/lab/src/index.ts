/**
 * The lab as a library: the model registry, training a registry model on a data spec,
 * reopening a trained run, the reproduce runner and its declaration types, the figures, and
 * a paper's sweep as queue jobs with their handler and seed-spread report. The trainer itself
 * is @disentangle/training; the queue is @disentangle/sweep.
 */
export * from './registry/model-registry';
export * from './runs/model-run';
export * from './runs/judges';
export * from './reproduce/declaration';
export * from './reproduce/runner';
export * from './reproduce/cells';
export { runCell, createDataSource, type CellContext, type DataSource } from './reproduce/cell-run';
export * from './reproduce/claims';
export { drawFigure } from './reproduce/figures';
export * from './figures/image-figures';
export * from './figures/label-patterns';
export * from './images/png-grid';
export * from './images/loss-curve';
export { PAPERS, DEMO, paperById, loadPapers, PAPERS_VARIABLE } from './papers';
export * from './sweep/sweep-jobs';
export * from './sweep/cell-job-handler';
export * from './sweep/sweep-report';
export { measureConvVaeStep } from './bench/measure-tfjs-step';
