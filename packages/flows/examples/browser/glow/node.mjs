// Node: trains a small Glow a few steps and saves its weights, with its architecture in the
// metadata, where a web server serves them (SERVE_DIR).
import * as tf from '@tensorflow/tfjs';
import { initBackend, saveWeights, writeFileAtomic } from '@disentangle/kernels';
import { Glow, layerToConfig } from '@disentangle/flows';

const serveDir = process.env.SERVE_DIR ?? 'served';
await initBackend({ backend: 'cpu' });
const glow = new Glow({ imageShape: [8, 8, 1], levels: 2, stepsPerLevel: 2, hiddenChannels: 8 });
const x = tf.randomUniform([4, 8, 8, 1], -0.5, 0.5, 'float32', 1);
glow.initialize(x);
const optimizer = tf.train.adam(1e-3);
for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.mean(glow.bitsPerDim(x)), false, Object.values(glow.variables()).filter((v) => v.trainable));

await saveWeights(`${serveDir}/glow`, glow.variables(), { metadata: { flow: layerToConfig(glow) } });
await writeFileAtomic(`${serveDir}/inputs.json`, JSON.stringify({ shape: x.shape, values: Array.from(x.dataSync()) }));
const logProb = Array.from(glow.logProb(x).dataSync());
await writeFileAtomic(`${serveDir}/expected.json`, JSON.stringify({ values: { logProb }, tolerance: 1e-3 }));
