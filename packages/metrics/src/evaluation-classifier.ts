/**
 * Evaluation classifiers ("judges"): a small ResNet-style network trained on a dataset's real
 * images, used to score generated images (Acc, SR±, BCA, AMP, attribute-switch accuracy), as
 * the feature network of the Fréchet distance (its penultimate layer) and as the network of
 * the perceptual distance (its stage activations, see perceptual-distance.ts).
 *
 * Architecture (widths default [16, 32, 64]; images NHWC in [0, 1], mapped to [−1, 1] inside):
 * ```
 * stem     conv3×3(C → w0), ReLU                                   H × W
 * stage s  h = conv3×3 stride 2 (w_{s−1} → w_s), ReLU              H/2^s × W/2^s
 *          h = conv3×3 (w_s → w_s)
 *          out = ReLU(h + conv1×1 stride 2 (w_{s−1} → w_s)(in))   (projection shortcut)
 * pool     global average → features [N, w_last] (the penultimate layer)
 * heads    label: dense(w_last → K), softmax cross-entropy
 *          attributes: dense(w_last → A), sigmoid binary cross-entropy per attribute
 * ```
 * No batch normalisation (so training and evaluation compute the same function and a saved
 * judge reloads bit-for-bit); He-normal initialisation, the second conv of each residual branch
 * scaled by 0.5 at init so the residual sum starts small.
 *
 * Training (`trainEvaluationClassifier`): Adam on the train split, minibatches drawn by a
 * seeded shuffle, loss = CE(label) + mean_a BCE(attribute a). Held-out evaluation on the test
 * split reports accuracy and balanced accuracy (mean per-class recall) for the label head and,
 * per attribute, accuracy, balanced accuracy ½(TPR + TNR) and the positive rate (the accuracy
 * of always answering the majority is max(p, 1 − p): a 90% "accuracy" on a 10%-positive
 * attribute means nothing, which is why the balanced figure is the one to read).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, SeededRandom } from '@disentangle/kernels';
import type { ImageDataset } from '@disentangle/data';

/** Which heads the judge has: the class label, the binary attributes, or both. */
export type ClassifierTask = 'label' | 'attributes' | 'label+attributes';

export interface EvaluationClassifierConfig {
  /** Dataset name the judge was trained on (part of its name). */
  dataset: string;
  /** Input image side (square images). */
  imageSize: number;
  /** Input channels (1 or 3). */
  channels: number;
  /** Heads. */
  task: ClassifierTask;
  /** Number of classes of the label head (required when task includes 'label'). */
  numClasses?: number;
  /** Class names, for reports. */
  classNames?: string[];
  /** Attribute names of the multi-label head (required when task includes 'attributes'). */
  attributeNames?: string[];
  /** Widths of the stem and the three stages: [stem/stage 1, stage 2, stage 3]. Default [16, 32, 64]. */
  widths?: [number, number, number];
  /** Seed of the initial weights (and of the judge's name). Default 0. */
  seed?: number;
}

export interface HeldOutLabelReport {
  accuracy: number;
  /** Mean per-class recall over classes present in the test split. */
  balancedAccuracy: number;
  /** Accuracy of always answering the most frequent test class. */
  majorityBaseline: number;
  numClasses: number;
}

export interface HeldOutAttributeReport {
  name: string;
  accuracy: number;
  /** ½(TPR + TNR); NaN when the test split has only one value of the attribute. */
  balancedAccuracy: number;
  /** Fraction of positives in the test split. */
  positiveRate: number;
  /** max(positiveRate, 1 − positiveRate): the accuracy of always answering the majority. */
  majorityBaseline: number;
}

export interface HeldOutReport {
  /** Number of held-out (test split) images. */
  n: number;
  label?: HeldOutLabelReport;
  attributes?: HeldOutAttributeReport[];
  /** Mean over attributes of accuracy / balanced accuracy (attributes task). */
  meanAttributeAccuracy?: number;
  meanAttributeBalancedAccuracy?: number;
}

