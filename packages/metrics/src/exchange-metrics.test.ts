import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { prepareData, type PreparedData } from '@disentangle/data';
import type { GenerativeModel } from '@disentangle/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { classOfRow, exchangeRenderer, occurringClasses, spreadCycling } from './capabilities/exchange';
import { dci, mutualInformationGap } from './disentanglement';
import { computeMetric, createMetricContext, metricUnavailable, METRICS, type MetricJudge } from './metric-registry';
import { classToyData, classToyJudge, toyExchanger, type ExchangerOptions } from './testing/exchange-data';
import { toyData } from './testing/toy-data';

const C = 6;
const data = classToyData(C);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const measure = (metric: string, model: ExchangerOptions | GenerativeModel, options = {}, { judge = classToyJudge(C), on = data }: { judge?: MetricJudge; on?: PreparedData } = {}) =>
  computeMetric(createMetricContext({ model: 'mode' in model ? toyExchanger(C, model) : model, data: on, judge: async () => judge }), metric, options);

describe('paper 000: exchange metrics', () => {
  it('the toy set: every class occurs, a class determines its label factor, and the true exchange to its own class is the stored image', () => {
    expect(occurringClasses(data)).toEqual([0, 1, 2, 3, 4, 5]);
    const renderer = exchangeRenderer(data);
    expect(renderer.factors).toEqual([0]);
    const i = data.split.test[0];
    const own = new Float32Array(16);
    renderer.render(i, classOfRow(data, i), own);
    const stored = data.dataset.images.subarray(i * 16, (i + 1) * 16);
    expect(Math.max(...own.map((v, p) => Math.abs(v - stored[p])))).toBeLessThan(1e-6);
    expect(spreadCycling([4, 5], 5)).toEqual([4, 5, 4, 5, 4]);
    expect(spreadCycling([1, 2, 3, 4], 2)).toEqual([1, 3]);
  });

  it("exchange-accuracy: an exact exchange scores the judge's accuracy, per class; an off-by-one exchange 0, but 1 within ±1 (cyclic)", async () => {
    const exact = await measure('exchange-accuracy', { mode: 'oracle' }, { perLabel: 40 });
    expect(exact).toMatchObject({ value: 1, n: C * 40, judge: { name: 'class-toy-judge', accuracy: 1 } });
    expect(Object.keys(exact.details!)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    // A judge that calls c2 c3: the exact exchange scores what the judge scores on real images, 5/6.
    const confused = await measure('exchange-accuracy', { mode: 'oracle' }, { perLabel: 40 }, { judge: classToyJudge(C, { 2: 3 }) });
    expect(confused.value).toBeCloseTo(5 / 6, 12);
    expect(confused.details!.c2).toBe(0);
    const judgeOnInputs = await measure('judge-on-inputs', { mode: 'noop' }, {}, { judge: classToyJudge(C, { 2: 3 }) });
    expect(confused.value).toBeCloseTo(judgeOnInputs.value, 1);
    const shifted = await measure('exchange-accuracy', { mode: 'shifted', shift: 1 }, { perLabel: 10, cyclicTolerance: 1 });
    expect(shifted.value).toBe(0);
    expect(shifted.details!['within ±1 class (cyclic)']).toBe(1); // c5 + 1 = c0 counts: the classes are a circle
    const further = await measure('exchange-accuracy', { mode: 'shifted', shift: 2 }, { perLabel: 10, cyclicTolerance: 1 });
    expect(further.details!['within ±1 class (cyclic)']).toBe(0);
    expect(Object.keys(exact.details!)).not.toContain('within ±0 class (cyclic)');
    // The model that returns its input never shows the target (sources of class c are left out).
    expect((await measure('exchange-accuracy', { mode: 'noop' }, { perLabel: 10 })).value).toBe(0);
    const two = await measure('exchange-accuracy', { mode: 'oracle' }, { classes: ['c1', 'c4'], perLabel: 7 });
    expect(two.n).toBe(14);
    expect(Object.keys(two.details!)).toEqual(['c1', 'c4']);
  });

  it('exchange-accuracy: more images per class than test rows cycles through them', async () => {
    const small = classToyData(3, 30, 1);
    const r = await measure('exchange-accuracy', toyExchanger(3, { mode: 'oracle' }), { perLabel: 50 }, { judge: classToyJudge(3), on: small });
    expect(r.n).toBe(150);
    expect(r.value).toBe(1);
  });

  it('code-label-mi: ≈ log C from codes that copy the label, ≈ 0 from codes independent of it; the estimate and its leave-one-out bracket', async () => {
    const free = await measure('code-label-mi', { mode: 'oracle' });
    expect(free.n).toBe(data.split.test.length);
    expect(free.details!['log C']).toBeCloseTo(Math.log(C), 12);
    expect(free.details!.C).toBe(C);
    expect(free.value).toBeLessThan(0.1);
    expect(Math.abs(free.details!['leave-one-out'])).toBeLessThan(0.15);
    expect(free.details!['leave-one-out']).toBeLessThanOrEqual(free.value);
    expect(free.details!['standard error']).toBeGreaterThan(0);
    const label = await measure('code-label-mi', { mode: 'oracle' }, { parts: 'label', samplesPerExample: 2 });
    expect(label.value).toBeCloseTo(Math.log(C), 2);
    expect(label.details!['leave-one-out']).toBeCloseTo(Math.log(C), 2);
    const all = await measure('code-label-mi', { mode: 'oracle' }, { parts: 'all', count: 120 });
    expect(all.n).toBe(120);
    expect(all.value).toBeGreaterThan(Math.log(C) - 0.05);
  });

  it('exchange-fid: exchanges drawn like the real class are close to it, unchanged inputs are far; per class in details', async () => {
    const exact = await measure('exchange-fid', { mode: 'oracle' }, { count: 100 });
    const noop = await measure('exchange-fid', { mode: 'noop' }, { count: 100 });
    const classes = ['c0', 'c1', 'c2', 'c3', 'c4'];
    expect(classes.every((c) => Number.isFinite(exact.details![c]))).toBe(true);
    expect(exact.value).toBeCloseTo(classes.reduce((s, c) => s + exact.details![c], 0) / 5, 9);
    expect(exact.n).toBe(500);
    expect(noop.value).toBeGreaterThan(10 * exact.value);
    // 50 held-out images of a class are fewer than 100 exchanges: every image of the class is used, train included.
    const heldOut = Array.from(data.split.test).filter((i) => classOfRow(data, i) === 0).length;
    const total = Array.from({ length: data.dataset.count }, (_, i) => i).filter((i) => classOfRow(data, i) === 0).length;
    expect(heldOut).toBeLessThan(100);
    expect(exact.details!['c0:real']).toBe(total);
    expect(exact.details!['c0:real includes train']).toBe(1);
    const few = await measure('exchange-fid', { mode: 'oracle' }, { count: 20, classes: 2 });
    expect(few.details!['c0:real']).toBe(heldOut);
    expect(few.details!['c0:real includes train']).toBe(0);
    expect(Object.keys(few.details!).filter((k) => !k.includes(':'))).toEqual(['c0', 'c1']);
  });

  it('exchange-counterfactual-mse: 0 for the true exchange, the no-op value for a model that returns its input', async () => {
    const exact = await measure('exchange-counterfactual-mse', { mode: 'oracle' }, { count: 50, targets: 3 });
    expect(exact.value).toBeLessThan(1e-12);
    expect(Object.keys(exact.details!)).toEqual(['c0', 'c2', 'c4', 'reconstruction MSE (floor)']);
    expect(exact.details!['reconstruction MSE (floor)']).toBe(0);
    // 50 test rows × 3 targets, less the rows already of a target class.
    expect(exact.n).toBeLessThan(3 * 50);
    expect(exact.n).toBeGreaterThan(2 * 50);
    // Returning the input: two class pixels of 16 are wrong by 1.
    const floor = await measure('exchange-counterfactual-noop', { mode: 'oracle' }, { count: 50, targets: 3 });
    expect(floor.value).toBeCloseTo(2 / 16, 12);
    expect(floor.n).toBe(exact.n);
    const noop = await measure('exchange-counterfactual-mse', { mode: 'noop', noReconstruct: true }, { count: 50, targets: 3 });
    expect(noop.value).toBeCloseTo(floor.value, 12);
    expect(noop.details!['reconstruction MSE (floor)']).toBeUndefined();
    const named = await measure('exchange-counterfactual-mse', { mode: 'shifted' }, { count: 10, targets: ['c1', 'c2'] });
    expect(named.value).toBeCloseTo(2 / 16, 6); // the wrong class: as wrong as no change
    expect(Object.keys(named.details!).slice(0, 2)).toEqual(['c1', 'c2']);
  });

  it('the true exchange on chairs keeps the chair and turns the azimuth; on faces it takes the identity factors of the target class', async () => {
    const chairs = await prepareData({ dataset: 'chairs', labels: 'one-hot', count: 40, size: 32 });
    const renderer = exchangeRenderer(chairs);
    expect(renderer.factors.map((f) => chairs.dataset.factorSpecs![f].name)).toEqual(['azimuth']);
    const pixels = 32 * 32 * 3;
    const i = chairs.split.test[0];
    const own = new Float32Array(pixels);
    renderer.render(i, classOfRow(chairs, i), own);
    const stored = chairs.dataset.images.subarray(i * pixels, (i + 1) * pixels);
    expect(Math.max(...own.map((v, p) => Math.abs(v - stored[p])))).toBeLessThan(1e-6); // same [0, 1] pixels as the data
    const other = occurringClasses(chairs).find((c) => c !== classOfRow(chairs, i))!;
    const turned = renderer.factorsOf(i, other);
    expect(turned[0]).toBe(other);
    expect(turned.slice(1)).toEqual(Array.from(chairs.dataset.factors!.subarray(i * 11 + 1, (i + 1) * 11)));

    const faces = await prepareData({ dataset: 'faces', labels: 'one-hot', identities: 4, count: 40, size: 16 });
    expect(occurringClasses(faces)).toHaveLength(4); // of the generator's 1000 identity columns
    const faceRenderer = exchangeRenderer(faces);
    const specs = faces.dataset.factorSpecs!;
    expect(faceRenderer.factors.map((f) => specs[f].name)).toEqual(specs.flatMap((s) => (s.role === 'identity' ? [s.name] : [])));
    const j = faces.split.test[0];
    const target = occurringClasses(faces).find((c) => c !== classOfRow(faces, j))!;
    const example = Array.from({ length: faces.dataset.count }, (_, r) => r).find((r) => classOfRow(faces, r) === target)!;
    const nf = specs.length;
    const exchanged = faceRenderer.factorsOf(j, target);
    specs.forEach((s, f) => expect(exchanged[f]).toBe(faces.dataset.factors![(s.role === 'identity' ? example : j) * nf + f]));
    const facePixels = 16 * 16 * 3;
    const face = new Float32Array(facePixels);
    faceRenderer.render(j, classOfRow(faces, j), face);
    expect(Math.max(...face.map((v, p) => Math.abs(v - faces.dataset.images[j * facePixels + p])))).toBeLessThan(1e-6);

    // A factor of role 'identity' that varies within a class: no single true exchange.
    const specs3 = data.dataset.factorSpecs!.map((s) => (s.name === 'brightness' ? { ...s, role: 'identity' as const } : s));
    const loose = { ...data, dataset: { ...data.dataset, factorSpecs: specs3 } };
    expect(() => exchangeRenderer(loose)).toThrow(/class 'c\d' does not determine factor 'brightness' \(its examples have 0\.\d+ and 0\.\d+\)/);
  });

  it('mig and dci: parts and factors: style select z_u against the style factors; the default is unchanged', async () => {
    const context = createMetricContext({ model: toyExchanger(C, { mode: 'oracle' }), data });
    const byDefault = await computeMetric(context, 'mig');
    // The default: the whole code against every factor (none is named identity here).
    const codes = Float32Array.from(Array.from(data.split.test).flatMap((i) => [data.dataset.factors![i * 3 + 1], data.dataset.factors![i * 3 + 2], 3 * classOfRow(data, i), 3 * classOfRow(data, i)]));
    const factors = Float32Array.from(Array.from(data.split.test).flatMap((i) => Array.from(data.dataset.factors!.subarray(i * 3, i * 3 + 3))));
    const direct = { codes, codeDim: 4, factors, numFactors: 3, factorKinds: ['categorical', 'continuous', 'continuous'] as ('categorical' | 'continuous')[] };
    expect(byDefault.value).toBeCloseTo(mutualInformationGap(direct).value, 5);
    expect((await computeMetric(context, 'dci')).value).toBeCloseTo(dci(direct).disentanglement, 5);
    const styleOfFree = await computeMetric(context, 'mig', { parts: 'free', factors: 'style' });
    const styleOfLabel = await computeMetric(context, 'mig', { parts: 'label', factors: 'style' });
    expect(styleOfFree.value).toBeGreaterThan(0.5);
    expect(styleOfLabel.value).toBeLessThan(0.05);
    expect((await computeMetric(context, 'dci', { parts: 'z_u', factors: 'style' })).value).toBeGreaterThan(0.9);
    await expect(computeMetric(context, 'mig', { factors: 'content' })).rejects.toThrow(/mig: option factors must be 'style'/);
    await expect(computeMetric(context, 'dci', { parts: 'w' })).rejects.toThrow(/no code block matches \{"name":"w"\}; the code's blocks are z_u \(free\), z_s \(label\)/);
    const noStyle = createMetricContext({ model: toyExchanger(C, { mode: 'oracle' }), data: toyData('class') });
    await expect(computeMetric(noStyle, 'mig', { factors: 'style' })).rejects.toThrow(/'toy' has no factor with role 'style'/);
  });

  it('bad input: non-exclusive labels, no generator, a missing capability or bad options are named', async () => {
    for (const id of ['exchange-accuracy', 'code-label-mi', 'exchange-fid', 'exchange-counterfactual-mse']) {
      expect(metricUnavailable(METRICS[id], ['switchAttributes', 'encode'], toyData('attributes'))).toMatch(/needs exclusive one-hot class labels \(labels 'one-hot'\); these data have the non-exclusive labels A, B, C/);
    }
    expect(metricUnavailable(METRICS['code-label-mi'], ['encode'], toyData('none'))).toMatch(/the data have no labels/);
    expect(metricUnavailable(METRICS['exchange-accuracy'], ['encode'], data)).toBe("the model has no 'switchAttributes' capability");
    expect(metricUnavailable(METRICS['exchange-counterfactual-mse'], ['switchAttributes'], toyData('class'))).toBe("'toy' has no generator to render the true exchange");
    expect(metricUnavailable(METRICS['exchange-counterfactual-noop'], [], data)).toBeUndefined();
    const encoderOnly = { ...toyExchanger(C, { mode: 'oracle' }), switchAttributes: undefined } as unknown as GenerativeModel;
    await expect(measure('exchange-accuracy', encoderOnly)).rejects.toThrow(/exchange-accuracy needs the 'switchAttributes' capability, which model 'toy-exchanger-oracle' does not have \(missing switchAttributes\)/);
    await expect(measure('exchange-accuracy', { mode: 'oracle' }, { perLabel: 0 })).rejects.toThrow(/exchange-accuracy: option perLabel must be an integer ≥ 1, got 0/);
    await expect(measure('exchange-accuracy', { mode: 'oracle' }, { cyclicTolerance: -1 })).rejects.toThrow(/option cyclicTolerance must be an integer ≥ 0, got -1/);
    await expect(measure('exchange-accuracy', { mode: 'oracle' }, { classes: ['c9'] })).rejects.toThrow(/'c9' is not a class of these data \(classes: c0, c1, c2, c3, c4, c5\)/);
    await expect(measure('exchange-fid', { mode: 'oracle' }, { classes: 0 })).rejects.toThrow(/exchange-fid: option classes must be a positive integer or a list of class names, got 0/);
    await expect(measure('exchange-counterfactual-mse', { mode: 'oracle' }, { targets: 'c1, c1' })).rejects.toThrow(/option targets names a class twice/);
    await expect(measure('code-label-mi', { mode: 'oracle' }, { parts: 'nope' })).rejects.toThrow(/no code block matches \{"name":"nope"\}/);
    await expect(measure('code-label-mi', { mode: 'oracle' }, { classWeights: 'prior' })).rejects.toThrow(/option classWeights must be 'uniform' or 'empirical', got "prior"/);
    await expect(measure('code-label-mi', { mode: 'oracle' }, { count: 1 })).rejects.toThrow(/needs at least two classes with 2 or more of the 1 test rows/);
  });
});
