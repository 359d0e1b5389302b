/**
 * `disentangle swap <run-dir>`: attribute manipulation with any trained image model, by what
 * it can do:
 *   images/switch-<step>.png            'switchAttributes': `count` test examples (top row) and
 *                                       below each with one label switched (G_ij)
 *   images/variety-<label>-<step>.png   'variety': one example without the label switched on at
 *                                       each point of a grid×grid sweep of the label's style space
 *   images/transfer-<label>-<step>.png  'transfer': the label's style of each top example carried
 *                                       onto each left example
 *   images/sweep-<label>-<step>.png     'attributeCodes': the label's code set to −1, 0, ½, 1, 2, 3
 *                                       (inter- and extrapolation) for each test example
 *   images/grid-<step>.png              'attributeCodes' with 2–4 binary labels: every combination
 *                                       of them for each test example
 *
 *   disentangle swap runs/csvae-faces [--count 6] [--label Eyeglasses] [--grid 5]
 *
 * --label restricts all three to one label (default: every label). With --out FILE the switch
 * grid goes to FILE and the others beside it (FILE-variety-<label>.png, FILE-transfer-<label>.png).
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { hasCapability, requireCapability, switchReferenceFor } from '@disentangle/metrics';
import { examplesWith, writeSwitches, writeTransfer, writeVariety } from '../figures/image-figures';
import { writeAttributeGrid, writeAttributeSweep } from '../figures/attribute-code-figures';
import { resolveLabel } from '../figures/label-patterns';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';
import { openRunForCommand, slug, stderrLog, type TrainedRunCommandOptions } from './trained-run-options';

export interface SwapOptions extends TrainedRunCommandOptions {
  count?: number;
  label?: string;
  grid?: number;
  out?: string;
  /** Unused (everything decodes posterior means); accepted with the common options. */
  seed?: number;
}

const TRANSFER_EXAMPLES = 4;
/** The values of a code sweep: off, halfway, on, and beyond (paper 002's "young" sweep). */
const SWEEP_VALUES = [-1, 0, 0.5, 1, 2, 3];

