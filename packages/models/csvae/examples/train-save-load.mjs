// npm install @disentangle/csvae @disentangle/kernels @tensorflow/tfjs @tensorflow/tfjs-backend-wasm
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { CSVAE_MODELS, saveCsvaeModel, loadCsvaeModel } from '@disentangle/csvae';

await initBackend();
const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 1);      // images in [0, 1]
const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 0, 1], [8, 1]);              // the Eyeglasses label
const entry = CSVAE_MODELS.csvae;
const config = entry.resolveConfig({ 'weights.entropy': 100 }, { input: { kind: 'image', size: 32, channels: 3 }, labels: ['Eyeglasses'], exclusive: false, seed: 0 });
const model = entry.create(config);
const [modelPhase, adversaryPhase] = model.phases();          // one optimiser each, coupled
const terms = modelPhase.losses({ x, y }, new SeededRandom(0)); // { total, reconstruction, klW, klZ, negEntropy }
console.log(`terms: ${Object.keys(terms).join(', ')}; adversary phase: ${adversaryPhase.name}`);
await saveCsvaeModel(model, 'out/csvae');                      // weights, statistics and config, atomically
const again = await loadCsvaeModel('out/csvae');
const difference = tf.max(tf.abs(tf.sub(model.reconstruct({ x, y }), again.reconstruct({ x, y })))).dataSync()[0];
console.log(`reloaded: largest difference ${difference}`);
if (difference !== 0) throw new Error('the reloaded model differs');
