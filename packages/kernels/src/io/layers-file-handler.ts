/**
 * A `tf.io` handler that saves and loads tfjs-layers models (and anything else that speaks
 * `tf.io.ModelArtifacts`) on disk in Node, without tfjs-node:
 *
 * ```ts
 * await model.save(fileSystemHandler('my-model'));          // or model.save('file://my-model')
 * const again = await tf.loadLayersModel('file://my-model/model.json');
 * ```
 *
 * The directory holds the **standard** tfjs layout, `model.json` (modelTopology, format,
 * weightsManifest, trainingConfig, userDefinedMetadata, …) and `weights.bin`, so the same files
 * served over HTTP load in a browser with `tf.loadLayersModel('https://…/model.json')`.
 * Beyond the standard fields, `checksums` holds the SHA-256 of `weights.bin`, checked on load.
 * Writes are atomic (`writeDirectoryAtomic`): a crash leaves the previous model or the new one.
 *
 * Importing `@disentangle/kernels` in Node registers `file://` for `model.save` and
 * `tf.loadLayersModel`, unless another handler (tfjs-node's) already serves that scheme.
 */
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import { WEIGHTS_DATA_FILE, WEIGHTS_MANIFEST_FILE, joinBuffers, validateManifest } from './weights-format';
import { GENERATED_BY, resolveCheckpointDir, readManifestJson, readWeightsFiles, sha256Hex, writeDirectoryAtomic } from './weights-io';

export const FILE_SCHEME = 'file://';

/** The directory a `file://` path (or plain path) names: `…/model.json` means its folder. */
function directoryOf(location: string): string {
  const bare = location.startsWith(FILE_SCHEME) ? location.slice(FILE_SCHEME.length) : location;
  if (bare === '') throw new Error('fileSystemHandler: empty path');
  return path.resolve(path.basename(bare) === WEIGHTS_MANIFEST_FILE ? path.dirname(bare) : bare);
}

/** The tf.io.ModelArtifacts fields that go into model.json, beside the weights manifest. */
const JSON_FIELDS = ['modelTopology', 'format', 'generatedBy', 'convertedBy', 'trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const;

/** Saves to and loads from the directory `location` (a path, `file://path` or `…/model.json`). */
export function fileSystemHandler(location: string): tf.io.IOHandler {
  const dir = directoryOf(location);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`fileSystemHandler: binary model topologies (graph models) are not supported (saving to ${dir})`);
      }
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const bytes = new Uint8Array(weightData);
      const json: Record<string, unknown> = {};
      for (const field of JSON_FIELDS) if (artifacts[field] !== undefined) json[field] = artifacts[field];
      json.generatedBy ??= GENERATED_BY;
      json.weightsManifest = [{ paths: [WEIGHTS_DATA_FILE], weights: artifacts.weightSpecs ?? [] }];
      json.checksums = { [WEIGHTS_DATA_FILE]: sha256Hex(bytes) };
      await writeDirectoryAtomic(dir, { [WEIGHTS_DATA_FILE]: bytes, [WEIGHTS_MANIFEST_FILE]: `${JSON.stringify(json)}\n` });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const source = await resolveCheckpointDir(dir);
      const file = path.join(source, WEIGHTS_MANIFEST_FILE);
      const json = (await readManifestJson(file)) as tf.io.ModelJSON & { checksums?: Record<string, string> };
      if (json.weightsManifest === undefined) {
        if (json.modelTopology === undefined) throw new Error(`${file} holds neither a model topology nor a weights manifest`);
        return tf.io.getModelArtifactsForJSON(json, async () => [[], new ArrayBuffer(0)]);
      }
      const manifest = validateManifest(json, file);
      const { buffers, specs } = await readWeightsFiles(source, manifest);
      return tf.io.getModelArtifactsForJSON(json, async () => [specs, joinBuffers(buffers)]);
    },
  };
}

/** True while this module asks tf.io which other routers serve a URL (its own router then answers null). */
let probing = false;

function otherHandlerServes(url: string, kind: 'save' | 'load'): boolean {
  probing = true;
  try {
    return (kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url)).length > 0;
  } finally {
    probing = false;
  }
}

/** tf.io's router type (not exported by tfjs-core 4.22). */
type FileRouter = Parameters<typeof tf.io.registerSaveRouter>[0];

function fileRouter(kind: 'save' | 'load'): FileRouter {
  // tf.io's routers answer null for URLs they do not serve (its IORouter type omits the null).
  return ((url: string | string[]): tf.io.IOHandler | null => {
    if (probing || Array.isArray(url) || !url.startsWith(FILE_SCHEME)) return null;
    // tfjs refuses a URL two routers serve: defer to tfjs-node's handler when it is loaded.
    if (otherHandlerServes(url, kind)) return null;
    return fileSystemHandler(url);
  }) as FileRouter;
}

/**
 * Marks the process, not this module: with two copies of this package loaded (two installs, or a
 * test runner re-evaluating modules), two routers would each defer to the other and neither
 * would serve `file://`.
 */
const REGISTERED = Symbol.for('@disentangle/kernels/file-system-router');

/** Registers `file://` for `model.save` and `tf.loadLayersModel` (once per process; done on import). */
export function registerFileSystemRouter(): void {
  const global = globalThis as { [REGISTERED]?: true };
  if (global[REGISTERED]) return;
  global[REGISTERED] = true;
  tf.io.registerSaveRouter(fileRouter('save'));
  tf.io.registerLoadRouter(fileRouter('load'));
}

registerFileSystemRouter();
