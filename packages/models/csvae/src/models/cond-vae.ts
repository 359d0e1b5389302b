/**
 * The CondVAE baseline of paper 004 (§3.2, objective (2), lost in the text; Sohn et al.
 * 2015): encoder and decoder both see the labels, q(z | x, y) and p(x | z, y), z of size
 * zDim + K·wDim.
 *
 *   loss = β1 E_q(z|x,y)[−log p(x | z, y)] + β3 KL(q(z | x, y) ‖ N(0, I))
 *
 * Its attribute switch encodes with the original labels and decodes with the new ones.
 * `CondVaeInfo` (cond-vae-info.ts) reuses this class with an encoder that ignores y.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type LossTerms, type ModelBatch, type ModelPhase, type SeededRandom, EVALUATION, TRAINING, type ForwardMode, FeatureNetwork, GaussianHead, type GaussianCode } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';
import { LatentSubspaceModel } from './latent-model';

export class CondVae extends LatentSubspaceModel {
  readonly update: 'single' | 'coupled' = 'single';
  protected readonly encoder: FeatureNetwork;
  protected readonly head: GaussianHead;
  protected readonly encoderSeesLabels: boolean;

  constructor(config: CsvaeConfig, { encoderSeesLabels = true }: { encoderSeesLabels?: boolean } = {}) {
    const latent = config.zDim + config.labels.length * config.wDim;
    super(config, latent + config.labels.length);
    this.encoderSeesLabels = encoderSeesLabels;
    this.encoder = new FeatureNetwork(this.store, 'encoder/z', {
      input: config.input, convStages: config.convStages, hidden: config.hidden, normalization: config.normalization, labelWidth: encoderSeesLabels ? config.labels.length : 0,
    });
    this.head = new GaussianHead(this.store, 'encoder/z/head', this.encoder.outputWidth, config.headHidden, latent);
  }

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  protected override get needsLabels(): boolean {
    return true;
  }

  protected posterior(batch: ModelBatch, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => this.head.apply(this.encoder.apply(batch.x, this.encoderSeesLabels ? batch.y : undefined, mode)));
  }

  encode(batch: ModelBatch): GaussianCode {
    this.checkBatch(batch, { needLabels: this.encoderSeesLabels });
    return this.posterior(batch, EVALUATION);
  }

  protected decodeRaw(code: tf.Tensor2D, y: tf.Tensor2D | undefined, mode: ForwardMode): tf.Tensor {
    const labels = this.checkLabels(y, code.shape[0]);
    return tf.tidy(() => this.decodeFrom(tf.concat([code, labels], 1) as tf.Tensor2D, mode));
  }

  samplePriorCode(count: number, random: SeededRandom): tf.Tensor2D {
    return random.normal([count, this.codeWidth]) as tf.Tensor2D;
  }

  protected klPerExample(q: GaussianCode): tf.Tensor1D {
    return this.standardNormalKl(q);
  }

  /** The ELBO part shared with CondVAE-info; returns the sampled z too. */
  protected elboTerms(batch: ModelBatch, random: SeededRandom, mode: ForwardMode): { z: tf.Tensor2D; reconstruction: tf.Scalar; klZ: tf.Scalar; weighted: tf.Scalar } {
    this.checkBatch(batch);
    const q = this.posterior(batch, mode);
    const z = this.sampleCode(q, random);
    const reconstruction = this.reconstructionTerm(this.decodeRaw(z, batch.y, mode), batch.x);
    const klZ = tf.mean(this.standardNormalKl(q)) as tf.Scalar;
    const { weights } = this.config;
    return { z, reconstruction, klZ, weighted: tf.addN([tf.mul(weights.reconstruction, reconstruction), tf.mul(weights.klZ, klZ)]) as tf.Scalar };
  }

  protected modelTerms(batch: ModelBatch, random: SeededRandom, mode: ForwardMode): LossTerms {
    const { reconstruction, klZ, weighted } = this.elboTerms(batch, random, mode);
    return { total: weighted, reconstruction, klZ };
  }

  phases(): ModelPhase[] {
    return [{ name: 'model', variables: this.trainableVariables, losses: (batch, random) => this.modelTerms(batch, random, TRAINING) }];
  }

  evaluationTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    return this.modelTerms(batch, random, EVALUATION);
  }

  /** G_ij(x) = D(E(x, y), y'), with switched-on labels set to `intensity` (default 1). */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, _reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const scaled = tf.mul(target, options.intensity ?? 1) as tf.Tensor2D;
      return this.decodeCode(this.encode(batch).mu, scaled);
    });
  }
}
