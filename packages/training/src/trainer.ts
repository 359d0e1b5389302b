/**
 * The one training loop, for every model's update mode (never a copy per model):
 *   - 'single'      one optimiser over one loss (the `optimizer` + `losses` shorthand);
 *   - 'alternating' phases run in order, each seeing the weights the previous one just
 *                   updated (GAN: discriminator, then generator);
 *   - 'coupled'     every phase's gradients are taken at the same weights, then every
 *                   optimiser applies its own (CSVAE: M1+M2 and the adversary, jointly).
 *
 * It holds the run's lock while it trains (one trainer per run), resumes from the run's
 * latest loadable checkpoint (weights, each phase's optimizer moments and the caller's state
 * such as the RNG) or from `fromStep`'s, keeps metrics.jsonl in step with the restored step
 * (lines after it are dropped, all of them when no checkpoint exists), logs metrics as JSONL,
 * shows a progress bar, checkpoints atomically every `checkpointEvery` steps and when SIGINT
 * or SIGTERM arrives (after the step in flight; a second signal exits at once), never saves
 * non-finite weights, and stops with an error naming the step and the loss terms when a loss
 * is not finite: at that step where the losses are read every step (CPU backends), at the next
 * read, naming the steps in between, where they are not (`readLossesEvery`, WebGPU).
 */
import { assertGradientsRegistered, type LossTerms, type UpdateMode } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { ProgressBar } from './progress';
import type { RunDirectory } from './run-directory';
import {
  discardCheckpointsAfter,
  listCheckpoints,
  loadCheckpointAt,
  loadLatestCheckpoint,
  OPTIMIZER_PREFIX,
  restoreCheckpoint,
  saveCheckpoint,
  type CheckpointLocation,
} from './checkpoints';
import { NonFiniteTensorsError } from './finite-tensors';
import { acquireRunLock } from './run-lock';
import { watchStopSignals, type StopSignal } from './stop-signals';

/** Loss terms of one step: `total` is minimised, the rest are logged. */
export type { LossTerms } from '@disentangle/kernels';

/** One optimiser's share of a training step. */
export interface TrainingPhase {
  /** Names the optimizer in checkpoints and prefixes the phase's logged terms (after the first phase). */
  name: string;
  /** What this phase's optimizer updates; each variable belongs to exactly one phase. */
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  /** Builds the phase's losses; called once per step inside a gradient tape. */
  losses: (step: number) => LossTerms;
  /** Multi-stage training: the phase runs on steps activeFrom ≤ step < activeUntil (defaults 0 and ∞). */
  activeFrom?: number;
  activeUntil?: number;
}

/** Whether `phase` trains at `step` (its stage). */
export function phaseActive(phase: Pick<TrainingPhase, 'activeFrom' | 'activeUntil'>, step: number): boolean {
  return step >= (phase.activeFrom ?? 0) && step < (phase.activeUntil ?? Infinity);
}

interface CommonTrainerOptions {
  run: RunDirectory;
  /** Step count to reach (a resumed run continues from its checkpoint's step). */
  totalSteps: number;
  /** Every variable by name: what checkpoints save and restore. */
  variables: Record<string, tf.Variable>;
  /** Checkpoint period in steps (default 200), plus one at the end and on SIGINT. */
  checkpointEvery?: number;
  /** Metrics line period in steps (default 10). */
  logEvery?: number;
  /**
   * Read the loss terms back every this many steps (they are also read on every logging and
   * checkpoint step, and the last). In between, a step only accumulates a "still finite" flag
   * on the device, so a non-finite loss is reported at the next read, naming the steps it lies
   * in. Default: 1 (every step) on CPU backends, where a read is free; `logEvery` on WebGPU,
   * where each read waits for the GPU.
   */
  readLossesEvery?: number;
  /** Stop early, checkpointing, after this many seconds of training (e.g. the demo's minute). */
  timeBudgetSeconds?: number;
  /** Caller state saved with each checkpoint and handed back on resume (RNG state, data cursor). */
  getState?: () => Record<string, unknown>;
  setState?: (state: Record<string, unknown>) => void;
  label?: string;
  /** Called before each step with the step about to run (e.g. to set a learning-rate schedule). */
  beforeStep?: (step: number) => void;
  /** Where the progress bar writes (default stderr); tests pass a sink. */
  progressStream?: NodeJS.WriteStream;
  /** Called after each step with the step reached, the total and its loss terms (e.g. a job queue's progress). */
  onStep?: (step: number, totalSteps: number, values: Record<string, number>) => void;
  /** Told when a checkpoint lacks an optimizer's state, is skipped, or a stale lock is taken over (default console.warn). */
  onWarning?: (message: string) => void;
  /**
   * Resume from the checkpoint of exactly this step instead of the latest (e.g. the last good
   * one before a divergence); later checkpoints and metrics are deleted. 0 starts over.
   */
  fromStep?: number;
  /** Fault-injection hook for tests: between a checkpoint's step directory and latest.json. */
  beforeLatest?: (location: CheckpointLocation) => void | Promise<void>;
}

