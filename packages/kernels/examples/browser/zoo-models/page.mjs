// The browser: each zoo's own load function, given a URL, fetches the model Node saved and
// rebuilds it; its reconstructions of the same batch are reported.
import * as tf from '@tensorflow/tfjs';
import { ZOOS, fixedBatch } from './zoos.mjs';

try {
  await tf.setBackend('cpu');
  const values = {};
  for (const [name, { environment, load }] of Object.entries(ZOOS)) {
    const model = await load(`/${name}`);                     // e.g. loadCsvaeModel('/csvae'): model.json + weights.bin
    values[name] = Array.from(await model.reconstruct(fixedBatch(environment)).data());
  }
  window.__result = { values };
} catch (error) {
  window.__result = { error: String(error?.stack ?? error) };
}
