#!/usr/bin/env node
// Type-checks every package (tests included) and runs its tests through turbo (one package at a time: the machines have two
// cores) and ends with one plain line totalling vitest's counts: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// Debian packages the tests use: @disentangle/data's tests load Fashion-MNIST for real from
// dataset-fashion-mnist; the sweep tests start a throwaway loopback redis-server; the packing
// tests (apps/packaging) run the packages' browser examples in chromium; the WebGPU tests need
// Mesa's lavapipe (below). Install what is missing when this machine can (root with apt-get);
// otherwise those tests say what is missing.
const DEBIAN_NEEDS = [
  { package: 'dataset-fashion-mnist', present: () => existsSync('/usr/share/datasets/fashion-mnist') },
  { package: 'redis-server', present: () => spawnSync('sh', ['-c', 'command -v redis-server']).status === 0 },
  { package: 'chromium', present: () => existsSync('/usr/bin/chromium') },
];
const missing = DEBIAN_NEEDS.filter((need) => !need.present()).map((need) => need.package);
// The WebGPU tests run on Mesa 25's software Vulkan driver (lavapipe) from bookworm-backports:
// bookworm's own Mesa 22 gives Dawn no adapter (shared/PLATFORM.md).
const mesaVersion = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'mesa-vulkan-drivers'], { encoding: 'utf8' }).stdout ?? '';
const needsLavapipe = !(Number.parseInt(mesaVersion, 10) >= 25 && spawnSync('sh', ['-c', 'ldconfig -p | grep -q libvulkan.so.1']).status === 0);
const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
if ((missing.length || needsLavapipe) && canInstall) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const backports = '/etc/apt/sources.list.d/backports.sources';
  if (needsLavapipe && !existsSync(backports) && existsSync('/etc/apt/sources.list.d/debian.sources')) {
    // This machine's own Debian source (the first stanza of debian.sources), with the backports suite.
    const first = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8').split(/\n\s*\n/)[0];
    writeFileSync(backports, `${first.replace(/^Suites:.*$/m, 'Suites: bookworm-backports')}\n`);
  }
  console.log(`installing Debian's ${[...missing, ...(needsLavapipe ? ['mesa-vulkan-drivers (bookworm-backports)', 'libvulkan1'] : [])].join(', ')} ...`);
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (missing.length) spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (needsLavapipe && existsSync(backports)) {
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', '-t', 'bookworm-backports', 'mesa-vulkan-drivers'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'libvulkan1'], { stdio: 'inherit', env });
  }
}

const pnpm = ['--yes', 'pnpm@9.15.9', 'exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=1'];
const child = spawn('npx', pnpm, { stdio: ['ignore', 'pipe', 'inherit'] });
let passed = 0;
let failed = 0;
let skipped = 0;
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString();
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    // vitest's summary: "      Tests  12 failed | 229 passed | 3 skipped (244)"
    const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!summary) continue;
    for (const [, n, what] of summary[1].matchAll(/(\d+)\s+(passed|failed|skipped|todo)/g)) {
      if (what === 'passed') passed += Number(n);
      else if (what === 'failed') failed += Number(n);
      else skipped += Number(n);
    }
  }
});
child.on('close', (code) => {
  const tail = skipped ? `, ${skipped} skipped` : '';
  process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  process.exit(code ?? (failed ? 1 : 0));
});
