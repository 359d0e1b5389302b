import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { prepareData, type PreparedData } from '@disentangle/data';
import type { GenerativeModel, ModelBatch } from '@disentangle/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { styleFactors, swapPairs } from './label-swap-metrics';
import { computeMetric, createMetricContext } from './metric-registry';
import { PIXELS, toyData, toyJudge } from './testing/toy-data';

const judge = toyJudge();
const base = (name: string) => ({ name, variables: {}, update: 'single', phases: () => [], getConfig: () => ({}), dispose: () => {} });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * On 'attributes' toy data (the attribute pixels are the labels): 'faithful' swaps label k's
 * pixel between the paired images, 'ignoring' returns `into` unchanged; its classifier reads
 * the pixels ('faithful') or always says off.
 */
function toySwapper(mode: 'faithful' | 'ignoring'): GenerativeModel {
  const model = {
    ...base(`toy-swapper-${mode}`),
    swapLabels: (into: ModelBatch, from: ModelBatch, k: number) =>
      tf.tidy(() => {
        if (mode === 'ignoring') return tf.clone(into.x);
        const mask = tf.tensor1d(Array.from({ length: PIXELS }, (_, p) => (p === 3 + k ? 1 : 0)));
        const flat = (t: tf.Tensor) => tf.reshape(t, [t.shape[0], PIXELS]);
        return tf.reshape(tf.add(tf.mul(flat(into.x), tf.sub(1, mask)), tf.mul(flat(from.x), mask)), into.x.shape);
      }),
    classify: (batch: ModelBatch) =>
      tf.tidy(() => (mode === 'faithful' ? tf.slice(tf.reshape(batch.x, [batch.x.shape[0], PIXELS]), [0, 3], [-1, 3]) : tf.zeros([batch.x.shape[0], 3]))),
    reconstruct: (batch: ModelBatch) => tf.clone(batch.x),
  };
  return model as unknown as GenerativeModel;
}

const measure = (model: GenerativeModel, metric: string, options = {}, data: PreparedData = toyData('attributes')) =>
  computeMetric(createMetricContext({ model, data, judge: async () => judge }), metric, options);

describe('paper 001: swap, classification and style metrics', () => {
  it('swap pairs: test rows with and without the label, as many of each', () => {
    const data = toyData('attributes');
    const { withLabel, without } = swapPairs(data, 1);
    expect(withLabel.length).toBe(without.length);
    expect(withLabel.every((i) => data.y[i * 3 + 1] === 1 && data.split.test.includes(i))).toBe(true);
    expect(without.every((i) => data.y[i * 3 + 1] === 0)).toBe(true);
  });

  it('swap-success: a faithful swap removes and adds the label every time; one that swaps nothing scores the no-op floor (0)', async () => {
    const faithful = await measure(toySwapper('faithful'), 'swap-success', { label: 'B' });
    expect(faithful.details).toEqual({ 'SR(-)': 1, 'SR(+)': 1 });
    expect(faithful.judge).toEqual({ name: 'toy-judge', accuracy: 1 });
    const ignoring = await measure(toySwapper('ignoring'), 'swap-success');
    expect(ignoring.details).toEqual({ 'SR(-)': 0, 'SR(+)': 0 });
    const floor = await measure(toySwapper('faithful'), 'swap-noop-floor');
    expect(floor.value).toBe(0);
    await expect(measure(toySwapper('faithful'), 'swap-success', { label: 'Z' })).rejects.toThrow(/option label must name one of A, B, C, got "Z"/);
  });

  it('classification-bca: 1 for a classifier that reads the label, ½ for one that always says off', async () => {
    const faithful = await measure(toySwapper('faithful'), 'classification-bca');
    expect(faithful.value).toBe(1);
    expect(Object.keys(faithful.details!)).toEqual(['A', 'B', 'C']);
    const constant = await measure(toySwapper('ignoring'), 'classification-bca');
    expect(constant.value).toBe(0.5);
  });

  it("swap-style-match on faces: 1 when the swap draws I_g's own glasses, 0 when it draws the other wearer's", async () => {
    const data = await prepareData({ dataset: 'faces', count: 120, size: 16, labels: ['Eyeglasses'] });
    const found = styleFactors(data, 'Eyeglasses')!;
    expect(found.styles.map((f) => data.dataset.factorSpecs![f].name)).toEqual(['glassesShape', 'glassesColour', 'glassesSize', 'lensTint']);
    const { dataset } = data;
    const pixels = 16 * 16 * 3;
    const nf = dataset.factorSpecs!.length;
    const rowOf = (image: Float32Array) => {
      for (let i = 0; i < dataset.count; i++) if (dataset.images.subarray(i * pixels, (i + 1) * pixels).every((v, p) => v === image[p])) return i;
      throw new Error('image not found');
    };
    const { withLabel } = swapPairs(data, 0);
    const styleOf = (i: number) => found.styles.map((f) => dataset.factors![i * nf + f]);
    // An oracle that renders I_w with glasses in the style of `styleSource(I_g)`.
    const oracle = (styleSource: (g: number) => number) =>
      ({
        ...base('oracle'),
        swapLabels: (into: ModelBatch, from: ModelBatch) => {
          const a = into.x.dataSync() as Float32Array;
          const b = from.x.dataSync() as Float32Array;
          const out = new Float32Array(a.length);
          for (let n = 0; n < into.x.shape[0]; n++) {
            const w = rowOf(a.subarray(n * pixels, (n + 1) * pixels));
            const g = rowOf(b.subarray(n * pixels, (n + 1) * pixels));
            const factors = Array.from(dataset.factors!.subarray(w * nf, (w + 1) * nf));
            factors[found.factor] = 1;
            const style = styleOf(styleSource(g));
            found.styles.forEach((f, j) => (factors[f] = style[j]));
            dataset.generator!.render(factors, 16, out, n * pixels);
          }
          return tf.tensor4d(out, into.x.shape as [number, number, number, number]);
        },
      }) as unknown as GenerativeModel;
    const own = await measure(oracle((g) => g), 'swap-style-match', {}, data);
    expect(own.value).toBe(1);
    expect(own.details!['MSE own style']).toBe(0);
    // The metric's "other" glasses: the next wearer along the pairs whose style differs.
    const next = (g: number) => {
      const n = withLabel.indexOf(g);
      return withLabel.map((_, d) => withLabel[(n + 1 + d) % withLabel.length]).find((h) => styleOf(h).some((v, j) => v !== styleOf(g)[j]))!;
    };
    const other = await measure(oracle(next), 'swap-style-match', {}, data);
    expect(other.value).toBe(0);
    expect(other.details!['MSE other style']).toBe(0);
  });
});
