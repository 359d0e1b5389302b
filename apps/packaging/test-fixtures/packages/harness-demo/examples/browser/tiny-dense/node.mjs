// Trains a 2 → 8 → 1 dense net in Node for a few steps and saves it for the page: model.json +
// weights.bin, the page's inputs, and the predictions the page must reproduce (expected.json).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededRandom } from '@disentangle/kernels';

const serveDir = process.env.SERVE_DIR ?? '.';
await initBackend({ backend: 'wasm' });
const random = new SeededRandom(1);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 8, activation: 'tanh' }), tf.layers.dense({ units: 1 })] });
model.setWeights(model.getWeights().map((w) => random.normal(w.shape).mul(0.5)));
const x = random.normal([64, 2]);
const y = x.sum(1, true).sin();
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
await model.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  writeFileSync(join(serveDir, 'weights.bin'), Buffer.from(artifacts.weightData));
  writeFileSync(join(serveDir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
const inputs = [[0, 0], [1, -1], [0.5, 0.25], [-2, 1]];
writeFileSync(join(serveDir, 'inputs.json'), JSON.stringify(inputs));
const predictions = Array.from(await model.predict(tf.tensor2d(inputs)).data());
const draws = Array.from(await new SeededRandom(7).normal([4]).data());
writeFileSync(join(serveDir, 'expected.json'), JSON.stringify({ values: { predictions, draws }, tolerance: 1e-4 }));
console.log(`saved to ${serveDir}: predictions ${predictions.map((v) => v.toFixed(4)).join(', ')}`);