/** One optimizer over all of `variables`: the phase 'main' of a 'single' update. */
export interface SingleOptimizerOptions extends CommonTrainerOptions {
  optimizer: tf.Optimizer;
  /** Builds the step's losses; called inside the optimizer's gradient tape. */
  losses: (step: number) => LossTerms;
  phases?: never;
  update?: never;
}

export interface PhasedTrainerOptions extends CommonTrainerOptions {
  phases: TrainingPhase[];
  update: UpdateMode;
  optimizer?: never;
  losses?: never;
}

export type TrainerOptions = SingleOptimizerOptions | PhasedTrainerOptions;

export interface TrainResult {
  /** Step reached. */
  step: number;
  /** Step the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  stoppedBy: 'completed' | 'time-budget' | 'interrupt';
  /** The signal that interrupted the run (stoppedBy 'interrupt'); a CLI exits 130 / 143 after it. */
  signal?: StopSignal;
  /** Last logged loss values. */
  last: Record<string, number>;
}

/** Where to go after a divergence: the checkpoints there are, and how to resume from one. */
function divergenceAdvice(checkpoints: number[]): string {
  if (checkpoints.length === 0) return 'No checkpoint was saved; start over with a lower learning rate, or check the inputs for NaN.';
  return (
    `Saved checkpoints: step ${checkpoints.join(', ')}; nothing after step ${checkpoints[checkpoints.length - 1]} was saved. ` +
    'Resume from one with `fromStep` (disentangle train: --from-step N), or start over with a lower learning rate; check the inputs for NaN.'
  );
}

export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    values: Record<string, number>,
    readonly checkpoints: number[] = [],
    /** With deferred reads: the first step after the last read, when the loss went non-finite somewhere in [since, step]. */
    readonly since: number = step,
  ) {
    const terms = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ');
    const where = since === step ? `at step ${step}` : `at a step between ${since} and ${step} (the losses of steps in between were not read back; readLossesEvery: 1 finds the step)`;
    super(`loss is not finite ${where} (${terms}). ${divergenceAdvice(checkpoints)}`);
    this.name = 'NonFiniteLossError';
  }
}

/** The weights (or optimizer state) went non-finite: the checkpoint of `step` was not written. */
export class NonFiniteWeightsError extends Error {
  constructor(
    readonly step: number,
    cause: NonFiniteTensorsError,
    readonly checkpoints: number[] = [],
  ) {
    super(`${cause.message}. ${divergenceAdvice(checkpoints)}`);
    this.name = 'NonFiniteWeightsError';
  }
}

/** The phase the shorthand stands for; named 'main' so checkpoints from before phases existed still resume. */
const SINGLE_PHASE_NAME = 'main';

/** The options as phases plus an update mode, whichever form the caller used. */
function resolvePhases(options: TrainerOptions): { phases: TrainingPhase[]; update: UpdateMode } {
  if (options.phases === undefined) {
    if (options.optimizer === undefined || options.losses === undefined) {
      throw new Error('train: give either `optimizer` and `losses`, or `phases` and `update`');
    }
    // Object.values order: the variable order the optimizer's saved slots follow.
    const phase = { name: SINGLE_PHASE_NAME, variables: Object.values(options.variables), optimizer: options.optimizer, losses: options.losses };
    return { phases: [phase], update: 'single' };
  }
  if (options.optimizer !== undefined || options.losses !== undefined) {
    throw new Error('train: `optimizer` and `losses` are the single-optimiser shorthand; with `phases`, give each phase its own');
  }
  validatePhases(options.phases, options.update, options.variables);
  return { phases: options.phases, update: options.update };
}

