/**
 * Checkpoints of a run, under `runs/<name>/checkpoints/`:
 *
 * ```
 * checkpoints/step-00000040/   model.json + weights.bin (saveWeights, written atomically); the
 *                              manifest's userDefinedMetadata holds { checkpoint: { step, savedAt, state } }
 * checkpoints/latest.json      { "step": 40, "dir": "step-00000040" }, replaced atomically after the save
 * ```
 *
 * The commit order is: step directory (atomic) → latest.json (atomic) → delete old step
 * directories. A crash at any point leaves a loadable checkpoint: `loadLatestCheckpoint`
 * trusts latest.json and falls back to the newest complete `step-*` directory when
 * latest.json is missing, unreadable, or points to a missing or corrupt directory.
 *
 * Every float tensor is checked for finiteness on save (a diverged step is never saved) and
 * on load (a checkpoint holding NaN is skipped like a corrupt one, with a warning naming it);
 * the weights file's SHA-256 in the manifest (kernels' weight IO) catches bytes that changed.
 *
 * Optimizer state: tf.train optimizers expose their slots (Adam's moments, the iteration
 * count) through `getWeights()` / `setWeights()`. They are saved as tensors named
 * `optimizer/<name>/<slot name>` in the same checkpoint, in `getWeights()` order (which
 * `setWeights()` relies on; it follows the order of the variable list given to `minimize`,
 * so pass the same list in the same order after a resume). Adam and Adamax also keep the
 * running products β₁ᵗ, β₂ᵗ of their bias correction, which `setWeights()` recomputes as
 * `pow(β, t + 1)`: a float32 power differs in the last bits from the product accumulated step
 * by step, so a resume would not be bit-exact. They are saved as `optimizer/<name>/@accBeta1`
 * (and `@accBeta2`) and assigned back after `setWeights()`.
 */
import { assignVariables, loadWeights, processIsAlive, saveWeights, writeFileAtomic } from '@disentangle/kernels';
import { assertFiniteTensors } from './finite-tensors';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import type { RunDirectory } from './run-directory';

export const LATEST_FILE = 'latest.json';
export const DEFAULT_KEEP_CHECKPOINTS = 3;
/** Prefix of optimizer slot tensors in a checkpoint: `optimizer/<name>/<slot>`. */
export const OPTIMIZER_PREFIX = 'optimizer/';

/** Anything with a checkpoints directory: a RunDirectory, or `{ checkpointsDir }`. */
export type CheckpointRun = Pick<RunDirectory, 'checkpointsDir'>;

/** JSON-serialisable training state saved with the tensors: step, RNG state, data cursor... */
export type CheckpointState = Record<string, unknown>;

export interface CheckpointLocation {
  step: number;
  /** Absolute path of the step directory. */
  dir: string;
}

export interface LoadedCheckpoint<S extends CheckpointState = CheckpointState> extends CheckpointLocation {
  /** Every saved tensor, model and optimizer alike; the caller owns them (tf.dispose). */
  tensors: tf.NamedTensorMap;
  state: S;
  /** When the checkpoint was written (ISO 8601). */
  savedAt: string;
}

export interface SaveCheckpointOptions {
  /** How many checkpoints to keep, newest by step; older ones are deleted. Default 3. */
  keep?: number;
  /** Optimizers whose state to save, by name: saved as `optimizer/<name>/...`. */
  optimizers?: Record<string, tf.Optimizer>;
  /**
   * Fault-injection hook for tests: called once the step directory is committed and before
   * latest.json points at it (the window in which a crash leaves latest.json one behind).
   */
  beforeLatest?: (location: CheckpointLocation) => void | Promise<void>;
}

export interface LoadCheckpointOptions {
  /** Told when latest.json is unusable or a checkpoint is skipped. Default: console.warn. */
  onWarning?: (message: string) => void;
}

/** `step-00000040` for step 40. */
export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

const STEP_DIR = /^step-(\d{8,})$/;

function assertStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`checkpoint step must be a non-negative integer, got ${step}`);
}

function toRecord(tensors: Record<string, tf.Tensor> | tf.Variable[]): Record<string, tf.Tensor> {
  if (!Array.isArray(tensors)) return { ...tensors };
  const record: Record<string, tf.Tensor> = {};
  for (const v of tensors) {
    if (v.name in record) throw new Error(`two variables are named "${v.name}"`);
    record[v.name] = v;
  }
  return record;
}

function optimizerPrefix(name: string): string {
  if (name === '' || name.includes('/')) throw new Error(`invalid optimizer name ${JSON.stringify(name)}: no slashes, not empty`);
  return `${OPTIMIZER_PREFIX}${name}/`;
}

