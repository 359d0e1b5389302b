/**
 * Metrics of paper 001's Table 1 (Zou et al. 2022) for any model with its capabilities, and
 * one the paper can only show in a figure. Registered in `METRICS`.
 *
 *   swap-success        SR(−), SR(+): test pairs (I_g with the label, I_w without) exchange the
 *                       label's part of the code (capability 'swapLabels'); SR(−) is the fraction
 *                       of swapped I_g the judge sees without it, SR(+) of swapped I_w with it.
 *   swap-noop-floor     the same judged on the unchanged pairs (a model that swaps nothing).
 *   classification-bca  balanced accuracy of the model's own q(y | x) (capability 'classify').
 *   reconstruction-perceptual  the perceptual distance (our LPIPS stand-in, perceptual-distance.ts)
 *                       between test images and their reconstructions, on the judge's features.
 *   swap-style-match    beyond the paper: are the glasses that appear on I_w those of I_g? Per
 *                       pair, the swapped I_w is compared (squared error) with the generator's
 *                       rendering of I_w wearing I_g's own style factors and with it wearing
 *                       another test wearer's; the fraction of pairs closer to the own style.
 *                       0.5 is a style-blind swap, 1 a perfect one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { inputsOf, mapBatches, type PreparedData } from '@disentangle/data';
import type { MetricContext, MetricDefinition, MetricResult } from './metric-registry';
import { evenlySpaced } from './capabilities/attribute-switch';
import { attributeFactor } from './capabilities/counterfactuals';
import { judgeSummary } from './capabilities/judged';
import { judgeLabels } from './capabilities/judged-labels';
import { requireCapability } from './capabilities/model-capabilities';
import { first, needFactors, needImages, needLabels } from './metric-checks';
import { meanPerceptualDistance } from './perceptual-distance';
import { balancedAccuracy, swapSuccessRates } from './swap-metrics';

const binaryOnly = (data: PreparedData) => (data.exclusive || (data.classColumns ?? 0) > 0 ? 'needs binary labels only (no exclusive class)' : undefined);

/** The label a metric is about: option `label` by name, default the first. */
function labelOf(data: PreparedData, asked: unknown, what: string): number {
  if (asked === undefined) return 0;
  const k = typeof asked === 'string' ? data.labelNames.indexOf(asked) : -1;
  if (k < 0) throw new Error(`${what}: option label must name one of ${data.labelNames.join(', ')}, got ${JSON.stringify(asked)}`);
  return k;
}

/** Test pairs (I_g, I_w): rows with label k on and off, zipped in split order, at most `limit`. */
export function swapPairs(data: PreparedData, k: number, limit = 500): { withLabel: number[]; without: number[] } {
  const width = data.labelNames.length;
  const test = Array.from(data.split.test);
  const on = test.filter((i) => data.y[i * width + k] > 0.5);
  const off = test.filter((i) => data.y[i * width + k] <= 0.5);
  const n = Math.min(on.length, off.length, limit);
  if (n === 0) throw new Error(`swap pairs: the test split needs images with and without '${data.labelNames[k]}' (it has ${on.length} with, ${off.length} without)`);
  return { withLabel: evenlySpaced(on, n), without: evenlySpaced(off, n) };
}

/** `into` rows with label k's code part taken from `from` rows (paired), flat. */
async function swapped(context: MetricContext, into: number[], from: number[], k: number): Promise<Float32Array> {
  const model = requireCapability(context.model, 'swapLabels', 'the swap metrics');
  const { data } = context;
  const shape = [data.dataset.height, data.dataset.width, data.dataset.channels];
  return mapBatches(data, into, (batch, start) => {
    const partner = tf.tensor4d(inputsOf(data, from.slice(start, start + batch.x.shape[0])), [batch.x.shape[0], ...shape] as [number, number, number, number]);
    return model.swapLabels({ x: batch.x }, { x: partner }, k);
  });
}

/** The judge's probability of label k for flat images. */
async function judgedProbability(context: MetricContext, images: Float32Array, k: number): Promise<Float32Array> {
  const judge = await context.judge();
  const names = context.data.labelNames;
  const layout = { kind: 'attributes' as const, classColumns: 0, classNames: [], attributeNames: [names[k]] };
  return (await judgeLabels(judge.classifier, images, context.data.input, layout)).attributes!;
}

