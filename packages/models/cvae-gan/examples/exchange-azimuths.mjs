// npm install @disentangle/cvae-gan @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { createCvaeGanModel } from '@disentangle/cvae-gan';

await initBackend();
const azimuthNames = Array.from({ length: 8 }, (_, k) => `az${k}`);
const model = createCvaeGanModel({ model: 'cvae-gan-proposed', input: { kind: 'image', size: 16, channels: 3 }, labels: azimuthNames });
const chairs = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 1);      // your images in [0, 1]
const azimuths = tf.oneHot([2, 5, 7], 8).toFloat();                         // their one-hot classes
const turned = model.exchange({ x: chairs, y: azimuths }, [0, 0, 3]); // z_u of each chair, z_s of the asked azimuth
const drawn = model.sample(4, new SeededRandom(0), tf.oneHot([0, 1, 2, 3], 8).toFloat()); // z_u ~ N(0, I)
console.log(`exchanged ${turned.shape}, sampled ${drawn.shape}`);
if (turned.shape.join() !== '3,16,16,3' || drawn.shape.join() !== '4,16,16,3') throw new Error('unexpected shapes');
