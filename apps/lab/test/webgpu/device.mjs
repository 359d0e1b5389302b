#!/usr/bin/env node
// What a WebGPU step gets from the device instead of the CPU (issue 17), checked on the webgpu
// backend (lavapipe on the CPU machines): Philox draws against their JS twin, constants filled
// and shared on the GPU (installWebgpuConstants, which initBackend installs), each with the
// uploads it costs, and the trainer's fused Adam against the same update on wasm. Prints one JSON line per check; src/backends/webgpu-device.test.ts asserts them.
//   node apps/lab/test/webgpu/device.mjs
import * as tf from '@tensorflow/tfjs-core';
import { countWebgpuOverhead, initBackend, installWebgpuConstants, philoxTensor, philoxValues, SeededRandom } from '@disentangle/kernels';
import { adam } from '@disentangle/training';

await initBackend({ backend: 'webgpu' });
const report = (check, values) => console.log(JSON.stringify({ check, ...values }));
const maxDifference = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// Philox on the GPU against philoxValues: 10⁵ elements (more than one workgroup row), each distribution.
for (const [distribution, a, b] of [['uniform', -2, 3], ['normal', 0.5, 2], ['gumbel', 0, 1]]) {
  const shape = [250, 400];
  const key = [0x12345678, 0x9abcdef0];
  const tensorsBefore = tf.memory().numTensors;
  const counter = countWebgpuOverhead();
  const drawn = philoxTensor(distribution, shape, key, a, b);
  const counts = counter.mark();
  counter.stop();
  const gpu = await drawn.data();
  const cpu = philoxValues(distribution, 100_000, key, a, b);
  drawn.dispose();
  report(`philox-${distribution}`, { uploads: counts.uploads, dispatches: counts.dispatches, shape: drawn.shape, maxDifference: maxDifference(gpu, cpu), finite: gpu.every(Number.isFinite), leaked: tf.memory().numTensors - tensorsBefore });
}

// Constants: filled, not uploaded; the same constant made again shares the first one's data.
const constants = installWebgpuConstants(); // the installation initBackend made
const before = tf.memory().numTensors;
// Not a constant: uploaded once, here. Larger than the size below which tfjs runs ops on the CPU.
const x = tf.tensor(Float32Array.from({ length: 4096 }, (_, i) => i % 7), [64, 64]);
const warm = tf.sum(x);
await warm.data();
warm.dispose();
const counter = countWebgpuOverhead();
const results = [];
for (let i = 0; i < 3; i++) {
  // sum(x · 1) / 4 + 0 · (−1), with the 1s, the 0s and both scalars made anew each time.
  const step = tf.tidy(() => tf.add(tf.mul(tf.sum(tf.mul(x, tf.ones([64, 64]))), 0.25), tf.mul(tf.zeros([64, 64]), -1)));
  results.push([...new Set(await step.data())]); // every element the same
  step.dispose();
}
const counts = counter.mark();
counter.stop();
const half = tf.scalar(0.5);
const again = tf.scalar(0.5);
const negativeZero = tf.scalar(-0);
const zero = tf.scalar(0);
const ints = tf.fill([3], 7, 'int32');
const intOnes = tf.ones([4], 'int32');
const intSum = tf.tidy(() => tf.add(ints, tf.slice(intOnes, [0], [3])));
// A flag only ever read on the CPU that shares a constant the GPU used (ActNorm's case): its read needs no GPU.
const used = tf.tidy(() => tf.add(tf.scalar(0), x));
await used.data();
const flag = tf.scalar(0);
const flagValue = flag.dataSync()[0];
report('constants', {
  results,
  uploads: counts.uploads,
  sharedData: half.dataId === again.dataId,
  negativeZeroShared: negativeZero.dataId === zero.dataId,
  negativeZeroSign: Object.is(negativeZero.dataSync()[0], -0),
  intFill: Array.from(await intSum.data()),
  intDtype: ints.dtype,
  flagValue,
  hits: constants.stats.constantHits,
});
tf.dispose([x, half, again, negativeZero, zero, ints, intOnes, intSum, used, flag]);
report('constants-memory', { leaked: tf.memory().numTensors - before });

// The cache's bounds and its removal: reinstalled to keep 2 constants, 6 distinct scalars each
// used on the GPU evict 4; every value stays right, and after disposal and uninstall no data
// buffer is left behind, in the engine or the backend.
constants.uninstall();
const buffersBefore = tf.memory().numDataBuffers;
const small = installWebgpuConstants({ maxConstants: 2 });
const scalars = [1, 2, 3, 4, 5, 6].map((v) => tf.scalar(v / 8));
const sumTensors = scalars.map((t) => tf.tidy(() => tf.sum(tf.mul(x2048(), t))));
const sums = await Promise.all(sumTensors.map((t) => t.data()));
tf.dispose(sumTensors);
const heldWhileUsed = small.stats.cachedConstants;
tf.dispose(scalars);
small.uninstall();
report('constants-bounds', { sums: sums.map((v) => v[0]), held: heldWhileUsed, leakedBuffers: tf.memory().numDataBuffers - buffersBefore });
installWebgpuConstants(); // as initBackend left it
function x2048() {
  return tf.fill([2048], 8); // Σ 8 · v/8 over 2048 elements = 2048 · v
}

// Adam: 5 steps of the trainer's optimizer on two variables with fixed gradients, on wasm and
// then on WebGPU (three fused dispatches per variable there); the last 4 are counted.
async function adamSteps(backend) {
  await initBackend({ backend, threads: 1 });
  const random = new SeededRandom(3);
  const weights = [tf.variable(random.normal([64, 33]), true, `adam_w_${backend}`), tf.variable(random.normal([33]), true, `adam_b_${backend}`)];
  const optimizer = adam(0.01);
  // Gradients made by an op, so that on WebGPU they are on the GPU before the steps are counted (x + 0 = x).
  const gradients = [0, 1, 2, 3, 4].map(() => weights.map((w) => tf.tidy(() => tf.add(random.normal(w.shape), 0))));
  const apply = (step) => optimizer.applyGradients(weights.map((w, i) => ({ name: w.name, tensor: step[i] })));
  apply(gradients[0]); // creates m and v
  const counter = backend === 'webgpu' ? countWebgpuOverhead() : undefined;
  const tensorsBefore = tf.memory().numTensors;
  for (const step of gradients.slice(1)) apply(step);
  const leaked = tf.memory().numTensors - tensorsBefore; // each step replaces m, v and θ: no new tensors
  const counts = counter?.mark();
  counter?.stop();
  const values = await Promise.all(weights.map((w) => w.data()));
  // The optimizer's checkpoint state: the iteration count, then m and v of each variable.
  const moments = await Promise.all((await optimizer.getWeights()).map((w) => w.tensor.data()));
  tf.dispose([...weights, ...gradients.flat()]);
  optimizer.dispose();
  return { values, moments, counts, leaked };
}
const onWasm = await adamSteps('wasm');
const onWebgpu = await adamSteps('webgpu');
const worst = (a, b) => a.reduce((m, xs, i) => Math.max(m, maxDifference(xs, b[i])), 0);
report('adam', {
  weightDifference: worst(onWasm.values, onWebgpu.values),
  momentDifference: worst(onWasm.moments, onWebgpu.moments),
  stateTensors: onWebgpu.moments.length,
  dispatchesPerStep: onWebgpu.counts.dispatches / 4,
  uploads: onWebgpu.counts.uploads,
  leaked: onWebgpu.leaked,
});
