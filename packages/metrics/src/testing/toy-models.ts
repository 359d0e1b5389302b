/**
 * Fake models of the toy set (toy-data.ts) whose behaviour the tests choose, written only
 * against the capability interfaces (as the metrics are): samplers that draw what they are
 * asked or ignore it, manipulators that change only the asked attribute, every attribute or
 * nothing, and code models whose unsupervised codes do or do not drive known factors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttributeChange, GenerativeModel, ModelBatch, SeededRandom, SwitchReference, UnsupervisedCode } from '@disentangle/kernels';
import type { PreparedData } from '@disentangle/data';
import { askedOf, PIXELS, renderToy } from './toy-data';

const base = (name: string) => ({ name, variables: {}, update: 'single', phases: () => [], getConfig: () => ({}), dispose: () => {} });

function toImages(values: Float32Array, n: number): tf.Tensor4D {
  return tf.tensor4d(values, [n, 4, 4, 1]);
}

/**
 * 'faithful': draws the asked class and attributes, random brightness and tilt (the data's
 * distribution); 'ignore': random class and attributes whatever is asked; 'collapsed': always the
 * same image; 'identity-biased': the asked class with attribute probabilities fixed per class
 * (class 0 → 0.2 0.4 0.3, class 1 → 0.6 0.8 0.7, class 2 → 0.5 0.5 0.5: AMP 0.3 / 0.7 / 0.5).
 */
export function toySampler(data: PreparedData, mode: 'faithful' | 'ignore' | 'collapsed' | 'identity-biased', seen: { conditioned?: boolean[] } = {}) {
  const biased = [
    [0.2, 0.4, 0.3],
    [0.6, 0.8, 0.7],
    [0.5, 0.5, 0.5],
  ];
  const model = {
    ...base(`toy-${mode}`),
    sample(count: number, random: SeededRandom, y?: tf.Tensor2D) {
      (seen.conditioned ??= []).push(y !== undefined);
      const labels = y ? (y.dataSync() as Float32Array) : undefined;
      const out = new Float32Array(count * PIXELS);
      for (let r = 0; r < count; r++) {
        const asked = labels ? askedOf(data, labels, r) : { classId: -1, attributes: [] as number[] };
        const [b, t] = [random.uniformNumber(), random.uniformNumber()];
        if (mode === 'collapsed') renderToy(0, [1, 1, 1], 0.5, 0.5, out, r * PIXELS);
        else if (mode === 'ignore') renderToy(random.int(3), [0, 1, 2].map(() => (random.uniformNumber() < 0.5 ? 1 : 0)), b, t, out, r * PIXELS);
        else if (mode === 'identity-biased') renderToy(asked.classId, biased[asked.classId], b, t, out, r * PIXELS);
        else renderToy(asked.classId, asked.attributes, b, t, out, r * PIXELS);
      }
      return toImages(out, count);
    },
  };
  return model as unknown as GenerativeModel;
}

/**
 * 'clean' changes only the asked attribute's pixel; 'leaky' sets every attribute pixel to the
 * asked value; 'noop' returns the input at every step. With `withReference` it also has the
 * 'switchAttributes' capability, and records the reference `manipulate` was given.
 */
export function toyManipulator(data: PreparedData, mode: 'clean' | 'leaky' | 'noop', { withReference = false } = {}) {
  const classColumns = (data as PreparedData & { classColumns?: number }).classColumns ?? 0;
  const seen: { references: (SwitchReference | undefined)[] } = { references: [] };
  const model: Record<string, unknown> = {
    ...base(`toy-${mode}`),
    manipulate(batch: ModelBatch, changes: AttributeChange[], _random: SeededRandom, reference?: SwitchReference) {
      seen.references.push(reference);
      const n = batch.x.shape[0];
      let current = batch.x.dataSync().slice() as Float32Array;
      const steps = [toImages(current, n)];
      for (const change of changes) {
        current = current.slice();
        const pixel = 3 + change.label - classColumns;
        for (let r = 0; r < n; r++) {
          if (mode === 'clean') current[r * PIXELS + pixel] = change.value;
          if (mode === 'leaky') for (let a = 0; a < 3; a++) current[r * PIXELS + 3 + a] = change.value;
        }
        steps.push(toImages(current, n));
      }
      return steps;
    },
  };
  if (withReference) {
    Object.assign(model, {
      codeWidth: 1,
      codeParts: () => [{ name: 'code', start: 0, size: 1 }],
      encode: (batch: ModelBatch) => ({ mu: tf.zeros([batch.x.shape[0], 1]) as tf.Tensor2D, logVar: tf.zeros([batch.x.shape[0], 1]) as tf.Tensor2D }),
      switchReference: (): SwitchReference => ({ presentMean: [[1]], absentMean: [[0]] }),
      switchAttributes: (batch: ModelBatch) => tf.clone(batch.x),
    });
  }
  return { model: model as unknown as GenerativeModel, seen };
}

