// npm install @disentangle/normalization @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@disentangle/kernels';         // in Node: a training backend and a file:// handler for model.save
import { adaptiveInstanceNormalization, spatiallyAdaptiveNormalization } from '@disentangle/normalization';

await initBackend();
const image = tf.input({ shape: [16, 16, 3] }), layout = tf.input({ shape: [4, 4, 1] }), style = tf.input({ shape: [8] });
let h = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(image);
h = spatiallyAdaptiveNormalization({ hiddenChannels: 16 }).apply([h, layout]);   // γ, β per pixel from the layout
h = adaptiveInstanceNormalization({ mappingLayers: 2 }).apply([h, style]);        // γ, β per channel from the style code
const out = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(h);
const model = tf.model({ inputs: [image, layout, style], outputs: out });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });

const inputs = [tf.randomUniform([8, 16, 16, 3], -1, 1, 'float32', 1), tf.randomUniform([8, 4, 4, 1], 0, 1, 'float32', 2), tf.randomNormal([8, 8], 0, 1, 'float32', 3)];
const target = tf.randomUniform([8, 16, 16, 3], -0.5, 0.5, 'float32', 4);
const history = await model.fit(inputs, target, { epochs: 20, verbose: 0 });
const losses = history.history.loss;
console.log(`loss ${losses[0].toFixed(4)} → ${losses.at(-1).toFixed(4)}`);
if (!(losses.at(-1) < losses[0])) throw new Error('fit did not lower the loss');

// The standard model.json + weights.bin: tf.loadLayersModel reads it here, or over http in a browser.
await model.save('file://models/adain-spade');
const again = await tf.loadLayersModel('file://models/adain-spade/model.json');
const difference = tf.max(tf.abs(tf.sub(model.predict(inputs), again.predict(inputs)))).dataSync()[0];
console.log(`reloaded, largest difference ${difference}`);
if (difference !== 0) throw new Error('the reloaded model differs');
