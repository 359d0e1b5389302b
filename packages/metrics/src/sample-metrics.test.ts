import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetric, createMetricContext, metricUnavailable, METRICS } from './metric-registry';
import { toyData, toyJudge, type ToyLabels } from './testing/toy-data';
import { toySampler } from './testing/toy-models';

const judge = toyJudge();
const contextFor = (labels: ToyLabels, mode: Parameters<typeof toySampler>[1]) => {
  const data = toyData(labels);
  return createMetricContext({ model: toySampler(data, mode), data, judge: async () => judge });
};

describe('paper 003 Tables 1–2: judged conditional samples', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('conditional-sample-accuracy: a sampler that draws the asked labels scores 1, one that ignores them chance', async () => {
    for (const labels of ['class', 'mixed'] as const) {
      const good = await computeMetric(contextFor(labels, 'faithful'), 'conditional-sample-accuracy');
      const bad = await computeMetric(contextFor(labels, 'ignore'), 'conditional-sample-accuracy');
      expect(good).toMatchObject({ value: 1, n: 150, judge: { name: 'toy-judge', accuracy: 1 } });
      expect(bad.value).toBeGreaterThan(0.2);
      expect(bad.value).toBeLessThan(0.5); // three classes: chance 1/3
      if (labels === 'class') expect(good.details).toEqual({ zero: 1, one: 1, two: 1 });
      if (labels === 'mixed') {
        expect(good.details).toEqual({ A: 1, B: 1, C: 1, attributes: 1 });
        expect(bad.details!.attributes).toBeLessThan(0.65); // binary attributes: chance 1/2
      }
    }
    const attributes = await computeMetric(contextFor('attributes', 'faithful'), 'conditional-sample-accuracy');
    expect(attributes).toMatchObject({ value: 1, details: { A: 1, B: 1, C: 1 } });
    expect((await computeMetric(contextFor('attributes', 'ignore'), 'conditional-sample-accuracy')).value).toBeLessThan(0.65);
    const capped = await computeMetric(contextFor('class', 'faithful'), 'conditional-sample-accuracy', { count: 10 });
    expect(capped.n).toBe(10);
  });

  it('sample-fid: samples from the data distribution are far closer than collapsed ones; unconditional data sample without y', async () => {
    const good = await computeMetric(contextFor('mixed', 'faithful'), 'sample-fid');
    const bad = await computeMetric(contextFor('mixed', 'collapsed'), 'sample-fid');
    expect(good.n).toBe(150);
    expect(good.judge).toEqual({ name: 'toy-judge', accuracy: 1 });
    expect(good.value).toBeLessThan(bad.value / 10);
    expect(bad.value).toBeGreaterThan(1);
    const seen: { conditioned?: boolean[] } = {};
    const data = toyData('none');
    const unconditional = await computeMetric(createMetricContext({ model: toySampler(data, 'faithful', seen), data, judge: async () => judge }), 'sample-fid', { count: 40 });
    expect(unconditional.n).toBe(40);
    expect(seen.conditioned).toEqual([false]);
  });

  it('sample-attribute-accuracy and amp-variance: exact on a constructed case, and a faithful sampler matches the data', async () => {
    const biased = contextFor('mixed', 'identity-biased');
    // AMP_i = 0.3, 0.7, 0.5 for the three identities: population variance ((−0.2)² + 0.2² + 0²)/3.
    const variance = await computeMetric(biased, 'amp-variance');
    expect(variance.value).toBeCloseTo(0.08 / 3, 6);
    expect(variance.n).toBe(3);
    const faithful = await computeMetric(contextFor('mixed', 'faithful'), 'amp-variance');
    // The faithful sampler draws exactly the test rows' attributes, so its AMP_i are the data's.
    expect(faithful.value).toBeCloseTo(faithful.details!.data, 6);
    expect(faithful.details!.data).toBeCloseTo(variance.details!.data, 12);
    expect(faithful.value).toBeLessThan(variance.value / 3);
    expect(await computeMetric(contextFor('mixed', 'faithful'), 'sample-attribute-accuracy')).toMatchObject({ value: 1, n: 150, details: { A: 1, B: 1, C: 1 } });
    const ignoring = await computeMetric(contextFor('mixed', 'ignore'), 'sample-attribute-accuracy');
    expect(ignoring.value).toBeLessThan(0.65);
  });

  it('says why a metric is unavailable', () => {
    const metric = (id: string) => METRICS[id];
    expect(metricUnavailable(metric('conditional-sample-accuracy'), ['encode'], toyData('class'))).toBe("the model has no 'sample' capability");
    expect(metricUnavailable(metric('conditional-sample-accuracy'), ['sample'], toyData('none'))).toBe('the data have no labels');
    expect(metricUnavailable(metric('conditional-sample-accuracy'), ['sample'], toyData('attributes'))).toBeUndefined();
    expect(metricUnavailable(metric('sample-fid'), ['sample'], toyData('none'))).toBeUndefined();
    const vectors = { ...toyData('none'), input: { kind: 'vector' as const, dim: 16 } };
    expect(metricUnavailable(metric('sample-fid'), ['sample'], vectors)).toBe('a judge scores images; these data are vectors');
    for (const id of ['sample-attribute-accuracy', 'amp-variance']) {
      expect(metricUnavailable(metric(id), ['sample'], toyData('mixed'))).toBeUndefined();
      expect(metricUnavailable(metric(id), ['sample'], toyData('attributes'))).toBe('needs mixed labels (a one-hot class such as an identity, then binary attributes: classColumns > 0); these data have binary attributes only (A, B, C)');
      expect(metricUnavailable(metric(id), ['sample'], toyData('class'))).toMatch(/needs mixed labels .*exclusive labels only \(3 classes\)/);
    }
  });
});
