/**
 * Type-checks the `.ts` examples inside the app, against the installed tarballs' `.d.ts`
 * files, the way common setups resolve them: a bundler (`moduleResolution: bundler`), Node's
 * own ESM (`nodenext`, which reads `exports` strictly and needs real `.js` paths) and the old
 * `node10`, which ignores `exports` (subpaths resolve through `typesVersions`).
 * One tsc run per setting covers every file; its errors are then attributed to each file.
 */
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { userEnv } from './env';
import { runCommand, tail } from './run-command';

export const TS_SETTINGS = {
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  // Older setups that ignore `exports`: subpaths (/browser, /testing) resolve through typesVersions.
  node10: { module: 'esnext', moduleResolution: 'node10' },
} as const;

export type TsSetting = keyof typeof TS_SETTINGS;

export interface TypecheckResult {
  setting: TsSetting;
  /** Error lines per file, keyed by absolute path. */
  byFile: Map<string, string[]>;
  /** Errors in no listed file (a config error, a broken .d.ts that skipLibCheck does not hide). */
  other: string[];
  code: number | null;
  output: string;
}

export function tsconfigFor(setting: TsSetting, files: string[]) {
  return {
    compilerOptions: {
      ...TS_SETTINGS[setting],
      // Top-level await, which the examples use, needs ES2017+; the rest is what a user sets.
      target: 'es2022',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    },
    files,
  };
}

/** Runs tsc once over `files` (absolute, inside `appDir`) with one setting. */
export async function typecheckExamples(appDir: string, setting: TsSetting, files: string[]): Promise<TypecheckResult> {
  const config = join(appDir, `tsconfig.${setting}.json`);
  writeFileSync(config, `${JSON.stringify(tsconfigFor(setting, files.map((file) => `./${relative(appDir, file)}`)), null, 2)}\n`);
  const tsc = join(appDir, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await runCommand(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', config], { cwd: appDir, env: userEnv(), timeoutMs: 300_000 });
  const output = `${result.stdout}${result.stderr}`;
  const { byFile, other } = parseTscOutput(appDir, files, output);
  if (result.code !== 0 && other.length === 0 && [...byFile.values()].every((errors) => errors.length === 0)) {
    other.push(`tsc exited ${result.code}${result.timedOut ? ' (time limit)' : ''} without a located error: ${tail(output, 2000)}`);
  }
  return { setting, byFile, other, code: result.code, output };
}

/** tsc's `--pretty false` output split by file (paths relative to `appDir`); the rest in `other`. */
export function parseTscOutput(appDir: string, files: string[], output: string): { byFile: Map<string, string[]>; other: string[] } {
  const byFile = new Map(files.map((file) => [file, [] as string[]]));
  const other: string[] = [];
  let last: string[] | undefined;
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const located = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line);
    if (located) {
      last = byFile.get(resolve(appDir, located[1])) ?? other;
      last.push(line);
    } else if (/^\s/.test(line) && last) {
      last.push(line); // a continuation of the previous message
    } else {
      last = other;
      other.push(line);
    }
  }
  return { byFile, other };
}
