/**
 * The one model registry: every model package's `models` entries composed into one table,
 * which every command reads. No command names a model; a new model appears in all of them
 * by adding its entry in its own package.
 *
 * Where the entries come from:
 *   - the packages listed under "disentangle": { "modelPackages": [...] } in the lab's
 *     package.json (the zoo that ships with the CLI);
 *   - plus any module in DISENTANGLE_MODEL_PACKAGES (comma-separated package names or file
 *     paths), for your own models: `DISENTANGLE_MODEL_PACKAGES=./my-models.js disentangle train mine`.
 * A module is a model package when it exports `models: ModelEntry[]`.
 */
import { validateModelEntry, type ModelEntry, type ModelPackage } from '@disentangle/kernels';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MODEL_PACKAGES_VARIABLE = 'DISENTANGLE_MODEL_PACKAGES';

export interface ModelRegistry {
  /** Every entry, in package order. */
  entries(): readonly ModelEntry<any>[];
  names(): string[];
  /** The entry of `name`, or an error listing every name. */
  get(name: string): ModelEntry<any>;
  has(name: string): boolean;
  /** Where an entry came from (the module specifier). */
  sourceOf(name: string): string;
}

/** Builds a registry from model packages; two entries with one name are an error naming both sources. */
export function createModelRegistry(packages: { source: string; module: ModelPackage }[]): ModelRegistry {
  const byName = new Map<string, { entry: ModelEntry<any>; source: string }>();
  for (const { source, module } of packages) {
    if (!module || !Array.isArray(module.models)) throw new Error(`${source} is not a model package: it must export \`models\` (a list of ModelEntry)`);
    for (const entry of module.models) {
      validateModelEntry(entry, source);
      const clash = byName.get(entry.name);
      if (clash) throw new Error(`two model entries are named '${entry.name}': one from ${clash.source}, one from ${source}`);
      byName.set(entry.name, { entry, source });
    }
  }
  const names = () => [...byName.keys()];
  return {
    entries: () => [...byName.values()].map((v) => v.entry),
    names,
    has: (name) => byName.has(name),
    get: (name) => {
      const found = byName.get(name);
      if (!found) throw new Error(`unknown model '${name}'; the registry has: ${names().join(', ') || '(no models)'} (see \`disentangle models\`)`);
      return found.entry;
    },
    sourceOf: (name) => byName.get(name)?.source ?? '',
  };
}

/** The lab's package.json (found upward from this file, in src/ or dist/). */
function labPackageJson(): { path: string; json: { disentangle?: { modelPackages?: string[] } } } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; disentangle?: { modelPackages?: string[] } };
      if (json.name === '@disentangle/lab') return { path: candidate, json };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package.json of @disentangle/lab above the running file');
    dir = parent;
  }
}

/** The module specifiers the registry loads: the lab's built-in packages, then DISENTANGLE_MODEL_PACKAGES. */
export function modelPackageSpecifiers(environment: NodeJS.ProcessEnv = process.env): string[] {
  const builtIn = labPackageJson().json.disentangle?.modelPackages ?? [];
  const extra = (environment[MODEL_PACKAGES_VARIABLE] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [...builtIn, ...extra];
}

async function importModelPackage(specifier: string): Promise<ModelPackage> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(specifier)).href : specifier;
  try {
    return (await import(/* @vite-ignore */ target)) as ModelPackage;
  } catch (error) {
    throw new Error(`cannot load model package '${specifier}'${isPath ? ` (${resolve(specifier)})` : ''}: ${(error as Error).message}`);
  }
}

let loaded: Promise<ModelRegistry> | undefined;
let loadedFor = '';

/** The registry of every configured model package (loaded once per set of specifiers). */
export function loadModelRegistry(environment: NodeJS.ProcessEnv = process.env): Promise<ModelRegistry> {
  const specifiers = modelPackageSpecifiers(environment);
  const key = specifiers.join(',');
  if (!loaded || loadedFor !== key) {
    loadedFor = key;
    loaded = Promise.all(specifiers.map(async (source) => ({ source, module: await importModelPackage(source) }))).then(createModelRegistry);
    loaded.catch(() => {
      loaded = undefined;
    });
  }
  return loaded;
}
