/**
 * `disentangle train <model>`: trains any model of the registry on any dataset spec into
 * runs/<name>/ (resuming it when it exists), then writes its pictures (reconstructions,
 * samples, switches or latents, loss curve) and summary.json.
 *
 *   disentangle train csvae --dataset faces --labels Eyeglasses --subset Eyeglasses:2 --steps 2000
 *   disentangle train condvae --dataset face-expressions --labels one-hot --set zDim=8
 *   disentangle train glow --dataset mnist --size 16 --steps 3000
 *   disentangle train caglow --dataset mnist --size 16 --labels one-hot --init-from runs/glow-mnist --steps 2000
 */
import { Option, type Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { SCHEDULE_MODES, type ScheduleMode } from '@disentangle/training';
import { loadModelRegistry } from '../registry/model-registry';
import { trainModelRun, type ModelRun } from '../runs/model-run';
import { describeTrainingResult } from '../runs/training-run';
import { parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, withCommonOptions, type CommonOptions } from './common-options';
import { dataSpecFrom, parseSetting, withDataOptions, type DataOptions } from './data-options';

export interface TrainCommandOptions extends CommonOptions, DataOptions {
  set?: Record<string, unknown>;
  steps: number;
  seconds?: number;
  batch?: number;
  learningRate?: number;
  schedule: ScheduleMode;
  name?: string;
  runsDir: string;
  fresh?: boolean;
  initFrom?: string;
  checkpointEvery?: number;
  fromStep?: number;
  progressStream?: NodeJS.WriteStream;
}

export async function runTrainCommand(modelName: string, options: TrainCommandOptions): Promise<ModelRun> {
  const registry = await loadModelRegistry();
  registry.get(modelName); // an unknown name fails before the backend starts
  const data = dataSpecFrom(options, options.seed); // so does a bad data option
  const backend = await initBackend({ backend: options.backend, threads: options.threads });
  process.stderr.write(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}\n`);
  const outcome = await trainModelRun({
    registry,
    model: modelName,
    data,
    options: options.set,
    steps: options.steps,
    batch: options.batch,
    learningRate: options.learningRate,
    schedule: options.schedule,
    seed: options.seed,
    seconds: options.seconds,
    fresh: options.fresh,
    initFrom: options.initFrom,
    checkpointEvery: options.checkpointEvery,
    fromStep: options.fromStep,
    runsDir: options.runsDir,
    name: options.name ?? `${modelName}-${options.dataset}`,
    backend,
    progressStream: options.progressStream,
  });
  process.stdout.write(`${describeTrainingResult(outcome.summary)}\nrun: ${outcome.run.path}\n`);
  return outcome;
}

export function addTrainCommand(program: Command): void {
  const command = withDataOptions(
    program
      .command('train')
      .description('train any model of the registry (`disentangle models` lists them) on a dataset; resumes the run when it exists')
      .argument('<model>', 'a model name from `disentangle models`'),
  )
    .option('--set <name=value>', 'a model config field (repeatable; `disentangle models <name>` lists them), e.g. zDim=8 or convStages=[16,32,64]', parseSetting)
    .option('--steps <n>', 'training steps', parsePositiveInt, 2000)
    .option('--seconds <n>', 'stop (with a checkpoint) after this many seconds', parsePositiveInt)
    .option('--batch <n>', "batch size (default: the paper's)", parsePositiveInt)
    .option('--learning-rate <x>', "initial Adam learning rate (default: the paper's)", parsePositiveNumber)
    .option('--checkpoint-every <n>', 'steps between checkpoints (default 250; one is also saved at the end and on Ctrl-C or SIGTERM)', parsePositiveInt)
    .option('--from-step <n>', 'resume from the checkpoint of this step instead of the latest (e.g. the last good one before a divergence); later checkpoints are deleted', parseNonNegativeInt)
    .addOption(new Option('--schedule <kind>', "the paper's MultiStepLR at its epochs ('paper'), shrunk to this run ('scaled'), none ('constant'), or constant then linearly to 0 over the second half ('half-linear')").choices([...SCHEDULE_MODES]).default('scaled'))
    .option('--name <name>', 'run name (default <model>-<dataset>)')
    .option('--runs-dir <dir>', 'where runs are written', 'runs')
    .option('--fresh', 'delete the run first instead of resuming it')
    .option('--init-from <run>', "start from a trained run's weights (every variable of the same name and shape), e.g. CAGlow from a trained Glow; ignored on resume");
  withCommonOptions(command).action(async (model: string, options: TrainCommandOptions) => {
    const outcome = await runTrainCommand(model, options);
    outcome.model.dispose();
  });
}
