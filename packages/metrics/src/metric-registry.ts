/**
 * The metrics by id (DESIGN: "the metrics to compute, by id from @disentangle/metrics"): each
 * is computed from a trained model through its capabilities, on `PreparedData`, with the
 * dataset's judge when it needs one. Paper declarations and `disentangle eval` ask for them
 * by id; a metric a paper needs that is missing here is added here, for every paper.
 *
 * Every metric is measured on the test split unless its description says otherwise.
 */
import { SeededRandom, type CapabilityName, type GenerativeModel, type SwitchReference } from '@disentangle/kernels';
import { inputsOf, mapBatches, type PreparedData } from '@disentangle/data';
import type { EvaluationClassifier } from './evaluation-classifier';
import { dci, mutualInformationGap, type FactorKind } from './disentanglement';
import { switchOutputs, switchReferenceFor, switchRequests, switchesOn } from './capabilities/attribute-switch';
import { column, correlation, encodeRows, partColumns, partSelectorOf, selectParts, type PartSelector } from './capabilities/codes';
import { removalCounterfactualMse } from './capabilities/counterfactuals';
import { identityMseOf } from './capabilities/identity-preservation';
import { accuracyByLabel, judgedMatches, judgeImages, judgeSummary } from './capabilities/judged';
import { knnAccuracy } from './capabilities/knn-readout';
import { hasCapability, requireCapability } from './capabilities/model-capabilities';
import { GENERATION_METRICS } from './generation-metrics';
import { ATTRIBUTE_EDIT_METRICS } from './attribute-edit-metrics';
import { LABEL_SWAP_METRICS } from './label-swap-metrics';
import { EXCHANGE_METRICS } from './exchange-metrics';
import { first, needFactors, needImages, needLabels } from './metric-checks';

/** A trained judge as metrics use it. */
export interface MetricJudge {
  classifier: EvaluationClassifier;
  name: string;
  /** Its headline held-out accuracy. */
  accuracy: number;
}

/** What a metric is computed from. Build one with `createMetricContext`. */
export interface MetricContext {
  model: GenerativeModel;
  data: PreparedData;
  /** The dataset's judge, trained or read from the cache on first use. */
  judge(): Promise<MetricJudge>;
  /** The switch reference (computed once per context). */
  reference(): Promise<SwitchReference>;
  /** The run's logged training metrics (metrics.jsonl), oldest first. */
  logs: Record<string, number>[];
}

export interface MetricResult {
  value: number;
  /** How many images, switches, pairs or points it averages over. */
  n?: number;
  /** Per-label values and other breakdowns. */
  details?: Record<string, number>;
  /** The judge that scored it. */
  judge?: { name: string; accuracy: number };
}

export type MetricOptions = Record<string, unknown>;

export interface MetricDefinition {
  id: string;
  /** As a table header writes it. */
  name: string;
  description: string;
  /** undefined where neither direction is better (a diagnostic). */
  higherIsBetter?: boolean;
  requires: readonly CapabilityName[];
  needsJudge: boolean;
  /** Why this metric cannot be computed on these data (undefined when it can). */
  unavailable?(data: PreparedData): string | undefined;
  compute(context: MetricContext, options: MetricOptions): Promise<MetricResult>;
}

export function createMetricContext({ model, data, judge, logs = [] }: { model: GenerativeModel; data: PreparedData; judge?: () => Promise<MetricJudge>; logs?: Record<string, number>[] }): MetricContext {
  let judged: Promise<MetricJudge> | undefined;
  let reference: Promise<SwitchReference> | undefined;
  return {
    model,
    data,
    logs,
    judge: () => {
      if (!judge) return Promise.reject(new Error('this metric needs a judge (an evaluation classifier of the dataset), and none was given'));
      return (judged ??= judge());
    },
    reference: () => (reference ??= switchReferenceFor(requireCapability(model, 'switchAttributes', 'the switch reference'), data)),
  };
}

async function judgeInfo(context: MetricContext) {
  const judge = await context.judge();
  return { judge, info: judgeSummary(judge) };
}

function selectorOf(options: MetricOptions): PartSelector {
  return partSelectorOf(options.parts);
}