async function successRates(context: MetricContext, removal: Float32Array, addition: Float32Array, k: number): Promise<MetricResult> {
  const threshold = (p: Float32Array) => Int32Array.from(p, (v) => (v > 0.5 ? 1 : 0));
  const rates = swapSuccessRates({ predictedAfterRemoval: threshold(await judgedProbability(context, removal, k)), predictedAfterAddition: threshold(await judgedProbability(context, addition, k)) });
  const judge = await context.judge();
  return { value: (rates.srMinus + rates.srPlus) / 2, n: rates.pairs.removal, details: { 'SR(-)': rates.srMinus, 'SR(+)': rates.srPlus }, judge: judgeSummary(judge) };
}

/**
 * The style factors of attribute `name`: the run of 'style' factors right after its binary
 * factor (the procedural sets list an attribute, then its styles: glasses, glassesShape, …).
 */
export function styleFactors(data: PreparedData, name: string): { factor: number; styles: number[] } | undefined {
  const specs = data.dataset.factorSpecs;
  const factor = attributeFactor(data.dataset, name);
  if (!specs || factor === undefined || factor < 0) return undefined;
  const styles: number[] = [];
  for (let f = factor + 1; f < specs.length && specs[f].role === 'style'; f++) styles.push(f);
  return styles.length ? { factor, styles } : undefined;
}