/** Fails before any step runs, naming the field, on phases that could not train or checkpoint correctly. */
function validatePhases(phases: TrainingPhase[], update: UpdateMode, variables: Record<string, tf.Variable>): void {
  if (!['single', 'alternating', 'coupled'].includes(update)) {
    throw new Error(`train: \`update\` must be 'single', 'alternating' or 'coupled', got ${JSON.stringify(update)}`);
  }
  if (phases.length === 0) throw new Error('train: `phases` is empty; give at least one phase');
  if (update === 'single' && phases.length > 1) {
    throw new Error(`train: update 'single' takes exactly one phase, got ${phases.length} (${phases.map((p) => p.name).join(', ')}); use 'alternating' or 'coupled'`);
  }
  const checkpointed = new Set(Object.values(variables));
  const phaseOfVariable = new Map<tf.Variable, string>();
  const phaseOfOptimizer = new Map<tf.Optimizer, string>();
  const names = new Set<string>();
  for (const phase of phases) {
    // The name becomes the checkpoint prefix `optimizer/<name>/`.
    if (phase.name === '' || phase.name.includes('/')) {
      throw new Error(`train: phase name ${JSON.stringify(phase.name)} is invalid (\`phases[].name\` must be non-empty, without '/')`);
    }
    if (names.has(phase.name)) throw new Error(`train: two phases are named "${phase.name}" (\`phases[].name\` must be unique)`);
    names.add(phase.name);
    if (phase.variables.length === 0) throw new Error(`train: phase "${phase.name}" has no \`variables\` to optimise`);
    const sharedWith = phaseOfOptimizer.get(phase.optimizer);
    if (sharedWith !== undefined) {
      throw new Error(`train: phases "${sharedWith}" and "${phase.name}" share one \`optimizer\`; give each phase its own`);
    }
    phaseOfOptimizer.set(phase.optimizer, phase.name);
    for (const variable of phase.variables) {
      if (!checkpointed.has(variable)) {
        throw new Error(`train: phase "${phase.name}" optimises variable "${variable.name}", which is missing from \`variables\` (checkpoints would lose it)`);
      }
      const owner = phaseOfVariable.get(variable);
      if (owner !== undefined) {
        throw new Error(`train: variable "${variable.name}" is in the \`variables\` of both phase "${owner}" and phase "${phase.name}"; each variable belongs to one optimiser`);
      }
      phaseOfVariable.set(variable, phase.name);
    }
  }
}

/** A phase's loss value and gradients, at the current weights. The caller disposes all of it. */
interface PhaseGradients {
  phase: TrainingPhase;
  /** The phase's place among all phases (its logged names do not change when an earlier stage ends). */
  index: number;
  /** `total` first, then the other terms, as the phase returned them. */
  terms: Record<string, tf.Scalar>;
  grads: tf.NamedTensorMap;
}

function computePhaseGradients(phase: TrainingPhase, index: number, step: number): PhaseGradients {
  let logged: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const losses = phase.losses(step);
    // The tape disposes everything but `total`; keep the other terms for logging.
    logged = Object.fromEntries(Object.entries(losses).filter(([k]) => k !== 'total').map(([k, v]) => [k, tf.keep(v)]));
    return losses.total;
  }, phase.variables);
  return { phase, index, terms: { total: value, ...logged }, grads };
}

