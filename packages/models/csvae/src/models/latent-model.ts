/**
 * What the four models of paper 004 share: the decoder, batch validation, the forward
 * modes of batch norm, and the capability methods (encode / codeParts / decode /
 * reconstruct / sample / switchReference / switchAttributes / logLikelihood). Each
 * subclass adds its encoders, heads and loss phases.
 *
 * Every model has a latent *code*: VAE/CondVAE/CondVAE-info a single z of size
 * zDim + K·wDim, CSVAE the concatenation [z, w] with w = [w_1, ..., w_K]. `decodeCode`
 * turns a code (plus labels for the conditional decoders) back into data.
 *
 * Training and evaluation: the phases' losses run the networks in training mode (batch
 * norm on the batch's statistics; the model phase also updates the moving statistics, once
 * per step); every capability method runs them in evaluation mode (the moving statistics),
 * so a trained model's outputs do not depend on what else is in the batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  SeededRandom,
  klToStandardNormal,
  sampleGaussian,
  type CodePart,
  type Decodes,
  type Encodes,
  type GenerativeModel,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type Reconstructs,
  type Samples,
  type ScoresLikelihood,
  type SwitchesAttributes,
  type UpdateMode,
} from '@disentangle/kernels';
import { inputWidth, type CsvaeConfig } from '../config';
import { reconstructionError, reconstructionLogLikelihood } from '../losses';
import { EVALUATION, type ForwardMode, ConvDecoder, DenseNetwork, type GaussianCode, ParameterStore } from '@disentangle/kernels';
import { buildSwitchReference, type SwitchOptions, type SwitchReference } from '../attribute-switch';

export type { GaussianCode } from '@disentangle/kernels';
export { GaussianHead } from '@disentangle/kernels';

export abstract class LatentSubspaceModel implements GenerativeModel, Encodes, Decodes, Reconstructs, Samples, SwitchesAttributes, ScoresLikelihood {
  readonly name: string;
  readonly config: CsvaeConfig;
  abstract readonly update: UpdateMode;
  protected readonly store: ParameterStore;
  private readonly decoderDense: DenseNetwork;
  private readonly convDecoder?: ConvDecoder;

  protected constructor(config: CsvaeConfig, decoderInputWidth: number) {
    this.name = config.model;
    this.config = config;
    this.store = new ParameterStore(new SeededRandom(config.seed).fork('init'), config.model);
    const { input, hidden, normalization } = config;
    const mirrored = [...hidden].reverse();
    if (input.kind === 'image') {
      this.decoderDense = new DenseNetwork(this.store, 'decoder/dense', [decoderInputWidth, ...mirrored], { activateOutput: true, normalization });
      this.convDecoder = new ConvDecoder(this.store, 'decoder/conv', mirrored[mirrored.length - 1], { size: input.size, channels: input.channels, stages: config.convStages, normalization });
    } else {
      this.decoderDense = new DenseNetwork(this.store, 'decoder/dense', [decoderInputWidth, ...mirrored, input.dim], { normalization });
    }
  }

  /** Every variable by its stable name: the trainable weights and batch norm's moving statistics (what save/load and checkpoints carry). */
  get variables(): Record<string, tf.Variable> {
    return this.store.variables;
  }

  /** The variables the optimisers update (every variable but the statistics). */
  get trainableVariables(): tf.Variable[] {
    return this.store.trainable();
  }

  /** Stable names of batch norm's moving statistics (saved, updated by the model phase, in no phase's variables). */
  get statisticNames(): string[] {
    return this.store.statisticNames();
  }

  get labelCount(): number {
    return this.config.labels.length;
  }

  /** Size of the latent code. */
  abstract get codeWidth(): number;

  abstract phases(): ModelPhase[];

  /** The model phase's loss terms in evaluation mode (moving statistics, nothing updated): validation losses. */
  abstract evaluationTerms(batch: ModelBatch, random: SeededRandom): LossTerms;

  /** Posterior mean and log-variance of the latent code (evaluation mode). Conditional encoders need `y`. */
  abstract encode(batch: ModelBatch): GaussianCode;

  /** Posterior of the code in a given forward mode (what the losses and `encode` share). */
  protected abstract posterior(batch: ModelBatch, mode: ForwardMode): GaussianCode;

  /** Decoder raw output (means before the output activation, or logits) for a code; conditional decoders need `y`. */
  protected abstract decodeRaw(code: tf.Tensor2D, y: tf.Tensor2D | undefined, mode: ForwardMode): tf.Tensor;

  /** A code drawn from the prior (p(z) for the baselines; p(z) p(w | y) for CSVAE). */
  abstract samplePriorCode(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor2D;

  /** KL(q ‖ prior) of a posterior, per example (unweighted; the ELBO's KL). */
  protected abstract klPerExample(q: GaussianCode, batch: ModelBatch): tf.Tensor1D;

  /** G_ij of §4.3: x with labels `batch.y` turned into outputs with labels `target`. */
  abstract switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options?: SwitchOptions): tf.Tensor;

  /** The code's blocks: one block 'code' for the baselines (CSVAE overrides: z and w_1..w_K). */
  codeParts(): CodePart[] {
    return [{ name: 'code', start: 0, size: this.codeWidth }];
  }

  /** Switch statistics from posterior codes [n, codeWidth] and labels [n, K] of training examples. */
  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    return buildSwitchReference(codes, labels, this.codeWidth, this.labelCount);
  }

  getConfig(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.config)) as Record<string, unknown>;
  }

  dispose(): void {
    this.forgetSharedCode();
    for (const v of Object.values(this.variables)) v.dispose();
  }

  /**
   * The z sample the model phase drew for `x` this step, for a coupled adversary phase. In a
   * coupled update both phases' gradients are taken at the same weights, so the adversary's
   * q_δ(y | z) can read the very z the model phase's entropy term saw instead of running the
   * encoder a second time (a third of a CSVAE step on images). Keyed by the batch's x tensor
   * and used once: any other batch, a second adversary pass, or a phase run on its own
   * encodes afresh. (The kept tensor is freed by the next model phase or `dispose`.)
   */
  private sharedCode?: { x: tf.Tensor; z: tf.Tensor2D; used: boolean };

  protected shareCode(x: tf.Tensor, z: tf.Tensor2D): void {
    this.forgetSharedCode();
    this.sharedCode = { x, z: tf.keep(z), used: false };
  }

  /** The model phase's z for this batch (no gradient), once; otherwise undefined. */
  protected takeSharedCode(x: tf.Tensor): tf.Tensor2D | undefined {
    const shared = this.sharedCode;
    if (!shared || shared.used || shared.x !== x || x.isDisposed || shared.z.isDisposed) return undefined;
    shared.used = true;
    return shared.z;
  }

  private forgetSharedCode(): void {
    if (this.sharedCode && !this.sharedCode.z.isDisposed) this.sharedCode.z.dispose();
    this.sharedCode = undefined;
  }

  /** Decoder output as data: probabilities for a Bernoulli decoder, means for a Gaussian one. */
  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    if (code.rank !== 2 || code.shape[1] !== this.codeWidth) throw new Error(`${this.name}: code has shape [${code.shape}], expected [n, ${this.codeWidth}]`);
    return tf.tidy(() => this.toData(this.decodeRaw(code, y, EVALUATION)));
  }

  /** Reconstruction through the posterior mean (no sampling). */
  reconstruct(batch: ModelBatch): tf.Tensor {
    return tf.tidy(() => this.decodeCode(this.encode(batch).mu, batch.y));
  }

  /** `count` outputs decoded from prior draws (conditional models: for labels `y`). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => this.decodeCode(this.samplePriorCode(count, random, y), y));
  }

  /**
   * The evidence lower bound per example, in nats (one posterior sample, evaluation mode,
   * β's all 1): E_q[log p(x | code)] − KL(q ‖ prior), a lower bound on log p(x) (VAE) or
   * log p(x | y) (the conditional models; CSVAE's KL is KL(q(z|x) ‖ p(z)) + KL(q(w|x,y) ‖ p(w|y))).
   * log p(x | code) is the exact log-density of the decoder's likelihood summed over the
   * input's dimensions, whatever `reconstructionReduction` trains with: N(x; μ, ½ I) for
   * 'gaussian', Bernoulli for 'bernoulli' (a density only for binary x).
   */
  logLikelihood(batch: ModelBatch, random: SeededRandom): tf.Tensor1D {
    this.checkBatch(batch, { needLabels: this.needsLabels });
    return tf.tidy(() => {
      const q = this.posterior(batch, EVALUATION);
      const raw = this.decodeRaw(this.sampleCode(q, random), batch.y, EVALUATION);
      return tf.sub(reconstructionLogLikelihood(this.likelihoodOutput(raw), batch.x, this.config.likelihood), this.klPerExample(q, batch)) as tf.Tensor1D;
    });
  }

  /** Whether encoding needs labels (every model but the VAE and CondVAE-info's encoder). */
  protected get needsLabels(): boolean {
    return true;
  }

  protected toData(raw: tf.Tensor): tf.Tensor {
    if (this.config.likelihood === 'bernoulli' || this.config.outputActivation === 'sigmoid') return tf.sigmoid(raw);
    return raw;
  }

  /** What the likelihood reads: the Gaussian's mean, or the Bernoulli's logits. */
  protected likelihoodOutput(raw: tf.Tensor): tf.Tensor {
    return this.config.likelihood === 'gaussian' && this.config.outputActivation === 'sigmoid' ? tf.sigmoid(raw) : raw;
  }

  protected decodeFrom(input: tf.Tensor2D, mode: ForwardMode): tf.Tensor {
    return tf.tidy(() => {
      if (!this.convDecoder) return this.decoderDense.apply(input, mode);
      return this.convDecoder.apply(this.decoderDense.apply(input, mode), mode);
    });
  }

  /** Mean over the batch of −log p(x | code) (before β1). */
  protected reconstructionTerm(raw: tf.Tensor, x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(reconstructionError(this.likelihoodOutput(raw), x, this.config.likelihood, this.config.reconstructionReduction)) as tf.Scalar);
  }

  protected sampleCode(code: GaussianCode, random: SeededRandom): tf.Tensor2D {
    return sampleGaussian(code.mu, code.logVar, random) as tf.Tensor2D;
  }

  /** The model phase's trainable variables: every trainable variable outside `exclude`'s scope. */
  protected trainableOutside(exclude?: string): tf.Variable[] {
    const excluded = new Set(exclude ? this.store.scope(exclude) : []);
    return this.store.trainable().filter((v) => !excluded.has(v));
  }

  /** KL(q(code | ·) ‖ N(0, I)) per example: the baselines' prior. */
  protected standardNormalKl(q: GaussianCode): tf.Tensor1D {
    return klToStandardNormal(q.mu, q.logVar) as tf.Tensor1D;
  }

  /** Throws a clear error when x does not fit the config or labels are missing or malformed. */
  checkBatch(batch: ModelBatch, { needLabels = true }: { needLabels?: boolean } = {}): void {
    const { x, y } = batch ?? ({} as ModelBatch);
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

  /** Labels for a code's decoder: throws when a conditional decoder lacks them. */
  protected checkLabels(y: tf.Tensor2D | undefined, rows: number): tf.Tensor2D {
    if (!y) throw new Error(`${this.name}: decoding needs labels y (the decoder is p(x | z, y))`);
    if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== this.labelCount) {
      throw new Error(`${this.name}: labels have shape [${y.shape}], expected [${rows}, ${this.labelCount}]`);
    }
    return y;
  }

  /** Inputs flattened for the dense decoders' width checks (used by tests and metrics). */
  get inputWidth(): number {
    return inputWidth(this.config.input);
  }
}
