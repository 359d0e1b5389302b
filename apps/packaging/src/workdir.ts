/**
 * The packing test's scratch space, in the OS temp folder (outside the workspace, so neither
 * node nor tsc nor esbuild can find the workspace's node_modules by walking up):
 * `<root>/app/` is the user's app, `<root>/app/tarballs/` the packed packages,
 * `<root>/app/examples/<package>/` each package's examples/ copied in, `<root>/serve/` the
 * browser examples' served folders. PACKAGING_KEEP=1 keeps it for a look after the run.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { LibraryPackage } from './discover-packages';

export interface Workdir {
  root: string;
  app: string;
  tarballs: string;
  serve: string;
  bundles: string;
  remove(): void;
}

export function createWorkdir(prefix = 'disentangle-packaging-'): Workdir {
  const root = mkdtempSync(join(os.tmpdir(), prefix));
  const app = join(root, 'app');
  const dirs = { root, app, tarballs: join(app, 'tarballs'), serve: join(root, 'serve'), bundles: join(root, 'bundles') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return {
    ...dirs,
    remove: () => {
      if (process.env.PACKAGING_KEEP === '1') console.log(`packaging check: kept ${root}`);
      else rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Where a package's examples go inside the app. */
export function appExamplesDir(workdir: Pick<Workdir, 'app'>, pkg: Pick<LibraryPackage, 'shortName'>): string {
  return join(workdir.app, 'examples', pkg.shortName);
}

/** Copies a package's examples/ folder into the app, so its imports resolve to the app's node_modules. */
export function copyExamples(workdir: Pick<Workdir, 'app'>, pkg: LibraryPackage): string {
  const target = appExamplesDir(workdir, pkg);
  cpSync(join(pkg.dir, 'examples'), target, { recursive: true, filter: (source) => !/[\\/]node_modules([\\/]|$)/.test(source) });
  return target;
}
