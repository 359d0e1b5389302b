/**
 * `disentangle bench`: ms per training step of the demo conv VAE (batch 64, 32×32×1) on
 * every backend available here, each in its own child process (a wasm thread count is
 * fixed once per process), and — when `/usr/bin/python3 -c "import torch"` works — the
 * same network in PyTorch on the same machine in the same run. A benchmark, not a test.
 */
import type { Command } from 'commander';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countWebgpuOverhead, initBackend, type BackendRequest, type WebgpuCounts } from '@disentangle/kernels';
import { measureConvVaeStep } from '../bench/measure-tfjs-step';
import { parsePositiveInt } from './common-options';

const run = promisify(execFile);

interface BenchRow {
  engine: string;
  backend: string;
  threads: number | null;
  /** Median ms per step, or null when it could not run. */
  ms: number | null;
  note: string;
  /** Per step: WebGPU's uploads, reads and dispatches (countWebgpuOverhead); PyTorch's computing aten operators. */
  overhead?: { uploads?: number; reads?: number; dispatches: number };
}

interface BenchOptions {
  steps: number;
  warmup: number;
  batch: number;
  cpuSteps: number;
  python: string;
  child?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** In a child process: set up one backend and time the step; prints one JSON line. */
async function runChild(spec: string, options: BenchOptions): Promise<void> {
  const [backend, threadText] = spec.split(':');
  const choice = await initBackend({ backend: backend as BackendRequest, threads: threadText ? Number(threadText) : undefined });
  const steps = choice.backend === 'cpu' ? options.cpuSteps : options.steps;
  const warmup = choice.backend === 'cpu' ? 1 : options.warmup;
  // On WebGPU, the overhead of each timed step (the counts do not depend on the adapter).
  const counter = choice.backend === 'webgpu' ? countWebgpuOverhead() : undefined;
  const counted: WebgpuCounts[] = [];
  const timing = await measureConvVaeStep({ batch: options.batch, steps, warmup, afterStep: (i) => counter && (i >= warmup ? counted.push(counter.mark()) : counter.mark()) });
  counter?.stop();
  const overhead = counted.length ? { uploads: median(counted.map((c) => c.uploads)), reads: median(counted.map((c) => c.reads)), dispatches: median(counted.map((c) => c.dispatches)) } : undefined;
  process.stdout.write(
    `${JSON.stringify({ backend: choice.backend, threads: choice.threads, ms: median(timing.msPerStep), steps, loss: timing.finalLoss, adapter: choice.adapter, overhead })}\n`,
  );
}

async function benchTfjs(spec: string, options: BenchOptions): Promise<BenchRow> {
  const cli = fileURLToPath(import.meta.url);
  const args = [cli, 'bench', '--child', spec, '--steps', String(options.steps), '--warmup', String(options.warmup), '--batch', String(options.batch), '--cpu-steps', String(options.cpuSteps)];
  try {
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20, timeout: 15 * 60_000 });
    const line = stdout.trim().split('\n').pop() ?? '';
    const r = JSON.parse(line) as { backend: string; threads: number | null; ms: number; steps: number; adapter: string | null; overhead?: BenchRow['overhead'] };
    const note = `${r.steps} timed steps${r.adapter ? `, ${r.adapter}` : ''}`;
    return { engine: 'tfjs', backend: r.backend, threads: r.threads, ms: r.ms, note, ...(r.overhead ? { overhead: r.overhead } : {}) };
  } catch (error) {
    const text = (error as { stderr?: string }).stderr || (error as Error).message;
    const reason = text.split('\n').find((l) => l.includes('disentangle:')) ?? text.split('\n')[0];
    return { engine: 'tfjs', backend: spec, threads: null, ms: null, note: reason.replace(/^disentangle: /, '').slice(0, 120) };
  }
}

