// The browser: loads the model Node trained, with the documented line, and reports its outputs.
import * as tf from '@tensorflow/tfjs';
import '@disentangle/normalization';                                    // registers the layer classes

try {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel('/model/model.json');
  const inputs = (await (await fetch('/inputs.json')).json()).map(({ shape, values }) => tf.tensor(values, shape));
  window.__result = { values: { predictions: Array.from(await model.predict(inputs).data()) } };
} catch (error) {
  window.__result = { error: String(error?.stack ?? error) };
}
