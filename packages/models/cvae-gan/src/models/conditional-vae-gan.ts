/**
 * Every model of paper 000 (Zhang et al. 2020), one class, the structure chosen by the config
 * (Table 1; config.ts):
 *
 *   f:   c → z_s                      LabelMapping (cVAE-GAN: z_s is the one-hot c itself)
 *   Enc: (x, z_s) → q(z_u | x, c)     FreeCodeEncoder, spatial or style z_u
 *   Dec: (z_s, z_u) → x̂               ModulatedDecoder, each code as a Dec input, through AdaIN or through SPADE
 *   D:   (x, c) → score               ProjectionDiscriminator
 *
 * Training alternates two phases, one optimiser each: 'discriminator' (eq. 3), then 'model'
 * (Enc, Dec, f: eq. 1 + the adversarial terms; losses.ts). Both build the same three fakes per
 * row: the reconstruction, the exchange with another label c' ≠ c (drawn uniformly), and a
 * prior draw z_u ~ N(0, I) decoded with c. The three go through the decoder as one batch.
 * Batch norm uses the batch's statistics in the losses (only the model phase updates the
 * moving ones) and the moving statistics in every capability method.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  EVALUATION,
  ParameterStore,
  SeededRandom,
  TRAINING,
  TRAINING_FIXED_STATISTICS,
  sampleGaussian,
  type CodePart,
  type ForwardMode,
  type LatentCode,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type SwitchReference,
} from '@disentangle/kernels';
import type { CvaeGanConfig } from '../config';
import { discriminatorHingeLoss, freeCodeKl, generatorHingeLoss, reconstructionError } from '../losses';
import { FreeCodeEncoder } from '../networks/free-code-encoder';
import { LabelMapping } from '../networks/label-mapping';
import { ModulatedDecoder } from '../networks/modulated-decoder';
import type { ModulationBranch } from '../networks/modulated-normalization';
import { ProjectionDiscriminator } from '../networks/projection-discriminator';

/** What one training batch turns into: the posterior and the three fakes of eq. 3 with their labels. */
interface Fakes {
  mu: tf.Tensor;
  logVar: tf.Tensor;
  reconstructed: tf.Tensor4D;
  exchanged: tf.Tensor4D;
  prior: tf.Tensor4D;
  otherLabels: tf.Tensor2D;
}

export class ConditionalVaeGan {
  readonly name: string;
  readonly update = 'alternating' as const;
  readonly config: CvaeGanConfig;
  readonly classes: number;
  private readonly store: ParameterStore;
  private readonly mapping?: LabelMapping;
  private readonly encoder: FreeCodeEncoder;
  private readonly decoder: ModulatedDecoder;
  private readonly discriminator: ProjectionDiscriminator;

  constructor(config: CvaeGanConfig) {
    this.config = config;
    this.name = config.model;
    this.classes = config.labels.length;
    const { input, structure } = config;
    this.store = new ParameterStore(new SeededRandom(config.seed).fork('init'), config.model);
    const store = this.store;
    if (structure.zs !== 'concat') {
      this.mapping = new LabelMapping(store, 'mapping', this.classes, config.mappingHidden, structure.zs === 'adain' ? { kind: 'style', width: config.zsDim } : { kind: 'spatial', side: config.spatialSide });
    }
    const labelChannels = structure.zs === 'concat' ? this.classes : structure.zs === 'adain' ? config.zsDim : 1;
    this.encoder = new FreeCodeEncoder(store, 'encoder', {
      size: input.size,
      channels: input.channels,
      labelChannels,
      stages: config.encoderStages,
      form: structure.zu === 'spade' ? { kind: 'spatial', channels: config.zuChannels } : { kind: 'style', width: config.zuDim },
    });
    const branches: ModulationBranch[] = [];
    if (structure.zs === 'adain') branches.push({ kind: 'adain', width: config.zsDim });
    if (structure.zs === 'spade') branches.push({ kind: 'spade', channels: 1 });
    if (structure.zu === 'adain') branches.push({ kind: 'adain', width: config.zuDim });
    if (structure.zu === 'spade') branches.push({ kind: 'spade', channels: config.zuChannels });
    const inputWidth = (structure.zu === 'input' ? config.zuDim : 0) + (structure.zs === 'concat' ? this.classes : 0);
    this.decoder = new ModulatedDecoder(store, 'decoder', { size: input.size, channels: input.channels, inputWidth, branches, stages: config.decoderChannels, spadeHidden: config.spadeHidden });
    this.discriminator = new ProjectionDiscriminator(store, 'discriminator', { channels: input.channels, classes: this.classes, stages: config.discriminatorStages });
  }

