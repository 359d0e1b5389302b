import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { CodePart, GenerativeModel, ModelBatch, SwitchReference } from '@disentangle/kernels';
import { loadDataset, splitIndices, type ImageDataset, type PreparedData } from '@disentangle/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributeFactor } from './capabilities/counterfactuals';
import type { EvaluationClassifier } from './evaluation-classifier';
import { computeMetric, createMetricContext, metricById, metricUnavailable, METRICS, type MetricJudge } from './metric-registry';

/** 2×2 grey images that are all 1 with the label on and all 0 with it off; 'free' holds a label-independent number. */
function makeData(count = 200): PreparedData {
  const images = new Float32Array(count * 4);
  const y = new Float32Array(count);
  const free = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 3 === 0 ? 1 : 0;
    images.fill(y[i], i * 4, i * 4 + 4);
    free[i] = (i * 7919) % 101;
  }
  const dataset: ImageDataset = { name: 'toy', count, height: 2, width: 2, channels: 1, images, attributes: Uint8Array.from(y), attributeNames: ['On'], factors: free, factorSpecs: [{ name: 'free', kind: 'continuous', range: [0, 100], description: '' }], source: 'test' };
  // Through a variable: `classColumns` is new in PreparedData, and this compiles with or without it.
  const data = { spec: { dataset: 'toy', labels: ['On'] }, dataset, input: { kind: 'image' as const, size: 2, channels: 1 as const }, y, labelNames: ['On'], exclusive: false, classColumns: 0, split: splitIndices(count, { train: 0.5, test: 0.5, seed: 0 }) };
  return data;
}

/** A model that switches perfectly (or, with `noop`, returns its input), with code [free, 3·y]. */
function makeModel(data: PreparedData, { noop = false } = {}) {
  const parts: CodePart[] = [
    { name: 'z', start: 0, size: 1, role: 'free' },
    { name: 'w', start: 1, size: 1, label: 0, role: 'label', priorMeans: { on: [3], off: [0] } },
  ];
  const model = {
    name: noop ? 'noop' : 'oracle',
    variables: {},
    update: 'single',
    phases: () => [],
    getConfig: () => ({}),
    dispose: () => {},
    codeWidth: 2,
    codeParts: () => parts,
    // The free coordinate comes from the image's index-free content: here a constant per image class, so read it from y.
    encode: (batch: ModelBatch) => {
      const y = batch.y!;
      const free = tf.mul(tf.sub(1, y), tf.randomUniform(y.shape, 0, 1, 'float32', 1));
      return { mu: tf.concat([free, tf.mul(3, y)], 1) as tf.Tensor2D, logVar: tf.zeros([y.shape[0], 2]) as tf.Tensor2D };
    },
    reconstruct: (batch: ModelBatch) => tf.clone(batch.x),
    switchReference: (codes: Float32Array, labels: Float32Array): SwitchReference => ({ presentMean: [[Number(codes.length > 0), labels.length]], absentMean: [[0, 0]] }),
    switchAttributes: (batch: ModelBatch, target: tf.Tensor2D) => (noop ? tf.clone(batch.x) : tf.reshape(tf.tile(target, [1, 4]), batch.x.shape)),
  };
  return model as unknown as GenerativeModel;
}

/** A judge that calls an image 'On' when its mean pixel exceeds ½. */
const judge: MetricJudge = {
  name: 'mean-pixel-judge',
  accuracy: 1,
  classifier: {
    name: 'mean-pixel-judge',
    config: { attributeNames: ['On'] },
    predict: (x: tf.Tensor) => ({ attributes: tf.reshape(tf.mean(x, [1, 2, 3]), [-1, 1]) as tf.Tensor2D }),
  } as unknown as EvaluationClassifier,
};

describe('the metric registry', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('judged switch metrics: a perfect switcher scores 1, a model that returns its input scores the no-op floor 0', async () => {
    const data = makeData();
    const oracle = createMetricContext({ model: makeModel(data), data, judge: async () => judge });
    const noop = createMetricContext({ model: makeModel(data, { noop: true }), data, judge: async () => judge });
    const perfect = await computeMetric(oracle, 'attribute-switch-accuracy');
    expect(perfect).toMatchObject({ value: 1, n: data.split.test.length, judge: { name: 'mean-pixel-judge', accuracy: 1 } });
    expect((await computeMetric(noop, 'attribute-switch-accuracy')).value).toBe(0);
    expect((await computeMetric(noop, 'switch-noop-floor')).value).toBe(0);
    expect((await computeMetric(oracle, 'judge-on-reconstructions')).value).toBe(1);
    expect((await computeMetric(oracle, 'judge-on-inputs')).value).toBe(1);
    expect((await computeMetric(oracle, 'switch-change')).value).toBe(1);
    expect((await computeMetric(noop, 'switch-change')).value).toBe(0);
    expect((await computeMetric(oracle, 'reconstruction-mse')).value).toBe(0);
  });

  it('code metrics: the label block holds the label at the prior gap, the free block does not', async () => {
    const data = makeData();
    const context = createMetricContext({ model: makeModel(data), data });
    expect((await computeMetric(context, 'knn-label-readout', { parts: 'label' })).value).toBe(1);
    const fromFree = (await computeMetric(context, 'knn-label-readout', { parts: 'free' })).value;
    expect(fromFree).toBeLessThan(1);
    const gap = await computeMetric(context, 'label-subspace-gap');
    expect(gap.value).toBeCloseTo(1, 6);
    expect(gap.details).toEqual({ On: expect.closeTo(1, 6) });
    await expect(computeMetric(context, 'knn-label-readout', { parts: 'nope' })).rejects.toThrow(/no code block matches \{"name":"nope"\}; the code's blocks are z \(free\), w \(label\)/);
  });

  it('training-log reads a logged term; a missing term, metric or capability is a clear error', async () => {
    const data = makeData();
    const logs = [1, 2, 3, 4, 5, 6, 7].map((v, i) => ({ step: 10 * (i + 1), 'adversary.accuracy': v / 10 }));
    const context = createMetricContext({ model: makeModel(data), data, logs });
    expect((await computeMetric(context, 'training-log', { term: 'adversary.accuracy', window: 'first', count: 2 })).value).toBeCloseTo(0.15, 9);
    expect((await computeMetric(context, 'training-log', { term: 'adversary.accuracy' })).value).toBeCloseTo(0.5, 9);
    await expect(computeMetric(context, 'training-log', { term: 'missing' })).rejects.toThrow(/logged no term 'missing'/);
    expect(() => metricById('fid-of-everything')).toThrow(/unknown metric 'fid-of-everything'; known metrics: attribute-switch-accuracy/);
    expect(metricUnavailable(METRICS['attribute-switch-accuracy'], ['encode'], data)).toBe("the model has no 'switchAttributes' capability");
    expect(metricUnavailable(METRICS['identity-mse'], ['switchAttributes'], data)).toBe('needs exclusive labels');
    const noJudge = createMetricContext({ model: makeModel(data), data });
    await expect(computeMetric(noJudge, 'attribute-switch-accuracy')).rejects.toThrow(/needs a judge/);
  });

  it("finds the generator factor behind a faces attribute (for removal counterfactuals)", async () => {
    const faces = await loadDataset('faces', { count: 200, size: 32, seed: 1 });
    const names = faces.factorSpecs!.map((s) => s.name);
    expect(names[attributeFactor(faces, 'Eyeglasses')!]).toBe('glasses');
    expect(names[attributeFactor(faces, 'Beard')!]).toBe('beard');
    expect(attributeFactor(faces, 'Young')).toBe(-1); // age is continuous: no binary factor turns it off
  });
});
