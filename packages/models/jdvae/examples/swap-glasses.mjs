// npm install @disentangle/jdvae @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@disentangle/kernels';
import { createJdvaeModel } from '@disentangle/jdvae';

await initBackend();
const model = createJdvaeModel({ model: 'pa1', input: { kind: 'image', size: 32, channels: 3 }, labels: ['Eyeglasses'] });
const ig = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1);  // faces with glasses, in [−1, 1]
const iw = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 2);  // faces without
const p = model.classify({ x: ig });                          // q(y = 1 | x), [n, 1]
const withGlasses = model.swapLabels({ x: iw }, { x: ig }, 0); // I_w with y and u of I_g (row by row)
const gallery = model.transfer({ x: ig }, { x: iw }, 0);   // every I_w × every I_g
console.log(`q(y|x) ${p.shape}, swapped ${withGlasses.shape}, gallery ${gallery.shape}`);
if (p.shape.join() !== '2,1' || withGlasses.shape.join() !== '2,32,32,3') throw new Error('unexpected shapes');
