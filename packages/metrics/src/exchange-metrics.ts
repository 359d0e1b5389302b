/**
 * Metrics of paper 000 (Zhang et al. 2020, "Disentangling the spatial structure and style in
 * conditional VAE") for any model with its capabilities, and one the paper could not measure.
 * The paper's "exchanged image" keeps z_u of (x, c) and decodes it with another class c'
 * (capability 'switchAttributes' with a one-hot target, capabilities/exchange.ts). Registered in
 * `METRICS`.
 *
 *   exchange-accuracy            Table 2/3 "Acc": the judge's top-1 class of exchanges to c, per c.
 *   code-label-mi                Table 2 "MI": I(z_u; c) of §3.1 eq. 4 on the posterior of z_u.
 *   exchange-fid                 Table 3 "FID": exchanges to c against real images of c, averaged over 5 classes.
 *   exchange-counterfactual-mse  beyond the paper: exchanges against the generator's true exchange.
 *   exchange-counterfactual-noop its calibration: the unchanged input against the same truth.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, type GenerativeModel } from '@disentangle/kernels';
import { inputsOf, mapBatches, type PreparedData } from '@disentangle/data';
import type { MetricDefinition, MetricOptions, MetricResult } from './metric-registry';
import { fid } from './frechet-distance';
import { mutualInformationCodeLabel } from './mutual-information';
import { evenlySpaced, switchOutputs, type SwitchRequest } from './capabilities/attribute-switch';
import { partColumns, partSelectorOf } from './capabilities/codes';
import { classesOption, classOfRow, exchangeRenderer, exchangeRequest, occurringClasses, spreadCycling } from './capabilities/exchange';
import { judgeSummary } from './capabilities/judged';
import { judgeFeatures, judgeLabels } from './capabilities/judged-labels';
import { labelLayout } from './capabilities/label-layout';
import { hasCapability, requireCapability } from './capabilities/model-capabilities';
import { first, needImages, type DataCheck } from './metric-checks';
import { integerOption } from './metric-options';

/** The exchange needs one exclusive class per row (labels 'one-hot'). */
export const needExclusiveClass: DataCheck = (data) =>
  data.labelNames.length === 0
    ? 'the data have no labels (the exchange needs a one-hot class: labels \'one-hot\')'
    : !data.exclusive
      ? `needs exclusive one-hot class labels (labels 'one-hot'); these data have the non-exclusive labels ${data.labelNames.slice(0, 6).join(', ')}${data.labelNames.length > 6 ? ', …' : ''}`
      : occurringClasses(data).length < 2
        ? 'needs at least two classes with examples'
        : undefined;

const needGenerator: DataCheck = (data) =>
  !data.dataset.generator || !data.dataset.factors || !data.dataset.factorSpecs
    ? `'${data.spec.dataset}' has no generator to render the true exchange`
    : !data.dataset.factorSpecs.some((s) => s.role === 'label' || s.role === 'identity')
      ? `no factor of '${data.spec.dataset}' has role 'label' or 'identity' (nothing the class determines)`
      : undefined;

/** The test rows of any class other than `c`, in split order. */
const testRowsNotOf = (data: PreparedData, c: number) => Array.from(data.split.test).filter((i) => classOfRow(data, i) !== c);

/** Mean squared difference per value between rows n of `a` and `b` (`pixels` values each). */
function rowError(a: Float32Array, b: Float32Array, n: number, pixels: number, bOffset = n * pixels): number {
  let s = 0;
  for (let p = 0; p < pixels; p++) s += (a[n * pixels + p] - b[bOffset + p]) ** 2;
  return s / pixels;
}

/** Exchanges of the test rows to the `targets` option's classes (skipping a row's own class), the `count` option's rows. */
function counterfactualRequests(data: PreparedData, options: MetricOptions, what: string): { rows: number[]; requests: SwitchRequest[] } {
  const count = integerOption(options.count, 200, { what, option: 'count' });
  const targets = classesOption(data, options.targets, evenlySpaced(occurringClasses(data), 8), { what, option: 'targets', spread: true });
  const rows = evenlySpaced(data.split.test, count);
  const requests = rows.flatMap((index) => targets.filter((c) => c !== classOfRow(data, index)).map((c) => exchangeRequest(data, index, c)));
  if (requests.length === 0) throw new Error(`${what}: no test row has a class other than the targets ${targets.map((c) => data.labelNames[c]).join(', ')}`);
  return { rows, requests };
}

