/**
 * Atomic save and load of named tensors in the standard TensorFlow.js weights layout.
 *
 * A checkpoint directory holds two files:
 *
 * ```
 * <dir>/model.json   { format, generatedBy, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }],
 *                      userDefinedMetadata }
 * <dir>/weights.bin  the tensors' bytes, concatenated in manifest order (tf.io.encodeWeights)
 * ```
 *
 * `weightsManifest` is exactly what `tf.io.loadWeights` / `tf.io.decodeWeights` read, so a
 * checkpoint can also be served over HTTP and fetched in a browser.
 *
 * Each weights file's SHA-256 is stored in the manifest (`checksums: { "weights.bin": "<hex>" }`)
 * and checked on load: a file of the right length holding random bytes or zeros (a torn
 * write, a bad disk, a careless copy) is reported as corrupt instead of loading silently.
 * Manifests written before checksums existed still load (they are checked by length only).
 *
 * Writes are atomic: everything goes into a hidden temporary sibling directory
 * (`.<name>.tmp-<pid>-<random>`), each file is fsynced, then the directory is renamed into
 * place. An existing checkpoint is first renamed aside (`.<name>.old-<pid>-<random>`) and
 * removed only after the new one is in place, so at every instant a complete checkpoint
 * exists: at `dir`, or (for the instant between the two renames) in the `.old-` sibling,
 * which `loadWeights` falls back to when `dir` itself is missing. Leftovers from a crashed
 * writer are ignored by `loadWeights` and removed by the next successful `saveWeights`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';

import {
  BYTES_PER_ELEMENT,
  WEIGHTS_DATA_FILE,
  WEIGHTS_FORMAT,
  WEIGHTS_MANIFEST_FILE,
  assignLoaded,
  expectedGroupBytes,
  joinBuffers,
  modelFromWeights,
  validateManifest,
  type LoadedWeights,
  type RestoreVariablesOptions,
  type WeightsManifestJson,
} from './weights-format';
import { isUrl, loadWeightsFromUrl } from './weights-url';

export const GENERATED_BY = '@disentangle/kernels';
/** Largest model.json read (64 MiB): bigger is corruption, not a manifest. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface SaveWeightsOptions {
  /** JSON-serialisable data stored as the manifest's `userDefinedMetadata`. Default `{}`. */
  metadata?: Record<string, unknown>;
  /**
   * Fault-injection hook for tests: called after the temporary directory is complete and
   * fsynced, just before it is renamed into place. Throwing aborts the save (the previous
   * checkpoint is untouched and the temporary directory is removed).
   */
  beforeCommit?: (tempDir: string) => void | Promise<void>;
}

/** The SHA-256 of `bytes` as lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Temporary directories of saves in flight in this process: never cleaned as stale. */
const inFlight = new Set<string>();

function toNamedTensorMap(tensors: Record<string, tf.Tensor> | tf.Variable[]): tf.NamedTensorMap {
  const named: tf.NamedTensorMap = {};
  if (Array.isArray(tensors)) {
    for (const variable of tensors) {
      if (!(variable instanceof tf.Variable)) {
        throw new Error('saveWeights: an array argument must hold tf.Variable objects (they are saved under variable.name)');
      }
      if (variable.name in named) throw new Error(`saveWeights: two variables are named "${variable.name}"`);
      named[variable.name] = variable;
    }
  } else {
    for (const [name, tensor] of Object.entries(tensors)) named[name] = tensor;
  }
  for (const [name, tensor] of Object.entries(named)) {
    if (name === '') throw new Error('saveWeights: tensor names must be non-empty');
    if (!(tensor instanceof tf.Tensor)) throw new Error(`saveWeights: "${name}" is not a tf.Tensor`);
    if (tensor.isDisposed) throw new Error(`saveWeights: tensor "${name}" is disposed`);
    if (!(tensor.dtype in BYTES_PER_ELEMENT)) {
      throw new Error(`saveWeights: tensor "${name}" has dtype ${tensor.dtype}; only float32, int32 and bool are supported`);
    }
  }
  return named;
}

async function writeFileSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so renames inside it are durable. Not supported everywhere (Windows): ignored there. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Directory fsync is unsupported on some platforms; the data files themselves were synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` to `file` atomically: a temporary sibling is written and fsynced, then
 * renamed over `file`, then the parent directory is fsynced.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const parent = path.dirname(file);
  const temp = path.join(parent, `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFileSynced(temp, data);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(parent);
}

function siblingName(base: string, kind: 'tmp' | 'old'): string {
  return `.${base}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function siblingPattern(base: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(base)}\\.(tmp|old)-(\\d+)-[0-9a-f]+$`);
}

/** Whether process `pid` still runs on this host (signal 0 probes without signalling; EPERM: it runs as another user). */
export function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The `.tmp-` / `.old-` siblings of `dir`; with `staleOnly`, only those whose writer is gone
 * (a crashed process, or an aborted save of this one).
 */
