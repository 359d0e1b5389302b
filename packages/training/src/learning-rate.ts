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

/**
 * How a paper's epoch schedule meets a run: at the paper's epochs ('paper'), shrunk to the run
 * ('scaled'), or not at all: 'constant', or 'half-linear' (constant for the first half, then
 * linearly down to 0 at the last step; what the CSVAE image runs were tuned with, a short
 * run's stand-in for a decaying schedule).
 */
export type ScheduleMode = 'paper' | 'scaled' | 'constant' | 'half-linear';
export const SCHEDULE_MODES: readonly ScheduleMode[] = ['paper', 'scaled', 'constant', 'half-linear'];

/** A paper's MultiStepLR, as model entries declare it. */
export interface EpochSchedule {
  milestoneEpochs: readonly number[];
  gamma: number;
  paperEpochs: number;
}

/**
 * The rate at each step: constant, half-linear, or the paper's MultiStepLR placed by `mode`
 * (see `milestonesInSteps`). Without a paper schedule 'paper' and 'scaled' are constant.
 */
export function learningRateSchedule(
  initial: number,
  { schedule, mode, stepsPerEpoch, totalSteps }: { schedule?: EpochSchedule; mode: ScheduleMode; stepsPerEpoch: number; totalSteps: number },
): (step: number) => number {
  if (!(initial > 0)) throw new Error(`learningRateSchedule: initial rate must be > 0, got ${initial}`);
  if (!SCHEDULE_MODES.includes(mode)) throw new Error(`learningRateSchedule: mode must be one of ${SCHEDULE_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  // lr · min(1, 2(1 − step/total)): full rate until half-way, 0 at the end.
  if (mode === 'half-linear') return (step) => initial * Math.max(0, Math.min(1, 2 * (1 - step / totalSteps)));
  if (mode === 'constant' || !schedule) return () => initial;
  const milestones = milestonesInSteps(schedule.milestoneEpochs, { mode, stepsPerEpoch, totalSteps, paperEpochs: schedule.paperEpochs });
  return multiStepLearningRate(initial, milestones, schedule.gamma);
}
