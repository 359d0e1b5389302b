/**
 * Paper 000's Figs. 2 and 3 (Zhang et al. 2020: "Exchanged images on 3D chair", "Reconstructed
 * and exchanged images on FaceScrub"), through capabilities: rows are test inputs; columns the
 * input, its reconstruction, then the input exchanged to each target class — z_u of (x, c)
 * decoded with one-hot c' (`switchAttributes` with an exclusive target).
 */
import type { GenerativeModel, SwitchReference } from '@disentangle/kernels';
import { labelsOf, mapBatches, inputsOf, type PreparedData } from '@disentangle/data';
import { evenlySpaced, occurringClasses, requireCapability, switchOutputs, type SwitchRequest } from '@disentangle/metrics';
import { grid } from './image-figures';
import { patternName, resolveLabel } from './label-patterns';

/** The target classes: `names` (FigureDeclaration.targets), else 8 of the classes with examples, evenly spaced. */
export function exchangeTargets(data: PreparedData, names?: string[]): number[] {
  if (!data.exclusive) throw new Error(`the exchange grid needs exclusive one-hot class labels (labels 'one-hot'); '${data.spec.dataset}' has ${data.labelNames.length ? `the labels ${data.labelNames.slice(0, 6).join(', ')}` : 'no labels'}`);
  if (names === undefined) return evenlySpaced(occurringClasses(data), 8);
  if (names.length === 0) throw new Error('the exchange grid: targets is empty; name at least one class');
  return names.map((name) => resolveLabel(data.labelNames, name));
}

/** The grid's cells in row-major order ([rows × (2 + targets)] images), with its labels. */
export async function exchangeGridCells(model: GenerativeModel, data: PreparedData, reference: SwitchReference, indices: number[], targets: number[]): Promise<{ values: Float32Array; columns: number; rowLabels: string[]; columnLabels: string[] }> {
  const switcher = requireCapability(model, 'switchAttributes', 'the exchange grid');
  const reconstructor = requireCapability(model, 'reconstruct', 'the exchange grid');
  const blocks = [inputsOf(data, indices), await mapBatches(data, indices, (batch) => reconstructor.reconstruct(batch))];
  for (const c of targets) {
    const requests: SwitchRequest[] = indices.map((index) => ({ index, target: data.labelNames.map((_, j) => (j === c ? 1 : 0)), label: c }));
    blocks.push(await switchOutputs(switcher, data, requests, reference));
  }
  const cell = blocks[0].length / indices.length;
  const values = new Float32Array(blocks.length * blocks[0].length);
  indices.forEach((_, r) => blocks.forEach((block, j) => values.set(block.subarray(r * cell, (r + 1) * cell), (r * blocks.length + j) * cell)));
  return {
    values,
    columns: blocks.length,
    rowLabels: indices.map((i) => patternName(data.labelNames, labelsOf(data, i))),
    columnLabels: ['input', 'recon', ...targets.map((c) => `-> ${data.labelNames[c]}`)],
  };
}

export async function writeExchangeGrid(file: string, model: GenerativeModel, data: PreparedData, reference: SwitchReference, indices: number[], targets: number[], { title }: { title?: string } = {}): Promise<void> {
  const { values, columns, rowLabels, columnLabels } = await exchangeGridCells(model, data, reference, indices, targets);
  await grid(file, data, values, { columns, rowLabels, columnLabels, title });
}
