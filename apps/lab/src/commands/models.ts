/**
 * `disentangle models [name]`: every model of the registry with its paper, data needs and
 * capabilities; with a name, also its description, config options and the paper's optimisation.
 */
import type { Command } from 'commander';
import type { ModelEntry } from '@disentangle/kernels';
import { loadModelRegistry, type ModelRegistry } from '../registry/model-registry';

function needsText(entry: ModelEntry<any>): string {
  const labels = entry.needs.labels === 'none' ? 'no labels' : entry.needs.labels === 'required' ? `labels (${entry.needs.labelKinds.join('/')})` : `semi-supervised labels (${entry.needs.labelKinds.join('/')})`;
  return `${entry.needs.inputs.join('/')}, ${labels}`;
}

export function formatModelTable(registry: ModelRegistry): string {
  const rows = registry.entries().map((e) => [e.name, `${e.paper.id} (${e.paper.number})`, needsText(e), e.capabilities.join(', ')]);
  const header = ['model', 'paper', 'trains on', 'capabilities'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatModelDetails(entry: ModelEntry<any>, source: string): string {
  const o = entry.optimization;
  const schedule = o.schedule ? `; MultiStepLR at epochs ${o.schedule.milestoneEpochs.join(', ')} of ${o.schedule.paperEpochs}, γ ${Number(o.schedule.gamma.toFixed(4))}` : '';
  return [
    `${entry.name} — ${entry.description}`,
    `paper         ${entry.paper.title} (${entry.paper.number}; \`disentangle reproduce ${entry.paper.id}\`)`,
    `package       ${source}`,
    `trains on     ${needsText(entry)}`,
    `capabilities  ${entry.capabilities.join(', ')}`,
    `optimisation  Adam(${o.adam.beta1}, ${o.adam.beta2}, ε ${o.adam.epsilon}) lr ${o.learningRate}, batch ${o.batchSize}${schedule}`,
    'options (train --set NAME=VALUE):',
    ...Object.entries(entry.options).map(([name, help]) => `  ${name.padEnd(24)} ${help}`),
  ].join('\n');
}

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list every model of the registry: paper, data needs, capabilities (with a name: its options)')
    .argument('[name]', 'one model to describe')
    .action(async (name?: string) => {
      const registry = await loadModelRegistry();
      process.stdout.write(`${name ? formatModelDetails(registry.get(name), registry.sourceOf(name)) : formatModelTable(registry)}\n`);
    });
}