  get variables(): Record<string, tf.Variable> {
    return this.store.variables;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  dispose(): void {
    for (const v of Object.values(this.store.variables)) v.dispose();
  }

  get codeWidth(): number {
    return this.encoder.codeWidth;
  }

  // ---- the networks, composed ----

  /** z_s for one-hot labels c: f(c) (a style vector or a spatial map), or c itself for cVAE-GAN. */
  private labelCode(c: tf.Tensor2D): tf.Tensor2D | tf.Tensor4D {
    return this.mapping ? this.mapping.apply(c) : tf.clone(c);
  }

  private posterior(x: tf.Tensor4D, zs: tf.Tensor2D | tf.Tensor4D, mode: ForwardMode): { mu: tf.Tensor; logVar: tf.Tensor } {
    return this.encoder.apply(x, zs, mode);
  }

  /** Dec(z_s, z_u): z_u in the encoder's shape ([n, zuDim] or [n, H, W, k]), z_s from `labelCode`, c the one-hot labels. */
  private decodeCodes(zu: tf.Tensor, zs: tf.Tensor2D | tf.Tensor4D, c: tf.Tensor2D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      const { structure } = this.config;
      const inputs: tf.Tensor2D[] = [];
      if (structure.zu === 'input') inputs.push(zu as tf.Tensor2D);
      if (structure.zs === 'concat') inputs.push(c);
      const codes: (tf.Tensor2D | tf.Tensor4D)[] = [];
      if (structure.zs !== 'concat') codes.push(zs);
      if (structure.zu !== 'input') codes.push(zu as tf.Tensor2D | tf.Tensor4D);
      return this.decoder.apply(inputs.length ? (tf.concat(inputs, 1) as tf.Tensor2D) : c.shape[0], codes, mode);
    });
  }

  /** Labels c' ≠ c drawn uniformly among the other classes, one-hot. */
  private otherLabels(c: tf.Tensor2D, random: SeededRandom): tf.Tensor2D {
    return tf.tidy(() => {
      const n = c.shape[0];
      const offset = tf.add(tf.cast(tf.floor(tf.mul(random.uniform([n]), this.classes - 1)), 'int32'), 1);
      const other = tf.cast(tf.mod(tf.add(tf.argMax(c, 1), offset), this.classes), 'int32') as tf.Tensor1D;
      return tf.cast(tf.oneHot(other, this.classes), 'float32') as tf.Tensor2D;
    });
  }

  /** The posterior and eq. 3's three fakes, decoded as one batch of 3n. */
  private fakes(x: tf.Tensor4D, c: tf.Tensor2D, random: SeededRandom, mode: ForwardMode): Fakes {
    const n = x.shape[0];
    const otherLabels = this.otherLabels(c, random);
    const zs = this.labelCode(c);
    const { mu, logVar } = this.posterior(x, zs, mode);
    const zu = sampleGaussian(mu, logVar, random);
    const prior = random.normal(mu.shape);
    const labels = tf.concat([c, otherLabels, c], 0) as tf.Tensor2D;
    const images = this.decodeCodes(tf.concat([zu, zu, prior], 0), this.labelCode(labels), labels, mode);
    const [reconstructed, exchanged, priorImages] = tf.split(images, [n, n, n], 0) as tf.Tensor4D[];
    return { mu, logVar, reconstructed, exchanged, prior: priorImages, otherLabels };
  }

  // ---- training ----

  phases(): ModelPhase[] {
    const critic = new Set(this.store.scope('discriminator'));
    return [
      { name: 'discriminator', variables: [...critic], losses: (batch, random) => this.discriminatorTerms(batch, random) },
      { name: 'model', variables: this.store.trainable().filter((v) => !critic.has(v)), losses: (batch, random) => this.modelTerms(batch, random) },
    ];
  }

  /** Eq. 3 on one batch; the spectral norms' power iteration advances once, on the real images. */
  discriminatorTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    const { x, c } = this.checkBatch(batch, 'training');
    const f = this.fakes(x, c, random, TRAINING_FIXED_STATISTICS);
    const scores = {
      real: this.discriminator.apply(x, c, true),
      reconstructed: this.discriminator.apply(f.reconstructed, c),
      exchanged: this.discriminator.apply(f.exchanged, f.otherLabels),
      prior: this.discriminator.apply(f.prior, c),
    };
    return {
      total: discriminatorHingeLoss(scores),
      realScore: tf.mean(scores.real) as tf.Scalar,
      exchangedScore: tf.mean(scores.exchanged) as tf.Scalar,
      priorScore: tf.mean(scores.prior) as tf.Scalar,
    };
  }

  /** Eq. 1's negative ELBO plus the generator's hinge terms on the same three fakes. */
  modelTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    const { x, c } = this.checkBatch(batch, 'training');
    const w = this.config.weights;
    const f = this.fakes(x, c, random, TRAINING);
    const reconstruction = reconstructionError(x, f.reconstructed);
    const kl = freeCodeKl(f.mu, f.logVar);
    const adversarial = generatorHingeLoss({
      reconstructed: this.discriminator.apply(f.reconstructed, c),
      exchanged: this.discriminator.apply(f.exchanged, f.otherLabels),
      prior: this.discriminator.apply(f.prior, c),
    });
    const total = tf.addN([tf.mul(w.reconstruction, reconstruction), tf.mul(w.kl, kl), tf.mul(w.adversarial, adversarial)]) as tf.Scalar;
    return { total, reconstruction, kl, adversarial };
  }

  // ---- input checks ----

  /** x [n, size, size, channels] and one-hot labels c [n, C]; outside training, each label row is checked to be one-hot. */
  private checkBatch(batch: ModelBatch, use: 'training' | 'evaluation'): { x: tf.Tensor4D; c: tf.Tensor2D } {
    const { size, channels } = this.config.input;
    const x = batch?.x;
    if (!x || x.rank !== 4 || x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
      throw new Error(`${this.name}: images must be [n, ${size}, ${size}, ${channels}], got ${x ? `[${x.shape}]` : 'none'}`);
    }
    if (!batch.y) throw new Error(`${this.name}: needs the label c of every image (a one-hot class over ${this.classes}: ${this.describeClasses()}); the batch has none`);
    this.checkLabels(batch.y, x.shape[0], 'batch.y', use);
    return { x: x as tf.Tensor4D, c: batch.y };
  }

  private checkLabels(y: tf.Tensor2D, rows: number, what: string, use: 'training' | 'evaluation'): void {
    if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== this.classes) {
      throw new Error(`${this.name}: ${what} must be one-hot labels [${rows}, ${this.classes}] (${this.describeClasses()}), got [${y.shape}]`);
    }
    if (use === 'training') return; // A read per step would stall the GPU; the data loader already checked the labels.
    const values = y.dataSync();
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let k = 0; k < this.classes; k++) {
        const v = values[r * this.classes + k];
        if (v !== 0 && v !== 1) throw new Error(`${this.name}: ${what} row ${r} is not one-hot (value ${v} at class ${k})`);
        sum += v;
      }
      if (sum !== 1) throw new Error(`${this.name}: ${what} row ${r} is not one-hot (${sum} classes on); each image has exactly one class`);
    }
  }

  private describeClasses(): string {
    const { labels } = this.config;
    return labels.length > 4 ? `${labels.slice(0, 3).join(', ')}, …, ${labels[labels.length - 1]}` : labels.join(', ');
  }

  // ---- capabilities ----

  codeParts(): CodePart[] {
    return [{ name: 'z_u', start: 0, size: this.codeWidth, role: 'free' }];
  }

  /** q(z_u | x, c), flattened to [n, codeWidth]. */
  encode(batch: ModelBatch): LatentCode {
    const { x, c } = this.checkBatch(batch, 'evaluation');
    return tf.tidy(() => {
      const q = this.posterior(x, this.labelCode(c), EVALUATION);
      return { mu: this.encoder.flatten(q.mu), logVar: this.encoder.flatten(q.logVar) };
    });
  }

  /** Dec(z_u, z_s(c)) for flat codes [n, codeWidth] and one-hot labels [n, C]. */
  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    if (!y) throw new Error(`${this.name}: decoding needs the labels c (one-hot [n, ${this.classes}])`);
    this.checkLabels(y, code.shape[0], 'labels', 'evaluation');
    return tf.tidy(() => this.decodeCodes(this.encoder.unflatten(code), this.labelCode(y), y, EVALUATION));
  }

  /** x through the posterior mean, decoded with its own label. */
  reconstruct(batch: ModelBatch): tf.Tensor {
    const { x, c } = this.checkBatch(batch, 'evaluation');
    return tf.tidy(() => {
      const zs = this.labelCode(c);
      return this.decodeCodes(this.posterior(x, zs, EVALUATION).mu, zs, c, EVALUATION);
    });
  }

  /** Prior draws z_u ~ N(0, I) decoded with labels y [count, C]. */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    if (!y) throw new Error(`${this.name}: samples need the labels c to draw (one-hot [${count}, ${this.classes}])`);
    this.checkLabels(y, count, 'labels', 'evaluation');
    return tf.tidy(() => {
      const shape = this.config.structure.zu === 'spade' ? [count, this.encoder.side, this.encoder.side, this.config.zuChannels] : [count, this.config.zuDim];
      return this.decodeCodes(random.normal(shape), this.labelCode(y), y, EVALUATION);
    });
  }

  /**
   * Per-class mean codes, for the 'switchAttributes' contract (the exchange itself needs no
   * reference). A class without examples gets the mean of all codes: with 62 azimuths a small
   * reference set can miss some.
   */
  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    const width = this.codeWidth;
    const n = codes.length / width;
    if (labels.length !== n * this.classes) throw new Error(`${this.name}: switchReference got ${n} codes but ${labels.length / this.classes} label rows`);
    const sums = Array.from({ length: this.classes }, () => new Float64Array(width));
    const counts = new Array<number>(this.classes).fill(0);
    const total = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      const c = labels.subarray(i * this.classes, (i + 1) * this.classes).indexOf(1);
      for (let j = 0; j < width; j++) {
        total[j] += codes[i * width + j];
        if (c >= 0) sums[c][j] += codes[i * width + j];
      }
      if (c >= 0) counts[c]++;
    }
    const mean = (sum: Float64Array, count: number) => Array.from(sum, (v) => v / Math.max(count, 1));
    const presentMean = sums.map((sum, c) => (counts[c] > 0 ? mean(sum, counts[c]) : mean(total, n)));
    const absentMean = sums.map((sum, c) => mean(total.map((v, j) => v - sum[j]), n - counts[c]));
    return { presentMean, absentMean };
  }

  /**
   * The paper's exchange: z_u's posterior mean from (x, c), decoded with the target label c'
   * (one-hot [n, C]): "z_s and z_u coming from different image[s]" (§2.2.3).
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D): tf.Tensor {
    const { x, c } = this.checkBatch(batch, 'evaluation');
    this.checkLabels(target, x.shape[0], 'the target labels', 'evaluation');
    return tf.tidy(() => {
      const mu = this.posterior(x, this.labelCode(c), EVALUATION).mu;
      return this.decodeCodes(mu, this.labelCode(target), target, EVALUATION);
    });
  }

  /** The exchange to class indices (one per row of the batch), each checked to be in 0..C−1. */
  exchange(batch: ModelBatch, classes: number[]): tf.Tensor {
    const rows = batch?.x?.shape[0];
    if (classes.length !== rows) throw new Error(`${this.name}: exchange got ${classes.length} target classes for ${rows} images`);
    classes.forEach((k, r) => {
      if (!Number.isInteger(k) || k < 0 || k >= this.classes) throw new Error(`${this.name}: target class ${k} (row ${r}) is out of range 0..${this.classes - 1} (${this.describeClasses()})`);
    });
    const target = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), this.classes), 'float32') as tf.Tensor2D);
    try {
      return this.switchAttributes(batch, target);
    } finally {
      target.dispose();
    }
  }
}
