/**
 * The lab's reusable plumbing, for the commands that later issues add: the trainer,
 * run directories and checkpoints, progress bars, image grids and loss curves.
 */
export * from './training/trainer';
export * from './run/run-directory';
export * from './run/checkpoints';
export * from './progress';
export * from './images/png-grid';
export * from './images/loss-curve';
export { ConvVae, DEFAULT_CONV_VAE, type ConvVaeConfig } from './demo/conv-vae';
export { makeShapesDataset, drawShape, type ShapeFactors } from './demo/shapes';
