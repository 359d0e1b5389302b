/** What `sample`, `swap` and `eval` share: opening a trained run with a backend, and output paths. */
import { initBackend, type BackendRequest } from '@disentangle/kernels';
import { resolve, join } from 'node:path';
import { loadModelRegistry } from '../registry/model-registry';
import { openModelRun, type OpenedRun } from '../runs/model-run';

export interface TrainedRunCommandOptions {
  /** When given, `initBackend` runs first; otherwise the active backend is used (e.g. from reproduce). */
  backend?: BackendRequest;
  threads?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

/** Initialises the backend when one is requested (saying which), then opens the run. */
export async function openRunForCommand(runDir: string, options: TrainedRunCommandOptions, { loadData = true } = {}): Promise<OpenedRun> {
  const log = options.log ?? stderrLog;
  if (options.backend) {
    const backend = await initBackend({ backend: options.backend, threads: options.threads });
    log(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
  }
  return openModelRun(runDir, await loadModelRegistry(), { loadData });
}

/** --out when given (resolved), else `dir/file`. */
export function outputPath(out: string | undefined, dir: string, file: string): string {
  return out ? resolve(out) : join(dir, file);
}

/** A file name part from a label name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}
