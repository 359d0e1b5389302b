import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './register-gradients';
import { prepareWasmThreads, wasmThreadCount, type WasmThreadsResult } from './wasm-threads';

/**
 * The engine is shared by every test file in this fork (singleFork): drop an initialised
 * wasm backend (BackendWasm.dispose terminates its pthread workers) and keep its factory.
 */
function resetWasmBackend(): void {
  const engine = tf.engine();
  if (!engine.registry.wasm) return;
  const { factory, priority } = engine.registryFactory.wasm;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, priority);
}

function filled(shape: number[], seed: number, scale: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (((i * 7919 + seed * 104729) % 1000) / 1000 - 0.5) * scale;
  return tf.tensor(values, shape);
}

/** Forward values and gradients of a conv and a matMul on the active backend. */
async function trainingValues(withFilterGradient: boolean): Promise<Record<string, Float32Array>> {
  const x = filled([4, 16, 16, 16], 1, 1);
  const w = filled([3, 3, 16, 32], 2, 1 / 12);
  const a = filled([128, 256], 3, 1);
  const b = filled([256, 64], 4, 1 / 16);
  const convLoss = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, 'same')));
  const matLoss = (ai: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.square(tf.matMul(ai as tf.Tensor2D, bi as tf.Tensor2D)));
  const conv = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
  const [dx, dw] = withFilterGradient
    ? tf.grads(convLoss)([x, w])
    : [tf.grad((xi: tf.Tensor) => convLoss(xi, w))(x), null];
  const mat = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  const [da, db] = tf.grads(matLoss)([a, b]);
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries({ conv, dx, dw, mat, da, db })) {
    if (t) out[name] = (await t.data()) as Float32Array;
  }
  tf.dispose([x, w, a, b, conv, dx, mat, da, db, ...(dw ? [dw] : [])]);
  return out;
}

function maxAbsDiff(p: Float32Array, q: Float32Array): number {
  let m = 0;
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i] - q[i]));
  return m;
}

describe('prepareWasmThreads (in this vitest fork)', () => {
  let previousBackend: string | null = null;

  beforeAll(() => {
    previousBackend = tf.engine().backendName ?? null;
    resetWasmBackend();
  });

  afterAll(async () => {
    resetWasmBackend();
    prepareWasmThreads(1); // leave stock behaviour to the test files that follow
    if (previousBackend) await tf.setBackend(previousBackend);
  });

  it('rejects thread counts that are not positive integers, and leaves 1 thread to the stock binary', () => {
    for (const bad of [0, -2, 1.5, Number.NaN]) {
      const r = prepareWasmThreads(bad);
      expect(r.enabled).toBe(false);
      expect(r.threads).toBe(1);
      expect(r.reason).toMatch(/positive integer/);
    }
    expect(prepareWasmThreads(1)).toEqual({ enabled: false, threads: 1, reason: expect.stringMatching(/stock single-threaded/) });
  });

  it('trains with 2 threads: conv and matMul forward and gradients equal the single-threaded ones', async () => {
    // Conv2DBackpropFilter is one of the kernels wasm lacks; include the filter gradient
    // when this package's training kernels provide it.
    try {
      const kernels = (await import('./wasm-kernels/register')) as Record<string, unknown>;
      if (typeof kernels.registerWasmTrainingKernels === 'function') (kernels.registerWasmTrainingKernels as () => unknown)();
    } catch {
      // not available: the filter gradient is left out
    }
    const withFilterGradient = tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined;

    expect(prepareWasmThreads(1).enabled).toBe(false);
    await tf.setBackend('wasm');
    expect(wasmThreadCount()).toBe(1);
    const single = await trainingValues(withFilterGradient);
    resetWasmBackend();

    const result: WasmThreadsResult = prepareWasmThreads(2);
    expect(result, result.reason).toMatchObject({ enabled: true, threads: 2 });
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(wasmThreadCount()).toBe(2);
    // Updated in place once the backend has initialised.
    expect(result).toMatchObject({ enabled: true, threads: 2, reason: expect.stringMatching(/running 2 threads/) });
    // Asking again once initialised says so rather than pretending to change anything.
    expect(prepareWasmThreads(2)).toMatchObject({ enabled: true, threads: 2, reason: expect.stringMatching(/already initialised/) });

    const multi = await trainingValues(withFilterGradient);
    expect(Object.keys(multi).sort()).toEqual(Object.keys(single).sort());
    for (const name of Object.keys(single)) {
      expect(multi[name].length, name).toBe(single[name].length);
      expect(maxAbsDiff(multi[name], single[name]), name).toBeLessThanOrEqual(1e-5);
    }
    resetWasmBackend();
  });

  it('puts everything back after initialising: the next wasm backend is the stock single-threaded one', async () => {
    const cpus = os.cpus;
    expect(prepareWasmThreads(2).enabled).toBe(true);
    await tf.setBackend('wasm');
    expect(wasmThreadCount()).toBe(2);
    expect(os.cpus).toBe(cpus);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    resetWasmBackend();
    await tf.setBackend('wasm');
    expect(wasmThreadCount()).toBe(1);
    resetWasmBackend();
  });
});

