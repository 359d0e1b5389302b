/**
 * A model package as a user would write one, outside the lab: it exports `models`, one
 * registry entry of a tiny linear model with a label subspace, and implements every image
 * capability. The lab's tests load it through DISENTANGLE_MODEL_PACKAGES and drive train,
 * sample, swap and eval on it without any change to the lab.
 *
 *   code = [z, w]: z = E x (free, zDim), w_k = 2 y_k (one coordinate per label, its "style")
 *   x̂ = σ(D [z, w] + b)                      loss = mean over the batch of Σ (x̂ − x)²
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  SeededRandom,
  type CodePart,
  type GenerativeModel,
  type ModelBatch,
  type ModelEntry,
  type ModelEnvironment,
  type SwitchOptions,
  type SwitchReference,
} from '@disentangle/kernels';

export interface ToyConfig {
  input: { kind: 'image'; size: number; channels: 1 | 3 };
  labels: string[];
  zDim: number;
  seed: number;
}

let instances = 0;

class ToySubspaceModel implements GenerativeModel {
  readonly name = 'toy-subspace';
  readonly update = 'single' as const;
  readonly variables: Record<string, tf.Variable>;
  private readonly pixels: number;

  constructor(readonly config: ToyConfig) {
    const { size, channels } = config.input;
    this.pixels = size * size * channels;
    const random = new SeededRandom(config.seed).fork('toy-init');
    const id = instances++;
    const k = config.labels.length;
    this.variables = {
      encoder: tf.variable(random.normal([this.pixels, config.zDim], 0, 0.01), true, `toy${id}/encoder`),
      decoder: tf.variable(random.normal([config.zDim + k, this.pixels], 0, 0.01), true, `toy${id}/decoder`),
      bias: tf.variable(tf.zeros([this.pixels]), true, `toy${id}/bias`),
    };
  }

  get codeWidth(): number {
    return this.config.zDim + this.config.labels.length;
  }

  codeParts(): CodePart[] {
    const { zDim, labels } = this.config;
    return [
      { name: 'z', start: 0, size: zDim, role: 'free' },
      ...labels.map((name, k) => ({ name: `w_${name}`, start: zDim + k, size: 1, label: k, role: 'label' as const, priorMeans: { on: [2], off: [0] } })),
    ];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  dispose(): void {
    tf.dispose(Object.values(this.variables));
  }

  phases() {
    return [
      {
        name: 'main',
        variables: Object.values(this.variables),
        losses: (batch: ModelBatch) => {
          const total = tf.mean(tf.sum(tf.squaredDifference(tf.reshape(this.reconstruct(batch), [-1, this.pixels]), tf.reshape(batch.x, [-1, this.pixels])), 1)) as tf.Scalar;
          return { total };
        },
      },
    ];
  }

  encode(batch: ModelBatch) {
    return tf.tidy(() => {
      const z = tf.matMul(tf.reshape(batch.x, [-1, this.pixels]), this.variables.encoder);
      const mu = tf.concat([z, tf.mul(2, batch.y!)], 1) as tf.Tensor2D;
      return { mu, logVar: tf.zerosLike(mu) as tf.Tensor2D };
    });
  }

  decodeCode(code: tf.Tensor2D): tf.Tensor {
    const { size, channels } = this.config.input;
    return tf.tidy(() => tf.reshape(tf.sigmoid(tf.add(tf.matMul(code, this.variables.decoder), this.variables.bias)), [-1, size, size, channels]));
  }

  reconstruct(batch: ModelBatch): tf.Tensor {
    return tf.tidy(() => this.decodeCode(this.encode(batch).mu));
  }

  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => this.decodeCode(tf.concat([random.normal([count, this.config.zDim]), tf.mul(2, y ?? tf.zeros([count, this.config.labels.length]))], 1) as tf.Tensor2D));
  }

  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    const k = this.config.labels.length;
    const n = labels.length / k;
    const mean = (label: number, on: boolean) => {
      const rows = Array.from({ length: n }, (_, r) => r).filter((r) => labels[r * k + label] > 0.5 === on);
      return Array.from({ length: this.codeWidth }, (_, c) => rows.reduce((s, r) => s + codes[r * this.codeWidth + c], 0) / Math.max(1, rows.length));
    };
    return {
      presentMean: this.config.labels.map((_, label) => mean(label, true)),
      absentMean: this.config.labels.map((_, label) => mean(label, false)),
      subspaces: this.config.labels.map(() => ({ mean: [2], axes: [[1]], scales: [1] })),
    };
  }

  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, _reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.slice(this.encode(batch).mu, [0, 0], [-1, this.config.zDim]);
      const w = options.points ? tf.mul(target, tf.tensor1d(options.points.map((p) => p[0]))) : tf.mul(2 * (options.intensity ?? 1), target);
      return this.decodeCode(tf.concat([z, w], 1) as tf.Tensor2D);
    });
  }

  styleGrid(_reference: SwitchReference, _label: number, steps: number, span = 2): number[][] {
    return Array.from({ length: steps * steps }, (_, i) => [2 + span * ((Math.floor(i / steps) / Math.max(1, steps - 1)) * 2 - 1)]);
  }

  transfer(sources: ModelBatch, targets: ModelBatch, label: number): tf.Tensor {
    return tf.tidy(() => {
      const s = this.encode(sources).mu;
      const t = this.encode(targets).mu;
      const [ns, nt] = [s.shape[0], t.shape[0]];
      const rows = tf.reshape(tf.tile(tf.expandDims(t, 1), [1, ns, 1]), [nt * ns, this.codeWidth]);
      const column = tf.reshape(tf.tile(tf.slice(s, [0, this.config.zDim + label], [-1, 1]), [nt, 1]), [nt * ns, 1]);
      const mask = tf.reshape(tf.cast(tf.oneHot([this.config.zDim + label], this.codeWidth), 'float32'), [1, this.codeWidth]);
      return this.decodeCode(tf.add(tf.mul(rows, tf.sub(1, mask)), tf.mul(column, mask)) as tf.Tensor2D);
    });
  }
}

const entry: ModelEntry<ToyConfig> = {
  name: 'toy-subspace',
  paper: { id: 'toy', number: '999', title: 'A test model outside the lab' },
  description: 'linear encoder to z, w_k = 2·y_k, linear decoder: a label subspace in its simplest form',
  needs: { inputs: ['image'], labels: 'required', labelKinds: ['multi-label', 'exclusive'] },
  capabilities: ['encode', 'decode', 'reconstruct', 'sample', 'switchAttributes', 'variety', 'transfer'],
  options: { zDim: 'size of the free code z (default 4)' },
  resolveConfig(overrides: Record<string, unknown>, environment: ModelEnvironment): ToyConfig {
    if (environment.input.kind !== 'image') throw new Error('toy-subspace: images only');
    const zDim = overrides.zDim ?? 4;
    if (!(Number.isInteger(zDim) && (zDim as number) > 0)) throw new Error(`toy-subspace config: zDim must be a positive integer, got ${String(zDim)}`);
    return { input: environment.input, labels: [...environment.labels], zDim: zDim as number, seed: environment.seed };
  },
  create: (config) => new ToySubspaceModel(config),
  optimization: { learningRate: 0.01, batchSize: 16, adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
};

export const models = [entry];
