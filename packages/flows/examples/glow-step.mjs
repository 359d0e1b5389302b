// npm install @disentangle/flows @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@disentangle/kernels';          // a backend that trains convs (wasm here)
import { GlowStep } from '@disentangle/flows';

await initBackend();
const step = new GlowStep({ channels: 8, name: 'my/flow0', hiddenChannels: 32 });
const optimizer = tf.train.adam(1e-3);
const x = tf.randomNormal([16, 4, 4, 8], 0, 1, 'float32', 1);  // your features, NHWC
const negativeLogLikelihood = () => tf.tidy(() => {
  const { y, logDet } = step.forward(x);                        // the first call initialises ActNorm from x
  const logp = tf.add(tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5), logDet); // N(0, I) prior, up to a constant
  return tf.neg(tf.mean(logp));
});
const first = negativeLogLikelihood().dataSync()[0];
for (let i = 0; i < 50; i++) optimizer.minimize(negativeLogLikelihood, false, Object.values(step.variables()));
const last = negativeLogLikelihood().dataSync()[0];
console.log(`−log p(x) ${first.toFixed(2)} → ${last.toFixed(2)}`);
if (!(last < first)) throw new Error('the loss did not fall');

const { x: back } = step.inverse(step.forward(x).y);              // back ≈ x
const error = tf.max(tf.abs(tf.sub(back, x))).dataSync()[0];
console.log(`inverse(forward(x)) − x: ${error.toExponential(1)}`);
if (!(error < 1e-4)) throw new Error('the step does not invert');