async function writerSiblings(dir: string, staleOnly: boolean): Promise<{ path: string; kind: 'tmp' | 'old' }[]> {
  const parent = path.dirname(dir);
  const pattern = siblingPattern(path.basename(dir));
  let entries: string[];
  try {
    entries = await fs.readdir(parent);
  } catch {
    return [];
  }
  const stale: { path: string; kind: 'tmp' | 'old' }[] = [];
  for (const entry of entries) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const full = path.join(parent, entry);
    const pid = Number(match[2]);
    const ownedHere = pid === process.pid;
    if (staleOnly && (ownedHere ? inFlight.has(full) : processIsAlive(pid))) continue;
    stale.push({ path: full, kind: match[1] as 'tmp' | 'old' });
  }
  return stale;
}

/**
 * Saves named tensors (or variables, under `variable.name`) to `dir` atomically, replacing
 * any checkpoint already there. Supported dtypes: float32, int32, bool.
 */
export async function saveWeights(
  dir: string,
  tensors: Record<string, tf.Tensor> | tf.Variable[],
  options: SaveWeightsOptions = {},
): Promise<void> {
  const named = toNamedTensorMap(tensors);
  const metadata = options.metadata ?? {};
  const { data, specs } = await tf.io.encodeWeights(named);
  const manifest: WeightsManifestJson = {
    format: WEIGHTS_FORMAT,
    generatedBy: GENERATED_BY,
    weightsManifest: [{ paths: [WEIGHTS_DATA_FILE], weights: specs }],
    userDefinedMetadata: metadata,
    checksums: { [WEIGHTS_DATA_FILE]: sha256Hex(new Uint8Array(data)) },
  };
  // Serialise before touching the disk, so non-JSON metadata fails early.
  let manifestText: string;
  try {
    manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  } catch (error) {
    throw new Error(`saveWeights: metadata is not JSON-serialisable: ${(error as Error).message}`);
  }

  await writeDirectoryAtomic(dir, { [WEIGHTS_DATA_FILE]: new Uint8Array(data), [WEIGHTS_MANIFEST_FILE]: manifestText }, options.beforeCommit);
}

/**
 * Writes `files` (name → bytes or text) as the directory `dir`, atomically: into a hidden
 * temporary sibling, each file and the directory fsynced, then renamed into place (the old
 * directory moved aside first and removed after). `beforeCommit` is the tests' fault hook.
 */
export async function writeDirectoryAtomic(
  dir: string,
  files: Record<string, Uint8Array | string>,
  beforeCommit?: (tempDir: string) => void | Promise<void>,
): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.mkdir(parent, { recursive: true });
  const temp = path.join(parent, siblingName(base, 'tmp'));
  inFlight.add(temp);
  try {
    await fs.mkdir(temp);
    for (const [name, content] of Object.entries(files)) await writeFileSynced(path.join(temp, name), content);
    await syncDirectory(temp);
    await beforeCommit?.(temp);
    await commitDirectory(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    inFlight.delete(temp);
  }
  // The new checkpoint is in place: leftovers of crashed writers are now redundant.
  for (const stale of await writerSiblings(target, true)) await fs.rm(stale.path, { recursive: true, force: true });
}

/** Renames the complete directory `temp` to `target`, moving an existing `target` aside first. */
async function commitDirectory(temp: string, target: string): Promise<void> {
  const parent = path.dirname(target);
  try {
    await fs.rename(temp, target);
    await syncDirectory(parent);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Linux/macOS refuse to rename over a non-empty directory; Windows over any existing one.
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  }
  const aside = path.join(parent, siblingName(path.basename(target), 'old'));
  inFlight.add(aside);
  try {
    await fs.rename(target, aside);
    try {
      await fs.rename(temp, target);
    } catch (error) {
      // Put the previous checkpoint back before reporting the failure.
      await fs.rename(aside, target).catch(() => undefined);
      throw error;
    }
    await syncDirectory(parent);
    await fs.rm(aside, { recursive: true, force: true });
  } finally {
    inFlight.delete(aside);
  }
}

async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the checkpoint for `dir` actually is: `dir` itself, or, when a writer crashed in the
 * instant between moving the old checkpoint aside and renaming the new one into place, the
 * newest complete `.old-` sibling. Returns `dir` when neither exists (the caller reports it).
 */
