/**
 * What every training run ends with: the loss curve and summary.json, and the one-line
 * description the commands print.
 */
import { join } from 'node:path';
import { writeFileAtomic, type BackendChoice } from '@disentangle/kernels';
import { renderLossCurveSvg } from '../images/loss-curve';
import { RunDirectory, SIGNAL_EXIT_CODES, type MetricsRecord, type StopSignal, type TrainResult } from '@disentangle/training';

/**
 * A run stopped by SIGINT or SIGTERM after saving its checkpoint and summary: the command
 * stops too (a `reproduce` does not go on to its next cell) and the process exits 130 / 143,
 * so `train && eval` does not carry on as if training had finished.
 */
export class TrainingInterruptedError extends Error {
  readonly exitCode: number;
  constructor(
    readonly signal: StopSignal,
    readonly step: number,
    readonly runPath: string,
  ) {
    super(`interrupted by ${signal} at step ${step}; the checkpoint is saved in ${runPath}: run the same command again to resume`);
    this.name = 'TrainingInterruptedError';
    this.exitCode = SIGNAL_EXIT_CODES[signal];
  }
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
