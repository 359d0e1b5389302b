/**
 * `disentangle swap <run-dir>`: attribute manipulation with a trained paper-004 image model.
 *
 *   images/switch-<step>.png            every model: `count` test examples (top row) and, below,
 *                                       each one with a label switched (G_ij of §4.3): a binary
 *                                       label flipped, or for exclusive labels the switch to j
 *   images/variety-<label>-<step>.png   CSVAE: the first test example without the label switched
 *                                       to "label on" at each point of a grid×grid grid in W_label
 *                                       (the paper's Figure 3, "variety across W")
 *   images/transfer-<label>-<step>.png  CSVAE: style transfer, w_label of example A (top) with z
 *                                       and the other w of example B (left)
 *
 *   disentangle swap runs/csvae-faces [--count 6] [--label Eyeglasses] [--grid 5]
 *
 * --label restricts all three to one label (default: every label). With --out FILE the switch
 * grid goes to FILE and the others beside it (FILE-variety-<label>.png, FILE-transfer-<label>.png).
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Csvae, LatentSubspaceModel, SwitchReference } from '@disentangle/csvae';
import { writeImageGrid } from '@disentangle/data';
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, loadCsvaeData, type CsvaeData } from '../csvae/csvae-data';
import { mapRows, switchOutputs, switchReferenceFor, varietyPoints, type SwitchRequest } from '../csvae/csvae-evaluation';
import { toBatch } from '../csvae/csvae-training';
import { openCsvaeRun, type CsvaeRunConfig } from '../csvae/trained-run';
import { parsePositiveInt, withCommonOptions, type CommonOptions } from './common-options';
import { BLANK_VALUE, prepareBackend, resolveLabel, zoomFor, type TrainedRunCommandOptions } from './sample';

export interface SwapOptions extends TrainedRunCommandOptions {
  /** Test examples in the switch grid (default 6). */
  count?: number;
  /** Only this label (default: every label). */
  label?: string;
  /** Side of the CSVAE variety grid (default 5). */
  grid?: number;
  /** Path of the switch grid; the other figures are written beside it. */
  out?: string;
  /** Unused (everything is decoded from posterior means); accepted for the common options. */
  seed?: number;
}

/** Style-transfer grid size: at most this many A and B examples. */
const TRANSFER_EXAMPLES = 4;

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

/** A file name part from a label name. */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}

function labelsOf(data: CsvaeData, index: number): number[] {
  const k = data.labelNames.length;
  return Array.from(data.y.subarray(index * k, (index + 1) * k));
}

function describeLabels(data: CsvaeData, index: number): string {
  const on = labelsOf(data, index).flatMap((v, c) => (v > 0.5 ? [data.labelNames[c]] : []));
  return on.length ? on.join('+') : 'none';
}

/** The target of switching label `k` for an example with labels `y`: flipped, or one-hot k for exclusive labels. */
function switchTarget(data: CsvaeData, y: number[], k: number): number[] {
  return data.exclusive ? y.map((_, c) => (c === k ? 1 : 0)) : y.map((v, c) => (c === k ? 1 - v : v));
}

/** Up to `limit` indices (test split first, then train) whose label k is on (`on`) or off. */
function examplesWith(data: CsvaeData, k: number, on: boolean, limit: number, exclude: number[] = []): number[] {
  const found: number[] = [];
  for (const split of [data.split.test, data.split.train]) {
    for (const i of split) {
      if (found.length >= limit) return found;
      if (exclude.includes(i) || found.includes(i)) continue;
      if (labelsOf(data, i)[k] > 0.5 === on) found.push(i);
    }
  }
  return found;
}

