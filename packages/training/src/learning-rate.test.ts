import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@disentangle/kernels'; // registers tfjs's gradients (Square's, for the Adam test)
import { describe, expect, it } from 'vitest';
import { learningRateSchedule, milestonesInSteps, multiStepLearningRate, setLearningRate } from './learning-rate';

describe('learning-rate schedules', () => {
  it("MultiStepLR: γ per milestone passed, as PyTorch's scheduler", () => {
    const lr = multiStepLearningRate(0.5, [10, 3], 0.1);
    expect(lr(0)).toBe(0.5);
    expect(lr(2)).toBe(0.5);
    expect(lr(3)).toBeCloseTo(0.05, 12);
    expect(lr(10)).toBeCloseTo(0.005, 12);
  });

  it('places epoch milestones exactly (paper) or scaled to the run', () => {
    expect(milestonesInSteps([1, 3, 9], { mode: 'paper', stepsPerEpoch: 10, totalSteps: 1000, paperEpochs: 2300 })).toEqual([10, 30, 90]);
    expect(milestonesInSteps([230, 1150], { mode: 'scaled', stepsPerEpoch: 10, totalSteps: 1000, paperEpochs: 2300 })).toEqual([100, 500]);
  });

  it("'half-linear' holds the rate for half the run, then falls linearly to 0; a bad mode is named", () => {
    const lr = learningRateSchedule(0.2, { mode: 'half-linear', stepsPerEpoch: 10, totalSteps: 100 });
    expect([0, 50, 75, 100].map(lr)).toEqual([0.2, 0.2, 0.1, 0]);
    expect(() => learningRateSchedule(0.2, { mode: 'cosine' as never, stepsPerEpoch: 10, totalSteps: 100 })).toThrow(/cosine/);
  });

  it('changes the step an Adam optimizer takes', () => {
    const step = (rate: number) => {
      const w = tf.variable(tf.scalar(1));
      const adam = tf.train.adam(1);
      setLearningRate([adam], rate);
      adam.minimize(() => tf.square(w) as tf.Scalar, false, [w]);
      const moved = 1 - w.dataSync()[0];
      w.dispose();
      adam.dispose();
      return moved;
    };
    // Adam's first step moves by ≈ lr whatever the gradient.
    expect(step(0.01)).toBeCloseTo(0.01, 4);
    expect(step(0.001)).toBeCloseTo(0.001, 4);
  });
});
