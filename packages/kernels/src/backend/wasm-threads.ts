/**
 * Multithreaded wasm under Node.
 *
 * tfjs-backend-wasm ships a threaded-SIMD binary (XNNPACK on a pthread pool), but under
 * Node it never uses it (tfjs#3830):
 *
 * 1. The `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false whenever `IS_NODE`.
 * 2. Its `locateFile` hands emscripten the pthread worker script as a `blob:` URL, and
 *    `worker_threads.Worker` only takes file paths, `file:` and `data:` URLs.
 * 3. The main script it sends each worker is a Blob of the *bundled* factory, whose
 *    `require$$0`/`commonjsGlobal` references only exist inside the Node bundle.
 * 4. `init_with_threads_count` caps the count at `emscripten_num_logical_cores() / 2`,
 *    which is `os.cpus().length / 2`: 1 on a 2-core machine.
 * 5. Emscripten `ref()`s the worker of every running pthread, and XNNPACK's pool threads
 *    never exit, so a process that used threads would never exit by itself.
 *
 * `prepareWasmThreads` works around all five without touching node_modules. It replaces the
 * registered `wasm` backend factory (the object tfjs-core's engine keeps in
 * `registryFactory`) with a wrapper that, only while the backend initialises:
 * sets the flag; calls the package's `setThreadsCount`; puts a `Worker` subclass on
 * `globalThis.Worker`, where emscripten's Node glue takes its Worker class, which swaps
 * tfjs' worker blob URL for a script written once to `os.tmpdir()` (the package's own
 * worker script, loading the package's unbundled emscripten factory from `wasm-out/`)
 * and ignores `ref()` (the pool must not keep Node alive); and makes `os.cpus()` report
 * enough cores, only when the caller is emscripten's `_emscripten_num_logical_cores`.
 * Everything is put back when initialisation ends. If the threaded module fails to
 * initialise (a worker that errors or exits before loading, a synchronous throw, no
 * workers loaded after 60 s), the wrapper terminates its workers, removes the process
 * listeners the failed module added and initialises the stock single-threaded SIMD
 * binary instead, so `tf.setBackend('wasm')` still succeeds.
 *
 * Tested with @tensorflow/tfjs-backend-wasm 4.22.0 on Node 20.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveObjectURL } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

export interface WasmThreadsResult {
  enabled: boolean;
  threads: number;
  reason: string;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
/** tfjs-backend-wasm pre-spawns 8 pthread workers and caps its thread pool at 8. */
const MAX_THREADS = 8;
/** How long the threaded module may take to load its workers before we fall back. */
const LOAD_TIMEOUT_MS = 60_000;
const WORKER_FILE = 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const FACTORY_FILE = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';
const THREADED_WASM = 'dist/tfjs-backend-wasm-threaded-simd.wasm';

// wasm-feature-detect's probes, as tfjs-backend-wasm's flags use them.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);
const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26,
  11,
]);

interface WasmPackage {
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

interface WasmModule {
  tfjs?: { getThreadsCount?: () => number };
  PThread?: { terminateAllThreads?: () => void };
}

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

interface Setup {
  threads: number;
  workerFile: string;
  workerSource: string;
  /** Byte size of the Blob tfjs makes from its worker script: how we recognise its URL. */
  blobSize: number;
  wasm: WasmPackage;
  result: WasmThreadsResult;
}

const localRequire = createRequire(import.meta.url);
/** The mutable CommonJS `os` object, the one the wasm bundle calls `cpus()` on. */
const osModule = localRequire('node:os') as { cpus: () => import('node:os').CpuInfo[] };

/** The setup the next initialisation of the `wasm` backend uses; null: stock behaviour. */
let pending: Setup | null = null;
/** The factory we installed, and the one it wraps. */
let installed: { wrapper: BackendFactory; original: BackendFactory } | null = null;
/** Backend instances our wrapper initialised with threads. */
const threadedBackends = new WeakSet<object>();

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function disabled(reason: string, threads = 1): WasmThreadsResult {
  return { enabled: false, threads, reason };
}

function wasmModuleOf(backend: unknown): WasmModule | undefined {
  return (backend as { wasm?: WasmModule } | undefined)?.wasm ?? undefined;
}

/** The thread count the module of an initialised wasm backend reports. */
function reportedThreads(backend: unknown): number | null {
  const count = wasmModuleOf(backend)?.tfjs?.getThreadsCount?.();
  return typeof count === 'number' ? count : null;
}

/** Writes `source` to `file` unless it already holds it; atomic for concurrent processes. */
function writeWorkerFile(file: string, source: string): void {
  try {
    if (readFileSync(file, 'utf8') === source) return;
  } catch {
    // missing or unreadable: (re)write it
  }
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, source, { mode: 0o644 });
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
}

