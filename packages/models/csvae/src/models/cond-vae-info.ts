/**
 * The CondVAE-info baseline of paper 004 (§3.3; Creswell et al. 2017's information
 * factorisation): a CondVAE whose encoder ignores y, q(z | x), plus an adversary r_ψ(z)
 * that predicts y from z while the encoder is trained to defeat it (paper eq. 3, lost in
 * the text; rebuilt from "r_ψ is trained to predict y from z while q_φ(z|x) is trained to
 * minimise the accuracy of r_ψ", with L the cross-entropy):
 *
 *   encoder/decoder:  β1 E_q(z|x)[−log p(x | z, y)] + β3 KL(q(z | x) ‖ N(0, I)) − λ L(r_ψ(z), y)
 *   adversary:        L(r_ψ(z), y)
 *
 * λ = `weights.info`. The two parts are updated jointly ('coupled'): both gradients are
 * taken at the same weights. Batch norm's moving statistics are updated by the model phase
 * only; the adversary phase runs the encoder on the batch's statistics without updating them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient, type LossTerms, type ModelBatch, type ModelPhase, type SeededRandom, TRAINING, TRAINING_FIXED_STATISTICS, type ForwardMode, DenseNetwork } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import { adversaryAccuracy, adversaryCrossEntropy } from '../losses';
import { CondVae } from './cond-vae';

export class CondVaeInfo extends CondVae {
  override readonly update = 'coupled' as const;
  private readonly adversary: DenseNetwork;

  constructor(config: CsvaeConfig) {
    super(config, { encoderSeesLabels: false });
    this.adversary = new DenseNetwork(this.store, 'adversary', [this.codeWidth, ...config.adversaryHidden, config.labels.length]);
  }

  /** r_ψ(z)'s logits. */
  adversaryLogits(z: tf.Tensor2D): tf.Tensor2D {
    return this.adversary.apply(z);
  }

  protected override modelTerms(batch: ModelBatch, random: SeededRandom, mode: ForwardMode): LossTerms {
    const { weights, exclusive } = this.config;
    const { z, reconstruction, klZ, weighted } = this.elboTerms(batch, random, mode);
    const adversaryLoss = tf.mean(adversaryCrossEntropy(this.adversary.apply(z), batch.y!, exclusive)) as tf.Scalar;
    if (mode.updateStatistics) this.shareCode(batch.x, z);
    return { total: tf.sub(weighted, tf.mul(weights.info, adversaryLoss)) as tf.Scalar, reconstruction, klZ, adversaryLoss };
  }

  override phases(): ModelPhase[] {
    const { exclusive } = this.config;
    return [
      { name: 'model', variables: this.trainableOutside('adversary'), losses: (batch, random) => this.modelTerms(batch, random, TRAINING) },
      {
        name: 'adversary',
        variables: this.store.scope('adversary'),
        losses: (batch, random) => {
          this.checkBatch(batch);
          // The model phase's z when it ran on this batch (coupled: same weights), else a fresh draw.
          const z = stopGradient(this.takeSharedCode(batch.x) ?? this.sampleCode(this.posterior(batch, TRAINING_FIXED_STATISTICS), random));
          const logits = this.adversary.apply(z);
          return { total: tf.mean(adversaryCrossEntropy(logits, batch.y!, exclusive)) as tf.Scalar, accuracy: adversaryAccuracy(logits, batch.y!, exclusive) };
        },
      },
    ];
  }
}
