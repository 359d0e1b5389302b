/**
 * A tiny procedural set with an exclusive class and a generator, for the exchange metrics of
 * paper 000, where a hand-built judge is exact and the true exchange is known: 4×4 grey
 * images whose pixels are the factors.
 *
 * pixel 0..C−1  one-hot class (factor 'cls', role 'label', C ≤ 6)
 * pixel 6..10   brightness (role 'style', in [0, 1])
 * pixel 11..15  tilt · (j + 1)/5 (role 'style', in [0, 1])
 *
 * Fake models of it (written against the capability interfaces, as the metrics are) exchange
 * to the asked class exactly ('oracle'), to a class `shift` steps further round ('shifted'), or
 * return their input ('noop'); their code is [brightness, tilt] (z_u, role 'free') then
 * [3·class, 3·class] (z_s, role 'label'; two columns, as MIG needs at least two).
 */
import * as tf from '@tensorflow/tfjs-core';
import { generateDataset, labelMatrix, splitIndices, type PreparedData, type ProceduralGenerator } from '@disentangle/data';
import type { CodePart, GenerativeModel, ModelBatch, SwitchReference } from '@disentangle/kernels';
import type { EvaluationClassifier } from '../evaluation-classifier';
import type { MetricJudge } from '../metric-registry';

export const EXCHANGE_PIXELS = 16;

function renderClassToy(factors: number[], out: Float32Array, offset: number): void {
  const [cls, brightness, tilt] = factors;
  out.fill(0, offset, offset + EXCHANGE_PIXELS);
  out[offset + cls] = 1;
  for (let j = 0; j < 5; j++) {
    out[offset + 6 + j] = brightness;
    out[offset + 11 + j] = (tilt * (j + 1)) / 5;
  }
}

/** The generator of the set with `classes` classes named c0, c1, …. */
export function classToyGenerator(classes: number): ProceduralGenerator {
  const names = Array.from({ length: classes }, (_, c) => `c${c}`);
  return {
    name: 'class-toy',
    channels: 1,
    sizes: [4],
    factors: [
      { name: 'cls', kind: 'categorical', values: names, role: 'label', description: 'the class' },
      { name: 'brightness', kind: 'continuous', range: [0, 1], role: 'style', description: 'pixels 6..10' },
      { name: 'tilt', kind: 'continuous', range: [0, 1], role: 'style', description: 'pixels 11..15' },
    ],
    sampleFactors: (random) => [Math.min(classes - 1, Math.floor(random() * classes)), random(), random()],
    render: (factors, _size, out, offset = 0) => renderClassToy(factors, out, offset),
    label: (factors) => factors[0],
    labelNames: names,
  };
}

/** Prepared data of the set (labels 'one-hot', half train, half test). */
export function classToyData(classes = 6, count = 600, seed = 0): PreparedData {
  const dataset = generateDataset(classToyGenerator(classes), { count, size: 4, seed });
  const labels = labelMatrix(dataset, { label: 'one-hot' });
  return {
    spec: { dataset: 'class-toy', labels: 'one-hot' },
    dataset,
    input: { kind: 'image', size: 4, channels: 1 },
    y: labels.values,
    labelNames: labels.names,
    exclusive: true,
    classColumns: labels.classColumns,
    split: splitIndices(count, { train: 0.5, test: 0.5, seed }),
  };
}

/**
 * The judge of the set: class = argmax of pixels 0..C−1, then `confuse` maps some classes to
 * others (to make an imperfect judge), features = the 16 pixels.
 */
export function classToyJudge(classes: number, confuse: Record<number, number> = {}): MetricJudge {
  const mapping = tf.tensor1d(Array.from({ length: classes }, (_, c) => confuse[c] ?? c), 'int32');
  const classifier = {
    name: 'class-toy-judge',
    config: { classNames: Array.from({ length: classes }, (_, c) => `c${c}`) },
    predict: (x: tf.Tensor) =>
      tf.tidy(() => {
        const logits = tf.slice(tf.reshape(x, [-1, EXCHANGE_PIXELS]) as tf.Tensor2D, [0, 0], [-1, classes]);
        return { label: tf.gather(mapping, tf.argMax(logits, 1)) as tf.Tensor1D, labelProbabilities: tf.softmax(tf.mul(10, logits)) as tf.Tensor2D };
      }),
    features: (x: tf.Tensor) => tf.reshape(x, [-1, EXCHANGE_PIXELS]) as tf.Tensor2D,
  };
  const accuracy = Array.from({ length: classes }, (_, c) => ((confuse[c] ?? c) === c ? 1 : 0) as number).reduce((a, b) => a + b, 0) / classes;
  return { name: 'class-toy-judge', accuracy, classifier: classifier as unknown as EvaluationClassifier };
}

export interface ExchangerOptions {
  mode: 'oracle' | 'shifted' | 'noop';
  /** 'shifted': the class drawn is target + shift (mod C). */
  shift?: number;
  /** Posterior log-variance of every code coordinate (default log 0.05). */
  logVar?: number;
  /** Without the 'reconstruct' capability. */
  noReconstruct?: boolean;
}

export function toyExchanger(classes: number, { mode, shift = 1, logVar = Math.log(0.05), noReconstruct = false }: ExchangerOptions): GenerativeModel {
  const read = (batch: ModelBatch) => {
    const x = batch.x.dataSync() as Float32Array;
    const n = batch.x.shape[0];
    return Array.from({ length: n }, (_, r) => {
      const p = x.subarray(r * EXCHANGE_PIXELS, (r + 1) * EXCHANGE_PIXELS);
      let cls = 0;
      for (let c = 1; c < classes; c++) if (p[c] > p[cls]) cls = c;
      return { cls, brightness: p[6], tilt: p[15] };
    });
  };
  const parts: CodePart[] = [
    { name: 'z_u', start: 0, size: 2, role: 'free' },
    { name: 'z_s', start: 2, size: 2, role: 'label' },
  ];
  const model: Record<string, unknown> = {
    name: `toy-exchanger-${mode}`,
    variables: {},
    update: 'single',
    phases: () => [],
    getConfig: () => ({}),
    dispose: () => {},
    codeWidth: 4,
    codeParts: () => parts,
    encode: (batch: ModelBatch) => {
      const rows = read(batch);
      const mu = tf.tensor2d(rows.flatMap((r) => [r.brightness, r.tilt, 3 * r.cls, 3 * r.cls]), [rows.length, 4]);
      return { mu, logVar: tf.fill([rows.length, 4], logVar) as tf.Tensor2D };
    },
    switchReference: (): SwitchReference => ({ presentMean: [], absentMean: [] }),
    switchAttributes: (batch: ModelBatch, target: tf.Tensor2D) => {
      if (mode === 'noop') return tf.clone(batch.x);
      const rows = read(batch);
      const wanted = tf.tidy(() => tf.argMax(target, 1)).dataSync();
      const out = new Float32Array(rows.length * EXCHANGE_PIXELS);
      rows.forEach((r, n) => renderClassToy([(wanted[n] + (mode === 'shifted' ? shift : 0)) % classes, r.brightness, r.tilt], out, n * EXCHANGE_PIXELS));
      return tf.tensor4d(out, [rows.length, 4, 4, 1]);
    },
  };
  if (!noReconstruct) model.reconstruct = (batch: ModelBatch) => tf.clone(batch.x);
  return model as unknown as GenerativeModel;
}
