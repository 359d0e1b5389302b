/**
 * The VAE baseline of paper 004 (§3.1; Kingma & Welling 2014): q(z | x), p(x | z) with
 * one latent z of size zDim + K·wDim, so it has the capacity of CSVAE's Z × W.
 *
 *   loss = β1 E_q[−log p(x | z)] + β3 KL(q(z | x) ‖ N(0, I))
 *
 * (β1, β3 as for CSVAE: the paper uses one set of hyperparameters for all models.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { klToStandardNormal, type ModelBatch, type ModelPhase, type SeededRandom } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';
import { GaussianHead, LatentSubspaceModel, type GaussianCode } from './latent-model';

export class Vae extends LatentSubspaceModel {
  readonly update = 'single' as const;
  private readonly head: GaussianHead;

  constructor(config: CsvaeConfig) {
    const latent = config.zDim + config.labels.length * config.wDim;
    super(config, latent);
    this.head = new GaussianHead(this.store, 'encoder/z', this.featureWidth, config.headHidden, latent);
  }

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  encode(batch: ModelBatch): GaussianCode {
    this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => this.head.apply(this.features(batch.x)));
  }

  protected decodeRaw(code: tf.Tensor2D): tf.Tensor {
    return this.decodeFrom(code);
  }

  samplePriorCode(count: number, random: SeededRandom): tf.Tensor2D {
    return random.normal([count, this.codeWidth]) as tf.Tensor2D;
  }

  phases(): ModelPhase[] {
    const { weights } = this.config;
    return [
      {
        name: 'model',
        variables: Object.values(this.variables),
        losses: (batch, random) => {
          this.checkBatch(batch, { needLabels: false });
          const q = this.encode(batch);
          const reconstruction = this.reconstructionTerm(this.decodeFrom(this.sampleCode(q, random)), batch.x);
          const klZ = tf.mean(klToStandardNormal(q.mu, q.logVar)) as tf.Scalar;
          const total = tf.addN([tf.mul(weights.reconstruction, reconstruction), tf.mul(weights.klZ, klZ)]) as tf.Scalar;
          return { total, reconstruction, klZ };
        },
      },
    ];
  }

  /**
   * G_ij(x) = D(E(x) + s · Σ_k (y'_k − y_k) · d_k): d_k = m_k(on) for exclusive labels (so
   * i → j is −m_i + m_j), m_k(on) − m_k(off) otherwise; s = `intensity` (default 1).
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const directions = reference.presentMean.map((on, k) => (this.config.exclusive ? on : on.map((v, c) => v - reference.absentMean[k][c])));
      const shift = tf.mul(tf.matMul(tf.sub(target, batch.y!), tf.tensor2d(directions)), options.intensity ?? 1) as tf.Tensor2D;
      return this.decodeCode(tf.add(this.encode(batch).mu, shift) as tf.Tensor2D);
    });
  }
}