export async function runSwap(runDir: string, options: SwapOptions = {}): Promise<string[]> {
  const log = options.log ?? stderrLog;
  const count = options.count ?? 6;
  const steps = options.grid ?? 5;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`swap: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`swap: grid must be a positive integer, got ${steps}`);
  const { run, entry, model, data, step } = await openRunForCommand(runDir, options);
  try {
    const prepared = data!;
    if (prepared.input.kind !== 'image') throw new Error(`swap draws images; ${run.path} is ${entry.name} on '${prepared.spec.dataset}' (vectors). Try \`disentangle sample\` for its points.`);
    if (prepared.labelNames.length === 0) throw new Error(`swap switches labels; ${run.path} was trained without labels (train with --labels)`);
    const switcher = requireCapability(model, 'switchAttributes', 'disentangle swap');
    // With mixed labels (a class and attributes) only the attributes are switched.
    const chosen = options.label !== undefined ? [resolveLabel(prepared.labelNames, options.label)] : prepared.labelNames.map((_, k) => k).slice(prepared.classColumns ?? 0);
    if (chosen[0] !== undefined && chosen[0] < (prepared.classColumns ?? 0)) throw new Error(`swap: '${prepared.labelNames[chosen[0]]}' is a class column of mixed labels; switch an attribute (${prepared.labelNames.slice(prepared.classColumns).join(', ')})`);
    const base = options.out ? resolve(options.out.slice(0, options.out.length - extname(options.out).length)) : undefined;
    const pathFor = (kind: string, label?: string) => {
      if (base === undefined) return join(run.imagesDir, `${kind}${label ? `-${slug(label)}` : ''}-${step}.png`);
      return kind === 'switch' ? resolve(options.out!) : join(dirname(base), `${basename(base)}-${kind}${label ? `-${slug(label)}` : ''}.png`);
    };
    const paths: string[] = [];
    log(`swap: ${entry.name} at step ${step}; encoding the switch reference from the training examples`);
    const reference = await switchReferenceFor(switcher, prepared);

    const examples = Array.from(prepared.split.test.slice(0, count));
    if (examples.length === 0) throw new Error(`swap: ${run.path}'s data has no test examples`);
    if (examples.length < count) log(`swap: the test split has only ${examples.length} examples`);
    const switchPath = pathFor('switch');
    await writeSwitches(switchPath, model, prepared, reference, examples, chosen, { title: `${entry.name} attribute switches, step ${step}` });
    paths.push(switchPath);
    log(`swap: wrote ${switchPath}`);

    for (const k of chosen) {
      const name = prepared.labelNames[k];
      if (hasCapability(model, 'variety') && entry.capabilities.includes('variety')) {
        const [index] = examplesWith(prepared, k, false, 1);
        if (index === undefined) log(`swap: no example without ${name}; no variety grid for it`);
        else {
          const path = pathFor('variety', name);
          await writeVariety(path, model, prepared, reference, index, k, { steps, title: `${name} across its style space (example ${index})` });
          paths.push(path);
          log(`swap: wrote ${path}`);
        }
      }
      if (hasCapability(model, 'transfer') && entry.capabilities.includes('transfer')) {
        const sources = examplesWith(prepared, k, true, TRANSFER_EXAMPLES);
        const targets = examplesWith(prepared, k, !prepared.exclusive, TRANSFER_EXAMPLES, sources);
        if (sources.length === 0 || targets.length === 0) log(`swap: not enough examples with and without ${name} for a transfer grid`);
        else {
          const path = pathFor('transfer', name);
          await writeTransfer(path, model, prepared, sources, targets, k, { title: `${name} style: top row onto left column` });
          paths.push(path);
          log(`swap: wrote ${path}`);
        }
      }
      if (hasCapability(model, 'attributeCodes') && entry.capabilities.includes('attributeCodes')) {
        const path = pathFor('sweep', name);
        await writeAttributeSweep(path, model, prepared, examples, name, SWEEP_VALUES, { title: `${name}'s code set from −1 to 3 (0 off, 1 on)` });
        paths.push(path);
        log(`swap: wrote ${path}`);
      }
    }
    const binary = !prepared.exclusive && !prepared.classColumns;
    if (hasCapability(model, 'attributeCodes') && entry.capabilities.includes('attributeCodes') && binary && chosen.length >= 2 && chosen.length <= 4) {
      const path = pathFor('grid');
      await writeAttributeGrid(path, model, prepared, reference, examples, chosen.map((k) => prepared.labelNames[k]), { title: `every combination of ${chosen.map((k) => prepared.labelNames[k]).join(', ')}` });
      paths.push(path);
      log(`swap: wrote ${path}`);
    }
    return paths;
  } finally {
    model.dispose();
  }
}

interface SwapCommandOptions extends CommonOptions {
  count: number;
  label?: string;
  grid: number;
  out?: string;
}

export function addSwapCommand(program: Command): void {
  const command = program
    .command('swap')
    .description("attribute switches of test examples ('switchAttributes'); the variety of each attribute ('variety'), style transfer ('transfer'), and code sweeps and combination grids ('attributeCodes') where the model has them")
    .argument('<run-dir>', 'a run directory written by `disentangle train` (image data with labels)')
    .option('--count <n>', 'test examples in the switch grid', parsePositiveInt, 6)
    .option('--label <name>', 'only this label (default: every label)')
    .option('--grid <n>', 'side of the variety grid', parsePositiveInt, 5)
    .option('--out <file>', 'path of the switch grid (the other figures are written beside it)');
  withCommonOptions(command).action(async (runDir: string, options: SwapCommandOptions) => {
    const paths = await runSwap(runDir, options);
    process.stdout.write(`${paths.join('\n')}\n`);
  });
}
