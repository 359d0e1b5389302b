/**
 * Loading a checkpoint over HTTP(S): the browser's counterpart of `loadWeights(dir)`, also used
 * by Node when `loadWeights` is given an http(s) address. Only `fetch` and (when the page is a
 * secure context) `crypto.subtle` are needed, so this runs in any browser, worker, Deno or Node.
 *
 * The checks are the directory loader's: a valid manifest, each weights file of exactly the
 * length its manifest describes, and its SHA-256 equal to the one saved in `checksums`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WEIGHTS_MANIFEST_FILE, expectedGroupBytes, joinBuffers, modelFromWeights, validateManifest, type LoadedWeights } from './weights-format';

export interface LoadFromUrlOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Passed to every request (credentials, headers). */
  requestInit?: RequestInit;
}

/** Whether `source` is an http(s) address rather than a file path. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * The manifest's address for `url`: the URL itself when it names a `.json` file, otherwise
 * `<url>/model.json`. Relative URLs resolve against the page's address.
 */
export function manifestUrlOf(url: string): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let parsed: URL;
  try {
    parsed = base ? new URL(url, base) : new URL(url);
  } catch {
    throw new Error(`loadWeightsFromUrl: "${url}" is not a URL (outside a page, give an absolute http(s) address)`);
  }
  if (/\.json$/i.test(parsed.pathname)) return parsed;
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/${WEIGHTS_MANIFEST_FILE}`;
  return parsed;
}

async function fetchOk(address: URL, what: string, options: LoadFromUrlOptions): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new Error('loadWeightsFromUrl: no fetch in this environment (pass options.fetch)');
  let response: Response;
  try {
    response = await doFetch(address.href, options.requestInit);
  } catch (error) {
    throw new Error(`cannot fetch ${what} ${address.href}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${what} ${address.href}: HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

/** SHA-256 in hex through Web Crypto, or undefined where it is absent (plain-http pages are not secure contexts). */
async function sha256HexWeb(bytes: Uint8Array): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetches a checkpoint saved by `saveWeights` (or any standard tfjs weights manifest): `url`
 * names its `model.json` or the folder that holds it. The caller disposes the tensors.
 */
export async function loadWeightsFromUrl(url: string, options: LoadFromUrlOptions = {}): Promise<LoadedWeights> {
  const manifestUrl = manifestUrlOf(url);
  const response = await fetchOk(manifestUrl, 'weights manifest', options);
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch (error) {
    throw new Error(`cannot parse weights manifest ${manifestUrl.href}: ${(error as Error).message}`);
  }
  const manifest = validateManifest(parsed, manifestUrl.href);
  const buffers: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest.weightsManifest) {
    const parts: { address: URL; bytes: Uint8Array; name: string }[] = [];
    for (const name of group.paths) {
      const address = new URL(name, manifestUrl);
      const bytes = new Uint8Array(await (await fetchOk(address, 'weights file', options)).arrayBuffer());
      parts.push({ address, bytes, name });
    }
    const expected = expectedGroupBytes(group);
    const actual = parts.reduce((sum, part) => sum + part.bytes.byteLength, 0);
    if (actual !== expected) {
      throw new Error(
        `corrupt weights file ${parts.map((p) => p.address.href).join(' + ')}: the manifest describes ${expected} bytes but the server sent ${actual} bytes (${actual < expected ? 'truncated' : 'longer than expected'})`,
      );
    }
    for (const part of parts) {
      const saved = manifest.checksums?.[part.name];
      if (saved === undefined) continue;
      const hash = await sha256HexWeb(part.bytes);
      if (hash !== undefined && hash !== saved) {
        throw new Error(`corrupt weights file ${part.address.href}: its SHA-256 differs from the one in ${manifestUrl.href} (the bytes changed after the save)`);
      }
    }
    buffers.push(...parts.map((p) => p.bytes));
    specs.push(...group.weights);
  }
  return { tensors: tf.io.decodeWeights(joinBuffers(buffers), specs), metadata: manifest.userDefinedMetadata };
}

/**
 * A model saved with `saveModelWithConfig` (every zoo's `save…Model`), fetched from `url` and
 * rebuilt with `create(config)`: the browser's `loadModelWithConfig`.
 */
export async function loadModelFromUrl<C, M extends { variables: Record<string, tf.Variable>; dispose(): void }>(
  url: string,
  key: string,
  create: (config: C) => M,
  config?: C,
  options: LoadFromUrlOptions = {},
): Promise<M> {
  const loaded = await loadWeightsFromUrl(url, options);
  try {
    return modelFromWeights(loaded, url, key, create, config);
  } finally {
    tf.dispose(loaded.tensors);
  }
}