export async function runSwap(runDir: string, options: SwapOptions = {}): Promise<string[]> {
  const log = options.log ?? stderrLog;
  await prepareBackend(options, log);
  const count = options.count ?? 6;
  const gridSteps = options.grid ?? 5;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`swap: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(gridSteps) || gridSteps <= 0) throw new Error(`swap: grid must be a positive integer, got ${gridSteps}`);
  const opened = await openCsvaeRun(runDir, { loadData: false });
  const { run, model, step } = opened;
  try {
    const { input, labels: labelNames } = model.config;
    if (input.kind !== 'image') {
      throw new Error(`swap needs an image model; ${run.path} is a ${model.name} on ${(run.config as CsvaeRunConfig).data.dataset} (vector inputs). Try \`disentangle sample\` for its points.`);
    }
    const chosen = options.label !== undefined ? [resolveLabel(labelNames, options.label)] : labelNames.map((_, k) => k);
    const data = await loadCsvaeData((run.config as CsvaeRunConfig).data);
    const { size, channels } = input;
    const cell = size * size * channels;
    const zoom = zoomFor(size);
    const images = (values: Float32Array, n: number) => ({ data: values, count: n, height: size, width: size, channels });
    const base = options.out ? resolve(options.out.slice(0, options.out.length - extname(options.out).length)) : undefined;
    const pathFor = (kind: string, label?: string) => {
      if (base === undefined) return join(run.imagesDir, `${kind}${label ? `-${slug(label)}` : ''}-${step}.png`);
      return kind === 'switch' ? resolve(options.out!) : join(dirname(base), `${basename(base)}-${kind}${label ? `-${slug(label)}` : ''}.png`);
    };
    const paths: string[] = [];

    log(`swap: ${model.name} at step ${step}; encoding the switch reference from the training examples`);
    const reference = await switchReferenceFor(model, data);

    // (a) Attribute switches: inputs on top, one row per label below.
    const examples = Array.from(data.split.test.slice(0, count));
    if (examples.length === 0) throw new Error(`swap: ${run.path}'s data has no test examples`);
    if (examples.length < count) log(`swap: the test split has only ${examples.length} examples`);
    const requests: SwitchRequest[] = chosen.flatMap((k) => examples.map((index) => ({ index, target: switchTarget(data, labelsOf(data, index), k) })));
    const switched = await switchOutputs(model, data, requests, reference);
    const inputs = await mapRows(data, examples, (b) => tf.clone(b.x));
    const switchGrid = new Float32Array(inputs.length + switched.length);
    switchGrid.set(inputs);
    switchGrid.set(switched, inputs.length);
    const switchPath = pathFor('switch');
    await writeImageGrid(switchPath, images(switchGrid, examples.length * (1 + chosen.length)), {
      columns: examples.length,
      zoom,
      title: `${model.name} attribute switches, step ${step}`,
      rowLabels: ['input', ...chosen.map((k) => `${data.exclusive ? '->' : 'flip'} ${labelNames[k]}`)],
      columnLabels: examples.map((i) => describeLabels(data, i)),
    });
    paths.push(switchPath);
    log(`swap: wrote ${switchPath}`);

    if (model.name !== 'csvae') return paths;
    const csvae = model as Csvae;
    for (const k of chosen) {
      const name = labelNames[k];
      // (b) Variety across W_k: one example without the label, switched on at each grid point.
      const [index] = examplesWith(data, k, false, 1);
      if (index === undefined) {
        log(`swap: no example without ${name}; no variety grid for it`);
      } else {
        const varietyPath = pathFor('variety', name);
        await writeImageGrid(varietyPath, images(await varietyOutputs(csvae, data, reference, index, k, gridSteps), gridSteps * gridSteps), {
          columns: gridSteps,
          zoom,
          title: `${name} across W_${name} (example ${index})`,
          rowLabels: gridOffsets(gridSteps).map((a) => `pc1 ${a}`),
          columnLabels: gridOffsets(gridSteps).map((b) => `pc2 ${b}`),
        });
        paths.push(varietyPath);
        log(`swap: wrote ${varietyPath}`);
      }

      // (c) Style transfer: w_k of A (with the label) into B (without it where possible).
      const a = examplesWith(data, k, true, TRANSFER_EXAMPLES);
      let b = examplesWith(data, k, false, TRANSFER_EXAMPLES, a);
      if (b.length === 0) b = examplesWith(data, k, true, TRANSFER_EXAMPLES, a);
      if (a.length === 0 || b.length === 0) {
        log(`swap: too few examples ${a.length === 0 ? 'with' : 'for'} ${name}; no style transfer for it`);
        continue;
      }
      const transferPath = pathFor('transfer', name);
      await writeImageGrid(transferPath, images(await transferGrid(csvae, data, a, b, k, cell), (a.length + 1) * (b.length + 1)), {
        columns: a.length + 1,
        zoom,
        title: `${name} transfer: w_${name} of A + z, other w of B`,
        rowLabels: ['', ...b.map((_, r) => `B${r + 1}`)],
        columnLabels: ['', ...a.map((_, c) => `A${c + 1}`)],
      });
      paths.push(transferPath);
      log(`swap: wrote ${transferPath}`);
    }
    return paths;
  } finally {
    model.dispose();
  }
}

/** The offsets (in standard deviations) of `subspaceGrid`'s rows and columns, span 2. */
function gridOffsets(steps: number, span = 2): string[] {
  return Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : -span + (2 * span * i) / (steps - 1))).map((v) => `${v > 0 ? '+' : ''}${Number(v.toFixed(1))}`);
}