/** Checks everything that can be checked synchronously; returns a setup or why not. */
function makeSetup(threads: number, result: WasmThreadsResult): Setup | string {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return 'not running under Node';
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available in this Node process';
  if (typeof WebAssembly?.validate !== 'function' || !WebAssembly.validate(THREADS_PROBE)) {
    return 'this V8 does not accept wasm threads (shared memory and atomics)';
  }
  if (!WebAssembly.validate(SIMD_PROBE)) return 'this V8 has no wasm SIMD, and the threaded binary is SIMD-only';
  if (typeof resolveObjectURL !== 'function') return 'buffer.resolveObjectURL is missing (needs Node >= 16.7)';
  const permission = (process as { permission?: { has?: (scope: string) => boolean } }).permission;
  if (permission?.has && !permission.has('worker')) {
    return "Node's permission model denies worker threads (start node with --allow-worker)";
  }

  let pkgDir: string;
  let wasm: WasmPackage;
  let version = '?';
  try {
    pkgDir = dirname(localRequire.resolve(`${WASM_PACKAGE}/package.json`));
    version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
    // Loads the same CommonJS bundle `import('@tensorflow/tfjs-backend-wasm')` loads in Node
    // (the package has no `exports`, so both take `main`); it registers the backend and flags.
    wasm = localRequire(WASM_PACKAGE) as WasmPackage;
  } catch (error) {
    return `cannot load ${WASM_PACKAGE}: ${message(error)}`;
  }
  if (typeof wasm.setThreadsCount !== 'function' || typeof wasm.getThreadsCount !== 'function') {
    return `${WASM_PACKAGE} ${version} has no setThreadsCount/getThreadsCount`;
  }
  for (const file of [WORKER_FILE, FACTORY_FILE, THREADED_WASM]) {
    if (!existsSync(join(pkgDir, file))) return `${WASM_PACKAGE} ${version} has no ${file}`;
  }
  let contents: unknown;
  try {
    contents = (localRequire(join(pkgDir, WORKER_FILE)) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  } catch (error) {
    return `cannot read ${WASM_PACKAGE}'s pthread worker script: ${message(error)}`;
  }
  if (typeof contents !== 'string' || !contents.includes('importScripts(') || !contents.includes('WasmBackendModuleThreadedSimd(Module)')) {
    return `${WASM_PACKAGE} ${version}'s pthread worker script is not the emscripten worker this workaround knows`;
  }

  const engine = tf.engine();
  if (!engine.registryFactory.wasm) return `the wasm backend is not registered with this tfjs-core (${WASM_PACKAGE} loaded another copy?)`;

  // tfjs turns real newlines into `\n` escapes before making its Blob: do the same, both for
  // a script that parses and for the Blob size we recognise its URL by.
  const escaped = contents.replace(/\n/g, '\\n');
  const factory = join(pkgDir, FACTORY_FILE);
  // The worker's `load` message carries tfjs' Blob of the bundled factory, which cannot run
  // outside the bundle; load the package's unbundled emscripten factory (same build) instead.
  const workerSource =
    `${escaped}\n;(function(){var factory=${JSON.stringify(factory)};var load=global.importScripts;` +
    `global.importScripts=function(url){if(String(url).indexOf("blob:")===0){` +
    `global.WasmBackendModuleThreadedSimd=require(factory);return}return load(url)}})();\n`;
  const hash = createHash('sha256').update(workerSource).digest('hex').slice(0, 16);
  const workerFile = join(tmpdir(), `tfjs-backend-wasm-${version}-pthread-${hash}.cjs`);
  try {
    writeWorkerFile(workerFile, workerSource);
  } catch (error) {
    return `cannot write the pthread worker script to ${tmpdir()}: ${message(error)}`;
  }
  return { threads, workerFile, workerSource, blobSize: Buffer.byteLength(escaped), wasm, result };
}

/** Makes sure the wasm backend factory is our wrapper; returns why not if it cannot. */
function installWrapper(): string | null {
  const entry = tf.engine().registryFactory.wasm;
  if (!entry) return 'the wasm backend is not registered';
  if (installed && entry.factory === installed.wrapper) return null;
  const original = entry.factory;
  const wrapper: BackendFactory = () => {
    const setup = pending;
    pending = null;
    return setup ? initThreaded(setup, original) : original();
  };
  entry.factory = wrapper;
  installed = { wrapper, original };
  return null;
}

interface Attempt {
  workers: NodeWorker[];
  fail: (error: Error) => void;
}

/** Initialises the wrapped factory with threads; falls back to the stock binary on failure. */
async function initThreaded(setup: Setup, original: BackendFactory): Promise<tf.KernelBackend> {
  const { threads, result } = setup;
  const emitter = process as NodeJS.EventEmitter;
  const events = ['uncaughtException', 'unhandledRejection'];
  const listenersBefore = events.map((event) => new Set(emitter.listeners(event)));
  const attempt: Attempt = { workers: [], fail: () => undefined };
  let restore: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!existsSync(setup.workerFile)) writeWorkerFile(setup.workerFile, setup.workerSource);
    restore = patchForInit(setup, attempt);
    const failed = new Promise<never>((_, reject) => {
      attempt.fail = reject;
      timer = setTimeout(() => reject(new Error(`pthread workers did not load within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    });
    failed.catch(() => undefined); // a late failure after the race is settled is not unhandled
    const init = Promise.resolve(original());
    init.catch(() => undefined); // if `failed` wins, a later rejection is not unhandled either
    const backend = await Promise.race([init, failed]);
    const actual = reportedThreads(backend);
    if (actual === null) throw new Error('the initialised backend has no getThreadsCount');
    threadedBackends.add(backend);
    result.threads = actual;
    result.enabled = actual > 1;
    result.reason =
      actual === threads
        ? `threaded-SIMD binary running ${actual} threads (pthread worker script ${setup.workerFile})`
        : `threaded-SIMD binary, but the module reports ${actual} threads where ${threads} were asked`;
    return backend;
  } catch (error) {
    for (const worker of attempt.workers) void worker.terminate().catch(() => undefined);
    events.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!listenersBefore[i].has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
    result.enabled = false;
    result.threads = 1;
    result.reason = `threaded initialisation failed (${message(error)}); fell back to the single-threaded SIMD binary`;
    restore?.();
    restore = null;
    return original();
  } finally {
    clearTimeout(timer);
    restore?.();
  }
}

/**
 * Puts the init-time patches in place (see the file comment) and returns the function that
 * undoes them.
 */
function patchForInit(setup: Setup, attempt: Attempt): () => void {
  const { workerFile, blobSize, threads } = setup;
  // A WeakSet rather than a private field: Node could emit during `super()`.
  const tfjsWorkers = new WeakSet<object>();

  class PthreadWorker extends NodeWorker {
    /** Set by emscripten when the worker has loaded the module. */
    declare loaded?: boolean;

    constructor(filename: string | URL, options?: WorkerOptions) {
      let fromTfjs = false;
      if (typeof filename === 'string' && filename.startsWith('blob:')) {
        const blob = resolveObjectURL(filename);
        fromTfjs = blob !== undefined && blob.size === blobSize && /javascript/.test(blob.type);
      }
      super(fromTfjs ? workerFile : filename, options);
      if (fromTfjs) {
        tfjsWorkers.add(this);
        attempt.workers.push(this);
      }
    }

    /** XNNPACK's pool threads live as long as the module: they must not keep Node alive. */
    override ref(): void {
      if (!tfjsWorkers.has(this)) super.ref();
    }

    /** A worker that fails before it has loaded fails the attempt instead of crashing Node. */
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (tfjsWorkers.has(this) && !this.loaded) {
        if (event === 'error') {
          attempt.fail(args[0] instanceof Error ? args[0] : new Error(String(args[0])));
          return true;
        }
        if (event === 'exit') attempt.fail(new Error(`a pthread worker exited with code ${String(args[0])} before loading`));
      }
      return super.emit(event, ...args);
    }
  }

  const undo: Array<() => void> = [];
  const restore = (): void => {
    for (let step = undo.pop(); step; step = undo.pop()) {
      try {
        step();
      } catch {
        // keep undoing the rest
      }
    }
  };
  try {
    // Both are read once, by this initialisation: a later one (after tf.removeBackend) must
    // get the stock single-threaded setup again.
    const ENV = tf.env();
    const flag = 'WASM_HAS_MULTITHREAD_SUPPORT';
    const flagBefore = ENV.getFlags()[flag];
    ENV.set(flag, true);
    undo.push(() => ENV.set(flag, flagBefore === undefined ? false : flagBefore));
    setup.wasm.setThreadsCount(threads);
    undo.push(() => setup.wasm.setThreadsCount(-1));

    // Emscripten's Node glue assigns `global.Worker = worker_threads.Worker` and then calls
    // `new Worker(url)`: an accessor hands it our subclass while keeping what it assigns.
    const g = globalThis as Record<string, unknown>;
    const previous = Object.getOwnPropertyDescriptor(g, 'Worker');
    let assigned: unknown = previous && 'value' in previous ? previous.value : previous?.get?.call(g);
    Object.defineProperty(g, 'Worker', {
      configurable: true,
      enumerable: previous?.enumerable ?? true,
      get: () => PthreadWorker,
      set: (value: unknown) => {
        assigned = value;
      },
    });
    undo.push(() => {
      if (assigned === undefined && !previous) delete g.Worker;
      else if (previous?.get && assigned === previous.get.call(g)) Object.defineProperty(g, 'Worker', previous);
      else Object.defineProperty(g, 'Worker', { configurable: true, enumerable: true, writable: true, value: assigned });
    });

    // `init_with_threads_count` caps threads at os.cpus().length / 2 (read once, by the
    // module's static constructors): report 2 × threads cores to that caller only.
    const cpus = osModule.cpus;
    osModule.cpus = function patchedCpus(this: unknown): import('node:os').CpuInfo[] {
      const list = cpus.call(this);
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 4;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      if (!stack.includes('emscripten_num_logical_cores')) return list;
      const filler = list[0] ?? { model: 'virtual', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
      while (list.length < 2 * threads) list.push(filler);
      return list;
    };
    undo.push(() => {
      osModule.cpus = cpus;
    });
  } catch (error) {
    restore();
    throw error;
  }
  return restore;
}

/**
 * Call BEFORE tf.setBackend('wasm'). Tries to enable the threaded-SIMD wasm binary with
 * `threads` threads (default: os.cpus().length, at most 8); returns what happened and why.
 * Never throws: on failure it leaves the single-threaded setup intact and says why in `reason`.
 *
 * What can be checked now is checked now; the rest happens when the backend initialises,
 * and the returned object is then updated in place: `threads` becomes the count the module
 * reports and `reason` says so, or, if threaded initialisation failed and the backend fell
 * back to the single-threaded binary, `enabled` becomes false and `reason` says why.
 * `prepareWasmThreads(1)` cancels an earlier call that has not been used yet.
 */
export function prepareWasmThreads(threads?: number): WasmThreadsResult {
  try {
    const requested = threads ?? Math.max(1, osModule.cpus().length);
    if (!Number.isInteger(requested) || requested < 1) {
      return disabled(`threads must be a positive integer (got ${String(threads)})`);
    }
    const count = Math.min(requested, MAX_THREADS);
    const clamped = count < requested ? ` (${requested} asked; tfjs-backend-wasm allows at most ${MAX_THREADS})` : '';

    const engine = tf.engine();
    const existing = engine.registry.wasm;
    if (existing) {
      const actual = reportedThreads(existing) ?? 1;
      const how = threadedBackends.has(existing) ? 'threaded' : 'stock single-threaded';
      return {
        enabled: actual > 1,
        threads: actual,
        reason: `the wasm backend is already initialised (${how}, ${actual} thread${actual === 1 ? '' : 's'}); call prepareWasmThreads before tf.setBackend('wasm')`,
      };
    }
    pending = null;
    if (count === 1) return disabled('1 thread asked: the stock single-threaded SIMD binary');

    const result: WasmThreadsResult = { enabled: true, threads: count, reason: '' };
    const setup = makeSetup(count, result);
    if (typeof setup === 'string') return disabled(setup);
    const notInstalled = installWrapper();
    if (notInstalled) return disabled(notInstalled);
    result.reason = `threaded-SIMD binary with ${count} threads${clamped}, applied when the wasm backend initialises`;
    pending = setup;
    return result;
  } catch (error) {
    pending = null;
    return disabled(`unexpected error: ${message(error)}`);
  }
}

/** After the backend is ready: the thread count the wasm module actually reports. */
export function wasmThreadCount(): number {
  const count = reportedThreads(tf.engine().registry.wasm);
  if (count !== null) return count;
  return (localRequire(WASM_PACKAGE) as WasmPackage).getThreadsCount();
}
