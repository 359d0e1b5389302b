/**
 * Glow and CGlow as registry models (paper 003's baselines, §1 and Table 1):
 *   glow  — Glow N×K (Kingma & Dhariwal 2018), trained by maximum likelihood (eq. 9):
 *           L_F = −E[log p*(z) + log|det dF/dx|], reported as bits per dimension;
 *   cglow — the same flow with Glow's class-conditional top prior p(z_top | c) and its
 *           classifier on the top latent ("ycond"; §1: "a discriminative regularization … with a
 *           class dependent prior"): L = bits/dim + classifierWeight · CE(classifier(z_top), c).
 * Their codes are the flow's standardised latents ε, flattened (exact, not a posterior).
 * Attribute editing: Glow + pre-store (§4.2) adds stored mean latent differences; CGlow keeps
 * ε and decodes it under the new condition.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  meanCodesByLabel,
  gaussianLogLikelihood,
  SeededRandom,
  type AttributeChange,
  type CodePart,
  type GenerativeModel,
  type LatentCode,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type SwitchReference,
} from '@disentangle/kernels';
import { Glow, bitsPerDimension } from '@disentangle/flows';
import type { CaglowConfig } from '../config';
import { checkConditions, conditionCrossEntropy, labelLayout, type LabelLayout } from '../labels';
import { fromFlowSpace, toFlowSpace } from './flow-space';

/** log σ² reported for the flow's exact codes (a point mass, numerically). */
const EXACT_LOG_VARIANCE = -30;

export class FlowModel implements GenerativeModel {
  readonly name: string;
  readonly update = 'single' as const;
  readonly glow: Glow;
  readonly layout: LabelLayout;
  readonly conditional: boolean;

  constructor(readonly config: CaglowConfig, conditional = config.model === 'cglow') {
    this.name = config.model;
    this.conditional = conditional;
    this.layout = labelLayout(config);
    const { size, channels } = config.input;
    const random = new SeededRandom(config.seed).fork('flow-init');
    this.glow = new Glow(
      {
        imageShape: [size, size, channels],
        levels: config.flow.levels,
        stepsPerLevel: config.flow.stepsPerLevel,
        hiddenChannels: config.flow.hidden,
        nBits: config.flow.nBits,
        numClasses: conditional ? config.labels.length : 0,
        classifier: conditional,
        classifierWeight: config.classifierWeight,
        name: 'glow',
      },
      () => random.normalNumber(),
    );
  }

  get variables(): Record<string, tf.Variable> {
    return this.glow.variables();
  }

  get trainableVariables(): tf.Variable[] {
    return Object.values(this.variables).filter((v) => v.trainable);
  }

  get dimensions(): number {
    return this.glow.dimensions;
  }

  /** The condition the flow sees: y for CGlow (checked; its values too, outside training), nothing for Glow. */
  protected flowCondition(y: tf.Tensor | undefined, rows: number, where: string): tf.Tensor2D | undefined {
    return this.conditional ? checkConditions(this.layout, y, rows, `${this.name}.${where}`, { values: where !== 'losses' }) : undefined;
  }

  /** Eq. 9 (+ CGlow's classifier term) on a batch, x̃ dequantised with `random`. */
  flowLosses(batch: ModelBatch, random: SeededRandom): LossTerms {
    const n = batch.x.shape[0];
    const y = this.flowCondition(batch.y, n, 'losses');
    return tf.tidy(() => {
      const x = toFlowSpace(batch.x, this.config.flow.nBits, random);
      const { latents, top, logDet } = this.glow.encode(x, y);
      let logp: tf.Tensor = logDet;
      for (const eps of latents) logp = tf.add(logp, gaussianLogLikelihood(eps, tf.zerosLike(eps), tf.zerosLike(eps)));
      const bitsPerDim = tf.mean(bitsPerDimension(logp, this.dimensions, this.config.flow.nBits)) as tf.Scalar;
      if (!y) return { total: tf.clone(bitsPerDim), bitsPerDim } as LossTerms;
      const classification = conditionCrossEntropy(this.layout, this.glow.topPrior.classifierLogits(top), y);
      return { total: tf.add(bitsPerDim, tf.mul(classification, this.config.classifierWeight)) as tf.Scalar, bitsPerDim, classification } as LossTerms;
    });
  }

  phases(): ModelPhase[] {
    return [{ name: 'model', variables: this.trainableVariables, losses: (batch, random) => this.flowLosses(batch, random) }];
  }

  // --- capabilities -------------------------------------------------------------------

  get codeWidth(): number {
    return this.dimensions;
  }

  codeParts(): CodePart[] {
    return [{ name: 'z', start: 0, size: this.dimensions, role: 'free' }];
  }

