import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { manipulationDetails } from './capabilities/cumulative-manipulation';
import { computeMetric, createMetricContext, metricUnavailable, METRICS } from './metric-registry';
import { toyData, toyJudge } from './testing/toy-data';
import { toyCodeModel, toyManipulator } from './testing/toy-models';

const judge = toyJudge();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('paper 003 Table 3: cumulative-amp-change', () => {
  it('per-step numbers by hand on one image', () => {
    // L = 3, sequence A then B, both set to 1. Probabilities at steps 0, 1, 2:
    const p = Float32Array.from([0.1, 0.2, 0.3, 0.9, 0.4, 0.3, 0.9, 0.8, 0.6]);
    const details = manipulationDetails(p, Uint8Array.from([1, 1]), [0, 1], 3);
    expect(details.step1).toBeCloseTo(Math.abs((0.4 + 0.3) / 2 - (0.2 + 0.3) / 2), 6); // B, C: 0.1
    expect(details.step2).toBeCloseTo(Math.abs((0.9 + 0.6) / 2 - (0.9 + 0.3) / 2), 6); // A, C: 0.15
    expect(details.cumulative1).toBeCloseTo(0.1, 6); // B, C against step 0
    expect(details.cumulative2).toBeCloseTo(0.3, 6); // C only: 0.6 − 0.3
    expect([details.changed1, details.changed2]).toEqual([1, 1]);
  });

  it('a model that changes only the asked attribute is stable; one that changes all is not; one that changes nothing is caught', async () => {
    const data = toyData('mixed');
    const run = async (mode: 'clean' | 'leaky' | 'noop', options = {}) => {
      const { model, seen } = toyManipulator(data, mode, { withReference: mode === 'clean' });
      const result = await computeMetric(createMetricContext({ model, data, judge: async () => judge }), 'cumulative-amp-change', options);
      return { result, seen };
    };
    const clean = await run('clean');
    expect(clean.result).toMatchObject({ value: 0, n: 150, judge: { name: 'toy-judge', accuracy: 1 } });
    expect(clean.result.details).toEqual({ step1: 0, changed1: 1, cumulative1: 0, step2: 0, changed2: 1, cumulative2: 0, step3: 0, changed3: 1 });
    // The clean model has 'switchAttributes': it gets the switch reference; the others get none.
    expect(clean.seen.references.every((r) => r?.presentMean[0][0] === 1)).toBe(true);
    const leaky = await run('leaky');
    expect(leaky.seen.references.every((r) => r === undefined)).toBe(true);
    expect(leaky.result.value).toBeGreaterThan(0.1);
    expect(leaky.result.details!.step1).toBeGreaterThan(0.1);
    const noop = await run('noop');
    expect(noop.result.value).toBe(0);
    expect(noop.result.details!.changed1).toBe(0);
    const chosen = await run('leaky', { sequence: 'C, A', step: 1, count: 30 });
    expect(chosen.result.n).toBe(30);
    expect(chosen.result.value).toBe(chosen.result.details!.step1);
    expect(Object.keys(chosen.result.details!)).toEqual(['step1', 'changed1', 'cumulative1', 'step2', 'changed2', 'cumulative2']);
    await expect(run('clean', { sequence: ['A', 'Z'] })).rejects.toThrow(/'Z' is not an attribute column \(attributes: A, B, C\)/);
    await expect(run('clean', { step: 4 })).rejects.toThrow(/option step must be 1\.\.3/);
  });

  it('is unavailable without two attribute columns or the capability', () => {
    const metric = METRICS['cumulative-amp-change'];
    expect(metricUnavailable(metric, ['manipulate'], toyData('attributes'))).toBeUndefined();
    expect(metricUnavailable(metric, ['sample'], toyData('mixed'))).toBe("the model has no 'manipulate' capability");
    expect(metricUnavailable(metric, ['manipulate'], toyData('class'))).toMatch(/^needs at least 2 binary attribute columns in the labels \(the AMP change is taken over the attributes other than the changed one\); these data have exclusive labels only/);
  });
});

describe('code-factor-correlation (paper 003 Figs. 6–7, beyond the paper)', () => {
  it('finds the factor each code drives, leaves out a factor the features do not show, and scores a code-blind model near 0', async () => {
    const data = toyData('mixed');
    const seen: { codes?: number[] } = {};
    const aligned = await computeMetric(createMetricContext({ model: toyCodeModel(data, 'aligned', seen), data, judge: async () => judge }), 'code-factor-correlation', { count: 300 });
    const d = aligned.details!;
    expect(d['r2:brightness']).toBeGreaterThan(0.99);
    expect(d['r2:tilt']).toBeGreaterThan(0.99);
    expect(d['r2:hidden']).toBeLessThan(0.5);
    expect(Object.keys(d).some((k) => k.endsWith('~hidden'))).toBe(false);
    expect(d['c0~brightness']).toBeGreaterThan(0.99);
    expect(d['c1~tilt']).toBeGreaterThan(0.99);
    expect(Math.abs(d['c0~tilt'])).toBeLessThan(0.2);
    // c0 and c1 drive a factor each (|r| ≈ 1), d drives none: (1 + 1 + small) / 3.
    expect(aligned.value).toBeGreaterThan(0.66);
    expect(aligned.value).toBeLessThan(0.75);
    expect(aligned.n).toBe(300);
    // Codes drawn on their ranges, the discrete one Bernoulli 0/1.
    const codes = seen.codes!;
    expect(codes.filter((_, i) => i % 3 === 0).every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(codes.filter((_, i) => i % 3 === 1).every((v) => v >= 0 && v <= 2)).toBe(true);
    expect(new Set(codes.filter((_, i) => i % 3 === 2))).toEqual(new Set([0, 1]));
    const blind = await computeMetric(createMetricContext({ model: toyCodeModel(data, 'ignoring'), data, judge: async () => judge }), 'code-factor-correlation', { count: 300 });
    expect(blind.value).toBeLessThan(0.2);
    const metric = METRICS['code-factor-correlation'];
    expect(metricUnavailable(metric, ['unsupervisedCodes'], data)).toBeUndefined();
    expect(metricUnavailable(metric, ['sample'], data)).toBe("the model has no 'unsupervisedCodes' capability");
    const noFactors = { ...data, dataset: { ...data.dataset, factors: undefined, factorSpecs: undefined } };
    expect(metricUnavailable(metric, ['unsupervisedCodes'], noFactors)).toBe("'toy' has no ground-truth factors");
    const categorical = { ...data, dataset: { ...data.dataset, factorSpecs: data.dataset.factorSpecs!.map((s) => ({ ...s, kind: 'categorical' as const })) } };
    expect(metricUnavailable(metric, ['unsupervisedCodes'], categorical)).toBe("'toy' has no continuous ground-truth factor to read");
  });
});

describe('evenlySpaced', () => {
  it('spreads a reference sample over data stored by class', async () => {
    const { evenlySpaced } = await import('./capabilities/attribute-switch');
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5)).toEqual([0, 2, 4, 6, 8]);
    expect(evenlySpaced([4, 5], 5)).toEqual([4, 5]);
  });
});
