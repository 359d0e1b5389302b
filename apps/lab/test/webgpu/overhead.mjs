#!/usr/bin/env node
// Overhead of a steady-state training step on WebGPU through the one trainer: uploads, uniform
// writes, reads and dispatches per step (countWebgpuOverhead), for the conv VAE, CSVAE and a
// Glow L=2 K=2 on tiny shapes. A software adapter (lavapipe) counts as a GPU would. Prints one
// JSON line per model; src/backends/webgpu-overhead.test.ts asserts the counts.
//   node apps/lab/test/webgpu/overhead.mjs [--upload-sizes] [model ...]
// --upload-sizes adds uploadSizes: uploads per steady step by their element count (1 = a scalar).
import * as tf from '@tensorflow/tfjs-core';
import { countWebgpuOverhead, initBackend } from '@disentangle/kernels';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { loadModelRegistry, trainModelRun } from '../../dist/index.js';

// 100 examples, 80 for training: 10 batches of 8 per epoch, so no measured step starts an epoch
// (an epoch's start uploads its shuffled order once: resident-batches.ts in @disentangle/data).
export const CASES = [
  { model: 'vae', spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 100, size: 16, identities: 8 } },
  { model: 'csvae', spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 100, size: 16, identities: 8 } },
  { model: 'glow', spec: { dataset: 'mnist', count: 100, size: 16 }, options: { flow: { levels: 2, stepsPerLevel: 2 } } },
];
const STEPS = 8;
const WARMUP = 3; // steps whose counts are left out (first uploads of weights and constants)
const quiet = { isTTY: false, write: () => true };

const sizes = process.argv.includes('--upload-sizes');
const wanted = process.argv.slice(2).filter((a) => a !== '--upload-sizes');
const choice = await initBackend({ backend: 'webgpu' });
const registry = await loadModelRegistry();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const c of CASES) {
  if (wanted.length && !wanted.includes(c.model)) continue;
  const runsDir = await mkdtemp(join(os.tmpdir(), 'overhead-'));
  const counter = countWebgpuOverhead();
  const perStep = [];
  let lastStep;
  const bySize = new Map();
  let steady = false;
  const backend = tf.backend();
  const upload = backend.uploadToGPU;
  if (sizes) {
    // The same test countWebgpuOverhead uses for an upload: CPU values, no GPU resource yet.
    backend.uploadToGPU = function (dataId) {
      const data = this.tensorMap.get(dataId);
      if (steady && data && data.resource == null && data.values != null) bySize.set(data.values.length, (bySize.get(data.values.length) ?? 0) + 1);
      return upload.call(this, dataId);
    };
  }
  try {
    const outcome = await trainModelRun({
      registry, model: c.model, data: { ...c.spec, seed: 0 }, options: c.options, steps: STEPS, batch: 8, seed: 0, runsDir, name: 'run', backend: choice,
      pictures: false, progressStream: quiet, log: () => {}, checkpointEvery: 1000,
      onStep: (step) => {
        const delta = counter.mark();
        // The delta from step − 1 to step: one whole step. The last step is a logging step (it
        // reads the losses back), not a steady one: it is reported apart.
        if (step === STEPS) lastStep = delta;
        else if (step > WARMUP + 1) perStep.push(delta);
        steady = step > WARMUP && step < STEPS - 1; // size the uploads of the same steps perStep holds

      },
    });
    outcome.model.dispose();
    const summary = Object.fromEntries(['uploads', 'uniformWrites', 'reads', 'dispatches'].map((k) => [k, median(perStep.map((d) => d[k]))]));
    const uploadSizes = sizes ? Object.fromEntries([...bySize].sort((a, b) => a[0] - b[0]).map(([n, count]) => [n, count / perStep.length])) : undefined;
    console.log(JSON.stringify({ model: c.model, adapter: choice.adapter, steps: perStep.length, perStep: summary, all: perStep, lastStep, uploadSizes }));
  } catch (error) {
    if (process.env.OVERHEAD_DEBUG) console.error(error.stack);
    console.log(JSON.stringify({ model: c.model, error: error.message.split('\n')[0] }));
  } finally {
    backend.uploadToGPU = upload;
    counter.stop();
    await rm(runsDir, { recursive: true, force: true });
  }
}
