/**
 * Runs a command in its own process group and collects its output, killing the whole group
 * (npx → node, npm → its scripts) when it runs past its limit: a hung example must fail its
 * test with what it printed, not hang the suite.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Keeps at most this much of each stream (the end: failures print last). */
const KEEP = 1 << 20;

export function runCommand(file: string, args: string[], { cwd, env = process.env, timeoutMs = 600_000 }: RunOptions): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout = (stdout + chunk).slice(-KEEP)));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-KEEP)));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ command, code: null, signal: null, timedOut, stdout, stderr: `${stderr}\n${error.message}`, ms: Date.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, timedOut, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The last `chars` characters of a text, marked as cut when it was. */
export function tail(text: string, chars = 4000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}

/** A failed command's exit, time and output tails, for a failure message. */
export function describeFailure(result: CommandResult, chars = 4000): string {
  const how = result.timedOut ? `was killed after ${(result.ms / 1000).toFixed(0)} s (time limit)` : result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
  return [`\`${result.command}\` ${how}`, `--- stdout (tail) ---`, tail(result.stdout, chars), `--- stderr (tail) ---`, tail(result.stderr, chars)].join('\n');
}
