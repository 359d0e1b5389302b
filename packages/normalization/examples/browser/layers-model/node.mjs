// Node: trains a small AdaIN + SPADE model and saves it where a web server serves it
// (SERVE_DIR): model.json + weights.bin in tfjs' standard layout, the inputs, and the outputs
// the browser must reproduce.
import * as tf from '@tensorflow/tfjs';
import { initBackend, writeFileAtomic } from '@disentangle/kernels';
import { adaptiveInstanceNormalization, spatiallyAdaptiveNormalization } from '@disentangle/normalization';

const serveDir = process.env.SERVE_DIR ?? 'served';
await initBackend({ backend: 'cpu' });
const image = tf.input({ shape: [8, 8, 3] }), layout = tf.input({ shape: [4, 4, 1] }), style = tf.input({ shape: [4] });
let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(image);
h = spatiallyAdaptiveNormalization({ hiddenChannels: 8 }).apply([h, layout]);
h = adaptiveInstanceNormalization({ mappingLayers: 1 }).apply([h, style]);
const model = tf.model({ inputs: [image, layout, style], outputs: tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(h) });
model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });

const shapes = [[2, 8, 8, 3], [2, 4, 4, 1], [2, 4]];
const inputs = shapes.map((shape, k) => tf.randomUniform(shape, -1, 1, 'float32', k + 1));
await model.fit(inputs, tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 9), { epochs: 5, verbose: 0 });

await model.save(`file://${serveDir}/model`);
await writeFileAtomic(`${serveDir}/inputs.json`, JSON.stringify(inputs.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }))));
const predictions = Array.from(model.predict(inputs).dataSync());
await writeFileAtomic(`${serveDir}/expected.json`, JSON.stringify({ values: { predictions }, tolerance: 1e-5 }));
