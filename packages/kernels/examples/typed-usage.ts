// Type-checked by the packaging test under moduleResolution bundler, nodenext and node10:
// the published .d.ts files, the subpath exports and the types users build on.
import * as tf from '@tensorflow/tfjs';
import { assignVariables, loadWeights, validateModelEntry, type GenerativeModel, type LoadedWeights } from '@disentangle/kernels';
import { loadModelFromUrl } from '@disentangle/kernels/browser';
import { expectNoLeak } from '@disentangle/kernels/testing';
import { adaptiveInstanceNormalization } from '@disentangle/normalization';
import { Glow } from '@disentangle/flows';
import { models as csvaeModels, loadCsvaeModel } from '@disentangle/csvae';

const entry = csvaeModels.find((m) => m.name === 'csvae');
if (entry) validateModelEntry(entry);
const layer: tf.layers.Layer = adaptiveInstanceNormalization({ mappingLayers: 1 });
const glow = new Glow({ imageShape: [8, 8, 1], levels: 2, stepsPerLevel: 1 });

export async function restore(url: string): Promise<GenerativeModel> {
  const loaded: LoadedWeights = await loadWeights(url);
  assignVariables(loaded.tensors, glow.variables(), { allowExtra: true });
  tf.dispose(loaded.tensors);
  await expectNoLeak(() => tf.tidy(() => glow.logProb(tf.zeros([1, 8, 8, 1]))));
  void loadModelFromUrl;
  void layer;
  void entry;
  return loadCsvaeModel(url);
}