async function benchTorch(threads: number, options: BenchOptions): Promise<BenchRow | null> {
  const script = fileURLToPath(new URL('../bench/torch_conv_vae.py', import.meta.url));
  try {
    await run(options.python, ['-c', 'import torch'], { timeout: 60_000 });
  } catch {
    return null;
  }
  const { stdout } = await run(
    options.python,
    [script, '--threads', String(threads), '--steps', String(options.steps), '--warmup', String(options.warmup), '--batch', String(options.batch)],
    // torch's intra-op threads do the parallel work; OpenBLAS threads on top oversubscribe the cores
    // (measured here: 2 torch threads took 80–100 ms/step with OpenBLAS threading, 51 ms without).
    { timeout: 15 * 60_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { ms_per_step: number[]; threads: number; torch: string; ops_per_step?: { compute: number } };
  return { engine: 'pytorch', backend: `torch ${r.torch} cpu`, threads: r.threads, ms: median(r.ms_per_step), note: `${options.steps} timed steps`, ...(r.ops_per_step ? { overhead: { dispatches: r.ops_per_step.compute } } : {}) };
}

export function formatBenchTable(rows: BenchRow[]): string {
  const torchByThreads = new Map(rows.filter((r) => r.engine === 'pytorch' && r.ms !== null).map((r) => [r.threads, r.ms as number]));
  const torchOps = rows.find((r) => r.engine === 'pytorch' && r.overhead)?.overhead?.dispatches;
  const header = '| engine | backend | threads | ms / step | × PyTorch (same threads) | uploads / reads per step | dispatches (PyTorch: computing ops) per step | note |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => {
    const torch = r.threads !== null ? torchByThreads.get(r.threads) : undefined;
    const ratio = r.ms !== null && torch !== undefined && r.engine !== 'pytorch' ? `${(r.ms / torch).toFixed(2)}×` : '';
    const ms = r.ms === null ? 'unavailable' : r.ms.toFixed(1);
    const transfers = r.overhead?.uploads !== undefined ? `${r.overhead.uploads} / ${r.overhead.reads}` : '';
    const dispatches = r.overhead ? `${r.overhead.dispatches}${r.engine !== 'pytorch' && torchOps ? ` (${(r.overhead.dispatches / torchOps).toFixed(1)}× PyTorch)` : ''}` : '';
    return `| ${r.engine} | ${r.backend} | ${r.threads ?? '–'} | ${ms} | ${ratio} | ${transfers} | ${dispatches} | ${r.note} |`;
  });
  return [header, ...body].join('\n');
}

export function addBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('time the demo conv VAE training step (batch 64, 32×32×1) on every backend, beside PyTorch')
    .option('--steps <n>', 'timed steps per backend', parsePositiveInt, 20)
    .option('--warmup <n>', 'untimed warm-up steps', parsePositiveInt, 3)
    .option('--batch <n>', 'batch size', parsePositiveInt, 64)
    .option('--cpu-steps <n>', 'timed steps on the (very slow) cpu backend', parsePositiveInt, 1)
    .option('--python <path>', 'python with torch for the comparison', '/usr/bin/python3')
    .option('--child <spec>', 'internal: time one backend in this process')
    .action(async (options: BenchOptions) => {
      if (options.child) return runChild(options.child, options);
      const cores = os.cpus().length;
      const specs = ['tensorflow', 'webgpu', 'wasm:1', ...(cores > 1 ? [`wasm:${cores}`] : []), 'cpu'];
      const rows: BenchRow[] = [];
      for (const spec of specs) {
        process.stderr.write(`bench: ${spec} ...\n`);
        const row = await benchTfjs(spec, options);
        // A wasm:N row whose backend fell back to one thread repeats wasm:1: say so rather than print it twice.
        if (spec.startsWith('wasm:') && spec !== 'wasm:1' && row.threads === 1) {
          rows.push({ ...row, ms: null, note: `multithreaded wasm unavailable (ran with 1 thread)` });
          continue;
        }
        rows.push(row);
      }
      for (const threads of [1, ...(cores > 1 ? [cores] : [])]) {
        process.stderr.write(`bench: pytorch, ${threads} thread(s) ...\n`);
        const row = await benchTorch(threads, options);
        if (row) rows.push(row);
        else {
          rows.push({ engine: 'pytorch', backend: 'torch', threads, ms: null, note: `${options.python} cannot import torch` });
          break;
        }
      }
      const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${cores}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
      process.stdout.write(`conv VAE training step, batch ${options.batch}, 32×32×1 — ${machine}\n\n${formatBenchTable(rows)}\n`);
    });
}
