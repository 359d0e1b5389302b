/**
 * Metrics of generated images, for paper 003 (CAGlow, Liu et al., CVPR 2019, §4.3
 * "Quantitative Comparisons") and any model with the same capabilities: judged conditional
 * samples (Table 1 Acc, Table 2), the Fréchet distance of samples on the judge's features
 * (Table 1 FID), cumulative manipulations (Table 3) and unsupervised codes against known
 * factors (Figs. 6–7, beyond the paper). Registered in `METRICS` (metric-registry.ts).
 */
import { SeededRandom } from '@disentangle/kernels';
import { inputsOf } from '@disentangle/data';
import type { MetricContext, MetricDefinition, MetricOptions, MetricResult } from './metric-registry';
import { fid } from './frechet-distance';
import { attributeMeanProbability } from './swap-metrics';
import { codeFactorCorrelation } from './capabilities/code-factor-readout';
import { sampleForRows } from './capabilities/conditional-samples';
import { manipulateRows, manipulationDetails } from './capabilities/cumulative-manipulation';
import { judgeSummary } from './capabilities/judged';
import { judgeFeatures, judgeLabels } from './capabilities/judged-labels';
import { judgedRealRows, judgedTestSamples } from './capabilities/judged-samples';
import { attributeAgreement, classAgreement } from './capabilities/label-agreement';
import { labelLayout } from './capabilities/label-layout';
import { hasCapability, requireCapability } from './capabilities/model-capabilities';
import { first, needAttributes, needFactors, needImages, needLabels, needMixedLabels } from './metric-checks';
import { namedColumns } from './metric-options';


/** Table 2's two numbers from one set of judged samples. */
async function attributePreservation(context: MetricContext, options: MetricOptions) {
  const samples = await judgedTestSamples(context, options);
  const { layout, judged } = samples;
  if (!judged.attributes) throw new Error('attribute preservation needs attribute columns in the labels');
  return { samples, probabilities: judged.attributes, l: layout.attributeNames.length };
}

