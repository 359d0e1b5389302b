/**
 * `disentangle eval`:
 *
 *   disentangle eval classifier --dataset faces [--steps N] [--size 32] [--count 4000] [--out DIR]
 *     trains (or reads from the cache) the dataset's evaluation classifier — the judge every
 *     judged metric (Acc, SR±, AMP, attribute-switch accuracy) uses, whose penultimate layer
 *     is the Fréchet-distance feature network — and prints its held-out accuracy. With --out
 *     the accuracies are also written as metrics.json / metrics.md into DIR.
 *
 *   disentangle eval <run-dir>
 *     reads <run-dir>/config.json and evaluates the run with its paper's metrics. No paper
 *     model is implemented yet, so for now this names the model, its paper and the metrics it
 *     will report, and fails.
 */
import { evaluateCsvaeRun } from '../csvae/evaluate-run';
import { isCsvaeRunConfig } from '../csvae/trained-run';
import { Command, InvalidArgumentError } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend } from '@disentangle/kernels';
import {
  defaultClassifierCacheDir,
  formatHeldOutReport,
  loadOrTrainClassifier,
  metricsReport,
  PAPER_METRICS,
  paperOfModel,
  type ClassifierTask,
  type JudgeResult,
  type MetricRow,
} from '@disentangle/metrics';
import { parseNonNegativeInt, parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';

export interface EvalClassifierOptions extends CommonOptions {
  dataset: string;
  steps?: number;
  batch?: number;
  size?: number;
  count?: number;
  dataSeed?: number;
  task?: ClassifierTask;
  /** Directory of a real dataset (celeba, chairs, folder, idx). */
  dir?: string;
  cacheDir?: string;
  retrain?: boolean;
  /** Run directory to write metrics.json / metrics.md into. */
  out?: string;
  /** Where progress goes (default stderr). */
  log?: (line: string) => void;
}

const TASKS: readonly ClassifierTask[] = ['label', 'attributes', 'label+attributes'];

function parseTask(value: string): ClassifierTask {
  if (!(TASKS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${TASKS.join(', ')}`);
  return value as ClassifierTask;
}

/** The command line that reproduces a judge (recorded on metric rows). */
function judgeCommand(o: EvalClassifierOptions): string {
  const parts = ['disentangle eval classifier', `--dataset ${o.dataset}`];
  if (o.steps !== undefined) parts.push(`--steps ${o.steps}`);
  if (o.batch !== undefined) parts.push(`--batch ${o.batch}`);
  if (o.size !== undefined) parts.push(`--size ${o.size}`);
  if (o.count !== undefined) parts.push(`--count ${o.count}`);
  if (o.dataSeed !== undefined) parts.push(`--data-seed ${o.dataSeed}`);
  if (o.task !== undefined) parts.push(`--task ${o.task}`);
  if (o.dir !== undefined) parts.push(`--dir ${o.dir}`);
  if (o.seed) parts.push(`--seed ${o.seed}`);
  return parts.join(' ');
}

/** Metric rows of a judge's held-out report (one per head / attribute). */
export function judgeRows(judge: JudgeResult, command: string): MetricRow[] {
  const { report, classifier } = judge;
  const rows: MetricRow[] = [];
  const common = { n: report.n, command, model: classifier.name, higherIsBetter: true };
  if (report.label) {
    rows.push({ name: 'judge accuracy (label)', value: report.label.accuracy, ...common, notes: `majority baseline ${report.label.majorityBaseline.toFixed(3)}` });
    rows.push({ name: 'judge balanced accuracy (label)', value: report.label.balancedAccuracy, ...common });
  }
  for (const a of report.attributes ?? []) {
    rows.push({ name: `judge accuracy (${a.name})`, value: a.accuracy, ...common, notes: `positives ${a.positiveRate.toFixed(3)}; majority baseline ${a.majorityBaseline.toFixed(3)}` });
    rows.push({ name: `judge balanced accuracy (${a.name})`, value: a.balancedAccuracy, ...common });
  }
  return rows;
}

/** Trains or loads the judge and returns it with its printed report. The caller disposes `judge.classifier`. */
export async function runEvalClassifier(options: EvalClassifierOptions): Promise<{ judge: JudgeResult; text: string; command: string }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const choice = await initBackend({ backend: options.backend, threads: options.threads });
  log(`backend: ${choice.backend}${choice.threads ? ` (${choice.threads} thread${choice.threads > 1 ? 's' : ''})` : ''}`);
  const cacheDir = options.cacheDir ?? defaultClassifierCacheDir();
  const judge = await loadOrTrainClassifier({
    dataset: options.dataset,
    data: { size: options.size, count: options.count, seed: options.dataSeed, dir: options.dir },
    task: options.task,
    seed: options.seed,
    steps: options.steps,
    batchSize: options.batch,
    cacheDir,
    retrain: options.retrain,
    onProgress: (step, loss) => log(`step ${step}: loss ${loss.toFixed(4)}`),
  });
  const command = judgeCommand(options);
  const m = judge.metadata;
  const text = [
    formatHeldOutReport(judge.classifier.name, judge.report),
    `  ${judge.fromCache ? 'cached' : 'trained'}: ${judge.dir}`,
    `  trained ${m.training.steps} steps (batch ${m.training.batchSize}, Adam ${m.training.learningRate}) on ${m.dataset.trainCount} images in ${m.training.seconds.toFixed(1)} s on ${m.training.backend}, ${m.date}`,
  ].join('\n');
  if (options.out) {
    const paths = await metricsReport(resolve(options.out), judgeRows(judge, command), { command, title: `Evaluation classifier ${judge.classifier.name}` });
    log(`wrote ${paths.json} and ${paths.markdown}`);
  }
  return { judge, text, command };
}

/** Thrown by `disentangle eval <run-dir>` for a run it cannot evaluate yet. */
export class NotEvaluableError extends Error {}

/**
 * Evaluates a run directory: a paper-004 run gets its metrics (metrics.json / metrics.md in the
 * run); a run of a model not implemented yet gets an error that says what the run is and what
 * will be measured once its model exists.
 */
export async function runEvalRunDirectory(runDir: string): Promise<{ markdown: string }> {
  const configPath = join(resolve(runDir), 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotEvaluableError(`no run at ${runDir}: ${configPath} does not exist (did you mean \`disentangle eval classifier --dataset <name>\`?)`);
    }
    throw error;
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new NotEvaluableError(`cannot parse ${configPath}: ${(error as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new NotEvaluableError(`${configPath} does not hold a JSON object`);
  if (isCsvaeRunConfig(config)) return evaluateCsvaeRun(runDir);
  const model = config.model;
  if (typeof model !== 'string' || model === '') throw new NotEvaluableError(`${configPath} has no "model" field; cannot tell which paper's metrics apply`);
  const command = typeof config.command === 'string' ? config.command : undefined;
  if (command && command !== 'train' && command !== 'reproduce') {
    throw new NotEvaluableError(
      `run ${runDir} was made by \`disentangle ${command}\` (model '${model}'), a demo rather than a paper model's training run: it has no paper metrics to evaluate (its own numbers are in its summary.json)`,
    );
  }
  const paper = paperOfModel(model);
  if (!paper) throw new NotEvaluableError(`run ${runDir}: unknown model '${model}' in ${configPath}; no paper's metrics apply to it`);
  const info = PAPER_METRICS[paper.paper];
  if (paper.paper === '004') {
    throw new NotEvaluableError(
      `run ${runDir}: config.json names model '${paper.model}' (paper 004) but is not a run written by \`disentangle train ${paper.model}\` (no family: 'csvae', model config and data spec), so it cannot be rebuilt and evaluated. Train one with \`disentangle train ${paper.model} --dataset faces\`.`,
    );
  }
  throw new NotEvaluableError(
    [
      `run ${runDir}: model '${paper.model}' (${paper.description}; paper ${paper.paper}) is not implemented yet — ${paper.package} does not exist in this repository, so the run cannot be evaluated.`,
      `When it exists, eval will report: ${info.metrics.map((m) => m.name).join(', ')}.`,
      'What works now: `disentangle eval classifier --dataset <name>` trains or loads the judge those metrics will use.',
    ].join('\n'),
  );
}

export function addEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description("evaluate a run with its paper's metrics, or train/load an evaluation classifier (`eval classifier`)")
    .argument('<run-dir>', 'run directory holding config.json')
    .action(async (runDir: string) => {
      await initBackend({ backend: 'auto' });
      const { markdown } = await runEvalRunDirectory(runDir);
      process.stdout.write(`${await readFile(markdown, 'utf8')}\nwrote ${markdown}\n`);
    });
  withCommonOptions(
    evalCommand
      .command('classifier')
      .description("train (or read from the cache) a dataset's evaluation classifier and print its held-out accuracy")
      .requiredOption('--dataset <name>', "dataset name (faces, sprites, chairs, coloured-digits, mnist, celeba with --dir, …)")
      .option('--steps <n>', 'Adam steps (default 600)', parsePositiveInt)
      .option('--batch <n>', 'batch size (default 32)', parsePositiveInt)
      .option('--size <n>', 'image side (default 32 for procedural sets)', parsePositiveInt)
      .option('--count <n>', 'procedural images drawn, 20% held out (default 4000)', parsePositiveInt)
      .option('--data-seed <n>', 'seed of the procedural draw (default 0)', parseNonNegativeInt)
      .option('--task <task>', `heads: ${TASKS.join(' | ')} (default: attributes when the set has them, else label)`, parseTask)
      .option('--dir <path>', 'directory of a real dataset')
      .option('--cache-dir <path>', `judge cache (default ${defaultClassifierCacheDir()})`)
      .option('--retrain', 'train even when a cached judge exists')
      .option('--out <run-dir>', 'also write the accuracies as metrics.json / metrics.md there'),
  ).action(async (options: EvalClassifierOptions) => {
    const { judge, text } = await runEvalClassifier(options);
    process.stdout.write(`${text}\n`);
    judge.classifier.dispose();
  });
}
