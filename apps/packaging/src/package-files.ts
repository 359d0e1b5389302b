/**
 * What a packed package must hold: package.json, README.md, LICENSE and its dist/, and every
 * file its manifest points at (`main`, `module`, `types`, `typings`, `bin`, a string `browser`,
 * each target of `exports`, each `sideEffects` pattern). A path that exists in the workspace
 * but is left out of the tarball (by `files`) breaks only the people who install the package,
 * so it is checked on the tarball's own list.
 */
import type { PackageManifest } from './discover-packages';

export interface DeclaredPath {
  /** Where in package.json, e.g. `exports["."].browser.types` or `sideEffects[3]`. */
  field: string;
  path: string;
  /** sideEffects entries are globs with webpack's meaning (no `/`: matches a file name anywhere). */
  kind: 'file' | 'exports-pattern' | 'side-effects-glob';
}

function exportTargets(value: unknown, field: string, out: DeclaredPath[]): void {
  if (typeof value === 'string') {
    out.push({ field, path: value, kind: value.includes('*') ? 'exports-pattern' : 'file' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => exportTargets(item, `${field}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) exportTargets(inner, `${field}[${JSON.stringify(key)}]`, out);
  }
  // null: an explicitly blocked subpath, nothing to ship.
}

export function declaredPaths(manifest: PackageManifest): DeclaredPath[] {
  const out: DeclaredPath[] = [];
  for (const field of ['main', 'module', 'types', 'typings'] as const) {
    const value = manifest[field];
    if (typeof value === 'string') out.push({ field, path: value, kind: 'file' });
  }
  if (typeof manifest.browser === 'string') out.push({ field: 'browser', path: manifest.browser, kind: 'file' });
  if (typeof manifest.bin === 'string') out.push({ field: 'bin', path: manifest.bin, kind: 'file' });
  else if (manifest.bin) for (const [name, path] of Object.entries(manifest.bin)) out.push({ field: `bin.${name}`, path, kind: 'file' });
  if (manifest.exports !== undefined) {
    // Sugar: `"exports": "./dist/index.js"` or a conditions object without subpaths.
    const value = manifest.exports;
    const subpaths = value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).every((key) => key.startsWith('.'));
    exportTargets(subpaths || typeof value !== 'object' ? value : { '.': value }, 'exports', out);
  }
  if (Array.isArray(manifest.sideEffects)) manifest.sideEffects.forEach((path, i) => out.push({ field: `sideEffects[${i}]`, path, kind: 'side-effects-glob' }));
  return out;
}

const clean = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a declared path names at least one file of the list. */
export function isShipped(declared: DeclaredPath, files: Iterable<string>): boolean {
  const list = [...files];
  const path = clean(declared.path);
  if (declared.kind === 'file') return list.includes(path);
  if (declared.kind === 'exports-pattern') {
    // A subpath pattern's `*` may span folders.
    const pattern = new RegExp(`^${path.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
    return list.some((file) => pattern.test(file));
  }
  const pattern = globToRegExp(path);
  // webpack: a pattern without a slash is matched against the file name, wherever the file is.
  return path.includes('/') ? list.some((file) => pattern.test(file)) : list.some((file) => pattern.test(file.split('/').pop()!));
}

export interface TarballProblems {
  /** Files every package ships that are not there: package.json, README.md, LICENSE, dist/. */
  missingBasics: string[];
  /** Declared paths no file of the tarball matches, as `field → path`. */
  missingDeclared: string[];
  /** Dependencies still written `workspace:…` (pnpm pack rewrites them; npm cannot install them). */
  workspaceRanges: string[];
}

export function checkTarballFiles(files: Iterable<string>, manifest: PackageManifest): TarballProblems {
  const list = [...files];
  const missingBasics: string[] = [];
  if (!list.includes('package.json')) missingBasics.push('package.json');
  if (!list.includes('README.md')) missingBasics.push('README.md');
  if (!list.some((file) => /^LICEN[CS]E(\.(md|txt))?$/i.test(file))) missingBasics.push('LICENSE');
  if (!list.some((file) => file.startsWith('dist/'))) missingBasics.push('dist/');
  const missingDeclared = declaredPaths(manifest)
    .filter((declared) => !isShipped(declared, list))
    .map((declared) => `${declared.field} → ${declared.path}`);
  const workspaceRanges: string[] = [];
  for (const group of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [name, range] of Object.entries(manifest[group] ?? {})) if (range.startsWith('workspace:')) workspaceRanges.push(`${group}.${name}: ${range}`);
  }
  return { missingBasics, missingDeclared, workspaceRanges };
}