export async function resolveCheckpointDir(dir: string): Promise<string> {
  const target = path.resolve(dir);
  if (await pathExists(target)) return target;
  const candidates: { path: string; mtimeMs: number }[] = [];
  for (const sibling of await writerSiblings(target, false)) {
    if (sibling.kind !== 'old') continue;
    try {
      const stat = await fs.stat(path.join(sibling.path, WEIGHTS_MANIFEST_FILE));
      candidates.push({ path: sibling.path, mtimeMs: stat.mtimeMs });
    } catch {
      // Not complete: skip.
    }
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return candidates[0]?.path ?? target;
}

/** Reads and validates `model.json` in `dir` (no tensors are created). */
export async function readWeightsManifest(dir: string): Promise<WeightsManifestJson> {
  const file = path.join(path.resolve(dir), WEIGHTS_MANIFEST_FILE);
  return validateManifest(await readManifestJson(file), file);
}

/** `file` parsed as JSON, refusing what is not a plain file of manifest size. */
export async function readManifestJson(file: string): Promise<unknown> {
  let text: string;
  try {
    const stats = await fs.stat(file);
    const { size } = stats;
    // A device or a pipe (a symlink to /dev/urandom) would be read forever.
    if (!stats.isFile()) throw new Error('not a regular file');
    // A manifest lists names and shapes; one this large is not a manifest (and would exhaust memory).
    if (size > MAX_MANIFEST_BYTES) throw new Error(`it holds ${size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`);
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no weights manifest at ${file}`);
    throw new Error(`cannot read weights manifest ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot parse weights manifest ${file}: ${(error as Error).message}`);
  }
  return parsed;
}

/**
 * Loads every tensor saved in `dir`, with the metadata saved alongside. The caller owns the
 * returned tensors (dispose them). Throws when the manifest is missing or unparseable, or
 * when a weights file's length differs from what the manifest describes ("corrupt").
 */
export async function loadWeights(dir: string): Promise<LoadedWeights> {
  // An http(s) address is fetched (loadWeightsFromUrl), so one call serves files and servers.
  if (isUrl(dir)) return loadWeightsFromUrl(dir);
  const source = await resolveCheckpointDir(dir);
  const manifest = await readWeightsManifest(source);
  const { buffers, specs } = await readWeightsFiles(source, manifest);
  const tensors = tf.io.decodeWeights(joinBuffers(buffers), specs);
  return { tensors, metadata: manifest.userDefinedMetadata };
}

/**
 * The bytes of every weights file `manifest` names in `source`, each checked against the
 * manifest: present, of the described length, and of the saved SHA-256.
 */
export async function readWeightsFiles(
  source: string,
  manifest: Pick<WeightsManifestJson, 'weightsManifest' | 'checksums'>,
): Promise<{ buffers: Uint8Array[]; specs: tf.io.WeightsManifestEntry[] }> {
  const buffers: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest.weightsManifest) {
    const expected = expectedGroupBytes(group);
    const files = group.paths.map((p) => path.join(source, p));
    const groupBytes: { file: string; bytes: Uint8Array }[] = [];
    let actual = 0;
    // Sizes first: an oversized file is reported without reading it into memory.
    for (const file of files) {
      let size: number;
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) throw new Error('not a regular file');
        size = stat.size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new Error(`corrupt checkpoint: weights file ${file} named in ${path.join(source, WEIGHTS_MANIFEST_FILE)} is missing`);
        }
        throw new Error(`cannot read weights file ${file}: ${(error as Error).message}`);
      }
      actual += size;
    }
    if (actual !== expected) {
      const shortOrLong = actual < expected ? 'truncated' : 'longer than expected';
      throw new Error(
        `corrupt weights file ${files.join(' + ')}: the manifest describes ${expected} bytes but the file holds ${actual} bytes (${shortOrLong})`,
      );
    }
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch (error) {
        throw new Error(`cannot read weights file ${file}: ${(error as Error).message}`);
      }
      groupBytes.push({ file, bytes });
      buffers.push(bytes);
    }
    // Right length, wrong bytes (random data, zeros): only the checksum tells.
    for (const { file, bytes } of groupBytes) {
      const hash = manifest.checksums?.[path.relative(source, file)];
      if (hash !== undefined && sha256Hex(bytes) !== hash) {
        throw new Error(`corrupt weights file ${file}: its SHA-256 differs from the one in ${path.join(source, WEIGHTS_MANIFEST_FILE)} (the bytes changed after the save)`);
      }
    }
    specs.push(...group.weights);
  }
  return { buffers, specs };
}

/**
 * Assigns the values saved in `dir` into existing variables (record form: keyed by the saved
 * name; array form: by `variable.name`). Nothing is assigned unless every check passes; the
 * error names each offending variable (missing, unexpected extra, shape or dtype mismatch).
 * Returns the names of the variables restored.
 */
export async function restoreVariables(
  dir: string,
  variables: Record<string, tf.Variable> | tf.Variable[],
  options: RestoreVariablesOptions = {},
): Promise<string[]> {
  return assignLoaded(await loadWeights(dir), variables, options, dir);
}

/**
 * A model saved with the config that rebuilds it (each model package's save/load): the
 * weights, and `metadata[key]` = the config.
 */
export async function saveModelWithConfig(dir: string, variables: Record<string, tf.Variable>, key: string, config: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveWeights(dir, variables, { metadata: { ...metadata, [key]: config } });
}

/**
 * Reads what `saveModelWithConfig` wrote (or a training checkpoint carrying the config under
 * `key`) from a directory or an http(s) URL: rebuilds the model with `create(config)` —
 * `config` overrides the saved one — and assigns every variable, disposing the model if any
 * check fails. The browser entry has the same function for URLs.
 */
export async function loadModelWithConfig<C, M extends { variables: Record<string, tf.Variable>; dispose(): void }>(
  dir: string,
  key: string,
  create: (config: C) => M,
  config?: C,
): Promise<M> {
  const loaded = await loadWeights(dir);
  try {
    return modelFromWeights(loaded, dir, key, create, config);
  } finally {
    tf.dispose(loaded.tensors);
  }
}
