/**
 * One trainer per run directory: `<run>/.lock` holds the owner's pid, host and start time.
 * Two trainers on one run would both append every step's metrics and overwrite each
 * other's checkpoints; the second gets an error naming the first. A lock whose process is
 * gone (a SIGKILL, a crash, a reboot) is stale and taken over.
 *
 * The lock is created complete and atomically: written to a temporary file, then hard-linked
 * to `.lock` (link fails when `.lock` exists), so no reader ever sees it half-written. On
 * Linux the owner's start time (from /proc) is recorded too, so a pid reused by an unrelated
 * process after a crash does not keep the lock alive. A host cannot see another host's
 * processes, so the owner touches the lock every 30 s, and a lock of another host left
 * untouched for 5 minutes is stale too (sweep workers on several machines share a store).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processIsAlive } from '@disentangle/kernels';

export const LOCK_FILE = '.lock';
/** The owner touches its lock this often, so that a host that cannot see its process can tell it lives. */
export const LOCK_HEARTBEAT_MS = 30_000;
/** A lock of another host untouched for this long is stale: its trainer died or lost the store (a sweep worker on a lost machine). */
export const REMOTE_LOCK_STALE_MS = 5 * 60_000;

export interface RunLockOwner {
  pid: number;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The owner's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  processStart?: number;
  /** The owner's command line, for the error message. */
  command?: string;
}

/** Thrown when another live process holds the run's lock. */
export class RunLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: RunLockOwner,
  ) {
    const where = owner.host === os.hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
    super(
      `run ${path.dirname(lockPath)} is being trained by ${where} (since ${owner.since}${owner.command ? `: ${owner.command}` : ''}). ` +
        `Wait for it to finish or stop it; if that process is gone, delete ${lockPath}.`,
    );
    this.name = 'RunLockedError';
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined off Linux. */
function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs (on another host: whether it touched the lock lately). */
function ownerIsAlive(owner: RunLockOwner, touchedMs: number): boolean {
  if (owner.host !== os.hostname()) return Date.now() - touchedMs < REMOTE_LOCK_STALE_MS;
  if (!processIsAlive(owner.pid)) return false;
  const start = processStartTime(owner.pid);
  return owner.processStart === undefined || start === undefined || start === owner.processStart;
}

function parseOwner(text: string): RunLockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<RunLockOwner>;
    if (!Number.isSafeInteger(value.pid) || typeof value.host !== 'string') return undefined;
    return value as RunLockOwner;
  } catch {
    return undefined;
  }
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock if it is still this one's. */
  release(): Promise<void>;
}

/**
 * Takes `<runPath>/.lock` for this process, taking over a stale one (its process is gone),
 * or throws a `RunLockedError` naming the live owner. A lock file that does not parse is
 * stale: locks are written complete before they appear.
 */
export async function acquireRunLock(runPath: string, onWarning: (message: string) => void = console.warn): Promise<RunLock> {
  const lockPath = path.join(runPath, LOCK_FILE);
  const owner: RunLockOwner = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    processStart: processStartTime(process.pid),
    command: process.argv.slice(1).join(' ').slice(0, 300),
  };
  const text = `${JSON.stringify(owner)}\n`;
  const temp = path.join(runPath, `${LOCK_FILE}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(temp, text);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.link(temp, lockPath);
        const heartbeat = setInterval(() => {
          const now = new Date();
          fs.utimes(lockPath, now, now).catch(() => {});
        }, LOCK_HEARTBEAT_MS);
        heartbeat.unref();
        return {
          path: lockPath,
          release: async () => {
            clearInterval(heartbeat);
            const current = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
            if (current === text) await fs.rm(lockPath, { force: true });
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const existing = await readLock(lockPath);
      if (existing === undefined) continue; // released meanwhile: try again
      const other = parseOwner(existing.text);
      if (other && ownerIsAlive(other, existing.touchedMs)) throw new RunLockedError(lockPath, other);
      const gone = other && other.host !== os.hostname() ? `host ${other.host} has not touched it for ${Math.round((Date.now() - existing.touchedMs) / 1000)} s` : other ? `process ${other.pid} is gone` : 'unreadable';
      onWarning(`taking over the stale lock ${lockPath} (${gone})`);
      await fs.rm(lockPath, { force: true });
    }
    throw new Error(`cannot take the lock ${lockPath}: another process keeps taking it`);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Throws a `RunLockedError` when a live process holds the lock of `runPath` (e.g. before deleting the run). */
export async function assertRunUnlocked(runPath: string): Promise<void> {
  const lockPath = path.join(runPath, LOCK_FILE);
  const existing = await readLock(lockPath);
  const other = existing === undefined ? undefined : parseOwner(existing.text);
  if (other && ownerIsAlive(other, existing!.touchedMs) && !(other.pid === process.pid && other.host === os.hostname())) throw new RunLockedError(lockPath, other);
}

/** The lock's text and when it was last touched, or undefined when there is none. */
async function readLock(lockPath: string): Promise<{ text: string; touchedMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    return { text, touchedMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}
