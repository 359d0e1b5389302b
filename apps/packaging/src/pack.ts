/**
 * Packs each library package with `pnpm pack` (the way it would be published: pnpm rewrites
 * `workspace:*` ranges to the real versions and applies `files`) into a folder outside the
 * workspace, so nothing later can resolve back into the workspace's node_modules.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LibraryPackage } from './discover-packages';
import { userEnv } from './env';
import { describeFailure, runCommand } from './run-command';

export const PNPM = ['--yes', 'pnpm@9.15.9'];

export interface PackedPackage {
  pkg: LibraryPackage;
  tarball: string;
}

/** npm's and pnpm's tarball name: `@disentangle/kernels@0.1.0` → `disentangle-kernels-0.1.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

export async function packPackage(pkg: LibraryPackage, destination: string): Promise<PackedPackage> {
  const result = await runCommand('npx', [...PNPM, 'pack', '--pack-destination', destination], { cwd: pkg.dir, env: userEnv(), timeoutMs: 180_000 });
  const tarball = join(destination, tarballName(pkg.name, pkg.version));
  if (result.code !== 0 || !existsSync(tarball)) throw new Error(`pnpm pack of ${pkg.name} failed (${tarball} ${existsSync(tarball) ? 'exists' : 'missing'}):\n${describeFailure(result)}`);
  return { pkg, tarball };
}

/**
 * Packs every package, `concurrency` at a time (the first alone, so a cold npx cache fetches
 * pnpm once). Each failure is reported by package; the others still pack.
 */
export async function packPackages(packages: LibraryPackage[], destination: string, concurrency = 3): Promise<Map<string, PackedPackage | Error>> {
  const results = new Map<string, PackedPackage | Error>();
  const one = async (pkg: LibraryPackage) => {
    try {
      results.set(pkg.name, await packPackage(pkg, destination));
    } catch (error) {
      results.set(pkg.name, error as Error);
    }
  };
  const queue = [...packages];
  const first = queue.shift();
  if (first) await one(first);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) await one(pkg);
  }));
  return new Map(packages.map((pkg) => [pkg.name, results.get(pkg.name)!]));
}
