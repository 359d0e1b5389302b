import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBatchSource, gatherBatch, mapBatches, patternIds, prepareData } from './prepared-data';

describe('prepareData', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('faces with a paper subset: every glasses example and twice as many without, labels from the attributes, an 80/10/10 split', async () => {
    const data = await prepareData({ dataset: 'faces', count: 600, size: 32, seed: 3, labels: ['Eyeglasses'], subsets: [{ attribute: 'Eyeglasses', negativesPerPositive: 2 }] });
    expect(data.input).toEqual({ kind: 'image', size: 32, channels: 3 });
    expect(data.labelNames).toEqual(['Eyeglasses']);
    expect(data.exclusive).toBe(false);
    const column = data.dataset.attributeNames!.indexOf('Eyeglasses');
    const stride = data.dataset.attributeNames!.length;
    const positives = Array.from(data.y).filter((v) => v === 1).length;
    expect(positives).toBeGreaterThan(20);
    expect(data.dataset.count - positives).toBe(Math.min(2 * positives, 600 - positives));
    for (let i = 0; i < data.dataset.count; i++) expect(data.y[i]).toBe(data.dataset.attributes![i * stride + column]);
    const { train, validation, test } = data.split;
    expect(train.length + validation.length + test.length).toBe(data.dataset.count);
    expect(new Set([...train, ...validation, ...test]).size).toBe(data.dataset.count);
    expect(test.length).toBe(Math.round(0.1 * data.dataset.count));
  });

  it("one-hot class labels are exclusive; the swiss roll is a standardised vector set", async () => {
    const expressions = await prepareData({ dataset: 'face-expressions', count: 80, size: 32, labels: 'one-hot' });
    expect(expressions.exclusive).toBe(true);
    expect(expressions.labelNames.length).toBe(4);
    for (let i = 0; i < 80; i++) expect(expressions.y.subarray(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0)).toBe(1);
    const roll = await prepareData({ dataset: 'swiss-roll', count: 500, labels: ['label'] });
    expect(roll.input).toEqual({ kind: 'vector', dim: 3 });
    for (let c = 0; c < 3; c++) {
      const column = Array.from({ length: 500 }, (_, i) => roll.dataset.images[i * 3 + c]);
      const mean = column.reduce((s, v) => s + v, 0) / 500;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / 500)).toBeCloseTo(1, 4);
    }
    const batch = gatherBatch(roll, [0, 1, 2]);
    expect(batch.x.shape).toEqual([3, 3]);
    expect(batch.y!.shape).toEqual([3, 1]);
    tf.dispose([batch.x, batch.y!]);
  });

  it('semi-supervised: keeps about the asked fraction of each label pattern, and the batches carry the mask', async () => {
    const data = await prepareData({ dataset: 'faces', count: 500, size: 32, labels: ['Eyeglasses'], supervision: 0.2 });
    const mask = data.labelled!;
    for (const value of [0, 1]) {
      const rows = Array.from(data.y.keys()).filter((i) => data.y[i] === value);
      const kept = rows.filter((i) => mask[i] === 1).length;
      expect(kept).toBe(Math.max(1, Math.round(0.2 * rows.length)));
    }
    const batch = gatherBatch(data, [0, 1, 2, 3]);
    expect(Array.from(batch.labelled!.dataSync())).toEqual(Array.from(mask.subarray(0, 4)));
    tf.dispose([batch.x, batch.y!, batch.labelled!]);
  });

  it("mixed labels: faces' identity one-hot then Eyeglasses, Smiling, Beard", async () => {
    const data = await prepareData({ dataset: 'faces', count: 120, size: 16, seed: 1, identities: 30, labels: ['one-hot', 'Eyeglasses', 'Smiling', 'Beard'] });
    // Only the identities drawn (30 of the generator's 1000 names), in the generator's order.
    const drawn = [...new Set(data.dataset.labels!)].sort((a, b) => a - b);
    const classes = drawn.map((c) => data.dataset.labelNames![c]);
    expect(classes.length).toBe(30);
    const k = classes.length + 3;
    expect(data.labelNames).toEqual([...classes, 'Eyeglasses', 'Smiling', 'Beard']);
    expect([data.exclusive, data.classColumns, data.y.length]).toEqual([false, classes.length, 120 * k]);
    expect(data.input).toEqual({ kind: 'image', size: 16, channels: 3 });
    const names = data.dataset.attributeNames!;
    for (let i = 0; i < 120; i++) {
      const row = data.y.subarray(i * k, (i + 1) * k);
      expect(row.subarray(0, classes.length).reduce((s, v) => s + v, 0)).toBe(1);
      expect(row[drawn.indexOf(data.dataset.labels![i])]).toBe(1);
      ['Eyeglasses', 'Smiling', 'Beard'].forEach((name, j) => expect(row[classes.length + j]).toBe(data.dataset.attributes![i * names.length + names.indexOf(name)]));
    }
    const batch = gatherBatch(data, [0, 1]);
    expect(batch.y!.shape).toEqual([2, k]);
    tf.dispose([batch.x, batch.y!]);
    const attributesOnly = await prepareData({ dataset: 'faces', count: 20, size: 32, labels: ['Eyeglasses'] });
    expect(attributesOnly.classColumns).toBe(0);
    const oneHot = await prepareData({ dataset: 'face-expressions', count: 20, size: 32, labels: 'one-hot' });
    expect(oneHot.classColumns).toBe(4);
  });

  it('identitySeed: another image seed with the same identity seed shows the same people in new images', async () => {
    const spec = { dataset: 'faces', count: 40, size: 16, identities: 5, labels: ['one-hot', 'Eyeglasses'] };
    const run = await prepareData({ ...spec, seed: 3 });
    const judge = await prepareData({ ...spec, seed: 1000, identitySeed: 3 });
    const other = await prepareData({ ...spec, seed: 1000 });
    expect(judge.labelNames).toEqual(run.labelNames);
    expect(other.labelNames).not.toEqual(run.labelNames);
    expect(Array.from(judge.dataset.images.slice(0, 50))).not.toEqual(Array.from(run.dataset.images.slice(0, 50)));
    expect(() => prepareData({ ...spec, identitySeed: 0.5 } as never)).rejects.toThrow(/identitySeed must be an integer/);
  });

  it('mixed labels with subsets and supervision: balanced on the attribute, the mask stratified by the full pattern', async () => {
    const data = await prepareData({
      dataset: 'faces', count: 400, size: 16, seed: 2, identities: 8,
      labels: ['one-hot', 'Eyeglasses', 'Smiling'], subsets: [{ attribute: 'Eyeglasses', negativesPerPositive: 1 }], supervision: 0.5,
    });
    const k = data.labelNames.length;
    const glasses = Array.from({ length: data.dataset.count }, (_, i) => data.y[i * k + data.classColumns]);
    const positives = glasses.filter((v) => v === 1).length;
    expect(positives).toBeGreaterThan(10);
    expect(data.dataset.count).toBe(positives + Math.min(positives, 400 - positives));
    // Group rows by their whole label row (identity, Eyeglasses, Smiling): 8 identities × 4.
    const groups = new Map<string, number[]>();
    for (let i = 0; i < data.dataset.count; i++) {
      const key = Array.from(data.y.subarray(i * k, (i + 1) * k)).join(',');
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
    expect(groups.size).toBeGreaterThan(8);
    for (const rows of groups.values()) {
      expect(rows.filter((i) => data.labelled![i] === 1).length).toBe(Math.max(1, Math.round(0.5 * rows.length)));
    }
  });

  it('patternIds: ranks of the binary patterns (same order as the numbers), with no overflow over many columns', () => {
    const y = Float32Array.from([1, 0, 0, 1, 0, 0, 1, 1, 1, 0]);
    expect(Array.from(patternIds(y, 2, 5))).toEqual([2, 1, 0, 3, 2]);
    const k = 1003;
    const wide = new Float32Array(3 * k);
    wide[0] = 1;
    wide[k + 1] = 1;
    wide[2 * k] = 1;
    wide[2 * k + 1002] = 1;
    // Patterns 10…0, 010…0, 10…01: distinct ids, in the order of their binary values.
    expect(Array.from(patternIds(wide, k, 3))).toEqual([1, 0, 2]);
  });

  it('real sets honour count (at most that many loaded)', async () => {
    const mnist = await prepareData({ dataset: 'mnist', count: 120, labels: 'one-hot' });
    expect(mnist.dataset.count).toBe(120);
    expect(mnist.input).toEqual({ kind: 'image', size: 28, channels: 1 });
    const small = await prepareData({ dataset: 'mnist', count: 40, size: 16, labels: 'one-hot' });
    expect(small.input).toEqual({ kind: 'image', size: 16, channels: 1 });
  });

  it('names the field of a bad spec, and the missing attribute', async () => {
    await expect(prepareData({ dataset: 'faces', count: -3 })).rejects.toThrow(/data spec: count must be a positive integer, got -3/);
    await expect(prepareData({ dataset: 'faces', supervision: 0.2 })).rejects.toThrow(/supervision needs labels/);
    await expect(prepareData({ dataset: 'faces', supervision: 2, labels: ['Eyeglasses'] })).rejects.toThrow(/supervision must be in \(0, 1\]/);
    await expect(prepareData({ dataset: 'faces', count: 20, size: 32, labels: ['Monocle'] })).rejects.toThrow(/unknown attribute 'Monocle'; the dataset's attributes are: .*Eyeglasses/);
    await expect(prepareData({ dataset: 'nope' })).rejects.toThrow(/unknown dataset 'nope'/);
    await expect(prepareData({ dataset: 'faces', count: 20, size: 32, labels: ['Eyeglasses', 'one-hot'] })).rejects.toThrow(/data spec: labels may have 'one-hot' only as its first entry .*position 1/);
  });

  it('batch source: resumes at the same batch from its state; mapBatches concatenates without leaking', async () => {
    const data = await prepareData({ dataset: 'sprites', count: 90, labels: 'one-hot' });
    const source = createBatchSource(data, { batchSize: 16, seed: 5 });
    tf.dispose(Object.values(source.next()));
    const state = source.getState();
    const expected = source.next();
    const again = createBatchSource(data, { batchSize: 16, seed: 5 });
    again.setState(JSON.parse(JSON.stringify(state)));
    const resumed = again.next();
    expect(Array.from(resumed.x.dataSync())).toEqual(Array.from(expected.x.dataSync()));
    tf.dispose([...Object.values(expected), ...Object.values(resumed)]);
    const before = tf.memory().numTensors;
    const sums = await mapBatches(data, Array.from({ length: 300 }, (_, i) => i % 90), (batch) => tf.sum(batch.x, [1, 2, 3]));
    expect(sums.length).toBe(300);
    expect(sums[90]).toBeCloseTo(sums[0], 5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
