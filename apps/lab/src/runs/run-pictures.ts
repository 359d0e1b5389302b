/**
 * The pictures every training run leaves in images/, chosen by what the model can do:
 * reconstructions.png ('reconstruct'), samples.png ('sample', one row per label pattern),
 * switches.png ('switchAttributes') for images; latents.png ('encode') for point sets.
 *
 * They come after training, so none may lose it: a figure the data are too small for (a test
 * split of 2 images, a class with no reference example to switch to) is skipped and reported
 * with its reason, and the caller still writes summary.json.
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

export interface RunPictures {
  written: string[];
  /** Figures not drawn, with the reason. */
  skipped: { file: string; reason: string }[];
}

export async function writeRunPictures(run: RunDirectory, entry: ModelEntry<any>, model: GenerativeModel, data: PreparedData, seed: number): Promise<RunPictures> {
  const written: string[] = [];
  const skipped: RunPictures['skipped'] = [];
  /** Draws one figure; a failure skips it (named, with the reason) instead of losing the run's summary. */
  const figure = async (name: string, draw: (path: string) => Promise<unknown>) => {
    const path = join(run.imagesDir, name);
    try {
      await draw(path);
      written.push(path);
    } catch (error) {
      skipped.push({ file: path, reason: (error as Error).message });
    }
  };
  const can = (capability: Parameters<typeof hasCapability>[1]) => entry.capabilities.includes(capability) && hasCapability(model, capability);
  if (data.input.kind !== 'image') {
    if (can('encode')) await figure('latents.png', (path) => writeLatentScatter(path, model, data));
    return { written, skipped };
  }
  const test = evenlySpaced(data.split.test, 8); // spread over the split: some sets are stored by class
  if (test.length === 0) {
    skipped.push({ file: run.imagesDir, reason: `the test split is empty (${data.dataset.count} examples, 10% for testing); use a larger --count for pictures` });
    return { written, skipped };
  }
  if (can('reconstruct')) await figure('reconstructions.png', (path) => writeReconstructions(path, model, data, test, { title: `${entry.name}: test inputs and reconstructions` }));
  if (can('sample')) {
    const conditional = entry.needs.labels !== 'none';
    await figure('samples.png', (path) => {
      // Mixed labels (a class and attributes) need a one-hot class in every row: the test split's own rows.
      const patterns = data.classColumns ? conditionPatterns(data, 8) : samplePatterns(data.labelNames, data.exclusive);
      return writeSamples(path, model, data, patterns, { seed, conditional, title: `${entry.name}: samples` });
    });
  }
  if (can('switchAttributes') && data.labelNames.length > 0) {
    await figure('switches.png', async (path) => {
      const reference = await switchReferenceFor(requireCapability(model, 'switchAttributes'), data);
      // With mixed labels only the attributes are switched (the class part stays one-hot).
      const labels = data.labelNames.map((_, k) => k).slice(data.classColumns ?? 0);
      await writeSwitches(path, model, data, reference, test.slice(0, 6), labels, { title: `${entry.name}: attribute switches` });
    });
  }
  return { written, skipped };
}
