/**
 * `disentangle doctor`: what this machine gives tfjs. Prints Node, every backend tried
 * with the reason it was taken or skipped, the thread count, and the GPU adapter if any.
 */
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { gradientSource, initBackend, type BackendChoice } from '@disentangle/kernels';
import os from 'node:os';
import { parseBackend, parsePositiveInt, BACKENDS } from './common-options';

export function formatDoctorReport(choice: BackendChoice): string {
  const lines = [
    `node        ${process.version} (${process.platform}-${process.arch})`,
    `cpu         ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `tfjs-core   ${tf.version_core}`,
    `requested   ${choice.requested}`,
    'backends tried, in order:',
    ...choice.attempts.map((a) => `  ${a.ok ? '✔' : '✘'} ${a.candidate.padEnd(15)} ${a.reason}`),
    `chosen      ${choice.backend}`,
    `threads     ${choice.threads ?? 'n/a'}`,
    `gpu adapter ${choice.adapter ?? 'none'}`,
  ];
  if (choice.kernels.length > 0) lines.push(`kernels     ${choice.kernels.join(', ')}`);
  const gradients = gradientSource();
  lines.push(`gradients   ${gradients.source === 'none' ? 'none: ' : ''}${gradients.detail}`);
  return lines.join('\n');
}

export function addDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('explain which tfjs backend this machine gets and why')
    .option('--backend <name>', `backend to try: ${BACKENDS.join(' | ')}`, parseBackend, 'auto')
    .option('--threads <n>', 'wasm threads to try', parsePositiveInt)
    .option('--json', 'print the choice as JSON')
    .action(async (options: { backend: ReturnType<typeof parseBackend>; threads?: number; json?: boolean }) => {
      const choice = await initBackend({ backend: options.backend, threads: options.threads });
      process.stdout.write(options.json ? `${JSON.stringify(choice, null, 2)}\n` : `${formatDoctorReport(choice)}\n`);
    });
}
