/**
 * One normalisation of the decoder, modulated by the codes that reach it (paper 000 §2.2.2, eq. 2):
 *
 *   ĥ = γ ⊙ (h − μ_h) / σ_h + β
 *
 *   AdaIN (a style code s [n, D]):   μ_h, σ_h over H, W per sample and channel (instance norm);
 *                                     γ = 1 + s W_γ, β = s W_β + b_β, one value per channel (Huang & Belongie 2017).
 *   SPADE (a spatial code m [n, H_m, W_m, C_m]):  μ_h, σ_h over N, H, W (batch norm; moving statistics
 *                                     at evaluation); a = ReLU(conv₃(resize(m))), γ = 1 + conv₃(a),
 *                                     β = conv₃(a), one value per channel and position (Park et al. 2019).
 *
 * With both (the proposed model, S3, S4), "h is processed by SPADE and AdaIN at the same time.
 * Then we concatenate the results and reduce the channel dimensions through 1×1 conv":
 * out = conv₁ₓ₁([branch₁(h) ‖ branch₂(h)]). With no code (cVAE-GAN, whose codes enter at the
 * decoder's input), it is plain batch norm. γ starts at 1 in both branches (Park et al.'s
 * code writes 1 + γ), so an untrained block is a plain normalisation.
 *
 * The same functions as @disentangle/normalization's `adain`, `spade` and `resizeSpatialCode`,
 * with weights from the model's ParameterStore instead of tfjs-layers layers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm, type ForwardMode, type ParameterStore } from '@disentangle/kernels';
import { adain, resizeSpatialCode } from '@disentangle/normalization';
import { applyConvolution, convolution, type Convolution } from './convolution';

export type ModulationBranch = { kind: 'adain'; width: number } | { kind: 'spade'; channels: number };

/** The codes a decoder layer reads, one per branch, in the branches' order. */
export type BranchCodes = (tf.Tensor2D | tf.Tensor4D)[];

interface AdainWeights {
  kind: 'adain';
  gamma: tf.Variable;
  beta: tf.Variable;
  betaBias: tf.Variable;
}

interface SpadeWeights {
  kind: 'spade';
  norm: BatchNorm;
  shared: Convolution;
  gamma: Convolution;
  beta: Convolution;
}

export class ModulatedNormalization {
  private readonly branches: (AdainWeights | SpadeWeights)[];
  private readonly plain?: BatchNorm;
  private readonly reduce?: Convolution;

  constructor(store: ParameterStore, scope: string, readonly channels: number, branches: readonly ModulationBranch[], spadeHidden: number) {
    this.branches = branches.map((branch, i) => {
      const at = `${scope}/${branch.kind}${i}`;
      if (branch.kind === 'adain') {
        return {
          kind: 'adain',
          gamma: store.glorot(`${at}/gamma`, [branch.width, channels], branch.width, channels),
          beta: store.glorot(`${at}/beta`, [branch.width, channels], branch.width, channels),
          betaBias: store.zeros(`${at}/betaBias`, [channels]),
        };
      }
      return {
        kind: 'spade',
        norm: new BatchNorm(store, `${at}/norm`, channels),
        shared: convolution(store, `${at}/shared`, 3, branch.channels, spadeHidden),
        gamma: convolution(store, `${at}/gamma`, 3, spadeHidden, channels),
        beta: convolution(store, `${at}/beta`, 3, spadeHidden, channels),
      };
    });
    if (branches.length === 0) this.plain = new BatchNorm(store, `${scope}/norm`, channels);
    if (branches.length > 1) this.reduce = convolution(store, `${scope}/reduce`, 1, branches.length * channels, channels);
  }

  apply(h: tf.Tensor4D, codes: BranchCodes, mode: ForwardMode): tf.Tensor4D {
    if (codes.length !== this.branches.length) throw new Error(`ModulatedNormalization: got ${codes.length} codes for ${this.branches.length} branches`);
    return tf.tidy(() => {
      if (this.plain) return this.plain.apply(h, mode);
      const outs = this.branches.map((branch, i) => (branch.kind === 'adain' ? this.adainBranch(h, branch, codes[i] as tf.Tensor2D) : this.spadeBranch(h, branch, codes[i] as tf.Tensor4D, mode)));
      return this.reduce ? applyConvolution(tf.concat(outs, 3) as tf.Tensor4D, this.reduce) : outs[0];
    });
  }

  private adainBranch(h: tf.Tensor4D, w: AdainWeights, style: tf.Tensor2D): tf.Tensor4D {
    if (style.rank !== 2) throw new Error(`ModulatedNormalization: AdaIN needs a style code [n, width], got shape [${style.shape}]`);
    return adain(h, tf.add(1, tf.matMul(style, w.gamma as tf.Tensor2D)), tf.add(tf.matMul(style, w.beta as tf.Tensor2D), w.betaBias));
  }

  private spadeBranch(h: tf.Tensor4D, w: SpadeWeights, map: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (map.rank !== 4) throw new Error(`ModulatedNormalization: SPADE needs a spatial code [n, H, W, C], got shape [${map.shape}]`);
    const normalized = w.norm.apply(h, mode);
    const a = tf.relu(applyConvolution(resizeSpatialCode(map, h.shape[1], h.shape[2]), w.shared));
    return tf.add(tf.mul(normalized, tf.add(1, applyConvolution(a, w.gamma))), applyConvolution(a, w.beta)) as tf.Tensor4D;
  }
}
