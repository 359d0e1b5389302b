/**
 * @disentangle/training: the one trainer every model of the project uses (single,
 * alternating and coupled updates), run directories with JSONL metrics, atomic checkpoints
 * with resume, learning-rate schedules and progress bars. Node only (it writes files).
 */
export * from './trainer';
export * from './train-model';
export * from './learning-rate';
export * from './run-directory';
export * from './checkpoints';
export * from './progress';
export * from './finite-tensors';
export * from './run-lock';
export * from './stop-signals';

export { CachedConstantsAdam, ScalarCache, adam } from './adam';
