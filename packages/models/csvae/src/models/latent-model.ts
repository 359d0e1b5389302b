/**
 * What the four models of paper 004 share: the input trunk, Gaussian heads, the decoder,
 * batch validation and the public surface (encode / decode / reconstruct / sample /
 * switchAttributes). Each subclass adds its heads and its loss phases.
 *
 * Every model has a latent *code*: VAE/CondVAE/CondVAE-info a single z of size
 * zDim + K·wDim, CSVAE the concatenation [z, w] with w = [w_1, ..., w_K]. `decodeCode`
 * turns a code (plus labels for the conditional decoders) back into an output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, sampleGaussian, splitMeanLogVar, type GenerativeModel, type ModelBatch, type ModelPhase, type UpdateMode } from '@disentangle/kernels';
import { inputWidth, type CsvaeConfig } from '../config';
import { reconstructionError } from '../losses';
import { ConvDecoder, ConvEncoder } from '../networks/conv-network';
import { DenseNetwork } from '../networks/dense-network';
import { ParameterStore } from '../networks/parameter-store';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';

export type GaussianCode = {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
};

/** A Gaussian head: input → hidden (ReLU) → (μ, log σ²). */
export class GaussianHead {
  private readonly net: DenseNetwork;
  constructor(store: ParameterStore, scope: string, inputWidth: number, hidden: number, readonly dim: number) {
    this.net = new DenseNetwork(store, scope, [inputWidth, hidden, 2 * dim]);
  }
  apply(h: tf.Tensor2D): GaussianCode {
    return tf.tidy(() => splitMeanLogVar(this.net.apply(h)) as unknown as GaussianCode);
  }
}

export abstract class LatentSubspaceModel implements GenerativeModel {
  readonly name: string;
  readonly config: CsvaeConfig;
  abstract readonly update: UpdateMode;
  protected readonly store: ParameterStore;
  private readonly convTrunk?: ConvEncoder;
  private readonly denseTrunk: DenseNetwork;
  private readonly decoderDense: DenseNetwork;
  private readonly convDecoder?: ConvDecoder;

  /** Width of the trunk's features (the heads' input). */
  protected readonly featureWidth: number;

  protected constructor(config: CsvaeConfig, decoderInputWidth: number) {
    this.name = config.model;
    this.config = config;
    this.store = new ParameterStore(new SeededRandom(config.seed).fork('init'), config.model);
    const { input, hidden } = config;
    if (input.kind === 'image') {
      const shape = { size: input.size, channels: input.channels, stages: config.convStages };
      this.convTrunk = new ConvEncoder(this.store, 'encoder/conv', shape);
      this.denseTrunk = new DenseNetwork(this.store, 'encoder/trunk', [this.convTrunk.outputWidth, ...hidden]);
      this.decoderDense = new DenseNetwork(this.store, 'decoder/dense', [decoderInputWidth, hidden[0]]);
      this.convDecoder = new ConvDecoder(this.store, 'decoder/conv', hidden[0], shape);
    } else {
      this.denseTrunk = new DenseNetwork(this.store, 'encoder/trunk', [input.dim, ...hidden]);
      this.decoderDense = new DenseNetwork(this.store, 'decoder/dense', [decoderInputWidth, ...[...hidden].reverse(), input.dim]);
    }
    this.featureWidth = hidden[hidden.length - 1];
  }

  get variables(): Record<string, tf.Variable> {
    return this.store.variables;
  }

  get labelCount(): number {
    return this.config.labels.length;
  }

  /** Size of the latent code. */
  abstract get codeWidth(): number;

  abstract phases(): ModelPhase[];

  /** Posterior mean (and log-variance) of the latent code. Conditional encoders need `y`. */
  abstract encode(batch: ModelBatch): GaussianCode;

  /** Decoder raw output (means or logits) for a code; conditional decoders need `y`. */
  protected abstract decodeRaw(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor;

  /** A code drawn from the prior (p(z) for the baselines; p(z) p(w | y) for CSVAE). */
  abstract samplePriorCode(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor2D;

  /** G_ij of §4.3: x with labels `batch.y` turned into outputs with labels `target`. */
  abstract switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options?: SwitchOptions): tf.Tensor;

  getConfig(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.config)) as Record<string, unknown>;
  }

  dispose(): void {
    for (const v of Object.values(this.variables)) v.dispose();
  }

  /** Decoder output as data: probabilities for a Bernoulli decoder, means for a Gaussian one. */
  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => this.toData(this.decodeRaw(code, y)));
  }

  /** Reconstruction through the posterior mean (no sampling). */
  reconstruct(batch: ModelBatch): tf.Tensor {
    this.checkBatch(batch);
    return tf.tidy(() => this.decodeCode(this.encode(batch).mu, batch.y));
  }

  /** `count` outputs decoded from prior draws (conditional models: for labels `y`). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => this.decodeCode(this.samplePriorCode(count, random, y), y));
  }

  protected toData(raw: tf.Tensor): tf.Tensor {
    return this.config.likelihood === 'bernoulli' ? tf.sigmoid(raw) : raw;
  }

  /** Trunk features of x: [batch, featureWidth]. */
  protected features(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const flat = this.convTrunk ? this.convTrunk.apply(x as tf.Tensor4D) : (x as tf.Tensor2D);
      return this.denseTrunk.apply(flat, { reluOutput: true });
    });
  }

  protected decodeFrom(input: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => {
      if (!this.convDecoder) return this.decoderDense.apply(input);
      return this.convDecoder.apply(this.decoderDense.apply(input, { reluOutput: true }));
    });
  }

  /** Mean over the batch of β1 · −log p(x | code). */
  protected reconstructionTerm(raw: tf.Tensor, x: tf.Tensor): tf.Scalar {
    return tf.mean(reconstructionError(raw, x, this.config.likelihood, this.config.reconstructionReduction)) as tf.Scalar;
  }

  protected sampleCode(code: GaussianCode, random: SeededRandom): tf.Tensor2D {
    return sampleGaussian(code.mu, code.logVar, random) as tf.Tensor2D;
  }

  /** Throws a clear error when x does not fit the config or labels are missing or malformed. */
  checkBatch(batch: ModelBatch, { needLabels = true }: { needLabels?: boolean } = {}): void {
    const { x, y } = batch;
    const { input } = this.config;
    const where = `${this.name}`;
    if (!x) throw new Error(`${where}: batch.x is missing`);
    const expected = input.kind === 'vector' ? [input.dim] : [input.size, input.size, input.channels];
    if (x.rank !== expected.length + 1 || !tf.util.arraysEqual(x.shape.slice(1), expected)) {
      throw new Error(`${where}: batch.x has shape [${x.shape}], expected [batch, ${expected.join(', ')}]`);
    }
    if (!needLabels) return;
    if (!y) throw new Error(`${where}: batch.y (labels ${this.config.labels.join(', ')}) is missing; this model needs labels`);
    if (y.rank !== 2 || y.shape[0] !== x.shape[0] || y.shape[1] !== this.labelCount) {
      throw new Error(`${where}: batch.y has shape [${y.shape}], expected [${x.shape[0]}, ${this.labelCount}] (labels ${this.config.labels.join(', ')})`);
    }
  }

  /** Inputs flattened for the dense decoders' width checks (used by tests and metrics). */
  get inputWidth(): number {
    return inputWidth(this.config.input);
  }
}