export const TOY_CODES: UnsupervisedCode[] = [
  { name: 'c0', kind: 'continuous', range: [-1, 1] },
  { name: 'c1', kind: 'continuous', range: [0, 2] },
  { name: 'd', kind: 'discrete', range: [0, 1] },
];

/**
 * 'aligned': brightness = (c0 + 1)/2 and tilt = c1/2 (d drives nothing); 'ignoring': random
 * brightness and tilt whatever the codes. Both draw the asked class and attributes.
 */
export function toyCodeModel(data: PreparedData, mode: 'aligned' | 'ignoring', seen: { codes?: number[] } = {}) {
  const model = {
    ...base(`toy-codes-${mode}`),
    unsupervisedCodes: TOY_CODES,
    sampleWithCodes(count: number, random: SeededRandom, codes: tf.Tensor2D, y?: tf.Tensor2D) {
      const c = codes.dataSync() as Float32Array;
      (seen.codes ??= []).push(...c);
      const labels = y?.dataSync() as Float32Array | undefined;
      const out = new Float32Array(count * PIXELS);
      for (let r = 0; r < count; r++) {
        const asked = labels ? askedOf(data, labels, r) : { classId: -1, attributes: [] as number[] };
        const [b, t] = mode === 'aligned' ? [(c[r * 3] + 1) / 2, c[r * 3 + 1] / 2] : [random.uniformNumber(), random.uniformNumber()];
        renderToy(asked.classId, asked.attributes, b, t, out, r * PIXELS);
      }
      return toImages(out, count);
    },
  };
  return model as unknown as GenerativeModel;
}

/**
 * A model with one code per attribute (paper 002's z2) on 'attributes' toy data: the code is
 * the attribute pixel; 'faithful' draws code v as the pixel σ(4(v − ½)) (strictly rising:
 * 0 → 0.12, 1 → 0.88), 'ignoring' returns its input whatever the code. Its switch sets the
 * codes to the targets, so the switch metrics see the same behaviour.
 */
export function toyAttributeCoder(mode: 'faithful' | 'ignoring') {
  const draw = (batch: ModelBatch, codes: tf.Tensor2D) =>
    tf.tidy(() => {
      const n = batch.x.shape[0];
      if (mode === 'ignoring') return tf.clone(batch.x);
      const flat = tf.reshape(batch.x, [n, PIXELS]);
      const drawn = tf.sigmoid(tf.mul(4, tf.sub(codes, 0.5)));
      return tf.reshape(tf.concat([tf.slice(flat, [0, 0], [n, 3]), drawn, tf.slice(flat, [0, 6], [n, PIXELS - 6])], 1), [n, 4, 4, 1]);
    });
  const read = (batch: ModelBatch) => tf.tidy(() => tf.slice(tf.reshape(batch.x, [batch.x.shape[0], PIXELS]), [0, 3], [-1, 3]) as tf.Tensor2D);
  const model = {
    ...base(`toy-coder-${mode}`),
    codeWidth: 3,
    codeParts: () => [{ name: 'z2', start: 0, size: 3 }],
    encode: (batch: ModelBatch) => ({ mu: read(batch), logVar: tf.zeros([batch.x.shape[0], 3]) as tf.Tensor2D }),
    switchReference: (): SwitchReference => ({ presentMean: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], absentMean: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] }),
    switchAttributes: (batch: ModelBatch, target: tf.Tensor2D) => draw(batch, target),
    attributeCodes: read,
    withAttributeCodes: draw,
  };
  return model as unknown as GenerativeModel;
}
