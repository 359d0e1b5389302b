// The browser: rebuilds the Glow from the saved config and loads its weights over http.
import * as tf from '@tensorflow/tfjs';
import { assignVariables, loadWeights } from '@disentangle/kernels';      // the browser entry: loadWeights takes a URL
import { layerFromConfig } from '@disentangle/flows';

try {
  await tf.setBackend('cpu');
  const { tensors, metadata } = await loadWeights('/glow');
  const glow = layerFromConfig(metadata.flow);
  assignVariables(tensors, glow.variables());
  const { shape, values } = await (await fetch('/inputs.json')).json();
  window.__result = { values: { logProb: Array.from(await glow.logProb(tf.tensor(values, shape)).data()) } };
} catch (error) {
  window.__result = { error: String(error?.stack ?? error) };
}
