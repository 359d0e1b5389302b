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

export const WEIGHTS_MANIFEST_FILE = 'model.json';
export const WEIGHTS_DATA_FILE = 'weights.bin';
export const WEIGHTS_FORMAT = 'disentangle-weights';
const GENERATED_BY = '@disentangle/kernels';
/** Largest model.json read (64 MiB): bigger is corruption, not a manifest. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** Dtypes whose byte size follows from the shape, so the binary's length can be checked. */
const BYTES_PER_ELEMENT = { float32: 4, int32: 4, bool: 1 } as const;
type SupportedDtype = keyof typeof BYTES_PER_ELEMENT;

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

export interface RestoreVariablesOptions {
  /** Allow names in the checkpoint that match no variable (they are ignored). Default false. */
  allowExtra?: boolean;
  /** Allow variables with no entry in the checkpoint (they keep their values). Default false. */
  allowMissing?: boolean;
}

/** The manifest written to `model.json`. */
export interface WeightsManifestJson {
  format: string;
  generatedBy: string;
  weightsManifest: tf.io.WeightsManifestConfig;
  userDefinedMetadata: Record<string, unknown>;
  /** SHA-256 (hex) of each weights file, by the file name in `weightsManifest[].paths`; absent in old manifests. */
  checksums?: Record<string, string>;
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

  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.mkdir(parent, { recursive: true });
  const temp = path.join(parent, siblingName(base, 'tmp'));
  inFlight.add(temp);
  try {
    await fs.mkdir(temp);
    await writeFileSynced(path.join(temp, WEIGHTS_DATA_FILE), new Uint8Array(data));
    await writeFileSynced(path.join(temp, WEIGHTS_MANIFEST_FILE), manifestText);
    await syncDirectory(temp);
    await options.beforeCommit?.(temp);
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
async function resolveCheckpointDir(dir: string): Promise<string> {
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

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function validateManifest(value: unknown, file: string): WeightsManifestJson {
  const fail = (what: string): never => {
    throw new Error(`invalid weights manifest ${file}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object');
  const manifest = value as Partial<WeightsManifestJson>;
  if (!Array.isArray(manifest.weightsManifest)) fail('"weightsManifest" must be an array');
  const seen = new Set<string>();
  manifest.weightsManifest!.forEach((group, g) => {
    if (typeof group !== 'object' || group === null) fail(`weightsManifest[${g}] must be an object`);
    if (!Array.isArray(group.paths) || group.paths.length === 0) fail(`weightsManifest[${g}].paths must be a non-empty array`);
    for (const p of group.paths) {
      if (typeof p !== 'string' || p === '' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
        fail(`weightsManifest[${g}].paths holds ${JSON.stringify(p)}; expected a file name inside the checkpoint directory`);
      }
    }
    if (!Array.isArray(group.weights)) fail(`weightsManifest[${g}].weights must be an array`);
    group.weights.forEach((w, i) => {
      const where = `weightsManifest[${g}].weights[${i}]`;
      if (typeof w !== 'object' || w === null) fail(`${where} must be an object`);
      if (typeof w.name !== 'string' || w.name === '') fail(`${where}.name must be a non-empty string`);
      if (seen.has(w.name)) fail(`the name "${w.name}" appears twice`);
      seen.add(w.name);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail(`${where} ("${w.name}") has shape ${JSON.stringify(w.shape)}; expected an array of non-negative integers`);
      }
      if (!(w.dtype in BYTES_PER_ELEMENT)) {
        fail(`${where} ("${w.name}") has dtype ${JSON.stringify(w.dtype)}; expected float32, int32 or bool`);
      }
      if (w.quantization != null) fail(`${where} ("${w.name}") is quantized; quantized weights are not supported`);
    });
  });
  const metadata = manifest.userDefinedMetadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    fail('"userDefinedMetadata" must be an object');
  }
  const checksums = manifest.checksums;
  if (checksums !== undefined) {
    if (typeof checksums !== 'object' || checksums === null || Array.isArray(checksums)) fail('"checksums" must be an object');
    for (const [file, hash] of Object.entries(checksums!)) {
      if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) fail(`checksums["${file}"] must be a SHA-256 in hex, got ${JSON.stringify(hash)}`);
    }
  }
  return {
    ...(checksums !== undefined ? { checksums } : {}),
    format: String(manifest.format ?? ''),
    generatedBy: String(manifest.generatedBy ?? ''),
    weightsManifest: manifest.weightsManifest!,
    userDefinedMetadata: metadata as Record<string, unknown>,
  };
}

/** Reads and validates `model.json` in `dir` (no tensors are created). */
export async function readWeightsManifest(dir: string): Promise<WeightsManifestJson> {
  const file = path.join(path.resolve(dir), WEIGHTS_MANIFEST_FILE);
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
  return validateManifest(parsed, file);
}

/**
 * Loads every tensor saved in `dir`, with the metadata saved alongside. The caller owns the
 * returned tensors (dispose them). Throws when the manifest is missing or unparseable, or
 * when a weights file's length differs from what the manifest describes ("corrupt").
 */
export async function loadWeights(dir: string): Promise<{ tensors: tf.NamedTensorMap; metadata: Record<string, unknown> }> {
  const source = await resolveCheckpointDir(dir);
  const manifest = await readWeightsManifest(source);
  const buffers: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest.weightsManifest) {
    const expected = group.weights.reduce(
      (sum, w) => sum + elementCount(w.shape) * BYTES_PER_ELEMENT[w.dtype as SupportedDtype],
      0,
    );
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
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    joined.set(b, offset);
    offset += b.byteLength;
  }
  const tensors = tf.io.decodeWeights(joined.buffer, specs);
  return { tensors, metadata: manifest.userDefinedMetadata };
}

function toVariableMap(variables: Record<string, tf.Variable> | tf.Variable[]): Record<string, tf.Variable> {
  if (!Array.isArray(variables)) return variables;
  const map: Record<string, tf.Variable> = {};
  for (const v of variables) {
    if (v.name in map) throw new Error(`two variables are named "${v.name}"`);
    map[v.name] = v;
  }
  return map;
}

/**
 * Assigns `tensors[name]` into `variables[name]` (array form: keyed by `variable.name`),
 * after checking every pair first so nothing is assigned when anything is wrong. Throws an
 * error naming each variable that is missing from `tensors` (unless `allowMissing`), each
 * tensor with no variable (unless `allowExtra`), and each shape or dtype mismatch.
 * Returns the names assigned. Does not dispose `tensors`.
 */
export function assignVariables(
  tensors: tf.NamedTensorMap,
  variables: Record<string, tf.Variable> | tf.Variable[],
  options: RestoreVariablesOptions & { source?: string } = {},
): string[] {
  const map = toVariableMap(variables);
  const source = options.source ?? 'the saved tensors';
  const problems: string[] = [];
  const assigned: string[] = [];
  for (const [name, variable] of Object.entries(map)) {
    const value = tensors[name];
    if (value === undefined) {
      if (!options.allowMissing) problems.push(`variable "${name}" is missing from ${source} (pass allowMissing to keep its value)`);
      continue;
    }
    if (!tf.util.arraysEqual(value.shape, variable.shape)) {
      problems.push(`variable "${name}": shape [${variable.shape.join(',')}] in the model, [${value.shape.join(',')}] in ${source}`);
    } else if (value.dtype !== variable.dtype) {
      problems.push(`variable "${name}": dtype ${variable.dtype} in the model, ${value.dtype} in ${source}`);
    } else {
      assigned.push(name);
    }
  }
  if (!options.allowExtra) {
    for (const name of Object.keys(tensors)) {
      if (!(name in map)) problems.push(`"${name}" in ${source} matches no variable (pass allowExtra to ignore it)`);
    }
  }
  if (problems.length > 0) throw new Error(`cannot restore variables:\n  ${problems.join('\n  ')}`);
  for (const name of assigned) map[name].assign(tensors[name]);
  return assigned;
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
  const { tensors } = await loadWeights(dir);
  try {
    return assignVariables(tensors, variables, { ...options, source: `checkpoint ${dir}` });
  } finally {
    tf.dispose(tensors);
  }
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
 * `key`): rebuilds the model with `create(config)` — `config` overrides the saved one — and
 * assigns every variable, disposing the model if any check fails.
 */
export async function loadModelWithConfig<C, M extends { variables: Record<string, tf.Variable>; dispose(): void }>(
  dir: string,
  key: string,
  create: (config: C) => M,
  config?: C,
): Promise<M> {
  const { tensors, metadata } = await loadWeights(dir);
  try {
    const saved = (config ?? metadata[key]) as C | undefined;
    if (!saved) throw new Error(`${dir} has no '${key}' config in its metadata; pass the config`);
    const model = create(saved);
    try {
      assignVariables(tensors, model.variables, { allowExtra: true, source: `checkpoint ${dir}` });
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    tf.dispose(tensors);
  }
}
