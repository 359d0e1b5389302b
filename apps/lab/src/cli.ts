#!/usr/bin/env node
/**
 * The `disentangle` command line. Each command lives in src/commands/<name>.ts and is
 * added to the program here; shared options (--backend, --seed, --threads) are parsed by
 * commands/common-options.ts. Models come from the registry (registry/model-registry.ts),
 * papers from their declarations (papers/).
 */
import { Command } from 'commander';
import { addBenchCommand } from './commands/bench';
import { addDataCommand } from './commands/data-preview';
import { addDemoCommand } from './commands/demo';
import { addDoctorCommand } from './commands/doctor';
import { addEvalCommand } from './commands/eval';
import { addModelsCommand } from './commands/models';
import { addReproduceCommand } from './commands/reproduce';
import { addSampleCommand } from './commands/sample';
import { addSwapCommand } from './commands/swap';
import { addSweepCommand } from './commands/sweep';
import { addTrainCommand } from './commands/train';
import { addWorkerCommand } from './commands/worker';

const program = new Command()
  .name('disentangle')
  .description('Controllable image synthesis with disentangled latent spaces (TensorFlow.js)')
  .showHelpAfterError();

addDoctorCommand(program);
addDemoCommand(program);
addModelsCommand(program);
addTrainCommand(program);
addSampleCommand(program);
addSwapCommand(program);
addEvalCommand(program);
addReproduceCommand(program);
addSweepCommand(program);
addWorkerCommand(program);
addDataCommand(program);
addBenchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`disentangle: ${message}\n`);
  if (process.env.DISENTANGLE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  // An interrupted training run exits 130 / 143 (128 + the signal), any other failure 1.
  const code = (error as { exitCode?: unknown }).exitCode;
  process.exitCode = typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : 1;
});
