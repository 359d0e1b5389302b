/**
 * Metrics of edited images, for paper 002 (Tang et al. 2020, slides: "flipping attributes",
 * "interpolations and extrapolations", "control multiple attributes at the same time") and
 * any model with the same capabilities. The slides show figures only; these turn their
 * claims into numbers: realism of fusions and flips (Fréchet distance on the judge's
 * features), flips against the generator's true rendering, judged sweeps of one attribute
 * code, and the judged 2^A grid of several attributes. Registered in `METRICS`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { inputsOf, mapBatches, type PreparedData } from '@disentangle/data';
import type { MetricContext, MetricDefinition, MetricResult } from './metric-registry';
import { fid } from './frechet-distance';
import { evenlySpaced, switchOutputs, switchRequests, type SwitchRequest } from './capabilities/attribute-switch';
import { flipCounterfactualMse, flipCounterfactualNoop } from './capabilities/counterfactuals';
import { judgeSummary } from './capabilities/judged';
import { judgeFeatures, judgeLabels } from './capabilities/judged-labels';
import { labelLayout } from './capabilities/label-layout';
import { requireCapability } from './capabilities/model-capabilities';
import { first, needAttributes, needImages, needLabels } from './metric-checks';
import { namedColumns } from './metric-options';

const binaryOnly = (data: PreparedData) => (data.exclusive || (data.classColumns ?? 0) > 0 ? 'needs binary attribute labels only (no exclusive class)' : undefined);

/** The Fréchet distance between the judge's features of `images` and of the real test rows `rows`. */
async function judgedFid(context: MetricContext, images: Float32Array, rows: number[]): Promise<MetricResult> {
  const judge = await context.judge();
  const a = await judgeFeatures(judge.classifier, images, context.data.input);
  const b = await judgeFeatures(judge.classifier, inputsOf(context.data, rows), context.data.input);
  return { value: fid(a.features, b.features, a.dim, { featureNetwork: judge.name }).value, n: rows.length, judge: judgeSummary(judge) };
}

/** The attributes option `attributes` names (default every label), as column indices. */
const attributeColumns = (data: PreparedData, asked: unknown, what: string) =>
  namedColumns(asked, data.labelNames, { what, option: 'attributes', noun: 'a label of these data', plural: 'labels' });

/** Judged probabilities [n, L] of the data's attributes for images [n, ...input]. */
async function judgedAttributes(context: MetricContext, images: Float32Array): Promise<Float32Array> {
  const judge = await context.judge();
  const layout = { kind: 'attributes' as const, classColumns: 0, classNames: [], attributeNames: context.data.labelNames };
  return (await judgeLabels(judge.classifier, images, context.data.input, layout)).attributes!;
}

/** Spearman rank correlation of `values` against their positions 0..n−1 (ties get mean ranks). */
export function spearmanAgainstOrder(values: number[]): number {
  const n = values.length;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && order[j + 1][0] === order[i][0]) j++;
    for (let t = i; t <= j; t++) ranks[order[t][1]] = (i + j) / 2;
    i = j + 1;
  }
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ranks[i] - mean) * (i - mean);
    da += (ranks[i] - mean) ** 2;
    db += (i - mean) ** 2;
  }
  return da === 0 ? 0 : num / Math.sqrt(da * db);
}