/** G(x_index, p) with label k switched on at each point p of the steps×steps grid in W_k (row-major). */
async function varietyOutputs(model: Csvae, data: CsvaeData, reference: SwitchReference, index: number, k: number, steps: number): Promise<Float32Array> {
  const points = varietyPoints(reference, k, steps);
  const defaults = reference.subspaces!.map((s) => s.mean);
  const y = labelsOf(data, index);
  const target = data.exclusive ? y.map((_, c) => (c === k ? 1 : 0)) : y.map((v, c) => (c === k ? 1 : v));
  const batch = toBatch(data, gatherRows(data, [index]));
  const goal = tf.tensor2d([target], [1, y.length]);
  const parts: Float32Array[] = [];
  try {
    for (const p of points) {
      const out = tf.tidy(() => model.switchAttributes(batch, goal, reference, { points: defaults.map((d, c) => (c === k ? p : d)) }));
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    }
  } finally {
    tf.dispose([batch.x, batch.y, goal]);
  }
  const all = new Float32Array(parts.reduce((s, q) => s + q.length, 0));
  parts.forEach((q, i) => all.set(q, i * q.length));
  return all;
}

/**
 * The (|B|+1)×(|A|+1) transfer grid: a blank corner, A's inputs across the top, B's down the
 * side, and at (B_r, A_c) the decoding of [z(B_r), w(B_r) with w_k ← w_k(A_c)]. For exclusive
 * labels the other subspaces are set to the absent prior's mean, as §4.3's switch does, since
 * keeping B's own (on) label subspace would ask for two exclusive labels at once.
 */
async function transferGrid(model: Csvae, data: CsvaeData, a: number[], b: number[], k: number, cell: number): Promise<Float32Array> {
  const { zDim, wDim, exclusive, priors } = model.config;
  const labelCount = data.labelNames.length;
  const batchA = toBatch(data, gatherRows(data, a));
  const batchB = toBatch(data, gatherRows(data, b));
  try {
    const decoded = tf.tidy(() => {
      const partsA = model.encodeParts(batchA);
      const partsB = model.encodeParts(batchB);
      const wA = partsA.w.mu.arraySync();
      const zB = partsB.z.mu.arraySync();
      const wB = partsB.w.mu.arraySync();
      const codes = b.flatMap((_, r) =>
        a.map((_, c) => {
          const w = exclusive ? new Array<number>(labelCount * wDim).fill(priors.absent.mean) : [...wB[r]];
          for (let d = 0; d < wDim; d++) w[k * wDim + d] = wA[c][k * wDim + d];
          return [...zB[r], ...w];
        }),
      );
      return model.decodeCode(tf.tensor2d(codes, [codes.length, zDim + labelCount * wDim]));
    });
    const outputs = (await decoded.data()) as Float32Array;
    decoded.dispose();
    const xA = (await batchA.x.data()) as Float32Array;
    const xB = (await batchB.x.data()) as Float32Array;
    const columns = a.length + 1;
    const grid = new Float32Array((b.length + 1) * columns * cell).fill(BLANK_VALUE);
    a.forEach((_, c) => grid.set(xA.subarray(c * cell, (c + 1) * cell), (c + 1) * cell));
    b.forEach((_, r) => {
      grid.set(xB.subarray(r * cell, (r + 1) * cell), (r + 1) * columns * cell);
      a.forEach((_, c) => grid.set(outputs.subarray((r * a.length + c) * cell, (r * a.length + c + 1) * cell), ((r + 1) * columns + c + 1) * cell));
    });
    return grid;
  } finally {
    tf.dispose([batchA.x, batchA.y, batchB.x, batchB.y]);
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
    .description('attribute switches of test examples (every model); CSVAE also: variety across W_label and style transfer (images/*.png)')
    .argument('<run-dir>', 'a run directory written by `disentangle train` (image data)')
    .option('--count <n>', 'test examples in the switch grid', parsePositiveInt, 6)
    .option('--label <name>', 'only this label (default: every label)')
    .option('--grid <n>', 'side of the CSVAE variety grid', parsePositiveInt, 5)
    .option('--out <file>', 'path of the switch grid (the other figures are written beside it)');
  withCommonOptions(command).action(async (runDir: string, options: SwapCommandOptions) => {
    const paths = await runSwap(runDir, options);
    process.stdout.write(`${paths.join('\n')}\n`);
  });
}
