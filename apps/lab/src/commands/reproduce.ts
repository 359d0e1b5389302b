/**
 * `disentangle reproduce <paper> [--quick | --budget NAME]`: runs a paper declaration
 * (apps/lab/src/papers/) through the one runner and writes report.md and results.json
 * beside its runs. `reproduce --list` shows the papers and their budgets.
 *
 *   disentangle reproduce --list
 *   disentangle reproduce csvae --quick      # minutes: a smoke test of the pipeline
 *   disentangle reproduce csvae              # the full budget (docs/results/csvae.md)
 *   disentangle reproduce csvae --models csvae,condvae   # train those first; the rest later
 */
import type { Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { loadPapers, PAPERS, paperById } from '../papers';
import { loadModelRegistry } from '../registry/model-registry';
import { reproducePaper } from '../reproduce/runner';
import { publishReproduction } from '../reproduce/publish';
import type { PaperDeclaration } from '../reproduce/declaration';
import { withCommonOptions, type CommonOptions } from './common-options';

interface ReproduceCommandOptions extends CommonOptions {
  quick?: boolean;
  budget?: string;
  list?: boolean;
  runsDir: string;
  publish?: string;
  models?: string[];
  datasets?: string[];
}

const commaList = (value: string): string[] => value.split(',').map((v) => v.trim()).filter(Boolean);

export function listPapers(papers: readonly PaperDeclaration[] = PAPERS): string {
  return papers.map((p) => [`${p.id.padEnd(8)} ${p.title} (shared/papers/${p.file})`, ...Object.entries(p.budgets).map(([name, b]) => `           --budget ${name.padEnd(6)} ${b.description}`)].join('\n')).join('\n');
}

/** The command line that repeats a reproduction (printed in its report). */
export function reproduceCommandLine(paper: string, budget: string, seed: number, only: { models?: string[]; datasets?: string[] } = {}): string {
  const budgetFlag = budget === 'full' ? '' : budget === 'quick' ? ' --quick' : ` --budget ${budget}`;
  const filters = `${only.models ? ` --models ${only.models.join(',')}` : ''}${only.datasets ? ` --datasets ${only.datasets.join(',')}` : ''}`;
  return `disentangle reproduce ${paper}${budgetFlag}${filters}${seed ? ` --seed ${seed}` : ''}`;
}

export function addReproduceCommand(program: Command): void {
  const command = program
    .command('reproduce')
    .description(`run a paper's declaration (tables, claims, figures) and write its report: ${PAPERS.map((p) => p.id).join(', ')}`)
    .argument('[paper]', `paper: ${PAPERS.map((p) => p.id).join(', ')}`)
    .option('--list', 'list the papers and their budgets')
    .option('--quick', 'the quick budget: minutes, a smoke test (not results)')
    .option('--budget <name>', "a budget of the declaration (default 'full')")
    .option('--models <names>', 'train only these models now (comma-separated); finished cells of the others are still reported', commaList)
    .option('--datasets <keys>', "train only these of the declaration's datasets now (comma-separated)", commaList)
    .option('--runs-dir <dir>', 'where runs and the report are written', 'runs')
    .option('--publish <dir>', 'also copy the report, figures, reconstructions and weights to <dir>/<paper>.md and <dir>/<paper>/');
  withCommonOptions(command).action(async (paperId: string | undefined, options: ReproduceCommandOptions) => {
    const papers = await loadPapers();
    if (options.list || !paperId) {
      process.stdout.write(`${listPapers(papers)}\n`);
      return;
    }
    const paper = paperById(paperId, papers);
    const budget = options.budget ?? (options.quick ? 'quick' : 'full');
    const registry = await loadModelRegistry();
    const backend = await initBackend({ backend: options.backend, threads: options.threads });
    process.stderr.write(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}\n`);
    const only = { models: options.models, datasets: options.datasets };
    const { report, dir } = await reproducePaper({ paper, registry, budget, runsDir: options.runsDir, seed: options.seed, backend, only, command: reproduceCommandLine(paper.id, budget, options.seed, only) });
    process.stdout.write(`report: ${report}\n`);
    if (options.publish) process.stdout.write(`published: ${await publishReproduction(dir, options.publish, paper.id)}\n`);
  });
}