/** What every metric computed with a judge carries: its name and its held-out accuracy. */
export interface JudgeInfo {
  judge: string;
  /**
   * Held-out accuracy of the head the metric used: the label accuracy, or for one attribute
   * its balanced accuracy, or for all attributes the mean balanced accuracy.
   */
  judgeAccuracy: number;
}

const DEFAULT_WIDTHS: [number, number, number] = [16, 32, 64];
/**
 * Instances made so far, on the global object: the engine's variable names must stay unique
 * even when this module is loaded twice (a test runner re-evaluating it per file, or two
 * bundles), while the engine and its registered variables are shared.
 */
const COUNTER = Symbol.for('@disentangle/metrics evaluation classifiers made');
const nextInstance = (): number => {
  const global = globalThis as unknown as Record<symbol, number | undefined>;
  const n = global[COUNTER] ?? 0;
  global[COUNTER] = n + 1;
  return n;
};

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`EvaluationClassifier: ${field} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Validates a config and fills its defaults. */
export function resolveClassifierConfig(config: EvaluationClassifierConfig): Required<Omit<EvaluationClassifierConfig, 'numClasses' | 'classNames' | 'attributeNames'>> &
  Pick<EvaluationClassifierConfig, 'numClasses' | 'classNames' | 'attributeNames'> {
  if (typeof config.dataset !== 'string' || config.dataset === '') throw new Error('EvaluationClassifier: dataset must be a non-empty string');
  positiveInt(config.imageSize, 'imageSize');
  positiveInt(config.channels, 'channels');
  if (!['label', 'attributes', 'label+attributes'].includes(config.task)) {
    throw new Error(`EvaluationClassifier: task must be 'label', 'attributes' or 'label+attributes', got ${JSON.stringify(config.task)}`);
  }
  if (config.task !== 'attributes') {
    positiveInt(config.numClasses, 'numClasses');
    if (config.numClasses! < 2) throw new Error(`EvaluationClassifier: numClasses must be at least 2, got ${config.numClasses}`);
  }
  if (config.task !== 'label' && (!config.attributeNames || config.attributeNames.length === 0)) {
    throw new Error(`EvaluationClassifier: task '${config.task}' needs attributeNames (the dataset has no binary attributes?)`);
  }
  const widths = config.widths ?? DEFAULT_WIDTHS;
  if (!Array.isArray(widths) || widths.length !== 3) throw new Error('EvaluationClassifier: widths must be three positive integers');
  widths.forEach((w, i) => positiveInt(w, `widths[${i}]`));
  const seed = config.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`EvaluationClassifier: seed must be a safe integer, got ${String(seed)}`);
  return { ...config, widths: [...widths] as [number, number, number], seed };
}

/** The judge's stable name: `disentangle-resnet-eval/<dataset>/<seed>` plus `@<config hash>` when given. */
export function classifierName(dataset: string, seed: number, configHash?: string): string {
  return `disentangle-resnet-eval/${dataset}/${seed}${configHash ? `@${configHash}` : ''}`;
}

interface Conv {
  kernel: tf.Variable;
  bias: tf.Variable;
  stride: number;
}

/** Activations of one forward pass (each owned by the caller). */
export interface ClassifierActivations {
  /** Post-ReLU outputs of the stem and the three stages. */
  stages: tf.Tensor4D[];
  /** Global average pool of the last stage [N, widths[2]]. */
  features: tf.Tensor2D;
}

export class EvaluationClassifier {
  readonly config: ReturnType<typeof resolveClassifierConfig>;
  /** Stable name (see `classifierName`); the cache sets it to include the config hash. */
  name: string;
  /** Held-out report, once trained or loaded. */
  heldOut?: HeldOutReport;
  private readonly weights = new Map<string, tf.Variable>();
  private readonly stem: Conv;
  private readonly blocks: { a: Conv; b: Conv; shortcut: Conv }[] = [];
  private readonly labelHead?: { w: tf.Variable; b: tf.Variable };
  private readonly attributeHead?: { w: tf.Variable; b: tf.Variable };
  private disposed = false;

  constructor(config: EvaluationClassifierConfig) {
    this.config = resolveClassifierConfig(config);
    const { channels, widths, seed } = this.config;
    this.name = classifierName(this.config.dataset, seed);
    const random = new SeededRandom(seed).fork('evaluation-classifier-init');
    const prefix = `evaluation_classifier_${nextInstance()}`;
    const variable = (key: string, init: tf.Tensor) => {
      const v = tf.variable(init, true, `${prefix}/${key}`);
      init.dispose();
      this.weights.set(key, v);
      return v;
    };
    const conv = (key: string, k: number, cin: number, cout: number, stride: number, gain = 1): Conv => ({
      kernel: variable(`${key}/kernel`, random.normal([k, k, cin, cout], 0, gain * Math.sqrt(2 / (k * k * cin)))),
      bias: variable(`${key}/bias`, tf.zeros([cout])),
      stride,
    });
    this.stem = conv('stem', 3, channels, widths[0], 1);
    let cin = widths[0];
    widths.forEach((w, s) => {
      this.blocks.push({
        a: conv(`stage${s + 1}/conv_a`, 3, cin, w, 2),
        b: conv(`stage${s + 1}/conv_b`, 3, w, w, 1, 0.5),
        shortcut: conv(`stage${s + 1}/shortcut`, 1, cin, w, 2),
      });
      cin = w;
    });
    const dense = (key: string, units: number) => ({
      w: variable(`${key}/kernel`, random.normal([cin, units], 0, Math.sqrt(1 / cin))),
      b: variable(`${key}/bias`, tf.zeros([units])),
    });
    if (this.config.task !== 'attributes') this.labelHead = dense('label_head', this.config.numClasses!);
    if (this.config.task !== 'label') this.attributeHead = dense('attribute_head', this.config.attributeNames!.length);
  }

  /** Trainable variables keyed by stable names (the names saved to disk). */
  namedVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(this.weights);
  }

  variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  private checkInput(x: tf.Tensor, method: string): void {
    if (this.disposed) throw new Error(`${this.name}: ${method} called after dispose()`);
    const { imageSize, channels } = this.config;
    if (x.rank !== 4 || x.shape[1] !== imageSize || x.shape[2] !== imageSize || x.shape[3] !== channels) {
      throw new Error(`${this.name}: ${method} expects images [N, ${imageSize}, ${imageSize}, ${channels}] in [0, 1], got [${x.shape.join(', ')}]`);
    }
  }

  private applyConv(x: tf.Tensor4D, c: Conv): tf.Tensor4D {
    return tf.add(tf.conv2d(x, c.kernel as tf.Tensor4D, c.stride, 'same'), c.bias) as tf.Tensor4D;
  }

  /** Stage activations and pooled features. Not tidied: call inside `tf.tidy`. */
  private forward(x: tf.Tensor): ClassifierActivations {
    const signed = tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D;
    let h = tf.relu(this.applyConv(signed, this.stem)) as tf.Tensor4D;
    const stages: tf.Tensor4D[] = [h];
    for (const block of this.blocks) {
      const branch = this.applyConv(tf.relu(this.applyConv(h, block.a)) as tf.Tensor4D, block.b);
      h = tf.relu(tf.add(branch, this.applyConv(h, block.shortcut))) as tf.Tensor4D;
      stages.push(h);
    }
    return { stages, features: tf.mean(h, [1, 2]) as tf.Tensor2D };
  }

  /** Post-ReLU activations of the stem and each stage, and the pooled features (caller disposes). */
  activations(x: tf.Tensor): ClassifierActivations {
    this.checkInput(x, 'activations');
    const out = tf.tidy(() => {
      const a = this.forward(x);
      return [...a.stages, a.features];
    });
    return { stages: out.slice(0, -1) as tf.Tensor4D[], features: out[out.length - 1] as tf.Tensor2D };
  }

  /** The penultimate layer [N, widths[2]]: the feature network of Fréchet distance and friends. */
  features(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, 'features');
    return tf.tidy(() => this.forward(x).features);
  }

  /** Logits of the heads: `label` [N, K] and/or `attributes` [N, A]. */
  logits(x: tf.Tensor): { label?: tf.Tensor2D; attributes?: tf.Tensor2D } {
    this.checkInput(x, 'logits');
    return this.logitsUnchecked(x);
  }

  private logitsUnchecked(x: tf.Tensor): { label?: tf.Tensor2D; attributes?: tf.Tensor2D } {
    const out = tf.tidy(() => {
      const f = this.forward(x).features;
      const result: tf.Tensor2D[] = [];
      if (this.labelHead) result.push(tf.add(tf.matMul(f, this.labelHead.w), this.labelHead.b) as tf.Tensor2D);
      if (this.attributeHead) result.push(tf.add(tf.matMul(f, this.attributeHead.w), this.attributeHead.b) as tf.Tensor2D);
      return result;
    });
    return {
      label: this.labelHead ? out[0] : undefined,
      attributes: this.attributeHead ? out[out.length - 1] : undefined,
    };
  }

  /**
   * Predictions: `label` [N] int32 class ids (argmax), `labelProbabilities` [N, K] softmax,
   * `attributes` [N, A] float32 probabilities σ(logit). The caller disposes them.
   */
  predict(x: tf.Tensor): { label?: tf.Tensor1D; labelProbabilities?: tf.Tensor2D; attributes?: tf.Tensor2D } {
    this.checkInput(x, 'predict');
    const out: { label?: tf.Tensor1D; labelProbabilities?: tf.Tensor2D; attributes?: tf.Tensor2D } = {};
    const logits = this.logitsUnchecked(x);
    if (logits.label) {
      out.labelProbabilities = tf.softmax(logits.label) as tf.Tensor2D;
      out.label = tf.argMax(logits.label, 1) as tf.Tensor1D;
      logits.label.dispose();
    }
    if (logits.attributes) {
      out.attributes = tf.sigmoid(logits.attributes) as tf.Tensor2D;
      logits.attributes.dispose();
    }
    return out;
  }

  /**
   * Training loss on a batch (a scalar): CE(label) + mean over attributes of BCE.
   * `labels` [N] int32 class ids; `attributes` [N, A] 0/1.
   */
  loss(x: tf.Tensor, labels?: tf.Tensor, attributes?: tf.Tensor): tf.Scalar {
    this.checkInput(x, 'loss');
    return tf.tidy(() => {
      const logits = this.logitsUnchecked(x);
      let total: tf.Scalar = tf.scalar(0);
      if (logits.label) {
        if (!labels) throw new Error(`${this.name}: loss needs labels for the label head`);
        // Same dtypes on both sides: mixed-dtype ops call the chained `tensor.cast`, absent here.
        const oneHot = tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, this.config.numClasses!), 'float32');
        const logProbabilities = logSoftmax(logits.label, -1);
        total = tf.add(total, tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), 1))));
      }
      if (logits.attributes) {
        if (!attributes) throw new Error(`${this.name}: loss needs attributes for the attribute head`);
        const z = logits.attributes;
        const t = tf.cast(attributes, 'float32');
        // max(z, 0) − z·t + log(1 + e^{−|z|})
        const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, t)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
        total = tf.add(total, tf.mean(bce));
      }
      return total;
    });
  }

  /** Which judge a metric used and how good it is (see JudgeInfo). `attribute`: name of one attribute. */
  judgeInfo(attribute?: string): JudgeInfo {
    const report = this.heldOut;
    if (!report) throw new Error(`${this.name}: no held-out report (train it with trainEvaluationClassifier or load it from the cache)`);
    if (attribute !== undefined) {
      const entry = report.attributes?.find((a) => a.name === attribute);
      if (!entry) throw new Error(`${this.name}: no attribute '${attribute}'; attributes: ${(report.attributes ?? []).map((a) => a.name).join(', ') || 'none'}`);
      return { judge: this.name, judgeAccuracy: entry.balancedAccuracy };
    }
    const accuracy = report.label?.accuracy ?? report.meanAttributeBalancedAccuracy;
    return { judge: this.name, judgeAccuracy: accuracy ?? Number.NaN };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.weights.values()) v.dispose();
  }
}

export interface TrainClassifierOptions {
  /** Optimisation steps. Default 400. */
  steps?: number;
  /** Minibatch size. Default 32. */
  batchSize?: number;
  /** Adam learning rate. Default 2e-3. */
  learningRate?: number;
  /** Seed of the minibatch order. Default the classifier's seed. */
  seed?: number;
  /** Called every `logEvery` steps with the step and the mean loss since the last call. */
  onProgress?: (step: number, loss: number) => void;
  logEvery?: number;
}

/** Rows `indices` of a dataset as tensors: images [n, H, W, C], labels [n] int32, attributes [n, A]. */
export function datasetBatch(dataset: ImageDataset, indices: ArrayLike<number>): { images: tf.Tensor4D; labels?: tf.Tensor1D; attributes?: tf.Tensor2D } {
  const { height, width, channels } = dataset;
  const pixels = height * width * channels;
  const images = new Float32Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) images.set(dataset.images.subarray(indices[i] * pixels, (indices[i] + 1) * pixels), i * pixels);
  const out: { images: tf.Tensor4D; labels?: tf.Tensor1D; attributes?: tf.Tensor2D } = {
    images: tf.tensor4d(images, [indices.length, height, width, channels]),
  };
  if (dataset.labels) out.labels = tf.tensor1d(Int32Array.from(indices, (i) => dataset.labels![i]), 'int32');
  if (dataset.attributes && dataset.attributeNames) {
    const a = dataset.attributeNames.length;
    const values = new Float32Array(indices.length * a);
    for (let i = 0; i < indices.length; i++) for (let k = 0; k < a; k++) values[i * a + k] = dataset.attributes[indices[i] * a + k];
    out.attributes = tf.tensor2d(values, [indices.length, a]);
  }
  return out;
}

function checkDatasetFits(classifier: EvaluationClassifier, dataset: ImageDataset, role: string): void {
  const c = classifier.config;
  if (dataset.height !== c.imageSize || dataset.width !== c.imageSize || dataset.channels !== c.channels) {
    throw new Error(
      `${classifier.name}: the ${role} set '${dataset.name}' has images ${dataset.height}×${dataset.width}×${dataset.channels}, the classifier takes ${c.imageSize}×${c.imageSize}×${c.channels}`,
    );
  }
  if (c.task !== 'attributes' && !dataset.labels) throw new Error(`${classifier.name}: the ${role} set '${dataset.name}' has no labels (task '${c.task}')`);
  if (c.task !== 'label') {
    if (!dataset.attributes || !dataset.attributeNames) throw new Error(`${classifier.name}: the ${role} set '${dataset.name}' has no attributes (task '${c.task}')`);
    if (dataset.attributeNames.join('\u0000') !== c.attributeNames!.join('\u0000')) {
      throw new Error(`${classifier.name}: the ${role} set's attributes (${dataset.attributeNames.join(', ')}) differ from the classifier's (${c.attributeNames!.join(', ')})`);
    }
  }
  if (dataset.count === 0) throw new Error(`${classifier.name}: the ${role} set '${dataset.name}' is empty`);
}

/**
 * Trains the classifier with Adam on `train` (minibatches from a seeded shuffle, reshuffled
 * every epoch). Returns the mean loss of the first and last 10% of steps.
 */
export async function trainEvaluationClassifier(
  classifier: EvaluationClassifier,
  train: ImageDataset,
  options: TrainClassifierOptions = {},
): Promise<{ steps: number; firstLoss: number; lastLoss: number; seconds: number }> {
  checkDatasetFits(classifier, train, 'training');
  const steps = options.steps ?? 400;
  const batchSize = Math.min(options.batchSize ?? 32, train.count);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`trainEvaluationClassifier: steps must be a non-negative integer, got ${steps}`);
  positiveInt(batchSize, 'batchSize');
  const optimizer = tf.train.adam(options.learningRate ?? 2e-3);
  const random = new SeededRandom(options.seed ?? classifier.config.seed).fork('evaluation-classifier-batches');
  const variables = classifier.variables();
  let order = random.permutation(train.count);
  let cursor = 0;
  const losses: number[] = [];
  const logEvery = options.logEvery ?? 50;
  let sinceLog = 0;
  let sinceLogCount = 0;
  const start = Date.now();
  try {
    for (let step = 0; step < steps; step++) {
      if (cursor + batchSize > train.count) {
        order = random.permutation(train.count);
        cursor = 0;
      }
      const batch = datasetBatch(train, order.subarray(cursor, cursor + batchSize));
      cursor += batchSize;
      const lossTensor = optimizer.minimize(() => classifier.loss(batch.images, batch.labels, batch.attributes), true, variables);
      tf.dispose([batch.images, batch.labels, batch.attributes]);
      const value = (await lossTensor!.data())[0];
      lossTensor!.dispose();
      // A tensor read resolves as a microtask: without a turn of the event loop, timers (a sweep
      // worker's job-lock renewal, progress) would wait for the whole training (1000+ steps).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!Number.isFinite(value)) throw new Error(`${classifier.name}: training loss became ${value} at step ${step}`);
      losses.push(value);
      sinceLog += value;
      sinceLogCount++;
      if (options.onProgress && ((step + 1) % logEvery === 0 || step === steps - 1)) {
        options.onProgress(step + 1, sinceLog / sinceLogCount);
        sinceLog = 0;
        sinceLogCount = 0;
      }
    }
  } finally {
    optimizer.dispose();
  }
  const tenth = Math.max(1, Math.floor(steps / 10));
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
  return { steps, firstLoss: mean(losses.slice(0, tenth)), lastLoss: mean(losses.slice(-tenth)), seconds: (Date.now() - start) / 1000 };
}

/** Runs `predict` over a dataset in chunks; returns plain arrays. */
export async function predictDataset(
  classifier: EvaluationClassifier,
  dataset: ImageDataset,
  chunk = 256,
): Promise<{ label?: Int32Array; attributes?: Float32Array }> {
  const labels: number[] = [];
  const attributes: number[] = [];
  for (let start = 0; start < dataset.count; start += chunk) {
    const indices = Int32Array.from({ length: Math.min(chunk, dataset.count - start) }, (_, i) => start + i);
    const batch = datasetBatch(dataset, indices);
    const p = classifier.predict(batch.images);
    if (p.label) labels.push(...(await p.label.data()));
    if (p.attributes) attributes.push(...(await p.attributes.data()));
    tf.dispose([batch.images, batch.labels, batch.attributes, p.label, p.labelProbabilities, p.attributes]);
  }
  return {
    label: classifier.config.task !== 'attributes' ? Int32Array.from(labels) : undefined,
    attributes: classifier.config.task !== 'label' ? Float32Array.from(attributes) : undefined,
  };
}

/** Accuracy and balanced accuracy of class predictions against the truth. */
export function labelAccuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>, numClasses: number): HeldOutLabelReport {
  if (predicted.length !== truth.length) throw new Error(`labelAccuracy: ${predicted.length} predictions for ${truth.length} labels`);
  const correct = new Float64Array(numClasses);
  const count = new Float64Array(numClasses);
  let hits = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    count[t]++;
    if (predicted[i] === t) {
      hits++;
      correct[t]++;
    }
  }
  let recallSum = 0;
  let present = 0;
  let majority = 0;
  for (let c = 0; c < numClasses; c++) {
    if (count[c] > 0) {
      recallSum += correct[c] / count[c];
      present++;
    }
    majority = Math.max(majority, count[c]);
  }
  const n = truth.length;
  return { accuracy: hits / n, balancedAccuracy: recallSum / present, majorityBaseline: majority / n, numClasses };
}

/** Per-attribute accuracy, balanced accuracy ½(TPR + TNR) and positive rate, thresholding probabilities at 0.5. */
export function attributeAccuracy(probabilities: ArrayLike<number>, truth: ArrayLike<number>, names: string[]): HeldOutAttributeReport[] {
  const a = names.length;
  if (probabilities.length !== truth.length || truth.length % a !== 0) {
    throw new Error(`attributeAccuracy: ${probabilities.length} probabilities for ${truth.length} targets of ${a} attributes`);
  }
  const n = truth.length / a;
  return names.map((name, k) => {
    let tp = 0, tn = 0, pos = 0;
    for (let i = 0; i < n; i++) {
      const t = truth[i * a + k] > 0.5;
      const p = probabilities[i * a + k] > 0.5;
      if (t) {
        pos++;
        if (p) tp++;
      } else if (!p) tn++;
    }
    const neg = n - pos;
    const balancedAccuracy = pos > 0 && neg > 0 ? 0.5 * (tp / pos + tn / neg) : Number.NaN;
    const positiveRate = pos / n;
    return { name, accuracy: (tp + tn) / n, balancedAccuracy, positiveRate, majorityBaseline: Math.max(positiveRate, 1 - positiveRate) };
  });
}

/** The held-out report of a classifier on a test split (also stored on `classifier.heldOut`). */
export async function evaluateClassifier(classifier: EvaluationClassifier, test: ImageDataset): Promise<HeldOutReport> {
  checkDatasetFits(classifier, test, 'test');
  const predictions = await predictDataset(classifier, test);
  const report: HeldOutReport = { n: test.count };
  if (predictions.label) report.label = labelAccuracy(predictions.label, test.labels!, classifier.config.numClasses!);
  if (predictions.attributes) {
    report.attributes = attributeAccuracy(predictions.attributes, test.attributes!, classifier.config.attributeNames!);
    const finite = report.attributes.filter((r) => Number.isFinite(r.balancedAccuracy));
    report.meanAttributeAccuracy = report.attributes.reduce((s, r) => s + r.accuracy, 0) / report.attributes.length;
    report.meanAttributeBalancedAccuracy = finite.length ? finite.reduce((s, r) => s + r.balancedAccuracy, 0) / finite.length : Number.NaN;
  }
  classifier.heldOut = report;
  return report;
}

/** A plain-text table of a held-out report. */
export function formatHeldOutReport(name: string, report: HeldOutReport): string {
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
  const lines = [`${name}: held-out accuracy on ${report.n} test images`];
  if (report.label) {
    const l = report.label;
    lines.push(`  label (${l.numClasses} classes): accuracy ${pct(l.accuracy)}, balanced ${pct(l.balancedAccuracy)} (majority baseline ${pct(l.majorityBaseline)})`);
  }
  if (report.attributes) {
    lines.push('  attribute        accuracy  balanced  positives  majority baseline');
    for (const a of report.attributes) {
      lines.push(`  ${a.name.padEnd(16)} ${pct(a.accuracy).padStart(8)}  ${pct(a.balancedAccuracy).padStart(8)}  ${pct(a.positiveRate).padStart(9)}  ${pct(a.majorityBaseline).padStart(8)}`);
    }
    lines.push(`  mean             ${pct(report.meanAttributeAccuracy!).padStart(8)}  ${pct(report.meanAttributeBalancedAccuracy!).padStart(8)}`);
  }
  return lines.join('\n');
}
