// Single- vs multi-threaded tfjs wasm in Node: matMul 512x512 and conv2d [64,32,32,16] * [3,3,16,16].
// Usage (from the repository root): node packages/kernels/bench/wasm-threads.bench.mjs [rounds=3] [reps=30]
// Each configuration runs in its own node process (one wasm backend per process), alternating,
// with packages/kernels/src/backend/wasm-threads.ts transpiled next to a node_modules link.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

const KERNELS = process.env.KERNELS_DIR ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const rounds = Number(process.argv[2] ?? 3);
const reps = Number(process.argv[3] ?? 30);
const ts = createRequire(join(KERNELS, 'package.json'))('typescript');
const dir = mkdtempSync(join(os.tmpdir(), 'wasm-threads-bench-'));
symlinkSync(join(KERNELS, 'node_modules'), join(dir, 'node_modules'), 'dir');
const src = readFileSync(join(KERNELS, 'src/backend/wasm-threads.ts'), 'utf8');
writeFileSync(join(dir, 'wasm-threads.mjs'), ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
writeFileSync(join(dir, 'child.mjs'), `
import * as tf from '@tensorflow/tfjs-core';
import { prepareWasmThreads, wasmThreadCount } from './wasm-threads.mjs';
const mode = process.argv[2], reps = Number(process.argv[3]);
const result = mode === 'stock' ? null : prepareWasmThreads(Number(mode));
await import('@tensorflow/tfjs-backend-wasm');
if (!(await tf.setBackend('wasm'))) throw new Error('wasm init failed');
function median(f) {
  for (let i = 0; i < 5; i++) f();
  const t = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); f(); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}
const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1), b = tf.randomNormal([512, 512], 0, 1, 'float32', 2);
const x = tf.randomNormal([64, 32, 32, 16], 0, 1, 'float32', 3), w = tf.randomNormal([3, 3, 16, 16], 0, 0.1, 'float32', 4);
// (tidy must not return the typed array: it would walk its 262k keys looking for tensors)
const run = (op) => () => tf.tidy(() => { op().dataSync(); });
const matMul = median(run(() => tf.matMul(a, b)));
const conv2d = median(run(() => tf.conv2d(x, w, 1, 'same')));
console.log(JSON.stringify({ mode, threads: wasmThreadCount(), enabled: result?.enabled ?? false, matMul, conv2d }));
`);
const modes = ['stock', '1', '2'];
const results = Object.fromEntries(modes.map((m) => [m, { matMul: [], conv2d: [], threads: 0 }]));
for (let r = 0; r < rounds; r++) {
  for (const mode of modes) {
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'child.mjs'), mode, String(reps)], { encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop());
    results[mode].threads = out.threads;
    results[mode].matMul.push(out.matMul);
    results[mode].conv2d.push(out.conv2d);
  }
}
rmSync(dir, { recursive: true, force: true });
const med = (v) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
console.log(`node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${rounds} rounds x ${reps} reps, medians in ms`);
const stock = results.stock;
for (const mode of modes) {
  const m = results[mode];
  const label = mode === 'stock' ? 'stock SIMD (1 thread)' : `threaded-SIMD, ${mode} requested`;
  console.log(`${label.padEnd(28)} threads=${m.threads}  matMul512 ${med(m.matMul).toFixed(2).padStart(7)} (x${(med(stock.matMul) / med(m.matMul)).toFixed(2)})  conv2d ${med(m.conv2d).toFixed(2).padStart(7)} (x${(med(stock.conv2d) / med(m.conv2d)).toFixed(2)})   all matMul [${m.matMul.map((v) => v.toFixed(1))}] conv [${m.conv2d.map((v) => v.toFixed(1))}]`);
}
