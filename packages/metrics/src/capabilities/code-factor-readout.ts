/**
 * Beyond paper 003's pictures (§4.4, Figs. 6–7: "the rotation direction and width of the
 * generated digits changed continuously with the varying of the latent conditional codes"):
 * a number for which known factor each unsupervised code c_u moves. The judge's features
 * cannot name a factor by themselves, so a ridge read-out from features to each continuous
 * ground-truth factor is fitted on real training images and checked on real test images
 * (held-out R²); only factors it reads with R² ≥ 0.5 are used (a factor the features do not
 * show cannot be read off samples either). Samples are then drawn with c_u uniform on each
 * code's range (Bernoulli ½ for discrete codes) and the test rows' labels, each kept factor is
 * read from their features, and each code is correlated (Pearson) with each read factor.
 */
import { SeededRandom } from '@disentangle/kernels';
import { inputsOf } from '@disentangle/data';
import type { MetricContext, MetricOptions, MetricResult } from '../metric-registry';
import { fitRidge, predictRidge, rSquared } from '../ridge-regression';
import { column, correlation } from './codes';
import { sampleWithCodesForRows } from './conditional-samples';
import { judgeFeatures } from './judged-labels';
import { requireCapability } from './model-capabilities';

/** The minimum held-out R² of a factor's read-out for the factor to be used. */
export const MIN_READOUT_R2 = 0.5;

export async function codeFactorCorrelation(context: MetricContext, options: MetricOptions): Promise<MetricResult> {
  const model = requireCapability(context.model, 'unsupervisedCodes', 'code-factor correlation');
  const { data } = context;
  const specs = data.dataset.factorSpecs;
  const factors = data.dataset.factors;
  if (!specs || !factors) throw new Error(`code-factor correlation: '${data.spec.dataset}' has no ground-truth factors`);
  // Identity factors are fixed by the class condition (a face's identity), so a code cannot move them: left out.
  const continuous = specs.flatMap((s, f) => (s.kind === 'continuous' && s.role !== 'identity' ? [f] : []));
  if (continuous.length === 0) throw new Error(`code-factor correlation: '${data.spec.dataset}' has no continuous factor (factors: ${specs.map((s) => `${s.name} (${s.kind})`).join(', ')})`);
  const codes = model.unsupervisedCodes;
  if (codes.length === 0) throw new Error(`code-factor correlation: model '${model.name}' has no unsupervised codes`);
  const judge = await context.judge();
  const info = { name: judge.name, accuracy: judge.accuracy };
  const fitCount = Number(options.fitCount ?? 1000);
  const m = continuous.length;
  const targetsOf = (rows: ArrayLike<number>) => Float64Array.from({ length: rows.length * m }, (_, i) => factors[rows[Math.floor(i / m)] * specs.length + continuous[i % m]]);
  const featuresOf = async (images: Float32Array) => judgeFeatures(judge.classifier, images, data.input);

  const train = data.split.train.slice(0, fitCount);
  const test = data.split.test.slice(0, fitCount);
  const fitFeatures = await featuresOf(inputsOf(data, train));
  const fit = fitRidge(fitFeatures.features, fitFeatures.dim, targetsOf(train), m);
  const heldOut = predictRidge(fit, (await featuresOf(inputsOf(data, test))).features);
  const truth = targetsOf(test);
  const details: Record<string, number> = {};
  const kept: number[] = [];
  continuous.forEach((f, k) => {
    const r2 = rSquared(heldOut, truth, m, k);
    details[`r2:${specs[f].name}`] = r2;
    if (r2 >= MIN_READOUT_R2) kept.push(k);
  });
  if (kept.length === 0) return { value: Number.NaN, n: 0, details, judge: info };

  const count = Number(options.count ?? 500);
  const random = new SeededRandom(Number(options.seed ?? 0));
  const draw = random.fork('unsupervised-codes');
  const u = codes.length;
  const values = new Float32Array(count * u);
  for (let i = 0; i < count; i++) {
    codes.forEach((code, c) => {
      const r = draw.uniformNumber();
      values[i * u + c] = code.kind === 'discrete' ? (r < 0.5 ? 0 : 1) : code.range[0] + (code.range[1] - code.range[0]) * r;
    });
  }
  const rows = Array.from({ length: count }, (_, i) => data.split.test[i % data.split.test.length]);
  const samples = await sampleWithCodesForRows(model, data, rows, values, random);
  const predicted = predictRidge(fit, (await featuresOf(samples)).features);
  const best = codes.map((code, c) => {
    const codeValues = column(values, u, c);
    return Math.max(
      0,
      ...kept.map((k) => {
        const r = correlation(codeValues, Float64Array.from({ length: count }, (_, i) => predicted[i * m + k]));
        details[`${code.name}~${specs[continuous[k]].name}`] = r;
        return Number.isFinite(r) ? Math.abs(r) : 0;
      }),
    );
  });
  return { value: best.reduce((s, v) => s + v, 0) / best.length, n: count, details, judge: info };
}