/**
 * Private scalar variables of tfjs optimizers that `getWeights()` leaves out but a bit-exact
 * resume needs: Adam's and Adamax's running β₁ᵗ (and Adam's β₂ᵗ).
 */
const EXTRA_OPTIMIZER_SCALARS = ['accBeta1', 'accBeta2'] as const;
/** Marks extra scalars among a checkpoint's optimizer tensors (no slot name starts with it). */
const EXTRA_MARK = '@';

function extraScalars(optimizer: tf.Optimizer): { key: string; variable: tf.Variable }[] {
  const fields = optimizer as unknown as Record<string, unknown>;
  return EXTRA_OPTIMIZER_SCALARS.filter((key) => fields[key] instanceof tf.Variable).map((key) => ({ key, variable: fields[key] as tf.Variable }));
}

/**
 * The optimizer's state (iteration count, then its slot variables, in `getWeights()` order,
 * then the extra scalars as `<prefix>@accBeta1`...)
 * as new tensors named `<prefix><slot name>`. They share memory with the optimizer's
 * variables until those change; the caller disposes them.
 */
export async function collectOptimizerWeights(optimizer: tf.Optimizer, prefix = OPTIMIZER_PREFIX): Promise<tf.NamedTensorMap> {
  const weights = await optimizer.getWeights();
  const collected: tf.NamedTensorMap = {};
  try {
    for (const { name, tensor } of weights) {
      const key = `${prefix}${name}`;
      if (key in collected) throw new Error(`optimizer weight "${name}" appears twice`);
      collected[key] = tf.clone(tensor);
    }
    for (const { key, variable } of extraScalars(optimizer)) collected[`${prefix}${EXTRA_MARK}${key}`] = tf.clone(variable);
  } catch (error) {
    tf.dispose(collected);
    throw error;
  } finally {
    // getWeights() returns the live slot variables plus a fresh scalar for the iteration count.
    const iterations = weights[0];
    if (iterations && !(iterations.tensor instanceof tf.Variable)) iterations.tensor.dispose();
  }
  return collected;
}

/**
 * Restores state saved by `collectOptimizerWeights` (the tensors named `<prefix>...`, in
 * saved order) into `optimizer`, disposing the slot variables it replaces. The tensors are
 * not disposed (the optimizer keeps its own references).
 */
export async function restoreOptimizerWeights(
  optimizer: tf.Optimizer,
  tensors: tf.NamedTensorMap,
  prefix = OPTIMIZER_PREFIX,
): Promise<void> {
  const all = Object.keys(tensors)
    .filter((key) => key.startsWith(prefix))
    .map((key) => ({ name: key.slice(prefix.length), tensor: tensors[key] }));
  const selected = all.filter((w) => !w.name.startsWith(EXTRA_MARK));
  const extras = new Map(all.filter((w) => w.name.startsWith(EXTRA_MARK)).map((w) => [w.name.slice(EXTRA_MARK.length), w.tensor]));
  if (selected.length === 0) throw new Error(`no optimizer state named "${prefix}..." to restore`);
  if (selected[0].name !== 'iter') {
    throw new Error(`optimizer state "${prefix}..." must start with its iteration count "${prefix}iter", found "${prefix}${selected[0].name}"`);
  }
  const previous = await optimizer.getWeights();
  await optimizer.setWeights(selected);
  // setWeights() made new variables; the old slot variables (and getWeights' fresh
  // iteration scalar) are no longer referenced by the optimizer.
  tf.dispose(previous.map((w) => w.tensor));
  // After setWeights(), which recomputed them as powers: the saved running products.
  // A checkpoint from before they were saved keeps the recomputed values.
  for (const { key, variable } of extraScalars(optimizer)) {
    const saved = extras.get(key);
    if (saved === undefined) continue;
    if (saved.size !== 1 || saved.dtype !== variable.dtype) {
      throw new Error(`optimizer state "${prefix}${EXTRA_MARK}${key}" must be a ${variable.dtype} scalar, got ${saved.dtype} of shape [${saved.shape}]`);
    }
    tf.tidy(() => variable.assign(tf.reshape(saved, variable.shape)));
  }
}

/**
 * Writes `checkpoints/step-<step>/` (tensors or variables, plus each optimizer's state, with
 * `state` in the metadata), then points latest.json at it, then deletes all but the newest
 * `keep` checkpoints. Returns the new checkpoint's location.
 */