/**
 * Each output against the true exchange of its request: mean squared error per value over
 * the requests, and per target class in details.
 */
function counterfactualError(data: PreparedData, requests: SwitchRequest[], outputs: Float32Array): MetricResult {
  const renderer = exchangeRenderer(data);
  const pixels = data.dataset.height * data.dataset.width * data.dataset.channels;
  const truth = new Float32Array(pixels);
  const sums = new Map<number, [number, number]>();
  let total = 0;
  requests.forEach((r, n) => {
    renderer.render(r.index, r.label, truth, 0);
    const e = rowError(outputs, truth, n, pixels, 0);
    total += e;
    const s = sums.get(r.label) ?? [0, 0];
    sums.set(r.label, [s[0] + e, s[1] + 1]);
  });
  const details = Object.fromEntries([...sums].sort((a, b) => a[0] - b[0]).map(([c, [s, k]]) => [data.labelNames[c], s / k]));
  return { value: total / requests.length, n: requests.length, details };
}

/** Reconstruction MSE of `rows` (the floor of any exchange error), or undefined without 'reconstruct'. */
async function reconstructionFloor(model: GenerativeModel, data: PreparedData, rows: number[]): Promise<number | undefined> {
  if (!hasCapability(model, 'reconstruct')) return undefined;
  const reconstructor = requireCapability(model, 'reconstruct');
  const outputs = await mapBatches(data, rows, (batch) => reconstructor.reconstruct(batch));
  const inputs = inputsOf(data, rows);
  const pixels = inputs.length / rows.length;
  return rows.reduce((s, _, n) => s + rowError(outputs, inputs, n, pixels), 0) / rows.length;
}