function meanSquared(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** Judged switch accuracy of images that should show `request.target` on `request.label`. */
async function judgedSwitches(context: MetricContext, images: Float32Array, requests: ReturnType<typeof switchRequests>): Promise<MetricResult> {
  const { data } = context;
  const { judge, info } = await judgeInfo(context);
  const judgement = await judgeImages(judge.classifier, images, data.input);
  const matches = judgedMatches(judge.classifier, judgement, data.labelNames, data.exclusive, requests.map((r) => ({ label: r.label, on: switchesOn(r) })));
  const { value, perLabel, n } = accuracyByLabel(matches, requests.map((r) => r.label), data.labelNames);
  return { value, n, details: perLabel, judge: info };
}

export const METRICS: Record<string, MetricDefinition> = {
  'attribute-switch-accuracy': {
    id: 'attribute-switch-accuracy',
    name: 'attribute-switch accuracy',
    description: "Paper 004 Method 1 (Table 1): every test image has each label switched by the model's G_ij (binary labels flipped one at a time; exclusive labels i → j for every j ≠ i), and the judge says whether the output shows the target; the fraction it agrees with. Per label in details.",
    higherIsBetter: true,
    requires: ['switchAttributes'],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context) {
      const model = requireCapability(context.model, 'switchAttributes', 'attribute-switch accuracy');
      const requests = switchRequests(context.data, context.data.split.test);
      const switched = await switchOutputs(model, context.data, requests, await context.reference());
      return judgedSwitches(context, switched, requests);
    },
  },
  'switch-noop-floor': {
    id: 'switch-noop-floor',
    name: 'no-op floor',
    description: "Calibration for attribute-switch accuracy: the judge on the unchanged test inputs against the switch targets — what a model that returns its input scores (for binary labels on a 2:1 set, about a third; for four exclusive classes, 0).",
    higherIsBetter: undefined,
    requires: [],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context) {
      const requests = switchRequests(context.data, context.data.split.test);
      return judgedSwitches(context, inputsOf(context.data, requests.map((r) => r.index)), requests);
    },
  },
  'judge-on-reconstructions': {
    id: 'judge-on-reconstructions',
    name: 'labels kept by reconstructions',
    description: "Calibration: the judge on the model's reconstructions of the test images against the images' own labels — whether the model draws the attributes it is given at all. Compare with judge-on-inputs.",
    higherIsBetter: true,
    requires: ['reconstruct'],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context) {
      const model = requireCapability(context.model, 'reconstruct', 'judge-on-reconstructions');
      const { data } = context;
      const indices = Array.from(data.split.test);
      const reconstructions = await mapBatches(data, indices, (batch) => model.reconstruct(batch));
      return judgedLabels(context, reconstructions, indices);
    },
  },
  'judge-on-inputs': {
    id: 'judge-on-inputs',
    name: 'judge on test inputs',
    description: 'Calibration: the judge on the real test images against their labels (its accuracy on exactly the images the other judged metrics start from).',
    higherIsBetter: true,
    requires: [],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context) {
      const indices = Array.from(context.data.split.test);
      return judgedLabels(context, inputsOf(context.data, indices), indices);
    },
  },
  'switch-change': {
    id: 'switch-change',
    name: 'change from input',
    description: 'Mean squared difference per value between switched outputs (Method 1 requests) and their inputs: how much a switch changes the image (paper 004: CSVAE "makes the largest change").',
    higherIsBetter: undefined,
    requires: ['switchAttributes'],
    needsJudge: false,
    unavailable: needLabels,
    async compute(context) {
      const model = requireCapability(context.model, 'switchAttributes', 'switch-change');
      const requests = switchRequests(context.data, context.data.split.test);
      const switched = await switchOutputs(model, context.data, requests, await context.reference());
      return { value: meanSquared(switched, inputsOf(context.data, requests.map((r) => r.index))), n: requests.length };
    },
  },
  'identity-mse': {
    id: 'identity-mse',
    name: 'identity MSE',
    description: "Paper 004 Method 2 (Table 2): mean squared error per pixel between G_ij(x) and every real image of x's identity with label j, over exclusive labels (formula reconstructed, see swap-metrics.ts). Models with label styles pick p_j on the validation split from a 3×3 grid over the label's prior.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: false,
    unavailable: (data) => (!data.exclusive ? 'needs exclusive labels' : !data.dataset.identities ? `'${data.spec.dataset}' has no identities` : undefined),
    async compute(context) {
      const model = requireCapability(context.model, 'switchAttributes', 'identity MSE');
      const { value, pairs } = await identityMseOf(model, context.data, await context.reference());
      return { value, n: pairs };
    },
  },
  'removal-counterfactual-mse': {
    id: 'removal-counterfactual-mse',
    name: 'removal counterfactual MSE',
    description: "Beyond the papers: for test examples with a label on, G(x → off) against the generator's rendering of the same factors with the attribute's factor set to 0 (the true answer); mean squared error per value.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: false,
    unavailable: (data) => (!data.dataset.generator ? `'${data.spec.dataset}' has no generator to render counterfactuals` : data.exclusive ? 'needs binary labels' : needLabels(data)),
    async compute(context) {
      const model = requireCapability(context.model, 'switchAttributes', 'removal counterfactual MSE');
      return removalCounterfactualMse(model, context.data, await context.reference());
    },
  },
  mig: {
    id: 'mig',
    name: 'MIG',
    description:
      "Mutual information gap (Chen et al. 2018) of the posterior means against the data's ground-truth factors (identity index left out). Option parts ('free', 'label', 'all' or a block name; default the whole code) keeps those code blocks; option factors: 'style' keeps only the factors with role 'style' (paper 000: MIG of z_u against the style factors; default every factor but the identity index).",
    higherIsBetter: true,
    requires: ['encode'],
    needsJudge: false,
    unavailable: needFactors,
    async compute(context, options) {
      return { value: mutualInformationGap(await groundTruthInput(context, options, 'mig')).value, n: context.data.split.test.length };
    },
  },
  dci: {
    id: 'dci',
    name: 'DCI disentanglement',
    description:
      "DCI disentanglement (Eastwood & Williams 2018) of the posterior means against the data's ground-truth factors (identity index left out). Options parts and factors as for mig (default: the whole code against every factor but the identity index).",
    higherIsBetter: true,
    requires: ['encode'],
    needsJudge: false,
    unavailable: needFactors,
    async compute(context, options) {
      return { value: dci(await groundTruthInput(context, options, 'dci')).disentanglement, n: context.data.split.test.length };
    },
  },
  'knn-label-readout': {
    id: 'knn-label-readout',
    name: 'label read by 15-NN',
    description: "How much of each binary label a block of the code holds: 15-nearest-neighbour accuracy of the label from the posterior means of the chosen blocks (option parts: 'label', 'free', 'all' or a block name), training codes voting for test codes; mean over labels. Chance is the majority rate.",
    higherIsBetter: undefined,
    requires: ['encode'],
    needsJudge: false,
    unavailable: (data) => needLabels(data) ?? (data.exclusive ? 'reads binary labels' : undefined),
    async compute(context, options) {
      const model = requireCapability(context.model, 'encode', 'the k-NN readout');
      const { data } = context;
      const columns = partColumns(model, selectorOf(options));
      const train = data.split.train.slice(0, 3000);
      const [trainCodes, testCodes] = [await encodeRows(model, data, train), await encodeRows(model, data, data.split.test)];
      const k = data.labelNames.length;
      const perLabel = data.labelNames.map((_, label) =>
        knnAccuracy(
          { codes: trainCodes, labels: Array.from(train, (i) => data.y[i * k + label]) },
          { codes: testCodes, labels: Array.from(data.split.test, (i) => data.y[i * k + label]) },
          model.codeWidth,
          columns,
        ),
      );
      return { value: perLabel.reduce((s, v) => s + v, 0) / k, n: data.split.test.length, details: Object.fromEntries(data.labelNames.map((name, i) => [name, perLabel[i]])) };
    },
  },
  'factor-correlation': {
    id: 'factor-correlation',
    name: 'best |corr| with a factor',
    description: 'The largest absolute Pearson correlation between a ground-truth factor (option factor) and any coordinate of the chosen code blocks (option parts), on the test split: which block carries the factor.',
    higherIsBetter: undefined,
    requires: ['encode'],
    needsJudge: false,
    unavailable: needFactors,
    async compute(context, options) {
      const model = requireCapability(context.model, 'encode', 'factor correlation');
      const { data } = context;
      const specs = data.dataset.factorSpecs!;
      const f = specs.findIndex((s) => s.name === options.factor);
      if (f < 0) throw new Error(`factor-correlation: no factor '${String(options.factor)}' in '${data.spec.dataset}' (factors: ${specs.map((s) => s.name).join(', ')})`);
      const codes = await encodeRows(model, data, data.split.test);
      const factor = Array.from(data.split.test, (i) => data.dataset.factors![i * specs.length + f]);
      const best = Math.max(...partColumns(model, selectorOf(options)).map((c) => Math.abs(correlation(column(codes, model.codeWidth, c), factor))));
      return { value: best, n: factor.length };
    },
  },
  'label-subspace-gap': {
    id: 'label-subspace-gap',
    name: 'subspace gap / prior gap',
    description: "Models with a block per label and a per-label prior (CSVAE's W_k): the distance between the mean posterior code of the block with the label on and with it off, divided by the same distance between the prior's means; mean over labels. 1 means the posterior separates the classes as far as the prior asks; near 0, the label is not in its subspace.",
    higherIsBetter: true,
    requires: ['encode'],
    needsJudge: false,
    unavailable: (data) => needLabels(data),
    async compute(context) {
      const model = requireCapability(context.model, 'encode', 'label-subspace gap');
      const { data } = context;
      const parts = selectParts(model, { role: 'label' }).filter((p) => p.label !== undefined && p.priorMeans);
      if (parts.length === 0) throw new Error(`label-subspace gap: model '${model.name}' has no label blocks with a prior`);
      const codes = await encodeRows(model, data, data.split.test);
      const k = data.labelNames.length;
      const details: Record<string, number> = {};
      for (const part of parts) {
        const rows = Array.from(data.split.test.keys());
        const mean = (on: boolean) => {
          const chosen = rows.filter((r) => (data.y[data.split.test[r] * k + part.label!] > 0.5) === on);
          return Array.from({ length: part.size }, (_, d) => chosen.reduce((s, r) => s + codes[r * model.codeWidth + part.start + d], 0) / Math.max(1, chosen.length));
        };
        const [on, off] = [mean(true), mean(false)];
        const measured = Math.hypot(...on.map((v, d) => v - off[d]));
        const prior = Math.hypot(...part.priorMeans!.on.map((v, d) => v - part.priorMeans!.off[d]));
        details[data.labelNames[part.label!]] = measured / prior;
      }
      const values = Object.values(details);
      return { value: values.reduce((s, v) => s + v, 0) / values.length, n: data.split.test.length, details };
    },
  },
  'reconstruction-mse': {
    id: 'reconstruction-mse',
    name: 'reconstruction MSE',
    description: 'Mean squared error per value between the test inputs and their reconstructions through the posterior mean.',
    higherIsBetter: false,
    requires: ['reconstruct'],
    needsJudge: false,
    async compute(context) {
      const model = requireCapability(context.model, 'reconstruct', 'reconstruction MSE');
      const indices = Array.from(context.data.split.test);
      const reconstructions = await mapBatches(context.data, indices, (batch) => model.reconstruct(batch));
      return { value: meanSquared(reconstructions, inputsOf(context.data, indices)), n: indices.length };
    },
  },
  'test-bits-per-dim': {
    id: 'test-bits-per-dim',
    name: 'bits/dim (test)',
    description:
      "Bits per dimension on the test split, −log P(x) / (D log 2), from the model's logLikelihood (seed 0). Meaningful for models whose logLikelihood is of the discrete data (the flows of paper 003: E_u log p(x̃) − D log 2^n, an upper bound on their bpd), as Glow and paper 003 report.",
    higherIsBetter: false,
    requires: ['logLikelihood'],
    needsJudge: false,
    unavailable: needImages,
    async compute(context) {
      const model = requireCapability(context.model, 'logLikelihood', 'bits per dimension');
      const { data } = context;
      const indices = Array.from(data.split.test);
      const random = new SeededRandom(0).fork('test-bits-per-dim');
      const logLikelihoods = await mapBatches(data, indices, (batch) => model.logLikelihood(batch, random));
      const input = data.input as { size: number; channels: number };
      const dimensions = input.size * input.size * input.channels;
      let sum = 0;
      for (const v of logLikelihoods) sum += -v / (dimensions * Math.LN2);
      return { value: sum / logLikelihoods.length, n: logLikelihoods.length };
    },
  },
  'training-log': {
    id: 'training-log',
    name: 'logged training term',
    description: "The mean of a logged training term (option term, e.g. 'adversary.accuracy') over the first or last (option window: 'first' | 'last') `count` (default 5) lines of metrics.jsonl.",
    higherIsBetter: undefined,
    requires: [],
    needsJudge: false,
    async compute(context, options) {
      const term = String(options.term);
      const values = context.logs.map((line) => line[term]).filter((v): v is number => Number.isFinite(v));
      if (values.length === 0) throw new Error(`training-log: the run logged no term '${term}'`);
      const count = Number(options.count ?? 5);
      const window = options.window === 'first' ? values.slice(0, count) : values.slice(-count);
      return { value: window.reduce((s, v) => s + v, 0) / window.length, n: window.length };
    },
  },
  // Paper 003's Tables 1–3 and its unsupervised codes (see generation-metrics.ts).
  ...GENERATION_METRICS,
  ...ATTRIBUTE_EDIT_METRICS,
  ...LABEL_SWAP_METRICS,
  // Paper 000's exchange: Acc, MI(z_u; c), FID, and the true exchange (see exchange-metrics.ts).
  ...EXCHANGE_METRICS,
};