export const GENERATION_METRICS: Record<string, MetricDefinition> = {
  'conditional-sample-accuracy': {
    id: 'conditional-sample-accuracy',
    name: 'Acc (conditional samples)',
    description:
      "Paper 003 Table 1 \"Acc\": one sample per test row (option count caps the rows, default all; seed option seed, default 0), drawn with that row's labels, judged. Exclusive labels: the fraction whose judged class (argmax) is the asked class, per class in details. Mixed labels (class + attributes): the class part's top-1 accuracy (the paper's CelebA Acc is identity top-1); details hold each attribute's agreement ([p > 0.5] = asked) and their mean as 'attributes'. Attribute-only labels: the mean attribute agreement, per attribute in details.",
    higherIsBetter: true,
    requires: ['sample'],
    needsJudge: true,
    unavailable: first(needLabels, needImages),
    async compute(context, options) {
      const { layout, judged, askedClasses, askedAttributes, judge, rows } = await judgedTestSamples(context, options);
      const attributes = judged.attributes ? attributeAgreement(judged.attributes, askedAttributes, layout.attributeNames) : undefined;
      const info = judgeSummary(judge);
      if (layout.kind === 'attributes') return { value: attributes!.mean, n: rows.length, details: attributes!.perAttribute, judge: info };
      const classes = classAgreement(judged.classes!, askedClasses, layout.classNames);
      if (layout.kind === 'class') return { value: classes.value, n: rows.length, details: classes.perClass, judge: info };
      return { value: classes.value, n: rows.length, details: { ...attributes!.perAttribute, attributes: attributes!.mean }, judge: info };
    },
  },
  'sample-fid': {
    id: 'sample-fid',
    name: 'FID (judge features)',
    description:
      "Paper 003 Table 1 \"FID\": the Fréchet distance between Gaussians fitted to the judge's global-pool features of n samples and of n real test images, n = min(test size, option count, default 1000); samples are drawn with the test rows' labels when the data have labels (an unconditional model ignores them). NOT an Inception FID: the paper uses a GoogLeNet trained on the dataset, this uses the dataset's judge (named in the result), so compare only numbers with the same judge and n.",
    higherIsBetter: false,
    requires: ['sample'],
    needsJudge: true,
    unavailable: needImages,
    async compute(context, options): Promise<MetricResult> {
      const { data } = context;
      const model = requireCapability(context.model, 'sample', 'sample FID');
      const n = Math.min(data.split.test.length, Number(options.count ?? 1000));
      if (n < 2) throw new Error(`sample FID needs at least 2 test images, '${data.spec.dataset}' has ${data.split.test.length}`);
      const rows = Array.from(data.split.test.slice(0, n));
      const judge = await context.judge();
      const samples = await sampleForRows(model, data, rows, new SeededRandom(Number(options.seed ?? 0)));
      const a = await judgeFeatures(judge.classifier, samples, data.input);
      const b = await judgeFeatures(judge.classifier, inputsOf(data, rows), data.input);
      return { value: fid(a.features, b.features, a.dim, { featureNetwork: judge.name }).value, n, judge: judgeSummary(judge) };
    },
  },
  'sample-attribute-accuracy': {
    id: 'sample-attribute-accuracy',
    name: 'attribute accuracy (samples)',
    description:
      "Paper 003 Table 2 \"Accuracy\": one sample per test row with that row's identity and attributes (option count caps the rows), judged; the mean over samples and attributes of [p_l > 0.5] = the asked value, per attribute in details. Mixed labels only.",
    higherIsBetter: true,
    requires: ['sample'],
    needsJudge: true,
    unavailable: first(needMixedLabels, needImages),
    async compute(context, options) {
      const { samples, probabilities } = await attributePreservation(context, options);
      const { mean, perAttribute } = attributeAgreement(probabilities, samples.askedAttributes, samples.layout.attributeNames);
      return { value: mean, n: samples.rows.length, details: perAttribute, judge: judgeSummary(samples.judge) };
    },
  },
  'amp-variance': {
    id: 'amp-variance',
    name: 'Var of AMP over identities',
    description:
      "Paper 003 Table 2 \"Variance\": with the same samples as sample-attribute-accuracy, AMP(x) = (1/L) Σ_l p_l(x) over the judge's L attribute probabilities; AMP_i = mean AMP of the samples asked for identity (class) i; the population variance of AMP_i across the identities present (n = identities). details.data = the same on the real test images (identities differ in attribute frequencies on their own, so this is the floor to read it against). Read it with sample-attribute-accuracy: a model that draws the same attributes whatever is asked scores 0 here. Mixed labels only.",
    higherIsBetter: false,
    requires: ['sample'],
    needsJudge: true,
    unavailable: first(needMixedLabels, needImages),
    async compute(context, options) {
      const { samples, probabilities, l } = await attributePreservation(context, options);
      const amp = (p: Float32Array) => attributeMeanProbability({ probabilities: p, numAttributes: l, identities: samples.askedClasses });
      const generated = amp(probabilities);
      const real = amp((await judgedRealRows(context, samples.rows)).attributes!);
      return { value: generated.varianceAcrossIdentities, n: generated.perIdentity.size, details: { data: real.varianceAcrossIdentities }, judge: judgeSummary(samples.judge) };
    },
  },
  'cumulative-amp-change': {
    id: 'cumulative-amp-change',
    name: '|ΔAMP| of other attributes',
    description:
      "Paper 003 Table 3: test rows (option count, default 200) have the attributes of option sequence (attribute names, a list or comma-separated; default every attribute column, in order) changed one after another, step s setting sequence[s−1] to 1 − its value in the row and keeping the earlier changes (manipulate; the switch reference is passed to models that have switchAttributes). Per step s, details.step{s} = mean over images of |mean p_l at step s − mean p_l at step s−1| over the L−1 attributes other than the one changed at s (the paper's wording); details.changed{s} = fraction of images where the judge sees the changed attribute at its new value (a model that changes nothing scores 0 there); details.cumulative{s} = mean |AMP at s − AMP at step 0| over the attributes not changed in steps 1..s (absent once all are). value = details.step{option step, default the last}, or details.changed{step} with option quantity 'changed'.",
    higherIsBetter: false,
    requires: ['manipulate'],
    needsJudge: true,
    unavailable: first(needImages, needAttributes(2, 'the AMP change is taken over the attributes other than the changed one')),
    async compute(context, options) {
      const { data } = context;
      const model = requireCapability(context.model, 'manipulate', 'cumulative AMP change');
      const layout = labelLayout(data);
      const l = layout.attributeNames.length;
      const sequence = namedColumns(options.sequence, layout.attributeNames, { what: 'cumulative AMP change', option: 'sequence', noun: 'an attribute column', plural: 'attributes' });
      const step = Number(options.step ?? sequence.length);
      if (!Number.isInteger(step) || step < 1 || step > sequence.length) throw new Error(`cumulative AMP change: option step must be 1..${sequence.length}, got ${String(options.step)}`);
      const rows = Array.from(data.split.test.slice(0, Number(options.count ?? 200)));
      const reference = hasCapability(model, 'switchAttributes') ? await context.reference() : undefined;
      const { images, targets } = await manipulateRows(model, data, layout, rows, sequence, new SeededRandom(Number(options.seed ?? 0)), reference);
      const judge = await context.judge();
      // Only the attribute head is read here: a mixed-label judge's class head is not needed.
      const attributesOnly = { kind: 'attributes' as const, classColumns: 0, classNames: [], attributeNames: layout.attributeNames };
      const judged = await judgeLabels(judge.classifier, images, data.input, attributesOnly);
      const details = manipulationDetails(judged.attributes!, targets, sequence, l);
      // Option quantity picks which series is the value: the paper's 'step' (default) or 'changed' (did the edit take).
      const quantity = String(options.quantity ?? 'step');
      if (quantity !== 'step' && quantity !== 'changed') throw new Error(`cumulative AMP change: option quantity must be 'step' or 'changed', got ${JSON.stringify(options.quantity)}`);
      return { value: details[`${quantity}${step}`], n: rows.length, details, judge: judgeSummary(judge) };
    },
  },
  'code-factor-correlation': {
    id: 'code-factor-correlation',
    name: 'code ↔ factor |corr|',
    description:
      "Beyond paper 003 (its Figs. 6–7 show unsupervised codes moving rotation, width, yaw, brightness): a ridge read-out (float64, closed form) from the judge's features to each continuous ground-truth factor (not those of the identity, which the class condition fixes) is fitted on real training images (option fitCount, default 1000) and scored by held-out R² on (up to fitCount) test images (details r2:{factor}); factors read with R² < 0.5 are left out (value NaN when none is kept). n samples (option count, default 500) are drawn with each code uniform on its range (Bernoulli ½ for discrete codes) and the test rows' labels; details {code}~{factor} = Pearson correlation of the code with the factor read from the samples; value = mean over codes of the largest |correlation| over the kept factors.",
    higherIsBetter: true,
    requires: ['unsupervisedCodes'],
    needsJudge: true,
    unavailable: first(needImages, needFactors, (data) =>
      data.dataset.factorSpecs?.some((s) => s.kind === 'continuous') ? undefined : `'${data.spec.dataset}' has no continuous ground-truth factor to read`,
    ),
    compute: codeFactorCorrelation,
  },
};
