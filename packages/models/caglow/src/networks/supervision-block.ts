/**
 * CAGlow's supervision block (paper 003 §3.2, Fig. 2): a "three-in-one" network on latents z
 * whose trunk is shared and whose heads are its own:
 *   D_i(z) — real (F(x)) or generated (E(c̃, ε)): one logit;
 *   C(z)   — the supervised conditions c_s: a logit per condition column;
 *   D_e(z) — the unsupervised codes c_u: a value (continuous) or a logit (discrete) per code.
 * `features(z)` is the trunk's last layer, f(z) of eq. 14's feature matching. §4.1 (MNIST):
 * the three "only share the first layer", so the heads here are linear on the trunk.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '@disentangle/kernels';
import { Mlp } from './mlp';

export interface SupervisionOutputs {
  features: tf.Tensor2D;
  discriminator: tf.Tensor2D;
  classifier: tf.Tensor2D;
  decoder?: tf.Tensor2D;
}

export class SupervisionBlock {
  readonly trunk: Mlp;
  readonly discriminator: Mlp;
  readonly classifier: Mlp;
  readonly decoder?: Mlp;

  constructor(name: string, latentDim: number, trunkHidden: number[], conditions: number, codes: number, random: SeededRandom) {
    this.trunk = new Mlp(`${name}/trunk`, [latentDim, ...trunkHidden], 'leaky-relu', random, true);
    const width = this.trunk.outputWidth;
    this.discriminator = new Mlp(`${name}/discriminator`, [width, 1], 'leaky-relu', random);
    this.classifier = new Mlp(`${name}/classifier`, [width, conditions], 'leaky-relu', random);
    if (codes > 0) this.decoder = new Mlp(`${name}/decoder`, [width, codes], 'leaky-relu', random);
  }

  get variables(): Record<string, tf.Variable> {
    return { ...this.trunk.variables, ...this.discriminator.variables, ...this.classifier.variables, ...(this.decoder?.variables ?? {}) };
  }

  apply(z: tf.Tensor2D): SupervisionOutputs {
    return tf.tidy(() => {
      const features = this.trunk.apply(z);
      return {
        features,
        discriminator: this.discriminator.apply(features),
        classifier: this.classifier.apply(features),
        ...(this.decoder ? { decoder: this.decoder.apply(features) } : {}),
      };
    });
  }

  dispose(): void {
    for (const net of [this.trunk, this.discriminator, this.classifier, this.decoder]) net?.dispose();
  }
}
