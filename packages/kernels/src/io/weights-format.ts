/**
 * The checkpoint format every @disentangle model is saved in, and what reading it needs that
 * does not depend on where the bytes come from (a directory in Node, a URL in a browser).
 *
 * `model.json` is a standard TensorFlow.js weights manifest (`weightsManifest`, what
 * `tf.io.http`, `tf.io.loadWeights` and `tf.io.decodeWeights` read) with the model's config in
 * `userDefinedMetadata` and each weights file's SHA-256 in `checksums`. No Node API here: this
 * module is part of the browser entry.
 */
import * as tf from '@tensorflow/tfjs-core';

export const WEIGHTS_MANIFEST_FILE = 'model.json';
export const WEIGHTS_DATA_FILE = 'weights.bin';
export const WEIGHTS_FORMAT = 'disentangle-weights';

/** Dtypes whose byte size follows from the shape, so the binary's length can be checked. */
export const BYTES_PER_ELEMENT = { float32: 4, int32: 4, bool: 1 } as const;
export type SupportedDtype = keyof typeof BYTES_PER_ELEMENT;

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

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A manifest's relative path must not leave its directory: no absolute paths (POSIX, UNC, drive letters). */
function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p);
}

/** The bytes a manifest group describes (float32/int32: 4 per element, bool: 1). */
export function expectedGroupBytes(group: tf.io.WeightsManifestConfig[number]): number {
  return group.weights.reduce((sum, w) => sum + elementCount(w.shape) * BYTES_PER_ELEMENT[w.dtype as SupportedDtype], 0);
}

/** One ArrayBuffer holding `parts` back to back (tf.io.decodeWeights reads a single buffer). */
export function joinBuffers(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, b) => sum + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const b of parts) {
    joined.set(b, offset);
    offset += b.byteLength;
  }
  return joined.buffer;
}

/** What loading a checkpoint gives, wherever it came from. The caller disposes `tensors`. */
export interface LoadedWeights {
  tensors: tf.NamedTensorMap;
  metadata: Record<string, unknown>;
}

/** Assigns loaded weights into `variables` (assignVariables' checks), then disposes the loaded tensors. */
export function assignLoaded(
  loaded: LoadedWeights,
  variables: Record<string, tf.Variable> | tf.Variable[],
  options: RestoreVariablesOptions,
  source: string,
): string[] {
  try {
    return assignVariables(loaded.tensors, variables, { ...options, source: `checkpoint ${source}` });
  } finally {
    tf.dispose(loaded.tensors);
  }
}

/**
 * Rebuilds a model from loaded weights: `create(config)` with `config` (or the one saved under
 * `metadata[key]`), then assigns every variable; the model is disposed if any check fails.
 * Shared by the Node loader (a directory) and the browser loader (a URL).
 */
export function modelFromWeights<C, M extends { variables: Record<string, tf.Variable>; dispose(): void }>(
  loaded: LoadedWeights,
  source: string,
  key: string,
  create: (config: C) => M,
  config?: C,
): M {
  const saved = (config ?? loaded.metadata[key]) as C | undefined;
  if (!saved) throw new Error(`${source} has no '${key}' config in its metadata; pass the config`);
  const model = create(saved);
  try {
    assignVariables(loaded.tensors, model.variables, { allowExtra: true, source: `checkpoint ${source}` });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

export function validateManifest(value: unknown, file: string): WeightsManifestJson {
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
      if (typeof p !== 'string' || p === '' || isAbsolutePath(p) || p.split(/[\\/]/).includes('..')) {
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
