/**
 * `disentangle eval`:
 *
 *   disentangle eval classifier --dataset faces [--steps N] [--size 32] [--count 4000] [--out DIR]
 *     trains (or reads from the cache) the dataset's evaluation classifier — the judge every
 *     judged metric (Acc, SR±, AMP, attribute-switch accuracy) uses, whose penultimate layer
 *     is the Fréchet-distance feature network — and prints its held-out accuracy. With --out
 *     the accuracies are also written as metrics.json / metrics.md into DIR.
 *
 *   disentangle eval <run-dir> [--metrics id,id]
 *     rebuilds a trained run (any registry model) and computes every metric of
 *     @disentangle/metrics' registry its capabilities and data allow, or those named; writes
 *     metrics.json / metrics.md into the run.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend, type BackendRequest } from '@disentangle/kernels';
import {
  computeMetric,
  createMetricContext,
  defaultClassifierCacheDir,
  formatHeldOutReport,
  loadOrTrainClassifier,
  metricById,
  metricsReport,
  metricUnavailable,
  METRICS,
  type ClassifierTask,
  type JudgeResult,
  type MetricOptions,
  type MetricRow,
} from '@disentangle/metrics';
import { judgeFor } from '../runs/judges';
import { BACKENDS, parseBackend, parseNonNegativeInt, parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';
import { openRunForCommand } from './trained-run-options';

export interface EvalClassifierOptions extends CommonOptions {
  dataset: string;
  steps?: number;
  batch?: number;
  size?: number;
  count?: number;
  dataSeed?: number;
  /** Procedural faces: identities, and the seed of their factors (a run's judge sees the run's people). */
  identities?: number;
  identitySeed?: number;
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
  if (o.identities !== undefined) parts.push(`--identities ${o.identities}`);
  if (o.identitySeed !== undefined) parts.push(`--identity-seed ${o.identitySeed}`);
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
    data: { size: options.size, count: options.count, seed: options.dataSeed, dir: options.dir, identities: options.identities, identitySeed: options.identitySeed },
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

/** Metrics `eval <run-dir>` computes when none are named: every one that takes no options. */
const DEFAULT_METRIC_OPTIONS: Record<string, MetricOptions[]> = {
  'knn-label-readout': [{ parts: 'label' }, { parts: 'free' }],
};

export interface EvalRunOptions {
  /** Metric ids (default: every metric this model and these data allow). */
  metrics?: string[];
  judgeSteps?: number;
  judgeCount?: number;
  log?: (line: string) => void;
}

/**
 * Evaluates a trained run with every metric of the registry its model and data allow (or
 * those asked for), judged by the dataset's cached or newly trained judge, and writes
 * metrics.json / metrics.md into the run.
 */
export async function runEvalRunDirectory(runDir: string, options: EvalRunOptions = {}): Promise<{ markdown: string; rows: MetricRow[] }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { run, entry, model, data, step } = await openRunForCommand(runDir, { log });
  try {
    const prepared = data!;
    const asked = options.metrics?.length ? options.metrics : Object.keys(METRICS);
    const command = `disentangle eval ${runDir}${options.metrics?.length ? ` --metrics ${options.metrics.join(',')}` : ''}`;
    const context = createMetricContext({
      model,
      data: prepared,
      logs: await run.readMetrics(),
      judge: () => judgeFor(prepared, { steps: options.judgeSteps, count: options.judgeCount }, log),
    });
    const rows: MetricRow[] = [];
    for (const id of asked) {
      const metric = metricById(id);
      const why = metricUnavailable(metric, entry.capabilities, prepared, model);
      if (why) {
        if (options.metrics?.length) throw new Error(`metric '${id}' cannot be computed for ${entry.name} on '${prepared.spec.dataset}': ${why}`);
        continue;
      }
      const variants = DEFAULT_METRIC_OPTIONS[id] ?? (metric.id === 'factor-correlation' || metric.id === 'training-log' ? [] : [{}]);
      for (const variant of variants) {
        log(`eval: ${id}${Object.keys(variant).length ? ` ${JSON.stringify(variant)}` : ''}`);
        const result = await computeMetric(context, id, variant);
        const details = result.details ? Object.entries(result.details).map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : 'n/a'}`).join(', ') : '';
        rows.push({
          name: `${metric.name}${Object.keys(variant).length ? ` (${Object.values(variant).join(', ')})` : ''}`,
          value: result.value,
          n: result.n,
          ...(result.judge ? { judge: result.judge.name, judgeAccuracy: result.judge.accuracy } : {}),
          // A Fréchet distance names the network whose features it compares (here the judge's).
          ...(/^FID\b/i.test(metric.name) && result.judge ? { featureNetwork: result.judge.name } : {}),
          model: entry.name,
          paper: entry.paper.number,
          command,
          ...(metric.higherIsBetter !== undefined ? { higherIsBetter: metric.higherIsBetter } : {}),
          notes: [`step ${step}`, details].filter(Boolean).join('; '),
        });
      }
    }
    const paths = await metricsReport(run.path, rows, { command, title: `${entry.name} on ${prepared.spec.dataset}, step ${step}` });
    return { markdown: paths.markdown, rows };
  } finally {
    model.dispose();
  }
}

export function addEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description("evaluate a run with its paper's metrics, or train/load an evaluation classifier (`eval classifier`)")
    .argument('<run-dir>', 'a run directory written by `disentangle train` or `reproduce`')
    .option('--metrics <ids>', `metric ids, comma-separated (default: all that apply): ${Object.keys(METRICS).join(', ')}`, (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--judge-steps <n>', 'training steps of the judge when it is not cached (default 1000)', parsePositiveInt)
    .option('--judge-count <n>', 'images the judge trains and tests on (default 4000)', parsePositiveInt)
    .option('--backend <name>', `tfjs backend: ${BACKENDS.join(' | ')}`, parseBackend, 'auto' as BackendRequest)
    .action(async (runDir: string, options: { metrics?: string[]; judgeSteps?: number; judgeCount?: number; backend: BackendRequest }) => {
      await initBackend({ backend: options.backend });
      const { markdown } = await runEvalRunDirectory(runDir, options);
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
      .option('--identities <n>', 'procedural faces: number of identities', parsePositiveInt)
      .option('--identity-seed <n>', "procedural faces: seed of the identities' factors (default: --data-seed)", parseNonNegativeInt)
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
