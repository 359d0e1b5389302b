// Draws from @disentangle/kernels' seeded generator and trains nothing: the smallest Node example.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@disentangle/kernels';

const { backend } = await initBackend({ backend: 'wasm' });
const draws = new SeededRandom(0).normal([3]);
console.log(`${backend}: ${Array.from(await draws.data(), (v) => v.toFixed(3)).join(', ')}`);
tf.dispose(draws);
