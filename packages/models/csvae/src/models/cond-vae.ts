/**
 * The CondVAE baseline of paper 004 (§3.2, objective (2); Sohn et al. 2015): encoder and
 * decoder both see the labels, q(z | x, y) and p(x | z, y), z of size zDim + K·wDim.
 *
 *   loss = β1 E_q[−log p(x | z, y)] + β3 KL(q(z | x, y) ‖ N(0, I))
 *
 * Its attribute switch encodes with the original labels and decodes with the new ones.
 * `CondVaeInfo` (cond-vae-info.ts) reuses this class with an encoder that ignores y.
 */
import * as tf from '@tensorflow/tfjs-core';
import { klToStandardNormal, type ModelBatch, type ModelPhase, type SeededRandom } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';
import { GaussianHead, LatentSubspaceModel, type GaussianCode } from './latent-model';

export class CondVae extends LatentSubspaceModel {
  readonly update: 'single' | 'coupled' = 'single';
  protected readonly head: GaussianHead;

  constructor(config: CsvaeConfig, { encoderSeesLabels = true }: { encoderSeesLabels?: boolean } = {}) {
    const latent = config.zDim + config.labels.length * config.wDim;
    super(config, latent + config.labels.length);
    this.encoderSeesLabels = encoderSeesLabels;
    this.head = new GaussianHead(this.store, 'encoder/z', this.featureWidth + (encoderSeesLabels ? config.labels.length : 0), config.headHidden, latent);
  }

  protected readonly encoderSeesLabels: boolean;

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  encode(batch: ModelBatch): GaussianCode {
    this.checkBatch(batch, { needLabels: this.encoderSeesLabels });
    return tf.tidy(() => {
      const h = this.features(batch.x);
      return this.head.apply(this.encoderSeesLabels ? (tf.concat([h, batch.y!], 1) as tf.Tensor2D) : h);
    });
  }

  protected decodeRaw(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    if (!y) throw new Error(`${this.name}: decoding needs labels y (the decoder is p(x | z, y))`);
    if (y.shape[0] !== code.shape[0] || y.shape[1] !== this.labelCount) {
      throw new Error(`${this.name}: labels have shape [${y.shape}], expected [${code.shape[0]}, ${this.labelCount}]`);
    }
    return tf.tidy(() => this.decodeFrom(tf.concat([code, y], 1) as tf.Tensor2D));
  }

  samplePriorCode(count: number, random: SeededRandom): tf.Tensor2D {
    return random.normal([count, this.codeWidth]) as tf.Tensor2D;
  }

  /** The ELBO part shared with CondVAE-info; returns the sampled z too. */
  protected elboTerms(batch: ModelBatch, random: SeededRandom): { z: tf.Tensor2D; reconstruction: tf.Scalar; klZ: tf.Scalar; weighted: tf.Scalar } {
    this.checkBatch(batch);
    const q = this.encode(batch);
    const z = this.sampleCode(q, random);
    const reconstruction = this.reconstructionTerm(this.decodeRaw(z, batch.y), batch.x);
    const klZ = tf.mean(klToStandardNormal(q.mu, q.logVar)) as tf.Scalar;
    const { weights } = this.config;
    return { z, reconstruction, klZ, weighted: tf.addN([tf.mul(weights.reconstruction, reconstruction), tf.mul(weights.klZ, klZ)]) as tf.Scalar };
  }

  phases(): ModelPhase[] {
    return [
      {
        name: 'model',
        variables: Object.values(this.variables),
        losses: (batch, random) => {
          const { reconstruction, klZ, weighted } = this.elboTerms(batch, random);
          return { total: weighted, reconstruction, klZ };
        },
      },
    ];
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