export async function saveCheckpoint(
  run: CheckpointRun,
  step: number,
  tensors: Record<string, tf.Tensor> | tf.Variable[],
  state: CheckpointState = {},
  options: SaveCheckpointOptions = {},
): Promise<CheckpointLocation> {
  assertStep(step);
  const keep = options.keep ?? DEFAULT_KEEP_CHECKPOINTS;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a positive integer, got ${keep}`);
  const named = toRecord(tensors);
  for (const name of Object.keys(named)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) throw new Error(`tensor name "${name}" is reserved for optimizer state (prefix "${OPTIMIZER_PREFIX}")`);
  }
  const owned: tf.NamedTensorMap[] = [];
  const dirName = checkpointDirName(step);
  const dir = path.join(run.checkpointsDir, dirName);
  try {
    for (const [name, optimizer] of Object.entries(options.optimizers ?? {})) {
      const weights = await collectOptimizerWeights(optimizer, optimizerPrefix(name));
      owned.push(weights);
      Object.assign(named, weights);
    }
    // A diverged step must not become the checkpoint every later resume starts from.
    await assertFiniteTensors(named, `checkpoint of step ${step} not saved`);
    const metadata = { checkpoint: { step, savedAt: new Date().toISOString(), state } };
    await saveWeights(dir, named, { metadata });
  } finally {
    for (const weights of owned) tf.dispose(weights);
  }
  await options.beforeLatest?.({ step, dir });
  await writeFileAtomic(path.join(run.checkpointsDir, LATEST_FILE), `${JSON.stringify({ step, dir: dirName })}\n`);
  await removeStaleLatestTemps(run);

  const all = await listCheckpoints(run);
  const newest = all.slice(-keep).map((c) => c.step);
  for (const checkpoint of all) {
    if (checkpoint.step !== step && !newest.includes(checkpoint.step)) {
      await fs.rm(checkpoint.dir, { recursive: true, force: true });
    }
  }
  return { step, dir };
}

/** `.latest.json.tmp-<pid>-<hex>`: writeFileAtomic's temporary file, left behind when its writer died. */
const LATEST_TEMP = /^\.latest\.json\.tmp-(\d+)-[0-9a-f]+$/;

/** Deletes temporary latest.json files of writers that are gone (a crash mid-write). */
export async function removeStaleLatestTemps(run: CheckpointRun): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(run.checkpointsDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = LATEST_TEMP.exec(entry);
    // This process's own temporaries are in flight (writeFileAtomic removes them itself).
    if (!match || processIsAlive(Number(match[1]))) continue;
    await fs.rm(path.join(run.checkpointsDir, entry), { force: true });
    removed.push(entry);
  }
  return removed;
}

/** The `step-*` directories in the run's checkpoints directory, oldest first (not checked for completeness). */
export async function listCheckpoints(run: CheckpointRun): Promise<CheckpointLocation[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(run.checkpointsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: CheckpointLocation[] = [];
  for (const entry of entries) {
    const match = STEP_DIR.exec(entry);
    if (match) found.push({ step: Number(match[1]), dir: path.join(run.checkpointsDir, entry) });
  }
  return found.sort((a, b) => a.step - b.step);
}

async function readLatest(run: CheckpointRun, warn: (m: string) => void): Promise<CheckpointLocation | undefined> {
  const file = path.join(run.checkpointsDir, LATEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as { step?: unknown; dir?: unknown };
    if (typeof value.dir !== 'string' || !STEP_DIR.test(value.dir) || !Number.isSafeInteger(value.step)) {
      throw new Error('expected { "step": <integer>, "dir": "step-<digits>" }');
    }
    return { step: value.step as number, dir: path.join(run.checkpointsDir, value.dir) };
  } catch (error) {
    warn(`ignoring unreadable ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

async function loadCheckpointDir<S extends CheckpointState>(location: CheckpointLocation): Promise<LoadedCheckpoint<S>> {
  const { tensors, metadata } = await loadWeights(location.dir);
  const info = metadata.checkpoint as { step?: unknown; savedAt?: unknown; state?: unknown } | undefined;
  if (typeof info !== 'object' || info === null || info.step !== location.step) {
    tf.dispose(tensors);
    throw new Error(`${location.dir} is not a checkpoint of step ${location.step} (its metadata says ${JSON.stringify(info?.step)})`);
  }
  try {
    await assertFiniteTensors(tensors, `${location.dir} is unusable`);
  } catch (error) {
    tf.dispose(tensors);
    throw error;
  }
  return {
    step: location.step,
    dir: location.dir,
    tensors,
    state: (info.state ?? {}) as S,
    savedAt: String(info.savedAt ?? ''),
  };
}

/**
 * The run's latest checkpoint, or null for a run with none. Reads latest.json; if it is
 * missing, unreadable, or names a missing or corrupt directory, falls back to the newest
 * `step-*` directory that loads. Throws when checkpoints exist but none loads (rather than
 * let training silently restart from scratch).
 */
export async function loadLatestCheckpoint<S extends CheckpointState = CheckpointState>(
  run: CheckpointRun,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint<S> | null> {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const candidates = (await listCheckpoints(run)).reverse();
  const latest = await readLatest(run, warn);
  const failures: string[] = [];
  if (latest) {
    try {
      return await loadCheckpointDir<S>(latest);
    } catch (error) {
      const message = (error as Error).message;
      failures.push(`${path.basename(latest.dir)}: ${message}`);
      warn(`${LATEST_FILE} names ${path.basename(latest.dir)}, which cannot be loaded (${message}); trying older checkpoints`);
    }
  } else if (candidates.length > 0) {
    warn(`no usable ${path.join(run.checkpointsDir, LATEST_FILE)}; using the newest complete step-* directory`);
  }
  for (const candidate of candidates) {
    if (latest && candidate.dir === latest.dir) continue;
    try {
      return await loadCheckpointDir<S>(candidate);
    } catch (error) {
      failures.push(`${path.basename(candidate.dir)}: ${(error as Error).message}`);
      warn(`skipping ${candidate.dir}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`no loadable checkpoint in ${run.checkpointsDir}:\n  ${failures.join('\n  ')}`);
  }
  return null;
}

export interface RestoreCheckpointOptions {
  /** Optimizers to restore, by the names they were saved under. */
  optimizers?: Record<string, tf.Optimizer>;
  /** Allow model variables with no saved value. Default false. */
  allowMissing?: boolean;
  /** Allow saved model tensors that match no variable. Default false. */
  allowExtra?: boolean;
}

/**
 * Assigns a loaded checkpoint's model tensors into `variables` (strictly: the error names
 * any missing, extra or mismatched variable, and nothing is assigned) and restores each
 * named optimizer. Saved optimizer state not asked for is ignored (e.g. when evaluating).
 * Does not dispose the checkpoint's tensors.
 */
export async function restoreCheckpoint(
  checkpoint: Pick<LoadedCheckpoint, 'tensors' | 'dir'>,
  variables: Record<string, tf.Variable> | tf.Variable[],
  options: RestoreCheckpointOptions = {},
): Promise<void> {
  const model: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(checkpoint.tensors)) {
    if (!name.startsWith(OPTIMIZER_PREFIX)) model[name] = tensor;
  }
  const optimizers = Object.entries(options.optimizers ?? {});
  for (const [name] of optimizers) {
    const prefix = optimizerPrefix(name);
    if (!Object.keys(checkpoint.tensors).some((key) => key.startsWith(prefix))) {
      throw new Error(`checkpoint ${checkpoint.dir} holds no state for optimizer "${name}"`);
    }
  }
  assignVariables(model, variables, {
    allowMissing: options.allowMissing,
    allowExtra: options.allowExtra,
    source: `checkpoint ${checkpoint.dir}`,
  });
  for (const [name, optimizer] of optimizers) {
    await restoreOptimizerWeights(optimizer, checkpoint.tensors, optimizerPrefix(name));
  }
}

/**
 * The checkpoint of exactly `step` (a chosen resume point: `fromStep`, `--from-step N`), or an
 * error listing the steps there are. Unlike `loadLatestCheckpoint` it never falls back.
 */
export async function loadCheckpointAt<S extends CheckpointState = CheckpointState>(run: CheckpointRun, step: number): Promise<LoadedCheckpoint<S>> {
  assertStep(step);
  const all = await listCheckpoints(run);
  const found = all.find((c) => c.step === step);
  if (!found) {
    const steps = all.map((c) => c.step);
    throw new Error(`no checkpoint of step ${step} in ${run.checkpointsDir}; ${steps.length ? `there are steps ${steps.join(', ')}` : 'there are none'}`);
  }
  return loadCheckpointDir<S>(found);
}

/**
 * Deletes the checkpoints after `step` and points latest.json at `step`'s: resuming from an
 * older checkpoint on purpose (a diverged one after it) must not find the newer ones again
 * after the next crash.
 */
export async function discardCheckpointsAfter(run: CheckpointRun, step: number): Promise<number[]> {
  assertStep(step);
  const all = await listCheckpoints(run);
  const later = all.filter((c) => c.step > step);
  const latestFile = path.join(run.checkpointsDir, LATEST_FILE);
  // Step 0 (start over) has no checkpoint: then no latest.json may point anywhere.
  if (all.some((c) => c.step === step)) await writeFileAtomic(latestFile, `${JSON.stringify({ step, dir: checkpointDirName(step) })}\n`);
  else await fs.rm(latestFile, { force: true });
  for (const checkpoint of later) await fs.rm(checkpoint.dir, { recursive: true, force: true });
  return later.map((c) => c.step);
}
