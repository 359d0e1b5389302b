// npm install @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend, klToStandardNormal, gaussianLogLikelihood, sampleGaussian, SeededRandom, saveWeights, restoreVariables } from '@disentangle/kernels';

const choice = await initBackend();                       // wasm with training kernels here; says why for every candidate
console.log(`backend: ${choice.backend}`);

// A one-layer Gaussian VAE on random data: −ELBO = KL(q(z|x) ‖ N(0, I)) − log p(x | z).
const rng = new SeededRandom(42);
const x = tf.randomUniform([32, 8], 0, 1, 'float32', 1);
const encoder = tf.variable(tf.randomNormal([8, 4], 0, 0.1, 'float32', 2), true, 'encoder/kernel');
const decoder = tf.variable(tf.randomNormal([2, 8], 0, 0.1, 'float32', 3), true, 'decoder/kernel');
const loss = () => tf.tidy(() => {
  const [mu, logVar] = tf.split(tf.matMul(x, encoder), 2, 1);
  const z = sampleGaussian(mu, logVar, rng);               // μ + σ·ε, ε from the seeded RNG
  const logLikelihood = gaussianLogLikelihood(x, tf.matMul(z, decoder), tf.zerosLike(x));
  return tf.mean(tf.sub(klToStandardNormal(mu, logVar), logLikelihood));
});
const optimizer = tf.train.adam(1e-2);
const first = (await loss().data())[0];
for (let step = 0; step < 200; step++) optimizer.minimize(loss, false, [encoder, decoder]);
const last = (await loss().data())[0];
console.log(`−ELBO ${first.toFixed(3)} → ${last.toFixed(3)}`);
if (!(last < first)) throw new Error('the loss did not fall');

// Atomic save (model.json + weights.bin, the standard tfjs weights layout) and restore.
await saveWeights('checkpoints/step-200', [encoder, decoder], { metadata: { step: 200 } });
encoder.assign(tf.zerosLike(encoder));
await restoreVariables('checkpoints/step-200', [encoder, decoder]);
console.log(`restored: ${(await loss().data())[0].toFixed(3)}`);