/** The judge on images against their own labels (each binary label, or the class). */
async function judgedLabels(context: MetricContext, images: Float32Array, indices: number[]): Promise<MetricResult> {
  const { data } = context;
  const k = data.labelNames.length;
  const wanted = data.exclusive
    ? indices.map((i) => ({ label: Array.from(data.y.subarray(i * k, (i + 1) * k)).indexOf(1), on: true }))
    : indices.flatMap((i) => data.labelNames.map((_, label) => ({ label, on: data.y[i * k + label] > 0.5 })));
  const { judge, info } = await judgeInfo(context);
  const repeated = data.exclusive ? images : repeatRows(images, indices.length, k);
  const judgement = await judgeImages(judge.classifier, repeated, data.input);
  const matches = judgedMatches(judge.classifier, judgement, data.labelNames, data.exclusive, wanted);
  const { value, perLabel, n } = accuracyByLabel(matches, wanted.map((w) => w.label), data.labelNames);
  return { value, n, details: perLabel, judge: info };
}

/** Each of `count` rows repeated `times` times in place (one judged row per label). */
function repeatRows(values: Float32Array, count: number, times: number): Float32Array {
  if (times === 1) return values;
  const width = values.length / count;
  const out = new Float32Array(values.length * times);
  for (let r = 0; r < count; r++) for (let t = 0; t < times; t++) out.set(values.subarray(r * width, (r + 1) * width), (r * times + t) * width);
  return out;
}