export const LABEL_SWAP_METRICS: Record<string, MetricDefinition> = {
  'swap-success': {
    id: 'swap-success',
    name: 'swap success (SR)',
    description:
      "Paper 001 Table 1: test pairs (I_g with the label, I_w without; up to 500, evenly spread) exchange the label's part of the code (y and u, or CCVAE's u); SR(−) = the fraction of swapped I_g the judge sees without the label, SR(+) = of swapped I_w with it. Value: their mean; both in details. Option label (default the first).",
    higherIsBetter: true,
    requires: ['swapLabels'],
    needsJudge: true,
    unavailable: first(needLabels, needImages, binaryOnly),
    async compute(context, options) {
      const k = labelOf(context.data, options.label, 'swap-success');
      const { withLabel, without } = swapPairs(context.data, k);
      return successRates(context, await swapped(context, withLabel, without, k), await swapped(context, without, withLabel, k), k);
    },
  },
  'swap-noop-floor': {
    id: 'swap-noop-floor',
    name: 'swap no-op floor',
    description: 'Calibration for swap-success: SR(−) and SR(+) of the unchanged pairs (what a model that swaps nothing scores: the judge missing the label on I_g, and seeing it on I_w).',
    higherIsBetter: undefined,
    requires: [],
    needsJudge: true,
    unavailable: first(needLabels, needImages, binaryOnly),
    async compute(context, options) {
      const k = labelOf(context.data, options.label, 'swap-noop-floor');
      const { withLabel, without } = swapPairs(context.data, k);
      return successRates(context, inputsOf(context.data, withLabel), inputsOf(context.data, without), k);
    },
  },
  'classification-bca': {
    id: 'classification-bca',
    name: 'BCA of q(y|x)',
    description: "Paper 001 Table 1: balanced classification accuracy (mean per-class recall) of the model's own classifier q(y | x) on the test split, thresholded at ½; the mean over labels, per label in details.",
    higherIsBetter: true,
    requires: ['classify'],
    needsJudge: false,
    unavailable: first(needLabels, binaryOnly),
    async compute(context) {
      const model = requireCapability(context.model, 'classify', 'classification-bca');
      const { data } = context;
      const rows = Array.from(data.split.test);
      const probabilities = await mapBatches(data, rows, (batch) => model.classify(batch));
      const k = data.labelNames.length;
      const details: Record<string, number> = {};
      data.labelNames.forEach((name, c) => {
        const predicted = rows.map((_, n) => (probabilities[n * k + c] > 0.5 ? 1 : 0));
        details[name] = balancedAccuracy(predicted, rows.map((i) => (data.y[i * k + c] > 0.5 ? 1 : 0))).value;
      });
      return { value: Object.values(details).reduce((a, b) => a + b, 0) / k, n: rows.length, details };
    },
  },
  'reconstruction-perceptual': {
    id: 'reconstruction-perceptual',
    name: 'perceptual distance (LPIPS stand-in)',
    description:
      "Paper 001 Table 1's LPIPS column, NOT LPIPS: LPIPS's recipe (unit-normalised activations, squared distances averaged over positions and layers) on the judge's stages with uniform weights (perceptual-distance.ts), between the test images and the model's reconstructions. Comparable only between runs with the same judge.",
    higherIsBetter: false,
    requires: ['reconstruct'],
    needsJudge: true,
    unavailable: needImages,
    async compute(context) {
      const model = requireCapability(context.model, 'reconstruct', 'reconstruction-perceptual');
      const { data } = context;
      const rows = Array.from(data.split.test);
      const shape = [rows.length, data.dataset.height, data.dataset.width, data.dataset.channels] as [number, number, number, number];
      const reconstructions = await mapBatches(data, rows, (batch) => model.reconstruct(batch));
      const judge = await context.judge();
      const a = tf.tensor4d(inputsOf(data, rows), shape);
      const b = tf.tensor4d(reconstructions, shape);
      try {
        const { value, n } = await meanPerceptualDistance(judge.classifier, a, b);
        return { value, n, judge: judgeSummary(judge) };
      } finally {
        tf.dispose([a, b]);
      }
    },
  },
  'swap-style-match': {
    id: 'swap-style-match',
    name: 'own style after swap',
    description:
      "Beyond the paper (its Fig. 2 by eye): for each swap pair, the swapped I_w is compared (squared error) with the generator's rendering of I_w's factors wearing I_g's own style factors (glasses: shape, colour, size, tint) and wearing those of another test wearer whose style differs; the fraction of pairs closer to I_g's own. 0.5 = the style is not transferred, 1 = always. Details: the mean squared errors per value against the own and the other style.",
    higherIsBetter: true,
    requires: ['swapLabels'],
    needsJudge: false,
    unavailable: first(needLabels, needImages, needFactors, binaryOnly, (data) => (data.dataset.generator ? undefined : `'${data.spec.dataset}' has no generator to render the true swap`)),
    async compute(context, options) {
      const { data } = context;
      const k = labelOf(data, options.label, 'swap-style-match');
      const found = styleFactors(data, data.labelNames[k]);
      if (!found) throw new Error(`swap-style-match: no factor of '${data.spec.dataset}' carries the style of '${data.labelNames[k]}'`);
      const { withLabel, without } = swapPairs(data, k);
      const outputs = await swapped(context, without, withLabel, k);
      const { dataset } = data;
      const nf = dataset.factorSpecs!.length;
      const pixels = dataset.height * dataset.width * dataset.channels;
      const factorsOf = (i: number) => Array.from(dataset.factors!.subarray(i * nf, (i + 1) * nf));
      const styleOf = (i: number) => found.styles.map((f) => dataset.factors![i * nf + f]);
      const render = (base: number, style: number[], into: Float32Array) => {
        const f = factorsOf(base);
        f[found.factor] = 1;
        found.styles.forEach((s, j) => (f[s] = style[j]));
        dataset.generator!.render(f, dataset.height, into, 0);
      };
      const own = new Float32Array(pixels);
      const other = new Float32Array(pixels);
      let closer = 0;
      let errorOwn = 0;
      let errorOther = 0;
      let counted = 0;
      withLabel.forEach((g, n) => {
        // Another wearer whose style differs from I_g's, the next one along the pairs.
        const mine = styleOf(g);
        const partner = withLabel.map((_, d) => withLabel[(n + 1 + d) % withLabel.length]).find((h) => styleOf(h).some((v, j) => v !== mine[j]));
        if (partner === undefined) return;
        render(without[n], mine, own);
        render(without[n], styleOf(partner), other);
        let a = 0;
        let b = 0;
        for (let p = 0; p < pixels; p++) {
          a += (outputs[n * pixels + p] - own[p]) ** 2;
          b += (outputs[n * pixels + p] - other[p]) ** 2;
        }
        if (a < b) closer++;
        errorOwn += a / pixels;
        errorOther += b / pixels;
        counted++;
      });
      if (counted === 0) throw new Error(`swap-style-match: every test wearer of '${data.labelNames[k]}' has the same style`);
      return { value: closer / counted, n: counted, details: { 'MSE own style': errorOwn / counted, 'MSE other style': errorOther / counted } };
    },
  },
};
