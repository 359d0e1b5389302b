// Train your own model with @disentangle/training: fit the mean of a 2-D Gaussian by maximum likelihood.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { RunDirectory, trainModel } from '@disentangle/training';

await initBackend({ backend: 'wasm' });
const mean = tf.variable(tf.zeros([2]), true, 'mean');
const model = { // the GenerativeModel contract: named variables and one loss phase per optimiser
  name: 'gaussian', variables: { mean }, update: 'single', getConfig: () => ({}), dispose: () => mean.dispose(),
  phases: () => [{ name: 'main', variables: [mean], losses: ({ x }) => ({ total: tf.mean(tf.sum(tf.square(tf.sub(x, mean)), 1)) }) }],
};
const data = new SeededRandom(0); // batches with a resumable state: x ~ N((3, −1), I)
const batches = { next: () => ({ x: tf.add(data.normal([32, 2]), [3, -1]) }), getState: () => data.getState(), setState: (s) => data.setState(s) };
const run = await RunDirectory.create('runs', 'gaussian', { model: 'gaussian' }); // run it again: it resumes
const result = await trainModel({ model, run, batches, steps: 300, learningRate: 0.05 });
console.log(`step ${result.step}: mean ≈ (${Array.from(await mean.data(), (v) => v.toFixed(2)).join(', ')}); metrics in ${run.metricsPath}`);
