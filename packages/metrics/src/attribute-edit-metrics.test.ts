import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { prepareData } from '@disentangle/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { spearmanAgainstOrder } from './attribute-edit-metrics';
import { attributeFlip } from './capabilities/counterfactuals';
import { computeMetric, createMetricContext, metricUnavailable, METRICS } from './metric-registry';
import { toyData, toyJudge } from './testing/toy-data';
import { toyAttributeCoder } from './testing/toy-models';

const judge = toyJudge();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const measure = (mode: 'faithful' | 'ignoring', metric: string, options = {}) => {
  const data = toyData('attributes');
  return computeMetric(createMetricContext({ model: toyAttributeCoder(mode), data, judge: async () => judge }), metric, options);
};

describe('paper 002: metrics of edited images', () => {
  it('Spearman against the order: 1 rising, −1 falling, ties ranked by their mean, 0 when constant', () => {
    expect(spearmanAgainstOrder([0.1, 0.2, 0.5, 0.9])).toBeCloseTo(1, 12);
    expect(spearmanAgainstOrder([3, 2, 1])).toBeCloseTo(-1, 12);
    // Ranks of [0, 0, 1] are [0.5, 0.5, 2]: ρ = Σ(r − 1)(i − 1) / √(Σ(r − 1)² Σ(i − 1)²) = 1.5 / √(1.5 · 2).
    expect(spearmanAgainstOrder([0, 0, 1])).toBeCloseTo(1.5 / Math.sqrt(3), 12);
    expect(spearmanAgainstOrder([0.4, 0.4, 0.4])).toBe(0);
  });

  it('attribute-sweep: a model that draws its code rises monotonically (ρ = 1); one that ignores it scores 0', async () => {
    const faithful = await measure('faithful', 'attribute-sweep', { values: [-1, 0, 1, 2], count: 20 });
    expect(faithful.value).toBeCloseTo(1, 6);
    expect(faithful.n).toBe(20);
    expect(faithful.details!['B@0']).toBeCloseTo(1 / (1 + Math.exp(2)), 5);
    expect(faithful.details!['B@2']).toBeCloseTo(1 / (1 + Math.exp(-6)), 5);
    const ignoring = await measure('ignoring', 'attribute-sweep', { count: 20 });
    expect(ignoring.value).toBe(0);
    await expect(measure('faithful', 'attribute-sweep', { attributes: 'A,Z' })).rejects.toThrow(/'Z' is not a label of these data \(labels: A, B, C\)/);
    await expect(measure('faithful', 'attribute-sweep', { values: [1] })).rejects.toThrow(/option values must be ≥ 2 finite numbers/);
  });

  it('attribute-grid-accuracy: every cell right for a faithful model, about 1/2^A by chance for one that ignores the switch', async () => {
    const faithful = await measure('faithful', 'attribute-grid-accuracy', { attributes: ['A', 'C'], count: 40 });
    expect(faithful.value).toBe(1);
    expect(Object.keys(faithful.details!)).toEqual(['A=0,C=0', 'A=0,C=1', 'A=1,C=0', 'A=1,C=1']);
    expect(faithful.n).toBe(160);
    const ignoring = await measure('ignoring', 'attribute-grid-accuracy', { count: 100 });
    expect(ignoring.value).toBeCloseTo(1 / 8, 6); // each face counts in exactly the one cell of its own labels
    await expect(measure('faithful', 'attribute-grid-accuracy', { attributes: ['A', 'A'] })).rejects.toThrow(/must name distinct labels/);
  });

  it('fusion-fid: a model that returns its input has fusions identical to the real rows (FID ≈ 0); switch-fid runs on the flips', async () => {
    const ignoring = await measure('ignoring', 'fusion-fid', { count: 100 });
    expect(ignoring.value).toBeLessThan(1e-3);
    expect(ignoring.n).toBe(100);
    const faithful = await measure('faithful', 'fusion-fid', { count: 100 });
    expect(faithful.value).toBeGreaterThan(ignoring.value);
    const flips = await measure('faithful', 'switch-fid', { count: 90 });
    expect(Number.isFinite(flips.value)).toBe(true);
    expect(flips.n).toBe(90);
  });

  it('are unavailable without the capability or with an exclusive class', () => {
    expect(metricUnavailable(METRICS['fusion-fid'], ['switchAttributes'], toyData('attributes'))).toBe("the model has no 'attributeCodes' capability");
    expect(metricUnavailable(METRICS['attribute-sweep'], ['attributeCodes'], toyData('mixed'))).toMatch(/needs binary attribute labels only/);
    expect(metricUnavailable(METRICS['flip-counterfactual-mse'], ['switchAttributes'], toyData('attributes'))).toMatch(/has no generator to render counterfactuals/);
  });

  it("flip counterfactuals find each face attribute's factor and its typical on/off values", async () => {
    const data = await prepareData({ dataset: 'faces', labels: ['Smiling', 'Young', 'Male'], count: 400, size: 16, seed: 0 });
    const names = data.dataset.factorSpecs!.map((s) => s.name);
    const smiling = attributeFlip(data.dataset, 'Smiling')!;
    expect(names[smiling.factor]).toBe('smile');
    expect(smiling.on).toBeGreaterThan(0.5);
    expect(smiling.off).toBeLessThan(0.5);
    const young = attributeFlip(data.dataset, 'Young')!;
    expect(names[young.factor]).toBe('age');
    expect(young.on).toBeLessThan(0.5); // Young = age < 0.5
    // The no-op floor: inputs against their flipped renderings, per attribute and larger than 0.
    const floor = await computeMetric(createMetricContext({ model: toyAttributeCoder('ignoring'), data }), 'flip-counterfactual-noop');
    expect(floor.n).toBe(3 * data.split.test.length);
    expect(Object.keys(floor.details!)).toEqual(['Smiling', 'Young', 'Male']);
    expect(floor.value).toBeGreaterThan(0);
    const male = attributeFlip(data.dataset, 'Male')!;
    expect([names[male.factor], male.on, male.off]).toEqual(['male', 1, 0]);
    expect(attributeFlip(data.dataset, 'Wings')).toBeUndefined();
  });
});
