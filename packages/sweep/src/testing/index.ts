/**
 * A throwaway Redis for tests: Debian's redis-server on 127.0.0.1, a free port, a temporary
 * directory, no saving while it runs. `restart()` stops it and starts it again on the same
 * port, keeping its data (written once at shutdown), as a restarted production Redis with
 * persistence would; `stop()` ends it and deletes the directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRedis {
  url: string;
  port: number;
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Where redis-server is, or undefined (tests then fail with an install hint rather than skip). */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const { Socket } = await import('node:net');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within 10 s: ${log()}`);
}

/** Sends one inline command to the server (no redis-cli needed); resolves when it answers or closes. */
async function sendCommand(port: number, command: string): Promise<void> {
  const { Socket } = await import('node:net');
  await new Promise<void>((resolve) => {
    const socket = new Socket();
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.once('data', done);
    socket.once('close', done);
    socket.once('error', done);
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error("redis-server is not installed: `apt-get install redis-server` (npm test installs it when it runs as root)");
  const dir = await mkdtemp(join(os.tmpdir(), 'test-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    // No snapshots or AOF while running; the dump written by SHUTDOWN SAVE is read back on restart.
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await waitForPort(port, child, () => output);
  };
  const shutdown = async (save: boolean) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await sendCommand(port, `SHUTDOWN ${save ? 'SAVE' : 'NOSAVE'}`);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async (downMs = 1000) => {
      await shutdown(true);
      await sleep(downMs);
      await launch();
    },
    stop: async () => {
      await shutdown(false);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
