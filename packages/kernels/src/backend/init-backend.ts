/**
 * Backend selection: picks the fastest tfjs backend that works on this machine and says
 * why, so `disentangle doctor` (and every run's config) can explain the choice.
 *
 * `auto` tries, in order: tfjs-node-gpu, tfjs-node (optional peers a user may have
 * installed; they need libtensorflow, which their install script downloads), WebGPU
 * through the `webgpu` package (Dawn) when it finds a hardware adapter (a software one, such
 * as Mesa's lavapipe, is skipped with the reason: it is slower than wasm), wasm (with our
 * training kernels), and finally the plain-JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerWasmTrainingKernels } from './wasm-kernels/register';
import { prepareWasmThreads, wasmThreadCount } from './wasm-threads';
import { installWebgpuConstants } from './webgpu-constants';
import './register-gradients';

export type BackendRequest = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface InitBackendOptions {
  /** Which backend to use; `auto` (the default) picks the fastest that works. */
  backend?: BackendRequest;
  /**
   * wasm threads; default: one per core (at most 8). Multithreaded wasm falls back to one
   * thread, and says why, where it cannot start (see wasm-threads.ts).
   */
  threads?: number;
}

export interface BackendAttempt {
  /** What was tried: `tensorflow-gpu`, `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  candidate: string;
  ok: boolean;
  /** Why it was chosen or why it failed / was skipped. */
  reason: string;
}

export interface BackendChoice {
  /** The active tfjs backend name (`tf.getBackend()`). */
  backend: string;
  requested: BackendRequest;
  attempts: BackendAttempt[];
  /** Threads the backend computes with (wasm), or null where it does not apply. */
  threads: number | null;
  /** The GPU adapter's description when WebGPU was chosen. */
  adapter: string | null;
  /** Kernels this package registered or replaced for the chosen backend. */
  kernels: string[];
}

type Attempt = () => Promise<{ reason: string; threads?: number | null; adapter?: string | null; kernels?: string[] }>;

/**
 * Imports an optional package: from our own location, then from the running program's
 * directory (an app that depends on it, e.g. the CLI), then from the working directory.
 */
async function importOptional(name: string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ name);
  } catch (first) {
    const bases = [process.argv[1], join(process.cwd(), 'package.json')].filter(Boolean) as string[];
    for (const base of bases) {
      try {
        return await import(/* @vite-ignore */ pathToFileURL(createRequire(base).resolve(name)).href);
      } catch {
        // try the next base
      }
    }
    throw first;
  }
}

/** Said when wasm is missing: without it, training falls back to the cpu backend (about a minute a step). */
export const WASM_MISSING =
  'not installed: @tensorflow/tfjs-backend-wasm is an optional peer of @disentangle/kernels; install it (npm install @tensorflow/tfjs-backend-wasm@^4.22.0) to train 20-50x faster than on the cpu backend';

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(message)) return 'not installed';
  return message.split('\n')[0];
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

function tensorflowAttempt(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Attempt {
  return async () => {
    await importOptional(pkg);
    await activate('tensorflow');
    return { reason: `${pkg} loaded (libtensorflow)` };
  };
}

/** What a WebGPU adapter says of itself (Dawn's `adapter.info`, plus the older `isFallbackAdapter`). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** A readable name for an adapter: vendor, device and description. */
export function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info;
  return [info?.vendor, info?.device, info?.description].filter(Boolean).join(' ') || 'GPU adapter';
}

/**
 * Why an adapter is a software renderer (Mesa's lavapipe / llvmpipe, SwiftShader, WARP, a
 * fallback adapter), or undefined for a real GPU. A software adapter runs tfjs's WebGPU
 * kernels on the CPU, about 15× slower than wasm here (shared/PLATFORM.md): `auto` skips it.
 */
export function softwareAdapterReason(adapter: AdapterLike): string | undefined {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter || adapter.isFallbackAdapter) return 'a fallback adapter';
  if (info.architecture?.toLowerCase() === 'software') return "its architecture is 'software'";
  const text = [info.vendor, info.device, info.description].filter(Boolean).join(' ');
  const known = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i.exec(text);
  return known ? `${known[0]} is a software renderer` : undefined;
}

/**
 * The adapter `gpu` gives, or an Error: none, or (unless `allowSoftware`) a software one,
 * with the reason and the way to use it anyway.
 */
