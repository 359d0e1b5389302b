/**
 * What every training command shares around the trainer: its options (run name, time
 * budget, batch, ...), setting up the backend and the run directory, and afterwards the
 * loss curve and summary.json. Each command keeps only its model, data and pictures.
 */
import type { Command } from 'commander';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, writeFileAtomic, type BackendChoice } from '@disentangle/kernels';
import { renderLossCurveSvg } from '../images/loss-curve';
import { RunDirectory, type MetricsRecord, type TrainResult } from '@disentangle/training';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from '../commands/common-options';

export interface TrainingRunOptions extends CommonOptions {
  name: string;
  runsDir: string;
  steps: number;
  seconds: number;
  batch: number;
  trainSize: number;
  learningRate: number;
  fresh?: boolean;
}

export interface TrainingRunDefaults {
  name: string;
  steps: number;
  seconds: number;
  batch: number;
  trainSize: number;
  learningRate: number;
}

/** Adds the shared training-run options (and --backend/--threads/--seed) to a command. */
export function withTrainingRunOptions(command: Command, defaults: TrainingRunDefaults): Command {
  return withCommonOptions(
    command
      .option('--name <name>', 'run name under --runs-dir', defaults.name)
      .option('--runs-dir <dir>', 'where runs are written', 'runs')
      .option('--steps <n>', 'maximum training steps', parsePositiveInt, defaults.steps)
      .option('--seconds <n>', 'training time budget in seconds', parsePositiveInt, defaults.seconds)
      .option('--batch <n>', 'batch size', parsePositiveInt, defaults.batch)
      .option('--train-size <n>', 'number of drawn training examples', parsePositiveInt, defaults.trainSize)
      .option('--learning-rate <x>', 'Adam learning rate', Number, defaults.learningRate)
      .option('--fresh', 'delete the run directory first instead of resuming it'),
  );
}

/** Sets the backend (saying which), then opens the run — resuming it unless --fresh. */
export async function startTrainingRun(
  options: TrainingRunOptions,
  config: Record<string, unknown>,
): Promise<{ choice: BackendChoice; run: RunDirectory }> {
  const choice = await initBackend({ backend: options.backend, threads: options.threads });
  const threads = choice.threads ? ` (${choice.threads} thread${choice.threads > 1 ? 's' : ''})` : '';
  process.stderr.write(`backend: ${choice.backend}${threads}\n`);
  if (options.fresh) await rm(join(options.runsDir, options.name), { recursive: true, force: true });
  const run = await RunDirectory.openOrCreate(options.runsDir, options.name, {
    ...config,
    seed: options.seed,
    steps: options.steps,
    batch: options.batch,
    trainSize: options.trainSize,
    learningRate: options.learningRate,
  });
  return { choice, run };
}

/**
 * Writes images/loss-curve.svg (the named metrics against the step) and summary.json
 * (backend, steps, how training stopped, first and last logged metrics, plus `extra`, which
 * may be computed from the logged metrics).
 */
export async function finishTrainingRun(
  run: RunDirectory,
  choice: BackendChoice,
  result: TrainResult,
  curve: { metrics: string[]; title: string; yLabel?: string },
  extra: Record<string, unknown> | ((metrics: MetricsRecord[]) => Record<string, unknown>) = {},
): Promise<{ summary: Record<string, unknown>; metrics: MetricsRecord[] }> {
  const metrics = await run.readMetrics();
  if (metrics.length > 0 && curve.metrics.length > 0) {
    const series = curve.metrics.map((name) => ({ name, steps: metrics.map((m) => m.step), values: metrics.map((m) => Number(m[name])) }));
    await writeFileAtomic(join(run.imagesDir, 'loss-curve.svg'), renderLossCurveSvg(series, { title: curve.title, yLabel: curve.yLabel }));
  }
  const summary = {
    backend: choice.backend,
    threads: choice.threads,
    resumedFrom: result.resumedFrom,
    step: result.step,
    stoppedBy: result.stoppedBy,
    firstLogged: metrics[0] ?? null,
    lastLogged: metrics[metrics.length - 1] ?? null,
    ...(typeof extra === 'function' ? extra(metrics) : extra),
  };
  await writeFileAtomic(join(run.path, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { summary, metrics };
}

/** The first line a training command prints when it is done. */
export function describeTrainingResult(summary: Record<string, unknown>): string {
  const resumed = summary.resumedFrom ? ` (resumed from step ${summary.resumedFrom})` : '';
  return `trained to step ${summary.step} on ${summary.backend}${resumed}`;
}
