#!/usr/bin/env node
// Where a wasm training step's time goes (issue 17, item 5), by tfjs kernel, on one thread:
// tf.profile's per-kernel times over a few steps of one model at its reproduction's sizes, and
// how much of our conv backprops is im2col / col2im (JS) rather than the XNNPACK product.
//   node apps/lab/bench/profile-wasm-step.mjs [csvae | glow | vae] [--steps N] [--threads T] [--ab]
// Prints a table (kernel, ms per step, share) and one JSON line with the same numbers. --ab
// instead times whole steps with our Slice / SplitV / Concat against the stock wasm ones,
// alternating six rounds of 3 steps each (so a busy machine slows both alike), and prints the medians.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, wasmIm2colClock } from '@disentangle/kernels';
import { createBatchSource, prepareData } from '@disentangle/data';
import { adam } from '@disentangle/training';
import { loadModelRegistry } from '../dist/index.js';

// The reproductions' sizes: CSVAE's image models (docs/results/csvae.md) and CAGlow's Glow 2×8.
const CASES = {
  csvae: { model: 'csvae', batch: 64, spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 600, size: 32, identities: 40 } },
  glow: { model: 'glow', batch: 32, spec: { dataset: 'mnist', count: 600, size: 16 }, options: { 'flow.levels': 2, 'flow.stepsPerLevel': 8, 'flow.hidden': 64, 'flow.nBits': 5 } },
  vae: { model: 'vae', batch: 64, spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 600, size: 32, identities: 40 } },
};
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const which = args.find((a) => a in CASES) ?? 'csvae';
const steps = option('--steps', 3);
const threads = option('--threads', 1);
const c = CASES[which];

await initBackend({ backend: 'wasm', threads });
const registry = await loadModelRegistry();
const entry = registry.get(c.model);
const data = await prepareData({ ...c.spec, seed: 0 });
const environment = { input: data.input, labels: data.labelNames, exclusive: data.exclusive, ...(data.classColumns ? { classColumns: data.classColumns } : {}), seed: 0 };
const model = entry.create(entry.resolveConfig(c.options ?? {}, environment));
const source = createBatchSource(data, { batchSize: c.batch, seed: 0 });
const { SeededRandom } = await import('@disentangle/kernels');
const noise = new SeededRandom(0).fork('noise');
const phases = model.phases().map((phase) => ({ phase, optimizer: adam(1e-3) }));
const step = () => {
  const batch = source.next();
  for (const { phase, optimizer } of phases) {
    const { value, grads } = tf.variableGrads(() => phase.losses(batch, noise).total, phase.variables);
    optimizer.applyGradients(phase.variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose(Object.values(batch));
};
step(); // warm-up: kernels compiled, XNNPACK operators built, Adam's moments made

if (args.includes('--ab')) {
  const STOCK = Symbol.for('@disentangle/kernels.stockWasmKernel');
  const ours = Object.fromEntries(['Slice', 'SplitV', 'Concat'].map((name) => [name, tf.getKernel(name, 'wasm')]));
  const use = (mine) => {
    for (const [name, config] of Object.entries(ours)) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(mine ? config : config[STOCK]);
    }
  };
  const times = { stock: [], ours: [] };
  for (let round = 0; round < 6; round++) {
    for (const mine of [false, true]) {
      use(mine);
      step();
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) step();
      times[mine ? 'ours' : 'stock'].push((performance.now() - t0) / 3);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`${which}: ms per step, stock Slice/SplitV/Concat ${median(times.stock).toFixed(0)}, ours ${median(times.ours).toFixed(0)} (medians of 6 alternating rounds)`);
  console.log(JSON.stringify({ model: which, batch: c.batch, threads, stockMs: median(times.stock), oursMs: median(times.ours), rounds: times }));
  process.exit(0);
}
const byKernel = new Map();
wasmIm2colClock.im2colMs = 0;
wasmIm2colClock.col2imMs = 0;
const started = performance.now();
for (let i = 0; i < steps; i++) {
  const profile = await tf.profile(step);
  for (const k of profile.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
}
const wallMs = (performance.now() - started) / steps;
const rows = [...byKernel].map(([name, ms]) => ({ name, ms: ms / steps })).sort((a, b) => b.ms - a.ms);
const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
const conv = /^(Conv2D|FusedConv2D|Conv2DBackpropFilter|Conv2DBackpropInput|DepthwiseConv2dNative.*)$/;
const matmul = /^(BatchMatMul|_FusedMatMul)$/;
const group = (test) => rows.filter((r) => test(r.name)).reduce((s, r) => s + r.ms, 0);
const groups = {
  'convolutions (forward and backprops, im2col included)': group((n) => conv.test(n)),
  '  of which im2col (JS, Conv2DBackpropFilter)': wasmIm2colClock.im2colMs / steps,
  '  of which col2im (JS, Conv2DBackpropInput)': wasmIm2colClock.col2imMs / steps,
  'matrix products': group((n) => matmul.test(n)),
  'everything else (element-wise, reductions, reshapes, ...)': group((n) => !conv.test(n) && !matmul.test(n)),
};
console.log(`${which}: batch ${c.batch}, ${data.input.kind === 'image' ? `${data.input.size}×${data.input.size}×${data.input.channels}` : data.input.dim}, wasm ${threads} thread(s), ${steps} profiled steps`);
console.log(`wall ${wallMs.toFixed(1)} ms / step (profiled), kernels ${kernelMs.toFixed(1)} ms / step\n`);
console.log('| group | ms / step | share of kernel time |\n|---|---|---|');
for (const [name, ms] of Object.entries(groups)) console.log(`| ${name} | ${ms.toFixed(1)} | ${((100 * ms) / kernelMs).toFixed(1)}% |`);
console.log('\n| kernel | ms / step | share |\n|---|---|---|');
for (const r of rows.slice(0, 15)) console.log(`| ${r.name} | ${r.ms.toFixed(2)} | ${((100 * r.ms) / kernelMs).toFixed(1)}% |`);
console.log(JSON.stringify({ model: which, batch: c.batch, threads, wallMs, kernelMs, groups, kernels: rows }));
model.dispose();
source.dispose();
