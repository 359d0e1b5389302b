/**
 * Creates a model's variables with stable names and seeded Glorot-uniform starts. The
 * stable name ('encoder/trunk/dense0/kernel') is the checkpoint key; the engine-wide
 * variable name gets a per-store prefix because tfjs refuses two variables of one name.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '@disentangle/kernels';

let storeCount = 0;

export class ParameterStore {
  readonly variables: Record<string, tf.Variable> = {};
  private readonly prefix: string;

  constructor(private readonly random: SeededRandom, owner: string) {
    this.prefix = `${owner}#${storeCount++}`;
  }

  /** Glorot-uniform weights: U(−a, a) with a = √(6 / (fanIn + fanOut)). */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.add(name, this.random.uniform(shape, -limit, limit));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  private add(name: string, initial: tf.Tensor): tf.Variable {
    if (this.variables[name]) throw new Error(`ParameterStore: variable '${name}' was created twice`);
    const variable = tf.variable(initial, true, `${this.prefix}/${name}`);
    initial.dispose();
    this.variables[name] = variable;
    return variable;
  }

  /** The variables whose stable names start with `scope/`. */
  scope(scope: string): tf.Variable[] {
    return Object.entries(this.variables).filter(([name]) => name.startsWith(`${scope}/`)).map(([, v]) => v);
  }
}
