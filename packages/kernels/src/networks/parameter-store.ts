/**
 * Creates a model's variables with stable names and seeded Glorot-uniform starts. The
 * stable name ('encoder/z/conv/conv0/kernel') is the checkpoint key; the engine-wide
 * variable name gets a per-store prefix because tfjs refuses two variables of one name.
 *
 * Two kinds of variable live here: trainable weights (what the optimisers update) and
 * *statistics* (batch norm's moving mean and variance), which are saved and loaded with the
 * weights but belong to no optimiser: they are created with `trainable: false` and left out
 * of `trainable()` and `scope()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../random/seeded-random';

let storeCount = 0;

export class ParameterStore {
  /** Every variable by its stable name, weights and statistics alike (what a checkpoint holds). */
  readonly variables: Record<string, tf.Variable> = {};
  private readonly statistics = new Set<tf.Variable>();
  private readonly prefix: string;

  constructor(private readonly random: SeededRandom, owner: string) {
    this.prefix = `${owner}#${storeCount++}`;
  }

  /** Glorot-uniform weights: U(−a, a) with a = √(6 / (fanIn + fanOut)). */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.add(name, this.random.uniform(shape, -limit, limit), true);
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape), true);
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape), true);
  }

  /** Every entry `value` (a learned prior's starting mean, e.g. CCVAE's ±2). */
  filled(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, tf.fill(shape, value), true);
  }

  /** A non-trainable variable (a running statistic): saved with the model, updated by assignment only. */
  statistic(name: string, initial: tf.Tensor): tf.Variable {
    const variable = this.add(name, initial, false);
    this.statistics.add(variable);
    return variable;
  }

  private add(name: string, initial: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.variables[name]) throw new Error(`ParameterStore: variable '${name}' was created twice`);
    const variable = tf.variable(initial, trainable, `${this.prefix}/${name}`);
    initial.dispose();
    this.variables[name] = variable;
    return variable;
  }

  /** Whether `variable` is a statistic (no optimiser updates it). */
  isStatistic(variable: tf.Variable): boolean {
    return this.statistics.has(variable);
  }

  /** The trainable variables, in creation order (statistics left out). */
  trainable(): tf.Variable[] {
    return Object.values(this.variables).filter((v) => !this.statistics.has(v));
  }

  /** The trainable variables whose stable names start with `scope/`. */
  scope(scope: string): tf.Variable[] {
    return Object.entries(this.variables)
      .filter(([name, v]) => name.startsWith(`${scope}/`) && !this.statistics.has(v))
      .map(([, v]) => v);
  }

  /** The stable names of the statistics. */
  statisticNames(): string[] {
    return Object.entries(this.variables).filter(([, v]) => this.statistics.has(v)).map(([name]) => name);
  }
}
