// One model of each zoo, built from its registry entry for small 16×16 colour images; shared
// by node.mjs (which trains and saves them) and page.mjs (which loads them in the browser).
import * as tf from '@tensorflow/tfjs';
import * as caglow from '@disentangle/caglow';
import * as csvae from '@disentangle/csvae';
import * as cvaeGan from '@disentangle/cvae-gan';
import * as infomi from '@disentangle/infomi-vae';
import * as jdvae from '@disentangle/jdvae';

const input = { kind: 'image', size: 16, channels: 3 };
const attributes = { input, labels: ['glasses', 'smile'], exclusive: false, seed: 1 };
const classes = { input, labels: ['a', 'b', 'c'], exclusive: true, seed: 1 };

/** name → the registry entry, the data it is built for, config overrides, and the package's save and load functions. */
export const ZOOS = {
  caglow: { entry: caglow.models.find((m) => m.name === 'caglow'), environment: attributes, save: caglow.saveCaglowModel, load: caglow.loadCaglowModel },
  csvae: { entry: csvae.models.find((m) => m.name === 'csvae'), environment: attributes, save: csvae.saveCsvaeModel, load: csvae.loadCsvaeModel },
  'cvae-gan': { entry: cvaeGan.models.find((m) => m.name === 'cvae-gan-proposed'), environment: classes, save: cvaeGan.saveCvaeGanModel, load: cvaeGan.loadCvaeGanModel },
  'infomi-vae': { entry: infomi.models.find((m) => m.name === 'pvae+gan+lf2'), environment: attributes, save: infomi.saveInfomiModel, load: infomi.loadInfomiModel },
  jdvae: { entry: jdvae.models.find((m) => m.name === 'pa2'), environment: attributes, overrides: { decoderChannels: [32, 16, 8] }, save: jdvae.saveJdvaeModel, load: jdvae.loadJdvaeModel },
};

/** A fixed batch of 4 images in [0, 1] with labels (one-hot classes or binary attributes). */
export function fixedBatch({ labels, exclusive }) {
  const x = tf.tidy(() => tf.sigmoid(tf.sin(tf.mul(tf.range(0, 4 * 16 * 16 * 3), 0.37))).reshape([4, 16, 16, 3]));
  const rows = [0, 1, 2, 3].map((i) => labels.map((_, k) => (exclusive ? Number(i % labels.length === k) : Number((i >> k) & 1))));
  return { x, y: tf.tensor2d(rows), labelled: tf.ones([4]) };
}
