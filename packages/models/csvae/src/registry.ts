/**
 * The models of paper 004 by name (convention 4: one typed map, no if/else chains), and
 * save/load of a trained model: its config travels in the weights' metadata, so
 * `loadCsvaeModel(dir)` rebuilds the same architecture before assigning the weights.
 */
import { loadWeights, saveWeights, assignVariables } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { CSVAE_MODEL_NAMES, resolveCsvaeConfig, type CsvaeConfig, type CsvaeConfigInput, type CsvaeModelName } from './config';
import { CondVae } from './models/cond-vae';
import { CondVaeInfo } from './models/cond-vae-info';
import { Csvae } from './models/csvae';
import type { LatentSubspaceModel } from './models/latent-model';
import { Vae } from './models/vae';

export interface CsvaeModelEntry {
  description: string;
  /** Whether training needs labels. */
  conditional: boolean;
  create(config: CsvaeConfig): LatentSubspaceModel;
}

export const CSVAE_MODELS: Record<CsvaeModelName, CsvaeModelEntry> = {
  vae: { description: 'VAE baseline: q(z|x), p(x|z); attribute switch by latent vector arithmetic', conditional: false, create: (c) => new Vae(c) },
  condvae: { description: 'CondVAE baseline: q(z|x,y), p(x|z,y); switch by changing y', conditional: true, create: (c) => new CondVae(c) },
  'condvae-info': {
    description: 'CondVAE-info baseline: q(z|x), p(x|z,y) and an adversary r(z) the encoder defeats',
    conditional: true,
    create: (c) => new CondVaeInfo(c),
  },
  csvae: { description: 'CSVAE: Z × W_1..W_K with per-label priors on W and an adversary q_δ(y|z)', conditional: true, create: (c) => new Csvae(c) },
};

/** Builds a model from a (partial) config: defaults filled in and validated. */
export function createCsvaeModel(input: CsvaeConfigInput): LatentSubspaceModel {
  const config = resolveCsvaeConfig(input);
  return CSVAE_MODELS[config.model].create(config);
}

export function isCsvaeModelName(name: string): name is CsvaeModelName {
  return (CSVAE_MODEL_NAMES as readonly string[]).includes(name);
}

/** Writes the model's weights and config to `dir` atomically. */
export async function saveCsvaeModel(model: LatentSubspaceModel, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await saveWeights(dir, model.variables, { metadata: { ...metadata, csvae: model.getConfig() } });
}

/** Reads a model written by `saveCsvaeModel` (or a training checkpoint that carries the config in its metadata). */
export async function loadCsvaeModel(dir: string, config?: CsvaeConfigInput): Promise<LatentSubspaceModel> {
  const { tensors, metadata } = await loadWeights(dir);
  try {
    const saved = (config ?? metadata.csvae) as CsvaeConfigInput | undefined;
    if (!saved) throw new Error(`loadCsvaeModel: ${dir} has no CSVAE config in its metadata; pass the config`);
    const model = createCsvaeModel(saved);
    try {
      assignVariables(tensors, model.variables, { allowExtra: true, source: `checkpoint ${dir}` });
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    tf.dispose(tensors);
  }
}
