/**
 * Test helpers shared by every @disentangle package: float64 finite differences,
 * relative-error comparison and a tensor-leak check. They throw plain Errors, so any
 * test runner can use them.
 */
export { centralDifferenceGradient, checkGradient, type GradientCheckResult } from './finite-differences';
export { expectNoLeak, countTensorsCreatedBy } from './no-leak';
export { maxRelativeError, toFloat64 } from './compare';
export * from './float64-images';