function applyPhaseGradients({ phase, grads }: PhaseGradients): void {
  // In the phase's variable order, as minimize() does: the optimizer's slots are positional,
  // so a variable without a gradient this step must still keep its place (and checkpoints their order).
  phase.optimizer.applyGradients(phase.variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  tf.dispose(Object.values(grads));
}

/** One training step over every phase; returns each phase's terms (the caller disposes them). */
function runStep(phases: TrainingPhase[], update: UpdateMode, step: number): PhaseGradients[] {
  const done: PhaseGradients[] = [];
  try {
    for (const [index, phase] of phases.entries()) {
      if (!phaseActive(phase, step)) continue;
      const computed = computePhaseGradients(phase, index, step);
      done.push(computed);
      // Alternating (and single): update now, so the next phase sees the new weights.
      if (update !== 'coupled') applyPhaseGradients(computed);
    }
    // Coupled: every gradient was taken at the same weights; only now apply them all.
    if (update === 'coupled') for (const computed of done) applyPhaseGradients(computed);
  } catch (error) {
    for (const { terms, grads } of done) tf.dispose([...Object.values(terms), ...Object.values(grads)]);
    throw error;
  }
  return done;
}

/**
 * Steps whose loss terms were not read back: only a flag stays on the device, whether every
 * term of every such step was finite (one tiny op per step, no GPU→CPU read).
 */
class UnreadLosses {
  private finite: tf.Tensor | undefined;
  /** The first step since the last read (1-based, as the loop counts). */
  firstStep: number | undefined;

  add(results: PhaseGradients[], step: number): void {
    const terms = results.flatMap(({ terms }) => Object.values(terms));
    const next = tf.tidy(() => {
      const allFinite = tf.all(tf.isFinite(tf.stack(terms.map((t) => tf.reshape(t, [])))));
      return this.finite ? tf.logicalAnd(this.finite, allFinite) : allFinite;
    });
    tf.dispose([...terms, ...(this.finite ? [this.finite] : [])]);
    this.finite = next;
    this.firstStep ??= step;
  }

  dispose(): void {
    this.finite?.dispose();
    this.finite = undefined;
  }

  /** Whether every unread step was finite (true when there were none); resets. */
  async read(): Promise<boolean> {
    const flag = this.finite;
    this.finite = undefined;
    this.firstStep = undefined;
    if (!flag) return true;
    try {
      return (await flag.data())[0] === 1;
    } finally {
      flag.dispose();
    }
  }
}

/** Logged names: the first phase's terms as they are, later phases' as `<phase>.<term>`. */
async function readTerms(results: PhaseGradients[]): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  try {
    for (const { phase, terms, index } of results) {
      const prefix = index === 0 ? '' : `${phase.name}.`;
      for (const [name, t] of Object.entries(terms)) values[prefix + name] = (await t.data())[0];
    }
  } finally {
    tf.dispose(results.flatMap(({ terms }) => Object.values(terms)));
  }
  return values;
}

function optimizersByPhase(phases: TrainingPhase[]): Record<string, tf.Optimizer> {
  return Object.fromEntries(phases.map((p) => [p.name, p.optimizer]));
}

export async function train(options: TrainerOptions): Promise<TrainResult> {
  const { run, totalSteps, variables } = options;
  // Without registered gradients the first step fails deep in tf.grad, naming no fix.
  assertGradientsRegistered();
  const { phases, update } = resolvePhases(options);
  const optimizers = optimizersByPhase(phases);
  const checkpointEvery = options.checkpointEvery ?? 200;
  const logEvery = options.logEvery ?? 10;
  const readEvery = options.readLossesEvery ?? (tf.getBackend() === 'webgpu' ? logEvery : 1);
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  for (const [field, value] of [['checkpointEvery', checkpointEvery], ['logEvery', logEvery], ['readLossesEvery', readEvery], ['totalSteps', totalSteps]] as const) {
    if (!Number.isSafeInteger(value) || value < (field === 'totalSteps' ? 0 : 1)) throw new Error(`train: \`${field}\` must be a ${field === 'totalSteps' ? 'non-negative' : 'positive'} integer, got ${value}`);
  }

  const lock = await acquireRunLock(run.path, warn);
  try {
    const step = await resume(options, optimizers, warn);
    return await loop(options, phases, update, optimizers, step, { checkpointEvery, logEvery, readEvery });
  } finally {
    await lock.release();
  }
}

