// npm install @disentangle/infomi-vae @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@disentangle/kernels';
import { createInfomiModel } from '@disentangle/infomi-vae';

await initBackend();
const model = createInfomiModel({ model: 'pvae+gan+lf2', input: { kind: 'image', size: 16, channels: 3 }, labels: ['Smiling', 'Young', 'Male'] });
const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 1);      // a face in [0, 1]
const other = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 2);
const codes = model.attributeCodes({ x });                                                   // z2 of each face, [n, 3]
const fused = model.withAttributeCodes({ x }, model.attributeCodes({ x: other }));          // z1 of x, z2 of another face
const older = model.withAttributeCodes({ x }, tf.tensor2d([[0, 3, 0]]));                    // extrapolate "Young" to z2 = 3
console.log(`codes ${codes.shape}, fused ${fused.shape}, extrapolated ${older.shape}`);
if (codes.shape.join() !== '1,3' || fused.shape.join() !== '1,16,16,3') throw new Error('unexpected shapes');
