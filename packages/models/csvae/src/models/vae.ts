/**
 * The VAE baseline of paper 004 (§3.1; Kingma & Welling 2014, the ELBO of §3.1, lost in the
 * text): q(z | x), p(x | z) with one latent z of size zDim + K·wDim, so it has the capacity
 * of CSVAE's Z × W.
 *
 *   loss = β1 E_q(z|x)[−log p(x | z)] + β3 KL(q(z | x) ‖ N(0, I))
 *
 * (β1, β3 as for CSVAE: the paper uses one set of hyperparameters for all models.) It trains
 * without labels; its attribute switch (§4.3) uses them only through the reference's label
 * means.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type LossTerms, type ModelBatch, type ModelPhase, type SeededRandom, EVALUATION, TRAINING, type ForwardMode, FeatureNetwork, GaussianHead, type GaussianCode } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';
import { LatentSubspaceModel } from './latent-model';

export class Vae extends LatentSubspaceModel {
  readonly update = 'single' as const;
  private readonly encoder: FeatureNetwork;
  private readonly head: GaussianHead;

  constructor(config: CsvaeConfig) {
    const latent = config.zDim + config.labels.length * config.wDim;
    super(config, latent);
    this.encoder = new FeatureNetwork(this.store, 'encoder/z', { input: config.input, convStages: config.convStages, hidden: config.hidden, normalization: config.normalization, labelWidth: 0 });
    this.head = new GaussianHead(this.store, 'encoder/z/head', this.encoder.outputWidth, config.headHidden, latent);
  }

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  protected override get needsLabels(): boolean {
    return false;
  }

  protected posterior(batch: ModelBatch, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => this.head.apply(this.encoder.apply(batch.x, undefined, mode)));
  }

  encode(batch: ModelBatch): GaussianCode {
    this.checkBatch(batch, { needLabels: false });
    return this.posterior(batch, EVALUATION);
  }

  protected decodeRaw(code: tf.Tensor2D, _y: tf.Tensor2D | undefined, mode: ForwardMode): tf.Tensor {
    return this.decodeFrom(code, mode);
  }

  samplePriorCode(count: number, random: SeededRandom): tf.Tensor2D {
    return random.normal([count, this.codeWidth]) as tf.Tensor2D;
  }

  protected klPerExample(q: GaussianCode): tf.Tensor1D {
    return this.standardNormalKl(q);
  }

  private terms(batch: ModelBatch, random: SeededRandom, mode: ForwardMode): LossTerms {
    this.checkBatch(batch, { needLabels: false });
    const { weights } = this.config;
    const q = this.posterior(batch, mode);
    const reconstruction = this.reconstructionTerm(this.decodeFrom(this.sampleCode(q, random), mode), batch.x);
    const klZ = tf.mean(this.standardNormalKl(q)) as tf.Scalar;
    const total = tf.addN([tf.mul(weights.reconstruction, reconstruction), tf.mul(weights.klZ, klZ)]) as tf.Scalar;
    return { total, reconstruction, klZ };
  }

  phases(): ModelPhase[] {
    return [{ name: 'model', variables: this.trainableVariables, losses: (batch, random) => this.terms(batch, random, TRAINING) }];
  }

  evaluationTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    return this.terms(batch, random, EVALUATION);
  }

  /**
   * G_ij(x) = D(E(x) + s · Σ_k (y'_k − y_k) · d_k): d_k = m_k(on) for exclusive labels (so
   * i → j is −m_i + m_j), m_k(on) − m_k(off) otherwise; s = `intensity` (default 1).
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const directions = reference.presentMean.map((on, k) => (this.config.exclusive ? on : on.map((v, c) => v - reference.absentMean[k][c])));
      const shift = tf.mul(tf.matMul(tf.sub(target, batch.y!), tf.tensor2d(directions, [this.labelCount, this.codeWidth])), options.intensity ?? 1) as tf.Tensor2D;
      return this.decodeCode(tf.add(this.encode(batch).mu, shift) as tf.Tensor2D);
    });
  }
}
