/**
 * The one training loop (single-optimiser mode for now; the model issues add the
 * adversarial-alternating and coupled-optimiser modes here, never a copy per model).
 *
 * It resumes from the run's latest checkpoint (weights, optimizer moments and the
 * caller's state such as the RNG), logs metrics as JSONL, shows a progress bar,
 * checkpoints atomically every `checkpointEvery` steps and on Ctrl-C, and stops with an
 * error naming the step and the loss terms as soon as a loss is not finite.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ProgressBar } from '../progress';
import type { RunDirectory } from '../run/run-directory';
import { loadLatestCheckpoint, restoreCheckpoint, saveCheckpoint } from '../run/checkpoints';

/** Loss terms of one step: `total` is minimised, the rest are logged. */
export type LossTerms = { total: tf.Scalar } & Record<string, tf.Scalar>;

export interface TrainerOptions {
  run: RunDirectory;
  /** Step count to reach (a resumed run continues from its checkpoint's step). */
  totalSteps: number;
  variables: Record<string, tf.Variable>;
  optimizer: tf.Optimizer;
  /** Builds the step's losses; called inside the optimizer's gradient tape. */
  losses: (step: number) => LossTerms;
  /** Checkpoint period in steps (default 200), plus one at the end and on SIGINT. */
  checkpointEvery?: number;
  /** Metrics line period in steps (default 10). */
  logEvery?: number;
  /** Stop early, checkpointing, after this many seconds of training (e.g. the demo's minute). */
  timeBudgetSeconds?: number;
  /** Caller state saved with each checkpoint and handed back on resume (RNG state, data cursor). */
  getState?: () => Record<string, unknown>;
  setState?: (state: Record<string, unknown>) => void;
  label?: string;
  /** Where the progress bar writes (default stderr); tests pass a sink. */
  progressStream?: NodeJS.WriteStream;
}

export interface TrainResult {
  /** Step reached. */
  step: number;
  /** Step the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  stoppedBy: 'completed' | 'time-budget' | 'interrupt';
  /** Last logged loss values. */
  last: Record<string, number>;
}

export class NonFiniteLossError extends Error {
  constructor(step: number, values: Record<string, number>) {
    const terms = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ');
    super(`loss is not finite at step ${step} (${terms}); the last checkpoint was kept. Lower the learning rate or check the inputs for NaN.`);
    this.name = 'NonFiniteLossError';
  }
}

export async function train(options: TrainerOptions): Promise<TrainResult> {
  const { run, totalSteps, variables, optimizer } = options;
  const checkpointEvery = options.checkpointEvery ?? 200;
  const logEvery = options.logEvery ?? 10;
  const varList = Object.values(variables);

  let step = 0;
  const latest = await loadLatestCheckpoint(run);
  if (latest) {
    try {
      await restoreCheckpoint(latest, variables, { optimizers: { main: optimizer } });
    } finally {
      tf.dispose(latest.tensors);
    }
    step = latest.step;
    if (latest.state.user && options.setState) options.setState(latest.state.user as Record<string, unknown>);
    // Metrics logged after the checkpoint belong to steps that will run again.
    await run.discardMetricsAfter(step);
  }
  const resumedFrom = step;

  const checkpoint = async () => {
    await saveCheckpoint(run, step, variables, { user: options.getState?.() ?? {} }, { optimizers: { main: optimizer } });
  };

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\ninterrupt: finishing this step and saving a checkpoint (Ctrl-C again to abort)\n');
  };
  process.on('SIGINT', onSigint);

  const bar = new ProgressBar({ label: options.label ?? 'train', total: totalSteps, start: step, stream: options.progressStream });
  const startedAt = Date.now();
  let stoppedBy: TrainResult['stoppedBy'] = 'completed';
  let last: Record<string, number> = {};
  try {
    while (step < totalSteps) {
      let terms: Record<string, tf.Scalar> = {};
      const cost = optimizer.minimize(
        () => {
          const losses = options.losses(step);
          // `total` comes back as the cost; the other terms are kept past the tape for logging.
          terms = Object.fromEntries(Object.entries(losses).filter(([k]) => k !== 'total').map(([k, v]) => [k, tf.keep(v)]));
          return losses.total;
        },
        true,
        varList,
      ) as tf.Scalar;
      terms = { total: cost, ...terms };
      const values: Record<string, number> = {};
      for (const [name, t] of Object.entries(terms)) values[name] = (await t.data())[0];
      tf.dispose(Object.values(terms));
      step++;
      if (Object.values(values).some((v) => !Number.isFinite(v))) throw new NonFiniteLossError(step, values);
      last = values;
      bar.update(step, values);
      const outOfTime = options.timeBudgetSeconds !== undefined && (Date.now() - startedAt) / 1000 >= options.timeBudgetSeconds;
      if (step % logEvery === 0 || step === totalSteps || interrupted || outOfTime) await run.appendMetrics({ step, ...values });
      if (step % checkpointEvery === 0 || step === totalSteps || interrupted || outOfTime) await checkpoint();
      if (interrupted) { stoppedBy = 'interrupt'; break; }
      if (outOfTime) { stoppedBy = 'time-budget'; break; }
    }
  } finally {
    process.off('SIGINT', onSigint);
    bar.finish();
  }
  return { step, resumedFrom, stoppedBy, last };
}
