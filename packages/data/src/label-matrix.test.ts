import { describe, expect, it } from 'vitest';
import { generateDataset } from './generate-dataset';
import { labelMatrix } from './label-matrix';
import { makeFaceExpressionsGenerator } from './procedural/face-expressions';
import { makeTestGenerator } from './test-generator';
import type { ImageDataset } from './types';

/** A hand-made dataset: 3 examples, 2 classes, attributes A, B, C. */
function tiny(): ImageDataset {
  return {
    name: 'tiny',
    count: 3,
    height: 1,
    width: 1,
    channels: 1,
    images: new Float32Array(3),
    labels: new Int32Array([1, 0, 1]),
    labelNames: ['no', 'yes'],
    attributes: new Uint8Array([
      1, 0, 1,
      0, 0, 1,
      1, 1, 0,
    ]),
    attributeNames: ['A', 'B', 'C'],
    source: 'test',
  };
}

describe('labelMatrix', () => {
  it('picks attribute columns by name, in the order asked, as non-exclusive labels', () => {
    const m = labelMatrix(tiny(), { attributes: ['C', 'A'] });
    expect(m.names).toEqual(['C', 'A']);
    expect(m.count).toBe(3);
    expect(m.exclusive).toBe(false);
    expect(Array.from(m.values)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(m.values).toBeInstanceOf(Float32Array);
  });

  it('one-hot encodes the class labels over labelNames', () => {
    const m = labelMatrix(tiny(), { label: 'one-hot' });
    expect(m.names).toEqual(['no', 'yes']);
    expect(m.exclusive).toBe(true);
    expect(Array.from(m.values)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('a class label of more than 100 names (an identity) keeps only the classes that occur; 100 or fewer keep every column', () => {
    const many = (classes: number): ImageDataset => ({ ...tiny(), labels: new Int32Array([classes - 1, 3, classes - 1]), labelNames: Array.from({ length: classes }, (_, c) => `id${c}`) });
    const identities = labelMatrix(many(1000), { label: 'one-hot' });
    expect(identities.names).toEqual(['id3', 'id999']);
    expect(Array.from(identities.values)).toEqual([0, 1, 1, 0, 0, 1]);
    expect(identities.classColumns).toBe(2);
    expect(labelMatrix(many(100), { label: 'one-hot' }).names).toHaveLength(100);
  });

  it('works on generated datasets (face expressions: one-hot of 4, or Smiling + MouthOpen)', () => {
    const ds = generateDataset(makeFaceExpressionsGenerator({ identities: 20 }), { count: 40, size: 32, seed: 1, identities: 5 });
    const oneHot = labelMatrix(ds, { label: 'one-hot' });
    expect(oneHot.names).toEqual(['neutral', 'smile', 'surprise', 'laugh']);
    const bits = labelMatrix(ds, { attributes: ['Smiling', 'MouthOpen'] });
    for (let i = 0; i < ds.count; i++) {
      const row = Array.from(oneHot.values.subarray(4 * i, 4 * i + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(row.indexOf(1)).toBe(ds.labels![i]);
      // The expression label's two bits are the Smiling and MouthOpen attributes.
      expect(bits.values[2 * i] + 2 * bits.values[2 * i + 1]).toBe(ds.labels![i]);
    }
  });

  it('an unknown attribute name is an error listing the known ones', () => {
    expect(() => labelMatrix(tiny(), { attributes: ['A', 'Eyeglasses'] })).toThrow(/unknown attribute 'Eyeglasses'.*A, B, C/);
    expect(() => labelMatrix(tiny(), { attributes: [] })).toThrow(/attributes is empty.*A, B, C/);
    expect(() => labelMatrix(tiny(), { attributes: ['A', 'A'] })).toThrow(/'A' is listed twice/);
  });

  it('a dataset without attributes is a clear error', () => {
    const ds = generateDataset({ ...makeTestGenerator(), attributes: undefined, attributeNames: undefined }, { count: 4, size: 8, seed: 0 });
    expect(() => labelMatrix(ds, { attributes: ['bright'] })).toThrow(/labelMatrix of 'test-squares': the dataset has no binary attributes/);
  });

  it('a dataset without labels is a clear error for one-hot', () => {
    const { labels: _labels, labelNames: _names, ...rest } = tiny();
    expect(() => labelMatrix(rest, { label: 'one-hot' })).toThrow(/labelMatrix of 'tiny': the dataset has no class labels.*A, B, C/);
    expect(() => labelMatrix({ ...tiny(), labelNames: undefined }, { label: 'one-hot' })).toThrow(/no labelNames/);
    expect(() => labelMatrix({ ...tiny(), labels: new Int32Array([0, 2, 1]) }, { label: 'one-hot' })).toThrow(/label 2 of example 1 is outside 0..1/);
  });

  it('mixed: the one-hot class columns first, then the attribute columns, not exclusive', () => {
    const m = labelMatrix(tiny(), { label: 'one-hot', attributes: ['C', 'A'] });
    expect(m.names).toEqual(['no', 'yes', 'C', 'A']);
    expect(m.exclusive).toBe(false);
    expect(m.classColumns).toBe(2);
    // labels [1, 0, 1]; C = [1, 1, 0], A = [1, 0, 1].
    expect(Array.from(m.values)).toEqual([
      0, 1, 1, 1,
      1, 0, 1, 0,
      0, 1, 0, 1,
    ]);
    expect(labelMatrix(tiny(), { attributes: ['A'] }).classColumns).toBe(0);
    expect(labelMatrix(tiny(), { label: 'one-hot' }).classColumns).toBe(2);
    const plain = labelMatrix(tiny(), { label: 'one-hot', attributes: [] });
    expect([plain.exclusive, plain.classColumns, plain.names]).toEqual([true, 2, ['no', 'yes']]);
  });

  it('mixed: unknown attributes, missing labels and a name clash are errors', () => {
    expect(() => labelMatrix(tiny(), { label: 'one-hot', attributes: ['Z'] })).toThrow(/unknown attribute 'Z'/);
    const { labels: _labels, ...noLabels } = tiny();
    expect(() => labelMatrix(noLabels, { label: 'one-hot', attributes: ['A'] })).toThrow(/no class labels/);
    const clash = { ...tiny(), attributeNames: ['A', 'yes', 'C'] };
    expect(() => labelMatrix(clash, { label: 'one-hot', attributes: ['yes'] })).toThrow(/attribute 'yes' has the name of a class/);
  });

  it('rejects a spec of neither form', () => {
    expect(() => labelMatrix(tiny(), { label: 'two-hot' } as never)).toThrow(/spec must be/);
  });
});
