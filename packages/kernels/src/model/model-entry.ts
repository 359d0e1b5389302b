/**
 * A registry entry: what the lab needs to know about a model to train, evaluate and show
 * it without naming it (DESIGN convention 4). Each model package exports its entries as
 * `models`; the lab composes every package's entries into one table. Types only, plus
 * the checks every entry gets at the boundary.
 */
import type { CapabilityName } from './capabilities';
import { CAPABILITIES } from './capabilities';
import type { GenerativeModel } from './generative-model';

/** The model's input: flat vectors (the swiss roll) or square NHWC images. */
export type InputSpec = { kind: 'vector'; dim: number } | { kind: 'image'; size: number; channels: 1 | 3 };

/** What the data decides about a model: handed to `resolveConfig` with the user's overrides. */
export interface ModelEnvironment {
  input: InputSpec;
  /** Names of the labels y_1..y_K (empty for unlabelled data). */
  labels: string[];
  /** True when exactly one label is on per example (a class), false for independent binary attributes. */
  exclusive: boolean;
  /**
   * Mixed labels (a class and attributes, e.g. a face's identity and its Eyeglasses): the
   * first `classColumns` columns of y are the one-hot class, the rest binary attributes.
   * 0 or absent otherwise.
   */
  classColumns?: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** What data a model can train on. */
export interface DataNeeds {
  inputs: readonly InputSpec['kind'][];
  /**
   * 'none': labels are ignored (they may still be used to evaluate); 'required': every
   * training example needs its labels; 'semi-supervised': labels where `batch.labelled` is 1.
   */
  labels: 'none' | 'required' | 'semi-supervised';
  /** Which label matrices the model accepts. */
  labelKinds: readonly ('multi-label' | 'exclusive')[];
}

/** The paper's optimisation, which `train` uses unless told otherwise. */
export interface OptimizationDefaults {
  learningRate: number;
  batchSize: number;
  adam: { beta1: number; beta2: number; epsilon: number };
  /** PyTorch's MultiStepLR: milestones at the paper's epochs, rate × gamma at each; `paperEpochs` is the paper's run. */
  schedule?: { milestoneEpochs: readonly number[]; gamma: number; paperEpochs: number };
}

export interface PaperReference {
  /** Short id, the `reproduce <paper>` name: 'csvae'. */
  id: string;
  /** The file number in shared/papers: '004'. */
  number: string;
  /** Authors, title, venue. */
  title: string;
}

export interface ModelEntry<C extends object = Record<string, unknown>> {
  /** Registry name, unique across packages: 'csvae', 'condvae-info'. */
  name: string;
  paper: PaperReference;
  /** One line: what the model is and how it differs from its siblings. */
  description: string;
  needs: DataNeeds;
  capabilities: readonly CapabilityName[];
  /** The config fields a user may override (`train --set field=value`), each with one line of help. */
  options: Record<string, string>;
  /**
   * The full config from the user's overrides and what the data decides, defaults filled in
   * and validated; errors name the field. Idempotent: resolving a resolved config returns it.
   */
  resolveConfig(overrides: Record<string, unknown>, environment: ModelEnvironment): C;
  /** Builds the model from a resolved config (a run's config.json rebuilds it). */
  create(config: C): GenerativeModel;
  optimization: OptimizationDefaults;
}

/** What a model package exports for the lab: `export const models: ModelEntry[]`. */
export interface ModelPackage {
  models: readonly ModelEntry<any>[];
}

/** Throws a clear error naming the entry and the field when an entry is malformed. */
export function validateModelEntry(entry: ModelEntry<any>, source = 'a model package'): void {
  const where = `model entry ${JSON.stringify((entry as { name?: unknown })?.name)} from ${source}`;
  if (!entry || typeof entry !== 'object') throw new Error(`${source}: a model entry must be an object`);
  if (typeof entry.name !== 'string' || !/^[a-z0-9][a-z0-9+-]*$/.test(entry.name)) throw new Error(`${where}: name must be lower-case letters, digits, '-' or '+'`);
  if (!entry.paper || typeof entry.paper.id !== 'string' || typeof entry.paper.title !== 'string') throw new Error(`${where}: paper must be { id, number, title }`);
  if (typeof entry.description !== 'string' || entry.description === '') throw new Error(`${where}: description is missing`);
  if (!entry.needs || !Array.isArray(entry.needs.inputs) || entry.needs.inputs.length === 0) throw new Error(`${where}: needs.inputs must list 'image' and/or 'vector'`);
  if (!['none', 'required', 'semi-supervised'].includes(entry.needs.labels)) throw new Error(`${where}: needs.labels must be 'none', 'required' or 'semi-supervised'`);
  if (!Array.isArray(entry.capabilities)) throw new Error(`${where}: capabilities must be a list`);
  for (const c of entry.capabilities) {
    if (!(CAPABILITIES as readonly string[]).includes(c)) throw new Error(`${where}: unknown capability '${c}' (known: ${CAPABILITIES.join(', ')})`);
  }
  if (typeof entry.resolveConfig !== 'function' || typeof entry.create !== 'function') throw new Error(`${where}: resolveConfig and create must be functions`);
  const o = entry.optimization;
  if (!o || !(o.learningRate > 0) || !(Number.isInteger(o.batchSize) && o.batchSize > 0) || !o.adam) {
    throw new Error(`${where}: optimization must give learningRate > 0, a positive integer batchSize and adam { beta1, beta2, epsilon }`);
  }
}
