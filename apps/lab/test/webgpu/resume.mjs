#!/usr/bin/env node
// A WebGPU training run stopped and resumed ends where an uninterrupted one does (issue 17): the
// noise drawn on the GPU (Philox, keyed from the checkpointed stream), the batches sliced from the
// device copy of the data (their epoch and position checkpointed) and the fused Adam's state all
// survive a checkpoint. 12 steps of the conv VAE over 3 epochs (38 training faces, batch 8),
// straight, and stopped by a crash during step 7 (the checkpoint of step 5 stands), then run
// again to 12. Prints one JSON line; src/backends/webgpu-resume.test.ts asserts it.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@disentangle/kernels';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { loadModelRegistry, trainModelRun } from '../../dist/index.js';

const choice = await initBackend({ backend: 'webgpu' });
const registry = await loadModelRegistry();
const runsDir = await mkdtemp(join(os.tmpdir(), 'webgpu-resume-'));
const quiet = { isTTY: false, write: () => true };
const spec = { dataset: 'faces', labels: ['Eyeglasses'], count: 48, size: 16, identities: 8, seed: 0 };
const train = (name, onStep) => trainModelRun({ registry, model: 'vae', data: spec, steps: 12, batch: 8, seed: 0, runsDir, name, backend: choice, pictures: false, progressStream: quiet, log: () => {}, checkpointEvery: 5, onStep });
const weights = async (model) => Object.fromEntries(await Promise.all(Object.entries(model.variables).map(async ([k, v]) => [k, Array.from(await v.data())])));
try {
  const straight = await train('straight');
  const expected = await weights(straight.model);
  const last = straight.result.last;
  straight.model.dispose();
  const crash = new Error('crash after step 6');
  await train('resumed', (step) => {
    if (step === 7) throw crash;
  }).then(
    () => { throw new Error('the crashing run finished'); },
    (error) => { if (error !== crash) throw error; },
  );
  const second = await train('resumed');
  const actual = await weights(second.model);
  let worst = 0;
  let differing = 0;
  for (const [k, values] of Object.entries(expected)) {
    values.forEach((v, i) => {
      const d = Math.abs(v - actual[k][i]);
      worst = Math.max(worst, d);
      if (d !== 0) differing++;
    });
  }
  console.log(JSON.stringify({ resumedFrom: second.result.resumedFrom, step: second.result.step, variables: Object.keys(expected).length, worstDifference: worst, differing, lossStraight: last.total, lossResumed: second.result.last.total, finite: Number.isFinite(last.total) }));
  second.model.dispose();
} finally {
  await rm(runsDir, { recursive: true, force: true });
}