export async function requestHardwareAdapter(gpu: { requestAdapter: () => Promise<unknown> }, { allowSoftware = false } = {}): Promise<AdapterLike> {
  const adapter = (await gpu.requestAdapter()) as AdapterLike | null;
  if (!adapter) throw new Error('Dawn found no GPU adapter (no Vulkan driver or no GPU)');
  const software = softwareAdapterReason(adapter);
  if (software && !allowSoftware) throw new Error(`only a software adapter (${describeAdapter(adapter)}: ${software}), slower than wasm on the CPU; --backend webgpu uses it anyway`);
  return adapter;
}

const webgpuAttempt = (allowSoftware: boolean): Attempt => async () => {
  const dawn = (await importOptional('webgpu')) as {
    create: (flags: string[]) => { requestAdapter: () => Promise<unknown> };
    globals: Record<string, unknown>;
  };
  const gpu = dawn.create([]);
  const adapter = await requestHardwareAdapter(gpu, { allowSoftware });
  // tfjs-backend-webgpu registers itself only if a browser-like window and navigator.gpu
  // exist when it is imported.
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, dawn.globals);
  if (!g.window) g.window = globalThis;
  if (!(g.navigator as { gpu?: unknown } | undefined)?.gpu) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    // A bundle (or a page) that imported the backend itself, with these globals set: it is registered.
    if (!tf.findBackendFactory('webgpu')) throw error;
  }
  await activate('webgpu');
  // Scalars and constant arrays made once on the GPU, not uploaded each step (issue 17).
  installWebgpuConstants();
  const software = softwareAdapterReason(adapter);
  return { reason: software ? `Dawn found only a software adapter (${software}), used because --backend webgpu asked for it` : 'Dawn found an adapter', adapter: describeAdapter(adapter) };
};

function wasmAttempt(threads: number | undefined): Attempt {
  return async () => {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      if (describeError(error) !== 'not installed') throw error;
      throw new Error(WASM_MISSING);
    }
    const threading = prepareWasmThreads(threads ?? os.cpus().length);
    const kernels = registerWasmTrainingKernels();
    await activate('wasm');
    const actual = wasmThreadCount();
    return {
      reason: `SIMD wasm with ${kernels.length} training kernels; threads: ${threading.reason}`,
      threads: actual,
      kernels,
    };
  };
}

const cpuAttempt: Attempt = async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
  return { reason: 'plain-JS reference backend (slow: use it for checks, not training)' };
};

/**
 * Sets the tfjs backend. With `backend: 'auto'` it tries each candidate in order and
 * keeps the first that works; a named backend that fails throws an Error that says why.
 * Gradients are registered whatever the entry point (see register-gradients.ts).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const requested = options.backend ?? 'auto';
  const candidates: Array<[string, Attempt]> = [];
  const tensorflow: Array<[string, Attempt]> = [
    ['tensorflow-gpu', tensorflowAttempt('@tensorflow/tfjs-node-gpu')],
    ['tensorflow', tensorflowAttempt('@tensorflow/tfjs-node')],
  ];
  switch (requested) {
    case 'auto':
      candidates.push(...tensorflow, ['webgpu', webgpuAttempt(false)], ['wasm', wasmAttempt(options.threads)], ['cpu', cpuAttempt]);
      break;
    case 'tensorflow':
      candidates.push(...tensorflow);
      break;
    case 'webgpu':
      candidates.push(['webgpu', webgpuAttempt(true)]);
      break;
    case 'wasm':
      candidates.push(['wasm', wasmAttempt(options.threads)]);
      break;
    case 'cpu':
      candidates.push(['cpu', cpuAttempt]);
      break;
    default:
      throw new Error(`initBackend: unknown backend '${String(requested)}' (expected auto, tensorflow, webgpu, wasm or cpu)`);
  }
  const attempts: BackendAttempt[] = [];
  for (const [candidate, attempt] of candidates) {
    try {
      const result = await attempt();
      attempts.push({ candidate, ok: true, reason: result.reason });
      const wasmMissing = attempts.find((a) => a.candidate === 'wasm' && a.reason === WASM_MISSING);
      // Not quiet: the cpu backend is a minute a step for the demo models.
      if (candidate === 'cpu' && wasmMissing) console.warn(`initBackend: fell back to the slow cpu backend; wasm is ${WASM_MISSING}`);
      return {
        backend: tf.getBackend(),
        requested,
        attempts,
        threads: result.threads ?? null,
        adapter: result.adapter ?? null,
        kernels: result.kernels ?? [],
      };
    } catch (error) {
      attempts.push({ candidate, ok: false, reason: describeError(error) });
    }
  }
  const tried = attempts.map((a) => `${a.candidate}: ${a.reason}`).join('; ');
  throw new Error(`initBackend: no usable backend for '${requested}' (${tried})`);
}
