// The GenerativeModel contract from TypeScript: a model with one variable and one loss phase.
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, type GenerativeModel, type SeededRandomState } from '@disentangle/kernels';
import { trainModel, RunDirectory } from '@disentangle/training';

const mean = tf.variable(tf.zeros([2]), true, 'mean');
const model: GenerativeModel = {
  name: 'gaussian',
  variables: { mean },
  update: 'single',
  getConfig: () => ({}),
  dispose: () => mean.dispose(),
  phases: () => [{ name: 'main', variables: [mean], losses: ({ x }) => ({ total: tf.mean(tf.sum(tf.square(tf.sub(x, mean)), 1)) }) }],
};
const random = new SeededRandom(0);
export const start = async () => {
  const run = await RunDirectory.create('runs', 'typed', { model: 'gaussian' });
  return trainModel({ model, run, steps: 1, learningRate: 0.1, batches: { next: () => ({ x: random.normal([4, 2]) }), getState: () => random.getState(), setState: (s) => random.setState(s as SeededRandomState) } });
};
