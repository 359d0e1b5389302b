// npm install @disentangle/caglow @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { CAGLOW_MODELS } from '@disentangle/caglow';

await initBackend();
const digits = Array.from({ length: 10 }, (_, k) => String(k));
const random = new SeededRandom(0);
const oneHotDigits = tf.oneHot(tf.range(0, 10, 1, 'int32'), 10).toFloat();
const entry = CAGLOW_MODELS.caglow;
const config = entry.resolveConfig({ continuousCodes: 2 }, { input: { kind: 'image', size: 16, channels: 1 }, labels: digits, exclusive: true, seed: 0 });
const model = entry.create(config);          // a GenerativeModel: model.phases() for @disentangle/training
const images = model.sample(10, random, oneHotDigits);   // F⁻¹(E(c, c_u, ε)), in [0, 1]
console.log(`sampled ${images.shape}; phases: ${model.phases().map((p) => p.name).join(', ')}`);
if (images.shape.join() !== '10,16,16,1') throw new Error('unexpected shape');
