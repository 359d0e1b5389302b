/**
 * The one flow contract (DESIGN.md convention 2, as in distrax / nflows).
 *
 * Direction: **forward maps data to latent**, x → y = f(x), and reports
 * logDet = log |det ∂f(x)/∂x| per example (shape [batch]). `inverse` maps latent to data,
 * y → x = f⁻¹(y), and reports log |det ∂f⁻¹(y)/∂y| = −logDet(forward). A density model is then
 *   log p(x) = log p_Y(f(x)) + logDet_forward(x).
 *
 * `cond` is an optional conditioning tensor (a coupling network's extra input, a one-hot
 * label for a class-conditional prior); bijectors that take none ignore it.
 *
 * Trainable state lives in tf.Variables reported by `variables()` under stable keys
 * (`<layer name>/<weight>`), ready for `saveWeights` and the lab trainer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layerFromConfig, layerToConfig, registerLayerClass, type SerializedLayer } from './serialization';
import { mergeVariables } from './variables';

export interface ForwardResult {
  /** f(x), the latent side. */
  y: tf.Tensor;
  /** log |det ∂y/∂x| per example: shape [batch]. */
  logDet: tf.Tensor1D;
}

export interface InverseResult {
  /** f⁻¹(y), the data side. */
  x: tf.Tensor;
  /** log |det ∂x/∂y| per example: shape [batch]; equals −logDet of the forward pass. */
  logDet: tf.Tensor1D;
}

export interface Bijector {
  /** The layer's name: the prefix of its variable keys. */
  readonly name: string;
  forward(x: tf.Tensor, cond?: tf.Tensor): ForwardResult;
  inverse(y: tf.Tensor, cond?: tf.Tensor): InverseResult;
  /** Every variable (trainable or not) under a stable, unique key. */
  variables(): Record<string, tf.Variable>;
  /** Disposes the variables. */
  dispose(): void;
}

/** A zero log-determinant of shape [batch]. */
export function zeroLogDet(batch: number): tf.Tensor1D {
  return tf.zeros([batch]);
}

/**
 * A Chain's config: its name and each member as `{ className, config }`. `layers` is always
 * present in a plain Chain's config; it is optional in the type only because subclasses with
 * a fixed structure (GlowStep) describe themselves by their own fields instead.
 */
export interface ChainConfig {
  name: string;
  layers?: SerializedLayer[];
}

/**
 * Composition of bijectors: forward runs them in order, f = f_n ∘ … ∘ f_1, and sums their
 * log-determinants; inverse runs the inverses in reverse order. Every member receives the
 * same `cond`.
 */
export class Chain implements Bijector {
  static readonly className: string = 'Chain';
  readonly name: string;
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: Bijector[], name = 'chain') {
    if (bijectors.length === 0) throw new Error('Chain: needs at least one bijector');
    this.bijectors = bijectors;
    this.name = name;
    this.variables(); // fails early on a repeated variable key
  }

  forward(x: tf.Tensor, cond?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      let y = x;
      let logDet: tf.Tensor1D = zeroLogDet(x.shape[0]);
      for (const b of this.bijectors) {
        const out = b.forward(y, cond);
        y = out.y;
        logDet = tf.add(logDet, out.logDet);
      }
      return { y, logDet };
    });
  }

  inverse(y: tf.Tensor, cond?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      let x = y;
      let logDet: tf.Tensor1D = zeroLogDet(y.shape[0]);
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const out = this.bijectors[i].inverse(x, cond);
        x = out.x;
        logDet = tf.add(logDet, out.logDet);
      }
      return { x, logDet };
    });
  }

  variables(): Record<string, tf.Variable> {
    return mergeVariables(`Chain ${this.name}`, this.bijectors.map((b) => b.variables()));
  }

  /** Every member through `layerToConfig` (each needs a static className and getConfig). */
  getConfig(): ChainConfig {
    return { name: this.name, layers: this.bijectors.map(layerToConfig) };
  }

  /** A Chain of members rebuilt by `layerFromConfig` (their modules must be loaded, as `@disentangle/flows` does). */
  static fromConfig(config: ChainConfig): Chain {
    if (!Array.isArray(config.layers)) throw new Error(`Chain.fromConfig: config.layers must be an array of { className, config }, got ${JSON.stringify(config.layers)}`);
    return new Chain(config.layers.map(layerFromConfig), config.name);
  }

  dispose(): void {
    for (const b of this.bijectors) b.dispose();
  }
}

registerLayerClass(Chain);