describe('prepareWasmThreads in a child node process', () => {
  let dir = '';

  beforeAll(() => {
    // The child runs this package's wasm-threads.ts, transpiled, next to a node_modules link
    // so that it resolves tfjs exactly as this package does.
    dir = mkdtempSync(join(tmpdir(), 'wasm-threads-test-'));
    symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir');
    const source = readFileSync(fileURLToPath(new URL('./wasm-threads.ts', import.meta.url)), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(join(dir, 'wasm-threads.mjs'), outputText);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface ChildRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    timedOut: boolean;
    stdout: string;
    stderr: string;
  }

  /** Runs `body` after enabling threads; the child must exit by itself within `timeoutMs`. */
  function runChild(name: string, body: string, options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildRun> {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(
      file,
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import { readdirSync, writeFileSync } from 'node:fs';",
        "import { tmpdir } from 'node:os';",
        "import { join } from 'node:path';",
        "import { prepareWasmThreads, wasmThreadCount } from './wasm-threads.mjs';",
        body,
      ].join('\n'),
    );
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file], {
        cwd: dir,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 20_000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, timedOut, stdout, stderr });
      });
    });
  }

  const ops = `
const x = tf.ones([2, 16, 16, 8]);
const w = tf.ones([3, 3, 8, 16]);
const conv = tf.conv2d(x, w, 1, 'valid');
const dx = tf.conv2dTranspose(conv, w, [2, 16, 16, 8], 1, 'valid');
const m = tf.matMul(tf.ones([256, 256]), tf.ones([256, 256]));
console.log(JSON.stringify({ result, threads: wasmThreadCount(), conv: conv.dataSync()[0], dx: dx.dataSync()[0], matMul: m.dataSync()[0] }));
`;

  function parse(run: ChildRun): { result: WasmThreadsResult; threads: number; conv: number; dx: number; matMul: number } {
    const line = run.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`child printed no result (code ${run.code}, signal ${run.signal}, timed out ${run.timedOut}):\n${run.stdout}\n${run.stderr}`);
    }
  }

  it('enables 2 threads, computes, and exits by itself (the pthread workers do not keep Node alive)', async () => {
    const run = await runChild(
      'threads',
      `const result = prepareWasmThreads(2);
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
${ops}`,
    );
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    const out = parse(run);
    expect(out.threads).toBe(2);
    expect(out.result).toMatchObject({ enabled: true, threads: 2 });
    expect(out).toMatchObject({ conv: 72, dx: 72 * 16, matMul: 256 });
  });

  it('falls back to the single-threaded binary when the pthread workers fail to load', async () => {
    const own = mkdtempSync(join(dir, 'tmp-'));
    const run = await runChild(
      'fallback',
      `const result = prepareWasmThreads(2);
for (const f of readdirSync(tmpdir())) if (f.endsWith('.cjs')) writeFileSync(join(tmpdir(), f), 'throw new Error("injected worker failure")');
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
${ops}`,
      { env: { TMPDIR: own } },
    );
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    const out = parse(run);
    expect(out.threads).toBe(1);
    expect(out.result.enabled).toBe(false);
    expect(out.result.threads).toBe(1);
    expect(out.result.reason).toMatch(/injected worker failure.*fell back to the single-threaded/);
    expect(out).toMatchObject({ conv: 72, dx: 72 * 16, matMul: 256 });
  });

  it("says why and keeps the stock backend where Node's permission model forbids workers", async () => {
    const run = await runChild(
      'permission',
      `const result = prepareWasmThreads(2);
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
${ops}`,
      { nodeArgs: ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*', '--no-warnings'] },
    );
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    const out = parse(run);
    expect(out.result).toEqual({ enabled: false, threads: 1, reason: expect.stringMatching(/permission model denies worker threads/) });
    expect(out.threads).toBe(1);
    expect(out).toMatchObject({ conv: 72, dx: 72 * 16, matMul: 256 });
  });
});
