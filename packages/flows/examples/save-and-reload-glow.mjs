// npm install @disentangle/flows @disentangle/kernels @tensorflow/tfjs
import * as tf from '@tensorflow/tfjs';
import { assignVariables, loadWeights, saveWeights } from '@disentangle/kernels';
import { Glow, layerFromConfig, layerToConfig } from '@disentangle/flows';

await tf.setBackend('cpu');
const glow = new Glow({ imageShape: [8, 8, 1], levels: 2, stepsPerLevel: 2, hiddenChannels: 16 });
const x = tf.randomUniform([4, 8, 8, 1], -0.5, 0.5, 'float32', 1);
glow.initialize(x);                                               // ActNorm's data-dependent start

// The weights (model.json + weights.bin) with the architecture in their metadata.
await saveWeights('models/glow', glow.variables(), { metadata: { flow: layerToConfig(glow) } });

const { tensors, metadata } = await loadWeights('models/glow');  // a directory here, an http(s) URL in a browser
const copy = layerFromConfig(metadata.flow);
assignVariables(tensors, copy.variables());
const difference = tf.max(tf.abs(tf.sub(glow.logProb(x), copy.logProb(x)))).dataSync()[0];
console.log(`log p(x) of the copy differs by ${difference}`);
if (difference !== 0) throw new Error('the reloaded Glow differs');
