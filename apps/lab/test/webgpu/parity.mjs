#!/usr/bin/env node
// One training step's losses and gradients of a model of each family, on wasm and then on
// WebGPU (--backend webgpu: a software adapter such as Mesa's lavapipe is fine here), from the
// same seeded weights, batch and noise. Prints one JSON line per (model, phase); the test
// src/backends/webgpu-parity.test.ts runs it in its own process (WebGPU sets browser globals)
// and asserts the agreement. Run by hand: node apps/lab/test/webgpu/parity.mjs [model ...]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@disentangle/kernels';
import { createBatchSource, prepareData } from '@disentangle/data';
import { loadModelRegistry } from '../../dist/index.js';

const faces = (labels, extra = {}) => ({ dataset: 'faces', labels, count: 48, size: 16, identities: 8, ...extra });
export const CASES = [
  { family: 'conv VAE', model: 'vae', spec: faces(['Eyeglasses']) },
  { family: 'CSVAE', model: 'csvae', spec: faces(['Eyeglasses']) },
  { family: 'Glow L=2 K=2', model: 'glow', spec: { dataset: 'mnist', count: 48, size: 16 }, options: { flow: { levels: 2, stepsPerLevel: 2 } } },
  { family: 'CAGlow', model: 'caglow', spec: { dataset: 'mnist', labels: 'one-hot', count: 48, size: 16 }, options: { flow: { levels: 2, stepsPerLevel: 2 } } },
  { family: 'partitioned VAE + GAN (info-MI)', model: 'pvae+gan+lf2', spec: faces(['Smiling', 'Male']) },
  { family: 'JDVAE PA1 (AdaIN residual blocks, tokens)', model: 'pa1', spec: faces(['Eyeglasses'], { supervision: 0.5 }), options: { decoderChannels: [32, 16, 8] } },
  { family: 'cVAE-GAN proposed (SPADE + AdaIN)', model: 'cvae-gan-proposed', spec: { dataset: 'chairs', labels: 'one-hot', count: 48, size: 16 } },
];

const registry = await loadModelRegistry();
const wanted = process.argv.slice(2);

/** Each phase's total loss and its gradients (in variable order) on `backend`. */
async function step(backend, c) {
  await initBackend({ backend, threads: 1 });
  const entry = registry.get(c.model);
  const data = await prepareData({ ...c.spec, seed: 0 });
  const environment = { input: data.input, labels: data.labelNames, exclusive: data.exclusive, ...(data.classColumns ? { classColumns: data.classColumns } : {}), seed: 0 };
  const model = entry.create(entry.resolveConfig(c.options ?? {}, environment));
  const source = createBatchSource(data, { batchSize: 8, seed: 0 });
  const batch = source.next();
  const phases = [];
  try {
    for (const phase of model.phases()) {
      const noise = new SeededRandom(0).fork('noise');
      const started = Date.now();
      const { value, grads } = tf.variableGrads(() => phase.losses(batch, noise).total, phase.variables);
      const loss = (await value.data())[0];
      const gradients = [];
      for (const [name, g] of Object.entries(grads)) gradients.push({ name: name.replace(/#\d+/, ''), values: await g.data() });
      phases.push({ name: phase.name, loss, gradients, ms: Date.now() - started });
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    model.dispose();
    tf.dispose(Object.values(batch).filter((t) => t instanceof tf.Tensor));
    source.dispose();
  }
  return phases;
}

for (const c of CASES) {
  if (wanted.length && !wanted.includes(c.model)) continue;
  try {
    const wasm = await step('wasm', c);
    const webgpu = await step('webgpu', c);
    for (const [i, a] of wasm.entries()) {
      const b = webgpu[i];
      // Each variable's largest difference, relative to its largest gradient, but not below
      // 1e-3 of the phase's largest (a bias before a normalisation has no gradient: both are noise).
      let phaseScale = 1e-12;
      for (const g of a.gradients) for (const v of g.values) phaseScale = Math.max(phaseScale, Math.abs(v));
      let worst = { difference: 0, variable: '' };
      for (const [j, ga] of a.gradients.entries()) {
        const gb = b.gradients[j];
        let scale = 1e-3 * phaseScale;
        for (const v of ga.values) scale = Math.max(scale, Math.abs(v));
        for (let k = 0; k < ga.values.length; k++) {
          const d = Math.abs(ga.values[k] - gb.values[k]) / scale;
          if (!(d <= worst.difference)) worst = { difference: Number.isFinite(d) ? d : Infinity, variable: ga.name };
        }
      }
      console.log(JSON.stringify({ model: c.model, family: c.family, phase: a.name, lossWasm: a.loss, lossWebgpu: b.loss, variables: a.gradients.length, worstGradient: worst, msWasm: a.ms, msWebgpu: b.ms }));
    }
  } catch (error) {
    console.log(JSON.stringify({ model: c.model, family: c.family, error: error.message.split('\n')[0] }));
    if (process.env.PARITY_DEBUG) console.error(error.stack);
  }
}