/** Restores the checkpoint to continue from (latest, or `fromStep`'s) and aligns metrics.jsonl with it; returns its step. */
async function resume(options: TrainerOptions, optimizers: Record<string, tf.Optimizer>, warn: (message: string) => void): Promise<number> {
  const { run, variables } = options;
  let step = 0;
  const fromStep = options.fromStep;
  const latest = fromStep === undefined ? await loadLatestCheckpoint(run, { onWarning: warn }) : fromStep === 0 ? null : await loadCheckpointAt(run, fromStep);
  if (latest) {
    try {
      // Published weights leave the optimiser state out: those phases continue with fresh moments.
      const saved = Object.fromEntries(Object.entries(optimizers).filter(([name]) => Object.keys(latest.tensors).some((key) => key.startsWith(`${OPTIMIZER_PREFIX}${name}/`))));
      for (const name of Object.keys(optimizers).filter((n) => !(n in saved))) {
        warn(`checkpoint ${latest.dir} holds no state for optimizer "${name}"; it starts with fresh moments`);
      }
      await restoreCheckpoint(latest, variables, { optimizers: saved });
    } finally {
      tf.dispose(latest.tensors);
    }
    step = latest.step;
    if (latest.state.user && options.setState) options.setState(latest.state.user as Record<string, unknown>);
  }
  if (fromStep !== undefined) {
    const dropped = await discardCheckpointsAfter(run, fromStep);
    if (dropped.length > 0) warn(`resuming from step ${fromStep}: deleted the later checkpoints (step ${dropped.join(', ')})`);
  }
  // Metrics logged after the restored step belong to steps that will run again; with no
  // checkpoint (a kill before the first one, a deleted checkpoints/) that is every line.
  await run.discardMetricsAfter(step);
  return step;
}

async function savedSteps(run: RunDirectory): Promise<number[]> {
  return (await listCheckpoints(run)).map((c) => c.step);
}

async function loop(
  options: TrainerOptions,
  phases: TrainingPhase[],
  update: UpdateMode,
  optimizers: Record<string, tf.Optimizer>,
  start: number,
  { checkpointEvery, logEvery, readEvery }: { checkpointEvery: number; logEvery: number; readEvery: number },
): Promise<TrainResult> {
  const { run, totalSteps, variables } = options;
  let step = start;
  const resumedFrom = step;

  const checkpoint = async () => {
    try {
      await saveCheckpoint(run, step, variables, { user: options.getState?.() ?? {} }, { optimizers, beforeLatest: options.beforeLatest });
    } catch (error) {
      if (error instanceof NonFiniteTensorsError) throw new NonFiniteWeightsError(step, error, await savedSteps(run));
      throw error;
    }
  };

  const signals = watchStopSignals();
  const bar = new ProgressBar({ label: options.label ?? 'train', total: totalSteps, start: step, stream: options.progressStream });
  const startedAt = Date.now();
  let stoppedBy: TrainResult['stoppedBy'] = 'completed';
  let last: Record<string, number> = {};
  const unread = new UnreadLosses();
  try {
    while (step < totalSteps) {
      options.beforeStep?.(step);
      const results = runStep(phases, update, step);
      step++;
      // Let pending signal handlers run: tensor reads resolve as microtasks, so without a
      // turn of the event loop a Ctrl-C would wait for the next file write.
      await signals.poll();
      const interrupted = signals.received !== undefined;
      const outOfTime = options.timeBudgetSeconds !== undefined && (Date.now() - startedAt) / 1000 >= options.timeBudgetSeconds;
      const logging = step % logEvery === 0 || step === totalSteps || interrupted || outOfTime;
      const checkpointing = step % checkpointEvery === 0 || step === totalSteps || interrupted || outOfTime;
      if (logging || checkpointing || step % readEvery === 0) {
        const since = unread.firstStep ?? step;
        const finiteBefore = await unread.read();
        const values = await readTerms(results);
        if (!finiteBefore || Object.values(values).some((v) => !Number.isFinite(v))) {
          throw new NonFiniteLossError(step, values, await savedSteps(run), finiteBefore ? step : since);
        }
        last = values;
      } else {
        unread.add(results, step);
      }
      bar.update(step, last);
      options.onStep?.(step, totalSteps, last);
      if (logging) await run.appendMetrics({ step, ...last });
      if (checkpointing) await checkpoint();
      if (interrupted) { stoppedBy = 'interrupt'; break; }
      if (outOfTime) { stoppedBy = 'time-budget'; break; }
    }
  } finally {
    unread.dispose();
    signals.stop();
    bar.finish();
  }
  return { step, resumedFrom, stoppedBy, ...(signals.received ? { signal: signals.received } : {}), last };
}
