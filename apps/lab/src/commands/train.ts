/**
 * `disentangle train <model>`: trains any model of the registry on a dataset into
 * runs/<name>/ (resuming it when it exists), then writes its pictures:
 *   images/reconstructions.png, samples.png, switches.png, loss-curve.svg; summary.json.
 *
 *   disentangle train csvae --dataset faces --labels Eyeglasses --steps 2000
 *   disentangle train condvae --dataset face-expressions --labels one-hot
 */
import { Option, type Command } from 'commander';
import { initBackend } from '@disentangle/kernels';
import { CSVAE_MODELS, CSVAE_MODEL_NAMES, isCsvaeModelName, PAPER_OPTIMISATION } from '@disentangle/csvae';
import { trainCsvaeRun } from '../csvae/csvae-run';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';
import { describeTrainingResult } from './training-run';

export interface TrainCommandOptions extends CommonOptions {
  dataset: string;
  labels: string;
  size: number;
  count: number;
  identities?: number;
  dir?: string;
  subset?: string[];
  zDim?: number;
  wDim?: number;
  reconstruction?: 'mean' | 'sum';
  steps: number;
  seconds?: number;
  batch: number;
  learningRate: number;
  schedule: 'paper' | 'scaled' | 'constant';
  name?: string;
  runsDir: string;
  fresh?: boolean;
}

/** 'Eyeglasses:2' → keep every example with Eyeglasses and twice as many without. */
export function parseSubset(value: string, previous: string[] = []): string[] {
  const [attribute, ratio] = value.split(':');
  if (!attribute || !(Number(ratio) >= 0)) throw new Error(`--subset expects ATTRIBUTE:NEGATIVES_PER_POSITIVE (e.g. Eyeglasses:2), got '${value}'`);
  return [...previous, value];
}

export async function runTrainCommand(modelName: string, options: TrainCommandOptions) {
  if (!isCsvaeModelName(modelName)) {
    throw new Error(`unknown model '${modelName}'; implemented: ${CSVAE_MODEL_NAMES.join(', ')} (paper 004). The other papers' models arrive with their issues.`);
  }
  const backend = await initBackend({ backend: options.backend, threads: options.threads });
  process.stderr.write(`backend: ${backend.backend}${backend.threads ? ` (${backend.threads} threads)` : ''}\n`);
  const labels = options.labels === 'one-hot' ? 'one-hot' : options.labels.split(',').map((s) => s.trim()).filter(Boolean);
  const outcome = await trainCsvaeRun({
    runsDir: options.runsDir,
    name: options.name ?? `${modelName}-${options.dataset}`,
    model: modelName,
    data: {
      dataset: options.dataset,
      labels,
      count: options.count,
      seed: options.seed,
      size: options.dataset === 'swiss-roll' ? undefined : options.size,
      identities: options.identities,
      dir: options.dir,
      subsets: options.subset?.map((s) => ({ attribute: s.split(':')[0], negativesPerPositive: Number(s.split(':')[1]) })),
    },
    modelConfig: {
      ...(options.zDim ? { zDim: options.zDim } : {}),
      ...(options.wDim ? { wDim: options.wDim } : {}),
      ...(options.reconstruction ? { reconstructionReduction: options.reconstruction } : {}),
    },
    steps: options.steps,
    batchSize: options.batch,
    learningRate: options.learningRate,
    schedule: options.schedule,
    seed: options.seed,
    seconds: options.seconds,
    fresh: options.fresh,
    backend,
  });
  outcome.model.dispose();
  process.stdout.write(`${describeTrainingResult(outcome.summary)}\nrun: ${outcome.run.path}\n`);
  return outcome;
}

export function addTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description(`train a model: ${Object.entries(CSVAE_MODELS).map(([name, e]) => `${name} (${e.description})`).join('; ')}`)
    .argument('<model>', `model name: ${CSVAE_MODEL_NAMES.join(', ')}`)
    .option('--dataset <name>', "dataset: 'swiss-roll' or a registry name (faces, face-expressions, celeba with --dir, ...)", 'faces')
    .option('--labels <names>', "comma-separated binary attributes, or 'one-hot' for the class label", 'Eyeglasses')
    .option('--size <n>', 'image side', parsePositiveInt, 32)
    .option('--count <n>', 'examples to draw or load (80% train, 10% validation, 10% test)', parsePositiveInt, 6000)
    .option('--identities <n>', 'procedural faces: number of identities', parsePositiveInt)
    .option('--dir <path>', 'directory of a real dataset (celeba, chairs, folder)')
    .option('--subset <attr:ratio>', 'paper subsets: every example with attr and ratio× as many without (repeatable)', parseSubset)
    .option('--z-dim <n>', 'dimension of Z', parsePositiveInt)
    .option('--w-dim <n>', 'dimension of each subspace W_i', parsePositiveInt)
    .addOption(new Option('--reconstruction <reduction>', '−log p(x|·) summed over pixels or averaged (default: sum for images, mean for vectors)').choices(['sum', 'mean']))
    .option('--steps <n>', 'training steps', parsePositiveInt, 2000)
    .option('--seconds <n>', 'stop (with a checkpoint) after this many seconds', parsePositiveInt)
    .option('--batch <n>', 'batch size', parsePositiveInt, PAPER_OPTIMISATION.batchSize)
    .option('--learning-rate <x>', 'initial Adam learning rate', Number, PAPER_OPTIMISATION.learningRate)
    .addOption(new Option('--schedule <kind>', "MultiStepLR milestones at the paper's epochs, scaled to this run, or none").choices(['paper', 'scaled', 'constant']).default('scaled'))
    .option('--name <name>', 'run name (default <model>-<dataset>)')
    .option('--runs-dir <dir>', 'where runs are written', 'runs')
    .option('--fresh', 'delete the run first instead of resuming it');
  withCommonOptions(command).action(async (model: string, options: TrainCommandOptions) => {
    await runTrainCommand(model, options);
  });
}
