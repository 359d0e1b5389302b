/**
 * Bundles a browser example the way a user's bundler would (esbuild from the app's own
 * node_modules, `platform: 'browser'`, default browser conditions) and reads its metafile for
 * the three ways our packages break a browser build:
 * - a Node built-in (`node:fs`, `path`, `worker_threads`, ...) reached from the page;
 * - two copies of tfjs-core (two engines: kernels registered in one, tensors made in the other);
 * - a copy of tfjs-core inside our own dist/ (tsup bundling a tfjs-core module, e.g. its
 *   `register_all_gradients`), which is such a second copy even when node_modules has one.
 */
import { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MetafileImport {
  path: string;
  kind: string;
  external?: boolean;
  original?: string;
}

export interface Metafile {
  inputs: Record<string, { bytes: number; imports: MetafileImport[] }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
  notes?: { text: string }[];
}

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: Metafile; errors: EsbuildMessage[]; warnings: EsbuildMessage[] }>;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0]]));

/** Whether an import path is a Node built-in (`node:*`, `fs`, `fs/promises`, ...). */
export function isNodeBuiltin(path: string): boolean {
  if (path.startsWith('node:')) return true;
  return BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]);
}

/**
 * Inputs or imports that are Node built-ins. An import a package's `browser` field maps to
 * `false` (esbuild's `(disabled):` inputs, as tfjs-backend-wasm does for `fs` and `path`) is
 * stubbed out and is no problem.
 */
export function nodeBuiltinsIn(metafile: Metafile): string[] {
  const found: string[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (input.startsWith('(disabled):')) continue;
    if (isNodeBuiltin(input)) found.push(`input ${input}`);
    for (const imported of imports) {
      if (imported.path.startsWith('(disabled):')) continue;
      if (isNodeBuiltin(imported.path)) found.push(`${input} imports ${imported.original ?? imported.path}${imported.external ? ' (external)' : ''}`);
    }
  }
  return found;
}

/** The folders tfjs-core's inputs come from, e.g. `node_modules/` and `node_modules/@tensorflow/tfjs/node_modules/`. */
export function tfjsCoreLocations(metafile: Metafile): Map<string, number> {
  const locations = new Map<string, number>();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.indexOf('@tensorflow/tfjs-core/');
    if (at === -1) continue;
    const where = input.slice(0, at).replace(/^\(disabled\):/, '');
    locations.set(where, (locations.get(where) ?? 0) + 1);
  }
  return locations;
}

/** Signs that a file is (or holds) tfjs-core's own code rather than importing it. */
export function tfjsCoreCodeSigns(path: string, source: string): string[] {
  const signs: string[] = [];
  if (/register_all_gradients/.test(path)) signs.push('it is a register_all_gradients chunk');
  if (/\bfunction\s+registerGradient\s*\(/.test(source)) signs.push('it defines `function registerGradient(`');
  const modules = new Set([...source.matchAll(/^\/\/ \S*@tensorflow[/+]tfjs-core\S*\/dist\/(\S+)$/gm)].map((match) => match[1]));
  if (modules.size) signs.push(`it bundles ${modules.size} tfjs-core module(s), e.g. ${[...modules].slice(0, 3).join(', ')}`);
  return signs;
}

/** Inputs under an `@disentangle/<pkg>/dist/` path that carry tfjs-core's code. */
export function distInputsWithTfjsCore(metafile: Metafile, readInput: (input: string) => string): string[] {
  const found: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (!/@disentangle\/[^/]+\/dist\//.test(input) || input.startsWith('(disabled):')) continue;
    const signs = tfjsCoreCodeSigns(input, readInput(input));
    if (signs.length) found.push(`${input}: ${signs.join('; ')}`);
  }
  return found;
}

export interface BundleReport {
  ok: boolean;
  errors: string[];
  warnings: string[];
  metafile?: Metafile;
  builtins: string[];
  tfjsCoreLocations: Map<string, number>;
  distCopies: string[];
}

function formatMessage(message: EsbuildMessage): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${where}${message.text}${(message.notes ?? []).map((note) => `\n  note: ${note.text}`).join('')}`;
}

/** Bundles `entry` into `outfile` with the app's esbuild and checks the result. */
export async function bundleBrowserPage(appDir: string, entry: string, outfile: string): Promise<BundleReport> {
  const esbuild = createRequire(join(appDir, 'package.json'))('esbuild') as Esbuild;
  let result: Awaited<ReturnType<Esbuild['build']>>;
  try {
    result = await esbuild.build({
      absWorkingDir: appDir,
      entryPoints: [entry],
      outfile,
      platform: 'browser',
      format: 'esm',
      bundle: true,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = error as { errors?: EsbuildMessage[]; warnings?: EsbuildMessage[]; message: string };
    return {
      ok: false,
      errors: failure.errors?.length ? failure.errors.map(formatMessage) : [failure.message],
      warnings: (failure.warnings ?? []).map(formatMessage),
      builtins: [],
      tfjsCoreLocations: new Map(),
      distCopies: [],
    };
  }
  const metafile = result.metafile!;
  const builtins = nodeBuiltinsIn(metafile);
  const locations = tfjsCoreLocations(metafile);
  const distCopies = distInputsWithTfjsCore(metafile, (input) => readFileSync(join(appDir, input), 'utf8'));
  return {
    ok: builtins.length === 0 && locations.size <= 1 && distCopies.length === 0,
    errors: result.errors.map(formatMessage),
    warnings: result.warnings.map(formatMessage),
    metafile,
    builtins,
    tfjsCoreLocations: locations,
    distCopies,
  };
}

/** A failure message listing every problem of a report. */
export function describeBundle(report: BundleReport): string {
  const lines: string[] = [];
  if (report.errors.length) lines.push(`esbuild failed:`, ...report.errors.map((error) => `  ${error}`));
  if (report.builtins.length) lines.push(`Node built-ins in a browser bundle:`, ...report.builtins.map((entry) => `  ${entry}`));
  if (report.tfjsCoreLocations.size > 1) lines.push(`tfjs-core from ${report.tfjsCoreLocations.size} places (two engines):`, ...[...report.tfjsCoreLocations].map(([where, count]) => `  ${where || '(app root)'}@tensorflow/tfjs-core/: ${count} files`));
  if (report.distCopies.length) lines.push(`our dist/ carries a copy of tfjs-core:`, ...report.distCopies.map((entry) => `  ${entry}`));
  return lines.join('\n');
}
