/**
 * A package's examples, by where they sit: `examples/*.mjs` are run with node,
 * `examples/*.ts` are type-checked, and each `examples/browser/<NAME>/` (with `page.mjs`, the
 * page's code, and `node.mjs`, which makes what the page loads and the numbers it must give)
 * is bundled and run in Chromium. The packages root is a parameter so the harness can be
 * pointed at fixtures.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findLibraryPackages, type LibraryPackage } from './discover-packages';

export interface ExampleFile {
  pkg: LibraryPackage;
  /** Absolute path. */
  file: string;
  /** Path inside the package, e.g. `examples/train-your-own-model.mjs`. */
  relative: string;
}

export interface BrowserExample {
  pkg: LibraryPackage;
  name: string;
  /** Absolute folder `examples/browser/<name>/`. */
  dir: string;
  /** Path inside the package, e.g. `examples/browser/glow/`. */
  relative: string;
  hasPage: boolean;
  hasNode: boolean;
}

export interface Examples {
  packages: LibraryPackage[];
  node: ExampleFile[];
  types: ExampleFile[];
  browser: BrowserExample[];
}

export function discoverExamples(packagesRoot: string): Examples {
  const packages = findLibraryPackages(packagesRoot);
  const examples: Examples = { packages, node: [], types: [], browser: [] };
  for (const pkg of packages) {
    const dir = join(pkg.dir, 'examples');
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile()) continue;
      const example = { pkg, file: join(dir, entry.name), relative: `examples/${entry.name}` };
      if (entry.name.endsWith('.mjs')) examples.node.push(example);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) examples.types.push(example);
    }
    const browser = join(dir, 'browser');
    if (!existsSync(browser)) continue;
    for (const entry of readdirSync(browser, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const folder = join(browser, entry.name);
      examples.browser.push({
        pkg,
        name: entry.name,
        dir: folder,
        relative: `examples/browser/${entry.name}/`,
        hasPage: existsSync(join(folder, 'page.mjs')),
        hasNode: existsSync(join(folder, 'node.mjs')),
      });
    }
  }
  return examples;
}
