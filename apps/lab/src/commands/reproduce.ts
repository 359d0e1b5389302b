/**
 * `disentangle reproduce <paper>`: runs a paper's experiments on our data and writes a
 * markdown report beside the runs. Implemented: csvae (paper 004).
 *
 *   disentangle reproduce csvae --quick      # < 10 min on 2 cores, a smoke test
 *   disentangle reproduce csvae              # the full run (docs/results/csvae.md)
 */
import type { Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { reproduceCsvae } from '../csvae/reproduce-csvae';
import { withCommonOptions, type CommonOptions } from './common-options';

const REPRODUCTIONS: Record<string, (options: ReproduceCommandOptions, command: string) => Promise<{ report: string }>> = {
  csvae: async (options, command) => {
    const backend = await initBackend({ backend: options.backend, threads: options.threads });
    process.stderr.write(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}\n`);
    return reproduceCsvae({ quick: Boolean(options.quick), runsDir: options.runsDir, seed: options.seed, backend, command });
  },
};

interface ReproduceCommandOptions extends CommonOptions {
  quick?: boolean;
  runsDir: string;
}

export function addReproduceCommand(program: Command): void {
  const command = program
    .command('reproduce')
    .description(`run a paper's experiments and write a report: ${Object.keys(REPRODUCTIONS).join(', ')}`)
    .argument('<paper>', `paper: ${Object.keys(REPRODUCTIONS).join(', ')}`)
    .option('--quick', 'a small version that finishes in minutes (a smoke test, not results)')
    .option('--runs-dir <dir>', 'where runs and the report are written', 'runs');
  withCommonOptions(command).action(async (paper: string, options: ReproduceCommandOptions) => {
    const reproduce = Object.hasOwn(REPRODUCTIONS, paper) ? REPRODUCTIONS[paper] : undefined;
    if (!reproduce) throw new Error(`no reproduction for '${paper}'; available: ${Object.keys(REPRODUCTIONS).join(', ')}`);
    const line = `disentangle reproduce ${paper}${options.quick ? ' --quick' : ''}${options.seed ? ` --seed ${options.seed}` : ''}`;
    const { report } = await reproduce(options, line);
    process.stdout.write(`report: ${report}\n`);
  });
}