/**
 * Test codes and factors for the ground-truth metrics. Defaults: the whole code, every factor
 * but the identity index. Option parts keeps the chosen code blocks; option factors 'style'
 * keeps the factors with role 'style'.
 */
async function groundTruthInput(context: MetricContext, options: MetricOptions = {}, what = 'ground-truth disentanglement') {
  const model = requireCapability(context.model, 'encode', what);
  const { data } = context;
  const specs = data.dataset.factorSpecs!;
  if (options.factors !== undefined && options.factors !== 'style') throw new Error(`${what}: option factors must be 'style' (only the factors with role 'style'), or absent for every factor but the identity index; got ${JSON.stringify(options.factors)}`);
  const keep = specs.flatMap((s, i) => ((options.factors === 'style' ? s.role !== 'style' : s.name === 'identity') ? [] : [i]));
  if (keep.length === 0 && options.factors === 'style') throw new Error(`${what}: '${data.spec.dataset}' has no factor with role 'style' (factors: ${specs.map((s) => `${s.name}${s.role ? ` (${s.role})` : ''}`).join(', ')})`);
  const indices = data.split.test;
  const all = await encodeRows(model, data, indices);
  const columns = options.parts === undefined ? undefined : partColumns(model, selectorOf(options));
  const codes = columns ? Float32Array.from({ length: indices.length * columns.length }, (_, v) => all[Math.floor(v / columns.length) * model.codeWidth + columns[v % columns.length]]) : all;
  const factors = new Float32Array(indices.length * keep.length);
  indices.forEach((i, r) => keep.forEach((f, c) => (factors[r * keep.length + c] = data.dataset.factors![i * specs.length + f])));
  return { codes, codeDim: columns ? columns.length : model.codeWidth, factors, numFactors: keep.length, factorKinds: keep.map((f) => specs[f].kind as FactorKind) };
}

/** A metric by id, or an error listing the known ids. */
export function metricById(id: string): MetricDefinition {
  const metric = Object.hasOwn(METRICS, id) ? METRICS[id] : undefined;
  if (!metric) throw new Error(`unknown metric '${id}'; known metrics: ${Object.keys(METRICS).join(', ')}`);
  return metric;
}

/**
 * Why `metric` cannot be computed for this model and these data, or undefined when it can:
 * a capability the model's entry does not list, or data it needs.
 */
export function metricUnavailable(metric: MetricDefinition, capabilities: readonly CapabilityName[], data: PreparedData, model?: GenerativeModel): string | undefined {
  const missing = metric.requires.filter((c) => !capabilities.includes(c) || (model && !hasCapability(model, c)));
  if (missing.length) return `the model has no ${missing.map((c) => `'${c}'`).join(', ')} capability`;
  return metric.unavailable?.(data);
}

/** Computes one metric; options are the declaration's (e.g. { parts: 'label' }). */
export async function computeMetric(context: MetricContext, id: string, options: MetricOptions = {}): Promise<MetricResult> {
  return metricById(id).compute(context, options);
}