  /** The flow's latents ε = F(x) of each image (bin centres), flattened; exact, so logVar is a point mass. */
  encode(batch: ModelBatch): LatentCode {
    const y = this.flowCondition(batch.y, batch.x.shape[0], 'encode');
    return tf.tidy(() => {
      const mu = this.glow.forward(toFlowSpace(batch.x, this.config.flow.nBits), y).y as tf.Tensor2D;
      return { mu, logVar: tf.fill(mu.shape, EXACT_LOG_VARIANCE) as tf.Tensor2D };
    });
  }

  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    if (code.rank !== 2 || code.shape[1] !== this.dimensions) throw new Error(`${this.name}.decodeCode: code has shape [${code.shape}], expected [n, ${this.dimensions}]`);
    const cond = this.flowCondition(y, code.shape[0], 'decodeCode');
    return tf.tidy(() => fromFlowSpace(this.glow.inverse(code, cond).x));
  }

  reconstruct(batch: ModelBatch): tf.Tensor {
    return tf.tidy(() => this.decodeCode(this.encode(batch).mu, batch.y));
  }

  /** ε ~ N(0, T²) decoded (CGlow: under the conditions y [count, K]). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    if (!Number.isInteger(count) || count <= 0) throw new Error(`${this.name}.sample: count must be a positive integer, got ${count}`);
    return tf.tidy(() => this.decodeCode(tf.mul(random.normal([count, this.dimensions]), this.config.temperature) as tf.Tensor2D, this.conditional ? y : undefined));
  }

  /** log p(x[|y]) in nats of the discrete data: E_u log p(x̃) − D·log 2^nBits, one dequantisation draw (a lower bound). */
  logLikelihood(batch: ModelBatch, random: SeededRandom): tf.Tensor1D {
    const y = this.flowCondition(batch.y, batch.x.shape[0], 'logLikelihood');
    return tf.tidy(() => tf.sub(this.glow.logProb(toFlowSpace(batch.x, this.config.flow.nBits, random), y), this.dimensions * this.config.flow.nBits * Math.LN2) as tf.Tensor1D);
  }

  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    return meanCodesByLabel(codes, labels, this.dimensions, this.layout.names.length);
  }

  /**
   * x with labels y shown with labels `target`. Glow (pre-store): z + Σ_k (t_k − y_k)(μ_k^on − μ_k^off).
   * CGlow: ε = F(x | y) decoded under `target`.
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference): tf.Tensor {
    const n = batch.x.shape[0];
    const y = checkConditions(this.layout, batch.y, n, `${this.name}.switchAttributes (the inputs' labels)`);
    checkConditions(this.layout, target, n, `${this.name}.switchAttributes (the target labels)`);
    return tf.tidy(() => {
      const code = this.encode(batch).mu;
      if (this.conditional) return this.decodeCode(code, target);
      return this.decodeCode(tf.add(code, tf.matMul(tf.sub(target, y), this.differences(reference))) as tf.Tensor2D);
    });
  }

  /** [K, D]: the stored feature of each label, μ_k^on − μ_k^off. */
  private differences(reference: SwitchReference | undefined): tf.Tensor2D {
    if (!reference) throw new Error(`${this.name}: Glow + pre-store needs the switch reference (mean codes per label)`);
    const rows = reference.presentMean.map((on, k) => on.map((v, d) => v - reference.absentMean[k][d]));
    if (rows.some((row) => row.some((v) => !Number.isFinite(v)))) throw new Error(`${this.name}: a label's stored feature is undefined (no reference example has it off)`);
    return tf.tensor2d(rows);
  }

  /** Cumulative edits (§4.2, Table 3): step s applies the first s changes to x's code. */
  manipulate(batch: ModelBatch, changes: AttributeChange[], _random: SeededRandom, reference?: SwitchReference): tf.Tensor[] {
    const n = batch.x.shape[0];
    const y0 = checkConditions(this.layout, batch.y, n, `${this.name}.manipulate`);
    const steps = conditionSteps(this.layout, y0, changes);
    const delta = this.conditional ? undefined : this.differences(reference);
    try {
      return tf.tidy(() => {
        const code = this.encode(batch).mu;
        return steps.map((y) => {
          if (this.conditional) return this.decodeCode(code, y);
          return this.decodeCode(tf.add(code, tf.matMul(tf.sub(y, y0), delta!)) as tf.Tensor2D);
        });
      });
    } finally {
      tf.dispose([...steps, ...(delta ? [delta] : [])]);
    }
  }

  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  dispose(): void {
    this.glow.dispose();
  }
}

/** y after 0, 1, …, m of the changes (each step keeps the earlier ones); errors name a bad change. */
export function conditionSteps(layout: LabelLayout, y0: tf.Tensor2D, changes: AttributeChange[]): tf.Tensor2D[] {
  const k = layout.names.length;
  for (const [i, change] of changes.entries()) {
    if (!Number.isInteger(change?.label) || change.label < 0 || change.label >= k) throw new Error(`manipulate: change ${i} names condition ${String(change?.label)}; this model has ${k} (${layout.names.join(', ')})`);
    if (change.value !== 0 && change.value !== 1) throw new Error(`manipulate: change ${i} sets '${layout.names[change.label]}' to ${String(change.value)}; conditions are 0 or 1`);
    if (change.label < layout.classColumns) throw new Error(`manipulate: change ${i} edits '${layout.names[change.label]}', a column of the one-hot class; manipulate attributes only`);
  }
  const values = y0.arraySync();
  const steps = [tf.clone(y0)];
  for (const change of changes) {
    for (const row of values) row[change.label] = change.value;
    steps.push(tf.tensor2d(values, [values.length, k]));
  }
  return steps;
}
