/**
 * The pictures every training run leaves in images/, chosen by what the model can do:
 * reconstructions.png ('reconstruct'), samples.png ('sample', one row per label pattern),
 * switches.png ('switchAttributes') for images; latents.png ('encode') for point sets.
 */
import type { GenerativeModel, ModelEntry } from '@disentangle/kernels';
import type { PreparedData } from '@disentangle/data';
import type { RunDirectory } from '@disentangle/training';
import { evenlySpaced, hasCapability, switchReferenceFor, requireCapability } from '@disentangle/metrics';
import { conditionPatterns } from '../figures/condition-figures';
import { join } from 'node:path';
import { writeReconstructions, writeSamples, writeSwitches } from '../figures/image-figures';
import { samplePatterns } from '../figures/label-patterns';
import { writeLatentScatter } from '../figures/latent-scatter';

export async function writeRunPictures(run: RunDirectory, entry: ModelEntry<any>, model: GenerativeModel, data: PreparedData, seed: number): Promise<string[]> {
  const written: string[] = [];
  const file = (name: string) => {
    const path = join(run.imagesDir, name);
    written.push(path);
    return path;
  };
  const can = (capability: Parameters<typeof hasCapability>[1]) => entry.capabilities.includes(capability) && hasCapability(model, capability);
  if (data.input.kind !== 'image') {
    if (can('encode')) await writeLatentScatter(file('latents.png'), model, data);
    return written;
  }
  const test = evenlySpaced(data.split.test, 8); // spread over the split: some sets are stored by class
  if (test.length === 0) return written;
  if (can('reconstruct')) await writeReconstructions(file('reconstructions.png'), model, data, test, { title: `${entry.name}: test inputs and reconstructions` });
  if (can('sample')) {
    const conditional = entry.needs.labels !== 'none';
    // Mixed labels (a class and attributes) need a one-hot class in every row: the test split's own rows.
    const patterns = data.classColumns ? conditionPatterns(data, 8) : samplePatterns(data.labelNames, data.exclusive);
    await writeSamples(file('samples.png'), model, data, patterns, { seed, conditional, title: `${entry.name}: samples` });
  }
  if (can('switchAttributes') && data.labelNames.length > 0) {
    const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
    // With mixed labels only the attributes are switched (the class part stays one-hot).
    const labels = data.labelNames.map((_, k) => k).slice(data.classColumns ?? 0);
    await writeSwitches(file('switches.png'), model, data, reference, test.slice(0, 6), labels, { title: `${entry.name}: attribute switches` });
  }
  return written;
}
