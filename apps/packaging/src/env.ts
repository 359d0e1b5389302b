/**
 * The environment a child of the packing test gets: the user's own, without what npm, pnpm,
 * turbo and vitest add for their scripts. `npm test` runs this test under npm → turbo → pnpm →
 * vitest, and their variables (npm_config_local_prefix=<the workspace>, npm_package_*, the
 * workspace .npmrc's npm_config_auto_install_peers, NODE_ENV=test, VITEST_*) would make
 * `npm install` in the temporary app or an example behave unlike a new user's.
 */
const KEEP_NPM = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig']);

export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_') && !KEEP_NPM.has(lower)) continue;
    if (/^(VITEST|TURBO|PNPM|INIT_CWD$|NODE_ENV$|TEST$|TINYPOOL)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
