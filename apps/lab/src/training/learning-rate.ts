/**
 * Learning-rate schedules the trainer applies through `beforeStep`.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** PyTorch's MultiStepLR: lr(step) = initial · γ^(number of milestones ≤ step). Milestones in steps. */
export function multiStepLearningRate(initial: number, milestones: number[], gamma: number): (step: number) => number {
  if (!(initial > 0)) throw new Error(`multiStepLearningRate: initial rate must be > 0, got ${initial}`);
  const sorted = [...milestones].sort((a, b) => a - b);
  return (step) => initial * gamma ** sorted.filter((m) => m <= step).length;
}

/**
 * Milestones given in epochs of a run of `paperEpochs`, moved onto a run of `totalSteps`:
 * 'paper' keeps them at their epochs (steps = epoch · stepsPerEpoch); 'scaled' shrinks the
 * schedule to the run's length (a milestone at epoch e of 2300 lands at e/2300 of the run),
 * for runs far shorter than the paper's.
 */
export function milestonesInSteps(
  milestoneEpochs: readonly number[],
  { mode, stepsPerEpoch, totalSteps, paperEpochs }: { mode: 'paper' | 'scaled'; stepsPerEpoch: number; totalSteps: number; paperEpochs: number },
): number[] {
  return milestoneEpochs.map((e) => Math.max(1, Math.round(mode === 'paper' ? e * stepsPerEpoch : (e / paperEpochs) * totalSteps)));
}

/** Sets the rate of tfjs optimizers that read `learningRate` on every update (Adam, SGD, RMSProp). */
export function setLearningRate(optimizers: tf.Optimizer[], rate: number): void {
  for (const optimizer of optimizers) (optimizer as unknown as { learningRate: number }).learningRate = rate;
}
