/** Options every training-style command shares, and their parsing. */
import { InvalidArgumentError, type Command } from 'commander';
import type { BackendRequest } from '@disentangle/kernels';

export const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface CommonOptions {
  backend: BackendRequest;
  threads?: number;
  seed: number;
}

export function parseBackend(value: string): BackendRequest {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}`);
  }
  return value as BackendRequest;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

/** A positive finite number such as a learning rate ('1e-3'); 'abc', '0', 'Infinity' are refused. */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number (e.g. 1e-3), got '${value}'`);
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

/** Adds --backend and --threads to a command (seeds come with its jobs: `sweep`, `worker`). */
export function withBackendOptions(command: Command): Command {
  return command
    .option('--backend <name>', `tfjs backend: ${BACKENDS.join(' | ')}`, parseBackend, 'auto' as BackendRequest)
    .option('--threads <n>', 'wasm threads (default: as many as work reliably)', parsePositiveInt);
}

/** Adds --backend, --threads and --seed to a command. */
export function withCommonOptions(command: Command): Command {
  return withBackendOptions(command)
    .option('--seed <n>', 'random seed; the same seed on the same backend repeats a run', parseNonNegativeInt, 0);
}
