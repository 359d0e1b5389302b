/**
 * Runs one copied example script with node in the app folder, as a user would after
 * `npm install`: it must exit 0 within its time limit.
 */
import { join, relative } from 'node:path';
import { userEnv } from './env';
import { describeFailure, runCommand, type CommandResult } from './run-command';

/** PACKAGING_EXAMPLE_TIMEOUT_S overrides the default of 5 minutes per script. */
export const EXAMPLE_TIMEOUT_MS = Number(process.env.PACKAGING_EXAMPLE_TIMEOUT_S ?? 300) * 1000;

export async function runNodeExample(appDir: string, script: string, env: Record<string, string> = {}, timeoutMs = EXAMPLE_TIMEOUT_MS): Promise<CommandResult> {
  return runCommand(process.execPath, [relative(appDir, script)], { cwd: appDir, env: userEnv(env), timeoutMs });
}

export function assertExited0(result: CommandResult, what: string): void {
  if (result.code !== 0 || result.timedOut) throw new Error(`${what}:\n${describeFailure(result)}`);
}

export const exampleCopy = (examplesDir: string, relativePath: string) => join(examplesDir, relativePath.replace(/^examples\//, ''));
