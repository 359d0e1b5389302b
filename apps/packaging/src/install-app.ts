/**
 * A new user's app: a package.json outside the workspace that depends on the packed tarballs
 * (`file:`) and on tfjs and the tools the checks need, installed with plain npm. npm
 * `overrides` point the packages' dependencies on each other (`@disentangle/kernels: 0.1.0`
 * after pnpm pack) at the tarballs too, so nothing comes from the registry under our names.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { userEnv } from './env';
import type { PackedPackage } from './pack';
import { describeFailure, runCommand, type CommandResult } from './run-command';

/**
 * What a new user adds beside our packages: tfjs (its layers and backends), the wasm backend,
 * and the tools the checks run inside the app: TypeScript and Node's types for the `.ts`
 * examples, esbuild for the browser bundles, playwright-core to drive Debian's Chromium.
 */
export const APP_DEPENDENCIES: Record<string, string> = {
  '@tensorflow/tfjs': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  typescript: '5.9.3',
  '@types/node': '20.19.9',
  esbuild: '0.28.2',
  'playwright-core': '1.65.1',
};

export interface AppManifest {
  name: string;
  private: true;
  type: 'module';
  dependencies: Record<string, string>;
  overrides: Record<string, string>;
}

/** The app's package.json, with the tarballs (kept in `<app>/tarballs/`, referred to relatively). */
export function appManifest(packed: PackedPackage[]): AppManifest {
  const ours = Object.fromEntries(packed.map(({ pkg, tarball }) => [pkg.name, `file:tarballs/${basename(tarball)}`]));
  return {
    name: 'disentangle-packaging-check-app',
    private: true,
    type: 'module',
    // npm accepts an override of a direct dependency only when both specs are the same.
    dependencies: { ...ours, ...APP_DEPENDENCIES },
    overrides: { ...ours },
  };
}

export interface InstalledApp {
  dir: string;
  install: CommandResult;
}

/** Writes the manifest into `dir` (whose `tarballs/` holds the packed files) and runs `npm install`. */
export async function installApp(dir: string, packed: PackedPackage[], timeoutMs = 900_000): Promise<InstalledApp> {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(appManifest(packed), null, 2)}\n`);
  const install = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env: userEnv(), timeoutMs });
  if (install.code !== 0) throw new Error(`npm install of the packed packages failed in ${dir}:\n${describeFailure(install, 8000)}`);
  return { dir, install };
}
