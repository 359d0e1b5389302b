// Node: one model of each zoo, trained a few steps on a fixed batch and saved with its config
// (the package's save…Model) where a web server serves it (SERVE_DIR/<zoo>/), with the
// reconstructions the browser must reproduce.
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededRandom, writeFileAtomic } from '@disentangle/kernels';
import { ZOOS, fixedBatch } from './zoos.mjs';

const serveDir = process.env.SERVE_DIR ?? 'served';
await initBackend();                                           // trains on wasm
const trained = [];
for (const [name, { entry, environment, overrides, save }] of Object.entries(ZOOS)) {
  const started = Date.now();
  const model = entry.create(entry.resolveConfig(overrides ?? {}, environment));
  const batch = fixedBatch(environment);
  for (const phase of model.phases()) {
    const optimizer = tf.train.adam(1e-3);
    for (let step = 0; step < 2; step++) optimizer.minimize(() => phase.losses(batch, new SeededRandom(step)).total, false, phase.variables);
  }
  await save(model, `${serveDir}/${name}`);
  trained.push([name, model, batch]);
  console.log(`${name}: ${Object.keys(model.variables).length} variables saved (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
// The page computes on the cpu backend: so do the expected values (the weights move with the switch).
await tf.setBackend('cpu');
const values = Object.fromEntries(trained.map(([name, model, batch]) => [name, Array.from(model.reconstruct(batch).dataSync())]));
await writeFileAtomic(`${serveDir}/expected.json`, JSON.stringify({ values, tolerance: 1e-4 }));
