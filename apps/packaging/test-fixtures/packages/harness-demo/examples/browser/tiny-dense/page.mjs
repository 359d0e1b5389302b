// Loads node.mjs's model in the browser on tfjs' wasm backend and reports its predictions and
// a few seeded draws from @disentangle/kernels as window.__result.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@disentangle/kernels';

try {
  setWasmPaths('/wasm/');
  await tf.setBackend('wasm');
  const model = await tf.loadLayersModel('/model.json');
  const inputs = await (await fetch('/inputs.json')).json();
  const predictions = Array.from(await model.predict(tf.tensor2d(inputs)).data());
  const draws = Array.from(await new SeededRandom(7).normal([4]).data());
  window.__result = { values: { predictions, draws }, backend: tf.getBackend() };
} catch (error) {
  window.__result = { error: String(error?.stack ?? error) };
}
