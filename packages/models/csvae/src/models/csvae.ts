/**
 * CSVAE, the Conditional Subspace VAE of paper 004 (§4): a latent space Z × W with
 * W = W_1 × ... × W_K, one subspace per binary label, where the label's information lives.
 *
 *   q(z | x)      from the trunk's features (Z must carry no label information)
 *   q(w | x, y)   from the features and the labels
 *   p(w_i | y_i)  the fixed per-label priors of priors.ts
 *   p(x | w, z)   the decoder
 *   q_δ(y | z)    the adversary
 *
 * Phases, updated jointly ('coupled'):
 *   model:     M1 + M2 = β1 E[−log p(x|w,z)] + β2 KL(q(w|x,y) ‖ p(w|y)) + β3 KL(q(z|x) ‖ N(0,I))
 *                        + β4 E_q(z|x) Σ_y q_δ(y|z) log q_δ(y|z)
 *   adversary: N = β5 E_q(z|x) [−log q_δ(y|z)]
 * (formulas and their reconstruction: losses.ts). The paper writes q(z | x, y) in M1 and
 * q(z | x) in M2 and N; the z encoder here reads x only, as §4's graphical model and the
 * Figure 1(c) diagram have it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { klToStandardNormal, stopGradient, type ModelBatch, type ModelPhase, type SeededRandom } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import type { SwitchOptions, SwitchReference } from '../attribute-switch';
import { adversaryAccuracy, adversaryCrossEntropy, negativeConditionalEntropy } from '../losses';
import { DenseNetwork } from '../networks/dense-network';
import { subspacePrior, subspacePriorKl } from '../priors';
import { GaussianHead, LatentSubspaceModel, type GaussianCode } from './latent-model';

export class Csvae extends LatentSubspaceModel {
  readonly update = 'coupled' as const;
  private readonly zHead: GaussianHead;
  private readonly wHead: GaussianHead;
  private readonly adversary: DenseNetwork;

  constructor(config: CsvaeConfig) {
    const k = config.labels.length;
    super(config, config.zDim + k * config.wDim);
    this.zHead = new GaussianHead(this.store, 'encoder/z', this.featureWidth, config.headHidden, config.zDim);
    this.wHead = new GaussianHead(this.store, 'encoder/w', this.featureWidth + k, config.headHidden, k * config.wDim);
    this.adversary = new DenseNetwork(this.store, 'adversary', [config.zDim, config.headHidden, config.headHidden, k]);
  }

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  /** Where w starts in the code [z, w]. */
  get subspaceOffset(): number {
    return this.config.zDim;
  }

  /** q(z | x) and q(w | x, y) from one pass of the trunk. */
  encodeParts(batch: ModelBatch): { z: GaussianCode; w: GaussianCode } {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const h = this.features(batch.x);
      return { z: this.zHead.apply(h), w: this.wHead.apply(tf.concat([h, batch.y!], 1) as tf.Tensor2D) };
    });
  }

  /** The code [z, w]: its mean and log-variance. */
  encode(batch: ModelBatch): GaussianCode {
    return tf.tidy(() => {
      const { z, w } = this.encodeParts(batch);
      return { mu: tf.concat([z.mu, w.mu], 1) as tf.Tensor2D, logVar: tf.concat([z.logVar, w.logVar], 1) as tf.Tensor2D };
    });
  }

  /** q(z | x) alone (needs no labels). */
  encodeZ(x: tf.Tensor): GaussianCode {
    this.checkBatch({ x }, { needLabels: false });
    return tf.tidy(() => this.zHead.apply(this.features(x)));
  }

  /** The adversary's logits for q_δ(y | z). */
  adversaryLogits(z: tf.Tensor2D): tf.Tensor2D {
    return this.adversary.apply(z);
  }

  protected decodeRaw(code: tf.Tensor2D): tf.Tensor {
    return this.decodeFrom(code);
  }

  /** z ~ N(0, I), w ~ p(w | y) for the given labels. */
  samplePriorCode(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor2D {
    if (!y) throw new Error('csvae: sampling needs labels y (w is drawn from p(w | y))');
    if (y.shape[0] !== count || y.shape[1] !== this.labelCount) throw new Error(`csvae: labels have shape [${y.shape}], expected [${count}, ${this.labelCount}]`);
    return tf.tidy(() => {
      const prior = subspacePrior(y, this.config);
      const w = tf.add(prior.mu, tf.mul(tf.exp(tf.mul(prior.logVar, 0.5)), random.normal(prior.mu.shape)));
      return tf.concat([random.normal([count, this.config.zDim]), w], 1) as tf.Tensor2D;
    });
  }

  phases(): ModelPhase[] {
    const { weights, exclusive } = this.config;
    const adversaryVariables = this.store.scope('adversary');
    const modelVariables = Object.values(this.variables).filter((v) => !adversaryVariables.includes(v));
    return [
      {
        name: 'model',
        variables: modelVariables,
        losses: (batch, random) => {
          const { z: qz, w: qw } = this.encodeParts(batch);
          const z = this.sampleCode(qz, random);
          const w = this.sampleCode(qw, random);
          const reconstruction = this.reconstructionTerm(this.decodeFrom(tf.concat([z, w], 1) as tf.Tensor2D), batch.x);
          const klW = tf.mean(subspacePriorKl(qw.mu, qw.logVar, batch.y!, this.config)) as tf.Scalar;
          const klZ = tf.mean(klToStandardNormal(qz.mu, qz.logVar)) as tf.Scalar;
          const negEntropy = tf.mean(negativeConditionalEntropy(this.adversary.apply(z), exclusive)) as tf.Scalar;
          const total = tf.addN([
            tf.mul(weights.reconstruction, reconstruction),
            tf.mul(weights.klW, klW),
            tf.mul(weights.klZ, klZ),
            tf.mul(weights.entropy, negEntropy),
          ]) as tf.Scalar;
          return { total, reconstruction, klW, klZ, negEntropy };
        },
      },
      {
        name: 'adversary',
        variables: adversaryVariables,
        losses: (batch, random) => {
          this.checkBatch(batch);
          const z = stopGradient(this.sampleCode(this.encodeZ(batch.x), random));
          const logits = this.adversary.apply(z);
          const crossEntropy = tf.mean(adversaryCrossEntropy(logits, batch.y!, exclusive)) as tf.Scalar;
          return { total: tf.mul(weights.adversary, crossEntropy) as tf.Scalar, crossEntropy, accuracy: adversaryAccuracy(logits, batch.y!, exclusive) };
        },
      },
    ];
  }

  /**
   * G(x, p) = D(z(x), w') with w'_k = p_k for each label switched on, the absent prior's mean
   * for each label switched off and — for exclusive labels, as §4.3 writes it — for every
   * other label too; non-exclusive labels that keep their value keep their encoded w_k.
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkBatch(batch);
    const points = options.points ?? reference.subspaces?.map((s) => s.mean);
    if (!points || points.length !== this.labelCount || points.some((p) => p.length !== this.config.wDim)) {
      throw new Error(`csvae: switchAttributes needs a point p_k of size ${this.config.wDim} for each of the ${this.labelCount} labels (options.points or a reference built from a CSVAE)`);
    }
    return tf.tidy(() => {
      const { z, w } = this.encodeParts(batch);
      const [n] = target.shape;
      const wDim = this.config.wDim;
      const source = (batch.y!.arraySync() as number[][]);
      const goal = target.arraySync() as number[][];
      const encoded = w.mu.arraySync() as number[][];
      const absent = this.config.priors.absent.mean;
      const rows = Array.from({ length: n }, (_, r) =>
        Array.from({ length: this.labelCount }, (_, k) => {
          const on = goal[r][k] > 0.5;
          const changed = on !== source[r][k] > 0.5;
          if (!changed && !this.config.exclusive) return encoded[r].slice(k * wDim, (k + 1) * wDim);
          if (!changed && this.config.exclusive && !on) return new Array<number>(wDim).fill(absent);
          return on ? points[k] : new Array<number>(wDim).fill(absent);
        }).flat(),
      );
      return this.decodeCode(tf.concat([z.mu, tf.tensor2d(rows, [n, this.labelCount * wDim])], 1) as tf.Tensor2D);
    });
  }
}
