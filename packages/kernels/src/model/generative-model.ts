/**
 * The contract every paper model implements (DESIGN convention 3, after pythae), so one
 * trainer and one CLI drive all five papers. Types only: no model code lives here.
 *
 * A model splits its training step into *phases*, one per optimiser:
 *   - 'single'      one phase (VAE, CondVAE, Glow);
 *   - 'alternating' phases run one after the other, each seeing the weights the previous
 *                   one just updated (GAN discriminator then generator);
 *   - 'coupled'     every phase's gradient is taken at the same weights, then all are
 *                   applied (CSVAE's M1+M2 over the encoders/decoder and N over the
 *                   adversary q_δ(y|z), "trained jointly").
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../random/seeded-random';

/** Loss terms of one phase: `total` is minimised over the phase's variables, the rest are logged. */
export type LossTerms = { total: tf.Scalar } & Record<string, tf.Scalar>;

/** One minibatch: inputs x (NHWC images or [batch, dim] vectors) and, for conditional models, labels y ∈ {0,1}^[batch, K]. */
export interface ModelBatch {
  x: tf.Tensor;
  y?: tf.Tensor2D;
  /** Semi-supervised batches: 1 where the row's labels y are known, 0 where they must be inferred ([batch]). */
  labelled?: tf.Tensor1D;
}

export type UpdateMode = 'single' | 'alternating' | 'coupled';

/** One optimiser's share of a training step. */
export interface ModelPhase {
  /** 'model', 'adversary', 'discriminator'...; names the optimiser in checkpoints and prefixes logged terms. */
  name: string;
  variables: tf.Variable[];
  /** Builds the phase's losses on `batch`; `random` supplies the reparameterisation noise. Called inside a gradient tape. */
  losses(batch: ModelBatch, random: SeededRandom): LossTerms;
  /**
   * Multi-stage training (CAGlow's stage 1 = the flow alone): the phase trains on steps
   * activeFrom ≤ step < activeUntil (defaults 0 and ∞); the trainer skips it elsewhere.
   */
  activeFrom?: number;
  activeUntil?: number;
}

export interface GenerativeModel {
  /** Registry name ('csvae', 'condvae-info', 'glow', ...). */
  readonly name: string;
  /** Every trainable variable by a stable name (the checkpoint's tensor names). */
  readonly variables: Record<string, tf.Variable>;
  readonly update: UpdateMode;
  /** The training phases, in the order an alternating update runs them. */
  phases(): ModelPhase[];
  /** JSON config that `create` in the model's registry rebuilds the same architecture from. */
  getConfig(): Record<string, unknown>;
  dispose(): void;
}
