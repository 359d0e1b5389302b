/**
 * The library packages: every non-private package.json directly under the packages root or
 * one folder below it (packages/kernels, packages/models/csvae). The root is a parameter so
 * the tests can point it at fixtures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface LibraryPackage {
  name: string;
  version: string;
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the packages root, e.g. `models/csvae`. */
  relativeDir: string;
  /** The name without its scope, used for folders in the temporary app (`csvae`). */
  shortName: string;
  manifest: PackageManifest;
}

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  module?: string;
  types?: string;
  typings?: string;
  browser?: unknown;
  bin?: string | Record<string, string>;
  exports?: unknown;
  sideEffects?: boolean | string[];
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const SKIP = new Set(['node_modules', 'dist', 'src', 'examples', 'test', 'docs', 'bench']);

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !SKIP.has(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

export function findLibraryPackages(packagesRoot: string): LibraryPackage[] {
  const found: LibraryPackage[] = [];
  const consider = (dir: string): boolean => {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) return false;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackageManifest;
    if (!manifest.private) {
      found.push({
        name: manifest.name,
        version: manifest.version,
        dir,
        relativeDir: relative(packagesRoot, dir),
        shortName: manifest.name.replace(/^@[^/]+\//, ''),
        manifest,
      });
    }
    return true;
  };
  for (const dir of subfolders(packagesRoot)) {
    if (!consider(dir)) for (const inner of subfolders(dir)) consider(inner);
  }
  return found;
}