export const ATTRIBUTE_EDIT_METRICS: Record<string, MetricDefinition> = {
  'fusion-fid': {
    id: 'fusion-fid',
    name: 'FID of fusions',
    description:
      "Paper 002's realism of fusion (slides: \"without the GAN loss, the output can be unrealistic\"): n test rows (option count, default 1000) each fused with the row half the split away, x̂ = G(z1(x), z2(x̃)) (withAttributeCodes), and the Fréchet distance between the judge's pooled features of the fusions and of the same real test rows. On the judge's features, not Inception's: compare only numbers with the same judge and n.",
    higherIsBetter: false,
    requires: ['attributeCodes'],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context, options) {
      const { data } = context;
      const model = requireCapability(context.model, 'attributeCodes', 'fusion FID');
      const rows = evenlySpaced(data.split.test, Number(options.count ?? 1000));
      if (rows.length < 4) throw new Error(`fusion FID needs at least 4 test images, '${data.spec.dataset}' has ${rows.length}`);
      const partners = rows.map((_, r) => rows[(r + Math.floor(rows.length / 2)) % rows.length]);
      const codes = await mapBatches(data, partners, (batch) => model.attributeCodes(batch));
      const k = data.labelNames.length;
      const fused = await mapBatches(data, rows, (batch, start) => {
        const n = batch.x.shape[0];
        return tf.tidy(() => model.withAttributeCodes(batch, tf.tensor2d(codes.subarray(start * k, (start + n) * k), [n, k])));
      });
      return judgedFid(context, fused, rows);
    },
  },
  'switch-fid': {
    id: 'switch-fid',
    name: 'FID of flips',
    description:
      "Realism of attribute flips: Method-1 switches (each binary label flipped one at a time) of test rows, up to option count (default 1000) switched images spread evenly over the requests, and the Fréchet distance between the judge's pooled features of those outputs and of as many real test images.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context, options) {
      const { data } = context;
      const model = requireCapability(context.model, 'switchAttributes', 'switch FID');
      const all = switchRequests(data, data.split.test);
      const requests = evenlySpaced(all.map((_, i) => i), Number(options.count ?? 1000)).map((i) => all[i]);
      const switched = await switchOutputs(model, data, requests, await context.reference());
      return judgedFid(context, switched, evenlySpaced(data.split.test, requests.length));
    },
  },
  'flip-counterfactual-mse': {
    id: 'flip-counterfactual-mse',
    name: 'flip vs truth MSE',
    description:
      "Preservation, beyond the papers: every test row with each attribute flipped (Method 1) against the generator's own rendering of the same factors with that attribute flipped (the true answer: the attribute's factor set to its mean value among the examples that have the target value, e.g. smile ≈ 0.75 for Smiling); mean squared error per value, per attribute in details. Its floor is the model's reconstruction error.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: false,
    unavailable: (data) => (!data.dataset.generator ? `'${data.spec.dataset}' has no generator to render counterfactuals` : binaryOnly(data) ?? needLabels(data)),
    async compute(context) {
      const model = requireCapability(context.model, 'switchAttributes', 'flip counterfactual MSE');
      return flipCounterfactualMse(model, context.data, await context.reference());
    },
  },
  'flip-counterfactual-noop': {
    id: 'flip-counterfactual-noop',
    name: 'flip vs truth, input returned',
    description:
      "Calibration for flip-counterfactual-mse: the unchanged test inputs against the same flipped renderings — what a model that changes nothing scores. A model below it moves toward the truth; near it, the flips barely change the face.",
    higherIsBetter: undefined,
    requires: [],
    needsJudge: false,
    unavailable: (data) => (!data.dataset.generator ? `'${data.spec.dataset}' has no generator to render counterfactuals` : binaryOnly(data) ?? needLabels(data)),
    compute: (context) => flipCounterfactualNoop(context.data),
  },
  'attribute-sweep': {
    id: 'attribute-sweep',
    name: 'sweep monotonicity (ρ)',
    description:
      "Paper 002's interpolation and extrapolation (Fig. 5's \"young\" sweep, z2 = −1 … 3): test rows (option count, default 100) decoded with one attribute's code set to each of option values (default −3, −2, −1, 0, 1, 2, 3; 0 = off, 1 = on, the rest inter-/extrapolations), the others kept; the judge's probability of that attribute along the sweep. Per row, the Spearman correlation of the probability with the code; value = its mean over rows and attributes (option attributes, default all; 1: the judge's probability rises monotonically). details: {attribute}:rho, and {attribute}@{v} = mean probability at code v.",
    higherIsBetter: true,
    requires: ['attributeCodes'],
    needsJudge: true,
    unavailable: first(needLabels, needImages, binaryOnly),
    async compute(context, options) {
      const { data } = context;
      const model = requireCapability(context.model, 'attributeCodes', 'attribute sweep');
      const values = (options.values as number[] | undefined) ?? [-3, -2, -1, 0, 1, 2, 3];
      if (!Array.isArray(values) || values.length < 2 || !values.every(Number.isFinite)) throw new Error(`attribute sweep: option values must be ≥ 2 finite numbers in increasing order, got ${JSON.stringify(options.values)}`);
      const columns = attributeColumns(data, options.attributes, 'attribute sweep');
      const rows = evenlySpaced(data.split.test, Number(options.count ?? 100));
      const k = data.labelNames.length;
      const codes = await mapBatches(data, rows, (batch) => model.attributeCodes(batch));
      const details: Record<string, number> = {};
      let total = 0;
      for (const c of columns) {
        const name = data.labelNames[c];
        // Image (row r, value v) at r · values.length + v: each row's sweep is contiguous.
        const expanded = rows.flatMap((row) => values.map(() => row));
        const images = await mapBatches(data, expanded, (batch, start) => {
          const n = batch.x.shape[0];
          const set = new Float32Array(n * k);
          for (let i = 0; i < n; i++) {
            const r = Math.floor((start + i) / values.length);
            set.set(codes.subarray(r * k, (r + 1) * k), i * k);
            set[i * k + c] = values[(start + i) % values.length];
          }
          return tf.tidy(() => model.withAttributeCodes(batch, tf.tensor2d(set, [n, k])));
        });
        const p = await judgedAttributes(context, images);
        let rho = 0;
        for (let r = 0; r < rows.length; r++) rho += spearmanAgainstOrder(values.map((_, v) => p[(r * values.length + v) * k + c]));
        details[`${name}:rho`] = rho / rows.length;
        values.forEach((v, vi) => (details[`${name}@${v}`] = rows.reduce((s, _, r) => s + p[(r * values.length + vi) * k + c], 0) / rows.length));
        total += details[`${name}:rho`];
      }
      return { value: total / columns.length, n: rows.length, details, judge: judgeSummary(await context.judge()) };
    },
  },
  'attribute-grid-accuracy': {
    id: 'attribute-grid-accuracy',
    name: 'joint control accuracy',
    description:
      "Paper 002's \"control multiple attributes at the same time\" (the 2³ grid of smiling × young × male): test rows (option count, default 100) switched to every combination of the option attributes (default all labels, at most 4), the other labels kept; a cell's accuracy is the fraction of its images where the judge sees every one of those attributes at its asked value. value = mean over the 2^A cells; details {name}={0|1},… per cell.",
    higherIsBetter: true,
    requires: ['switchAttributes'],
    needsJudge: true,
    unavailable: first(needImages, needAttributes(2, 'a grid of several attributes'), binaryOnly),
    async compute(context, options) {
      const { data } = context;
      const model = requireCapability(context.model, 'switchAttributes', 'attribute grid accuracy');
      const columns = attributeColumns(data, options.attributes, 'attribute grid accuracy');
      if (columns.length > 4) throw new Error(`attribute grid accuracy: at most 4 attributes (2^4 cells), got ${columns.length}`);
      const rows = evenlySpaced(data.split.test, Number(options.count ?? 100));
      const k = data.labelNames.length;
      const cells = Array.from({ length: 2 ** columns.length }, (_, cell) => columns.map((_, a) => (cell >> (columns.length - 1 - a)) & 1));
      const requests: SwitchRequest[] = cells.flatMap((bits) =>
        rows.map((index) => {
          const target = Array.from(data.y.subarray(index * k, (index + 1) * k));
          columns.forEach((c, a) => (target[c] = bits[a]));
          return { index, target, label: columns[0] };
        }),
      );
      const p = await judgedAttributes(context, await switchOutputs(model, data, requests, await context.reference()));
      const details: Record<string, number> = {};
      let total = 0;
      cells.forEach((bits, cell) => {
        let hits = 0;
        for (let r = 0; r < rows.length; r++) {
          const i = cell * rows.length + r;
          if (columns.every((c, a) => (p[i * k + c] > 0.5) === (bits[a] === 1))) hits++;
        }
        const key = columns.map((c, a) => `${data.labelNames[c]}=${bits[a]}`).join(',');
        details[key] = hits / rows.length;
        total += details[key];
      });
      return { value: total / cells.length, n: requests.length, details, judge: judgeSummary(await context.judge()) };
    },
  },
};
