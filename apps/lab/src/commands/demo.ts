/**
 * `disentangle demo` (what `npm run demo` runs): the declaration and budget named by
 * papers/index.ts's DEMO, through the same runner as `reproduce`, into runs/demo/. It ends
 * with pictures of controllable synthesis: a label moved into its own latent subspace, and a
 * face model switching an attribute on and off and drawing it in many styles.
 * Running it again resumes the runs and only redoes what is missing.
 */
import type { Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { join } from 'node:path';
import { DEMO, paperById } from '../papers';
import { loadModelRegistry } from '../registry/model-registry';
import type { PaperDeclaration } from '../reproduce/declaration';
import { reproducePaper, type Reproduction } from '../reproduce/runner';
import { withCommonOptions, type CommonOptions } from './common-options';

export interface DemoOptions extends CommonOptions {
  runsDir: string;
  name: string;
  /** The declaration to run (default: papers/index.ts's DEMO paper); tests pass a smaller copy. */
  paper?: PaperDeclaration;
  progressStream?: NodeJS.WriteStream;
  log?: (line: string) => void;
}

export async function runDemo(options: DemoOptions): Promise<{ dir: string; report: string; results: Reproduction }> {
  const paper = options.paper ?? paperById(DEMO.paper);
  const registry = await loadModelRegistry();
  const backend = await initBackend({ backend: options.backend, threads: options.threads });
  (options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
  return reproducePaper({
    paper,
    registry,
    budget: DEMO.budget,
    runsDir: options.runsDir,
    dir: join(options.runsDir, options.name),
    seed: options.seed,
    backend,
    command: `disentangle demo${options.seed ? ` --seed ${options.seed}` : ''}`,
    log: options.log,
    progressStream: options.progressStream,
  });
}

export function addDemoCommand(program: Command): void {
  const command = program
    .command('demo')
    .description(`a few minutes of controllable synthesis (${paperById(DEMO.paper).budgets[DEMO.budget].description}); writes runs/demo/report.md and its figures`)
    .option('--runs-dir <dir>', 'where the demo is written', 'runs')
    .option('--name <name>', 'directory under --runs-dir', 'demo');
  withCommonOptions(command).action(async (options: DemoOptions) => {
    const { dir, report, results } = await runDemo(options);
    const lines = [
      `demo finished in ${(results.seconds / 60).toFixed(1)} min on ${results.backend}`,
      ...results.tables.flatMap((t) => Object.entries(t.cells).flatMap(([model, cells]) => Object.entries(cells).filter(([, v]) => v).map(([key, v]) => `  ${t.id} ${model} ${key}: ${v!.value.toFixed(3)}`))),
      `report: ${report}`,
      ...results.figures.map((f) => `figure: ${join(dir, f.file)}  (${f.title})`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
