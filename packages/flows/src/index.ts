/**
 * @disentangle/flows: Glow's bijectors for TensorFlow.js. One contract (bijector.ts):
 * forward maps data → latent and returns {y, logDet[batch]}; inverse maps back.
 */
export * from './bijector';
export * from './act-norm';
export * from './invertible-conv';
export * from './coupling';
export * from './conv-net';
export * from './squeeze';
export * from './priors';
export * from './glow';
export * from './preprocess';
export * from './serialization';
export { invertMatrix, logAbsDeterminant, luDecompose, randomOrthogonalMatrix } from './linear-algebra';
export { createVariable, mergeVariables } from './variables';
