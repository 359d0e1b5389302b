/**
 * The CondVAE-info baseline of paper 004 (§3.3; Creswell et al. 2017's information
 * factorisation): a CondVAE whose encoder ignores y, q(z | x), plus an adversary r_ψ(z)
 * that predicts y from z while the encoder is trained to defeat it (paper eq. 3, lost in
 * the text; rebuilt from "r_ψ is trained to predict y from z while q_φ(z|x) is trained to
 * minimise the accuracy of r_ψ", with L the cross-entropy):
 *
 *   encoder/decoder:  β1 E_q[−log p(x | z, y)] + β3 KL(q(z | x) ‖ N(0, I)) − λ L(r_ψ(z), y)
 *   adversary:        L(r_ψ(z), y)
 *
 * λ = `weights.info` (default 1). The two parts are updated jointly ('coupled').
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient, type ModelPhase } from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import { adversaryAccuracy, adversaryCrossEntropy } from '../losses';
import { DenseNetwork } from '../networks/dense-network';
import { CondVae } from './cond-vae';

export class CondVaeInfo extends CondVae {
  override readonly update = 'coupled' as const;
  private readonly adversary: DenseNetwork;

  constructor(config: CsvaeConfig) {
    super(config, { encoderSeesLabels: false });
    this.adversary = new DenseNetwork(this.store, 'adversary', [this.codeWidth, config.headHidden, config.headHidden, config.labels.length]);
  }

  override phases(): ModelPhase[] {
    const { weights, exclusive } = this.config;
    const adversaryVariables = this.store.scope('adversary');
    const modelVariables = Object.values(this.variables).filter((v) => !adversaryVariables.includes(v));
    return [
      {
        name: 'model',
        variables: modelVariables,
        losses: (batch, random) => {
          const { z, reconstruction, klZ, weighted } = this.elboTerms(batch, random);
          const adversaryLoss = tf.mean(adversaryCrossEntropy(this.adversary.apply(z), batch.y!, exclusive)) as tf.Scalar;
          return { total: tf.sub(weighted, tf.mul(weights.info, adversaryLoss)) as tf.Scalar, reconstruction, klZ, adversaryLoss };
        },
      },
      {
        name: 'adversary',
        variables: adversaryVariables,
        losses: (batch, random) => {
          this.checkBatch(batch);
          const z = stopGradient(this.sampleCode(this.encode(batch), random));
          const logits = this.adversary.apply(z);
          return { total: tf.mean(adversaryCrossEntropy(logits, batch.y!, exclusive)) as tf.Scalar, accuracy: adversaryAccuracy(logits, batch.y!, exclusive) };
        },
      },
    ];
  }
}
