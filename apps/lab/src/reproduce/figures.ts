/** Draws a declaration's figure from the trained runs of its models (reopened from their checkpoints). */
import type { PreparedData } from '@disentangle/data';
import { evenlySpaced, requireCapability, switchReferenceFor } from '@disentangle/metrics';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { examplesWith, writeReconstructions, writeSamples, writeSwitches, writeTransfer, writeVariety, writeVarietyComparison } from '../figures/image-figures';
import { resolveLabel, samplePatterns } from '../figures/label-patterns';
import { writeLatentScatter } from '../figures/latent-scatter';
import { conditionPatterns, writeCodeTraversal, writeManipulation } from '../figures/condition-figures';
import { writeAttributeGrid, writeAttributeSweep, writeFlipComparison } from '../figures/attribute-code-figures';
import { writeSwapComparison } from '../figures/swap-figures';
import { exchangeTargets, writeExchangeGrid } from '../figures/exchange-figures';
import { swapPairs } from '@disentangle/metrics';
import type { ModelRegistry } from '../registry/model-registry';
import { openModelRun, type OpenedRun } from '../runs/model-run';
import type { FigureDeclaration } from './declaration';

/** The kinds that put several models side by side; they draw the models whose runs are ready. */
const COMPARISONS = new Set<FigureDeclaration['kind']>(['swap-comparison', 'flip-comparison', 'variety-comparison']);

export interface FigureContext {
  registry: ModelRegistry;
  dir: string;
  data: PreparedData;
  file: string;
  /** Whether a model's run may be drawn (the runner: finished at its budget). Default: its run exists. */
  ready?: (model: string) => Promise<boolean>;
}

/**
 * Draws the figure into `file`. A comparison draws the models whose runs are ready (a budget
 * may train only some, and its tables then report only those) and returns the others as
 * `omitted`; with none ready it throws, as a one-model figure does when its run is missing.
 */
export async function drawFigure(figure: FigureDeclaration, context: FigureContext): Promise<{ omitted: string[] }> {
  const ready = context.ready ?? (async (model: string) => existsSync(join(context.dir, `${figure.dataset}-${model}`)));
  const omitted: string[] = [];
  if (COMPARISONS.has(figure.kind)) for (const model of figure.models) if (!(await ready(model))) omitted.push(model);
  if (omitted.length === figure.models.length) throw new Error(`none of ${figure.models.join(', ')} has a finished run on ${figure.dataset} in ${context.dir}`);
  await drawInto(figure, figure.models.filter((model) => !omitted.includes(model)), context);
  return { omitted };
}

/** The title a report gives a drawn figure: the declaration's, naming the models it could not draw. */
export function drawnTitle(figure: FigureDeclaration, omitted: string[]): string {
  return omitted.length === 0 ? figure.title : `${figure.title} (not drawn, no finished run: ${omitted.join(', ')})`;
}

async function drawInto(figure: FigureDeclaration, names: string[], { registry, dir, data, file }: FigureContext): Promise<void> {
  const opened: OpenedRun[] = [];
  const open = async (model: string) => {
    const run = await openModelRun(join(dir, `${figure.dataset}-${model}`), registry, { loadData: false });
    opened.push(run);
    return run;
  };
  const label = figure.label === undefined ? 0 : resolveLabel(data.labelNames, figure.label);
  const test = evenlySpaced(data.split.test, 8); // spread over the split: some sets are stored by class
  try {
    if (figure.kind === 'flip-comparison') {
      const models = [];
      for (const name of names) {
        const { model } = await open(name);
        models.push({ name, model, reference: await switchReferenceFor(requireCapability(model, 'switchAttributes'), data) });
      }
      return await writeFlipComparison(file, models, data, test, data.labelNames[label], { title: figure.title });
    }
    if (figure.kind === 'swap-comparison') {
      const models = [];
      for (const name of names) models.push({ name, model: (await open(name)).model });
      const { withLabel, without } = swapPairs(data, label, 5);
      return await writeSwapComparison(file, models, data, withLabel, without, label, { title: figure.title });
    }
    if (figure.kind === 'variety-comparison') {
      const models = [];
      for (const name of names) {
        const { model } = await open(name);
        models.push({ name, model, reference: await switchReferenceFor(requireCapability(model, 'switchAttributes'), data) });
      }
      const [index] = examplesWith(data, label, false, 1);
      if (index === undefined) throw new Error(`no example without ${data.labelNames[label]}`);
      await writeVarietyComparison(file, models, data, index, label, { title: figure.title });
      return;
    }
    const { entry, model } = await open(names[0]);
    switch (figure.kind) {
      case 'reconstructions':
        return await writeReconstructions(file, model, data, test, { title: figure.title });
      case 'samples': {
        // Mixed labels (a class and attributes) need a one-hot class in every row: take the test split's own rows.
        const patterns = data.classColumns ? conditionPatterns(data, 8) : samplePatterns(data.labelNames, data.exclusive);
        return await writeSamples(file, model, data, patterns, { conditional: entry.needs.labels !== 'none', title: figure.title });
      }
      case 'manipulation': {
        const sequence = figure.sequence ?? data.labelNames.slice(data.classColumns ?? 0);
        return await writeManipulation(file, model, data, test.slice(0, 6), sequence, { title: figure.title });
      }
      case 'code-traversal':
        return await writeCodeTraversal(file, model, data, figure.code, { title: figure.title });
      case 'attribute-sweep':
        return await writeAttributeSweep(file, model, data, test.slice(0, 6), data.labelNames[label], figure.values ?? [-1, 0, 0.5, 1, 2, 3], { title: figure.title });
      case 'attribute-grid': {
        const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
        return await writeAttributeGrid(file, model, data, reference, test.slice(0, 6), figure.attributes ?? data.labelNames, { title: figure.title });
      }
      case 'exchange-grid': {
        const targets = exchangeTargets(data, figure.targets);
        const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
        return await writeExchangeGrid(file, model, data, reference, test.slice(0, 6), targets, { title: figure.title });
      }
      case 'latents':
        return await writeLatentScatter(file, model, data);
      case 'switches': {
        const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
        return await writeSwitches(file, model, data, reference, test.slice(0, 6), data.labelNames.map((_, k) => k).slice(data.classColumns ?? 0), { title: figure.title });
      }
      case 'variety': {
        const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
        const [index] = examplesWith(data, label, false, 1);
        if (index === undefined) throw new Error(`no example without ${data.labelNames[label]}`);
        return await writeVariety(file, model, data, reference, index, label, { title: figure.title });
      }
      case 'transfer': {
        const sources = examplesWith(data, label, true, 4);
        const targets = examplesWith(data, label, !data.exclusive, 4, sources);
        return await writeTransfer(file, model, data, sources, targets, label, { title: figure.title });
      }
    }
  } finally {
    for (const run of opened) run.model.dispose();
  }
}