export const EXCHANGE_METRICS: Record<string, MetricDefinition> = {
  'exchange-accuracy': {
    id: 'exchange-accuracy',
    name: 'exchange Acc',
    description:
      "Paper 000 Tables 2–3 \"Acc\" (§3.1: the judge's classification accuracy of the generated images; §3.3: \"we generate 100 images for each label\", exchanged images): for each target class c (option classes: a count of the first occurring classes or a list of names; default every class that has examples), option perLabel (default 100) test images of classes other than c, spread evenly over the test split (cycling when there are fewer), are exchanged to c — z_u of (x, its class), decoded with one-hot c (switchAttributes) — and the judge's top-1 class is compared with c. Value: the fraction judged c over all exchanges (n = classes × perLabel); per class in details. Option cyclicTolerance k (default 0 = off; meant for azimuth classes, whose neighbours differ by 360°/62 ≈ 5.8°) adds 'within ±k class (cyclic)': the fraction whose judged class is at most k steps from c around the circle of class columns, min(|j − c|, C − |j − c|) ≤ k.",
    higherIsBetter: true,
    requires: ['switchAttributes'],
    needsJudge: true,
    unavailable: first(needExclusiveClass, needImages),
    async compute(context, options) {
      const what = 'exchange-accuracy';
      const { data } = context;
      const model = requireCapability(context.model, 'switchAttributes', what);
      const perLabel = integerOption(options.perLabel, 100, { what, option: 'perLabel' });
      const tolerance = integerOption(options.cyclicTolerance, 0, { what, option: 'cyclicTolerance', min: 0 });
      const classes = classesOption(data, options.classes, occurringClasses(data), { what, option: 'classes' });
      const requests = classes.flatMap((c) => spreadCycling(testRowsNotOf(data, c), perLabel).map((i) => exchangeRequest(data, i, c)));
      if (requests.length === 0) throw new Error(`${what}: the test split of '${data.spec.dataset}' has no rows to exchange`);
      const exchanged = await switchOutputs(model, data, requests, await context.reference());
      const judge = await context.judge();
      const judged = (await judgeLabels(judge.classifier, exchanged, data.input, labelLayout(data))).classes!;
      const total = data.labelNames.length;
      const hits = new Map<number, [number, number]>();
      let correct = 0;
      let near = 0;
      requests.forEach((r, n) => {
        const j = judged[n];
        const ok = j === r.label;
        const distance = j < 0 ? Infinity : Math.min(Math.abs(j - r.label), total - Math.abs(j - r.label));
        if (ok) correct++;
        if (distance <= tolerance) near++;
        const h = hits.get(r.label) ?? [0, 0];
        hits.set(r.label, [h[0] + (ok ? 1 : 0), h[1] + 1]);
      });
      const details: Record<string, number> = Object.fromEntries([...hits].map(([c, [ok, n]]) => [data.labelNames[c], ok / n]));
      if (tolerance > 0) details[`within ±${tolerance} class (cyclic)`] = near / requests.length;
      return { value: correct / requests.length, n: requests.length, details, judge: judgeSummary(judge) };
    },
  },
  'code-label-mi': {
    id: 'code-label-mi',
    name: 'MI(z_u; c)',
    description:
      "Paper 000 Table 2 \"MI\", §3.1 eq. 4: I(z_u; c) = (1/C) Σ_c E_{q(z_u|c)} log q(z_u|c)/q(z_u) in nats, by Monte Carlo over the encoder's Gaussian posteriors (mutual-information.ts: q(z_u|c) and q(z_u) as mixtures of the posteriors of the examples; S = option samplesPerExample draws, default 1, from each; option classWeights 'uniform' (eq. 4, default) or 'empirical'). z_u = the code blocks of option parts (default 'free'; 'label', 'all' or a block name), of up to option count (default 1000) test rows spread over the split; classes with fewer than 2 of those rows are left out and C counts the rest. Lower is better; 0 = z_u says nothing of c, log C the most. The plain estimate (own component in the mixtures) is biased up for narrow posteriors; details give the leave-one-out estimate (biased down; the two bracket the truth), the Monte Carlo standard error, log C and C. Option seed (default 0).",
    higherIsBetter: false,
    requires: ['encode'],
    needsJudge: false,
    unavailable: needExclusiveClass,
    async compute(context, options) {
      const what = 'code-label-mi';
      const { data } = context;
      const model = requireCapability(context.model, 'encode', what);
      const count = integerOption(options.count, 1000, { what, option: 'count' });
      const samplesPerExample = integerOption(options.samplesPerExample, 1, { what, option: 'samplesPerExample' });
      const seed = integerOption(options.seed, 0, { what, option: 'seed', min: 0 });
      const classWeights = options.classWeights ?? 'uniform';
      if (classWeights !== 'uniform' && classWeights !== 'empirical') throw new Error(`${what}: option classWeights must be 'uniform' or 'empirical', got ${JSON.stringify(options.classWeights)}`);
      const columns = partColumns(model, partSelectorOf(options.parts ?? 'free'));
      const chosen = evenlySpaced(data.split.test, count);
      const tally = new Map<number, number>();
      for (const i of chosen) tally.set(classOfRow(data, i), (tally.get(classOfRow(data, i)) ?? 0) + 1);
      const rows = chosen.filter((i) => tally.get(classOfRow(data, i))! >= 2);
      const kept = new Set(rows.map((i) => classOfRow(data, i)));
      if (kept.size < 2) throw new Error(`${what}: needs at least two classes with 2 or more of the ${chosen.length} test rows; found ${kept.size} (raise count or the data's size)`);
      const width = model.codeWidth;
      const both = await mapBatches(data, rows, (batch) => {
        const code = model.encode(batch);
        return tf.concat([code.mu, code.logVar], 1);
      });
      const d = columns.length;
      const mu = new Float64Array(rows.length * d);
      const logVar = new Float64Array(rows.length * d);
      rows.forEach((_, r) =>
        columns.forEach((c, j) => {
          mu[r * d + j] = both[r * 2 * width + c];
          logVar[r * d + j] = both[r * 2 * width + width + c];
        }),
      );
      const labels = Int32Array.from(rows, (i) => classOfRow(data, i));
      const result = mutualInformationCodeLabel(mu, logVar, labels, d, new SeededRandom(seed).fork(what), { samplesPerExample, classWeights });
      return {
        value: result.value,
        n: rows.length,
        details: { 'leave-one-out': result.leaveOneOutValue, 'standard error': result.standardError, 'log C': result.maxValue, C: result.classes.length },
      };
    },
  },
  'exchange-fid': {
    id: 'exchange-fid',
    name: 'exchange FID',
    description:
      "Paper 000 Table 3 \"FID\" (§3.3: \"we choose 5 identities … and calculate the average FID on the chosen 5 categories\"): for each class c of option classes (a count of the first occurring classes, default 5, or a list of names), up to option count (default 200) test images of other classes, spread over the split, exchanged to c, and the Fréchet distance between the judge's pooled features of those exchanges and of the real images of c: every row of class c outside the training split (validation and test), or, when those are fewer than the exchanges, every row of class c in the data, training rows included (details c:real gives how many real images, c:real includes train = 1 when it fell back). Value: the mean over the classes; per class in details. On the judge's features, not Inception's: compare only numbers with the same judge and counts.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: true,
    unavailable: first(needExclusiveClass, needImages),
    async compute(context, options) {
      const what = 'exchange-fid';
      const { data } = context;
      const model = requireCapability(context.model, 'switchAttributes', what);
      const count = integerOption(options.count, 200, { what, option: 'count' });
      const classes = classesOption(data, options.classes, occurringClasses(data).slice(0, 5), { what, option: 'classes' });
      const judge = await context.judge();
      const reference = await context.reference();
      const train = new Set(data.split.train);
      const details: Record<string, number> = {};
      let sum = 0;
      let exchangedTotal = 0;
      for (const c of classes) {
        const name = data.labelNames[c];
        const sources = evenlySpaced(testRowsNotOf(data, c), count);
        if (sources.length < 2) throw new Error(`${what}: class '${name}': the test split has ${sources.length} rows of other classes, at least 2 are needed`);
        const all = Array.from({ length: data.dataset.count }, (_, i) => i).filter((i) => classOfRow(data, i) === c);
        const heldOut = all.filter((i) => !train.has(i));
        const real = heldOut.length >= sources.length ? heldOut : all;
        if (real.length < 2) throw new Error(`${what}: class '${name}' has ${real.length} real images, at least 2 are needed`);
        const exchanged = await switchOutputs(model, data, sources.map((i) => exchangeRequest(data, i, c)), reference);
        const a = await judgeFeatures(judge.classifier, exchanged, data.input);
        const b = await judgeFeatures(judge.classifier, inputsOf(data, real), data.input);
        details[name] = fid(a.features, b.features, a.dim, { featureNetwork: judge.name }).value;
        details[`${name}:real`] = real.length;
        details[`${name}:real includes train`] = real === all && heldOut.length < all.length ? 1 : 0;
        sum += details[name];
        exchangedTotal += sources.length;
      }
      return { value: sum / classes.length, n: exchangedTotal, details, judge: judgeSummary(judge) };
    },
  },
  'exchange-counterfactual-mse': {
    id: 'exchange-counterfactual-mse',
    name: 'exchange vs truth MSE',
    description:
      "Beyond the paper, the true answer procedural data know: option count (default 200) test rows, each exchanged to every class of option targets (a count spread evenly over the occurring classes, default 8, or a list of names; a row's own class skipped), against the generator's rendering of the same example's factors with every factor of role 'label' or 'identity' set to its value for the target class (chairs: the azimuth; faces drawn with identities: the identity and its identity factors); style, nuisance and attribute factors stay the example's own, even where the data never pair them (a beard on a female identity). Both in the data's [0, 1] pixels at the data's size. Mean squared error per value; per target class in details, with 'reconstruction MSE (floor)' of the same rows when the model reconstructs (an exchange cannot beat its reconstruction by much). Compare with exchange-counterfactual-noop.",
    higherIsBetter: false,
    requires: ['switchAttributes'],
    needsJudge: false,
    unavailable: first(needExclusiveClass, needGenerator),
    async compute(context, options) {
      const what = 'exchange-counterfactual-mse';
      const { data } = context;
      const model = requireCapability(context.model, 'switchAttributes', what);
      const { rows, requests } = counterfactualRequests(data, options, what);
      const result = counterfactualError(data, requests, await switchOutputs(model, data, requests, await context.reference()));
      const floor = await reconstructionFloor(context.model, data, rows);
      if (floor !== undefined) result.details!['reconstruction MSE (floor)'] = floor;
      return result;
    },
  },
  'exchange-counterfactual-noop': {
    id: 'exchange-counterfactual-noop',
    name: 'exchange vs truth, input returned',
    description:
      'Calibration for exchange-counterfactual-mse (same rows, targets and options): the unchanged test inputs against the same true exchanges — what a model that changes nothing scores. Below it, the exchange moves toward the truth.',
    higherIsBetter: undefined,
    requires: [],
    needsJudge: false,
    unavailable: first(needExclusiveClass, needGenerator),
    async compute(context, options) {
      const { data } = context;
      const { requests } = counterfactualRequests(data, options, 'exchange-counterfactual-noop');
      return counterfactualError(data, requests, inputsOf(data, requests.map((r) => r.index)));
    },
  },
};
