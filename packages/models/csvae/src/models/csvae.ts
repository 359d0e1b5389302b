/**
 * CSVAE, the Conditional Subspace VAE of paper 004 (§4): a latent space Z × W with
 * W = W_1 × ... × W_K, one subspace per binary label, where the label's information lives.
 *
 *   q(z | x)      its own network (conv trunk → dense → Gaussian head): Z must carry no label information
 *   q(w | x, y)   a separate network on x and y, written as an offset from p(w | y) (priors.ts)
 *   p(w_i | y_i)  the fixed per-label priors of priors.ts
 *   p(x | w, z)   the decoder
 *   q_δ(y | z)    the adversary
 *
 * Phases, updated jointly ('coupled'):
 *   model:     M1 + M2 = β1 E[−log p(x|w,z)] + β2 KL(q(w|x,y) ‖ p(w|y)) + β3 KL(q(z|x) ‖ N(0,I))
 *                        + β4 E_q(z|x) Σ_y q_δ(y|z) log q_δ(y|z)
 *   adversary: N = β5 E_q(z|x) [−log q_δ(y|z)]
 * (formulas and their reconstruction: losses.ts). The paper writes q(z | x, y) in M1 and
 * q(z | x) in M2 and N; the z encoder here reads x only, as §4's graphical model and the
 * Figure 1(c) diagram have it. The two posteriors have separate networks, as Figure 1(c)
 * draws them: with one shared trunk the reconstruction gradient through z also shapes the
 * features w is read from. Batch norm's moving statistics are updated by the model phase
 * only (once per step); the adversary phase runs the z encoder on the batch's statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  stopGradient,
  type CodePart,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type SeededRandom,
  type TransfersAttributes,
  type VariesAttributes,
} from '@disentangle/kernels';
import type { CsvaeConfig } from '../config';
import { buildSwitchReference, priorStyleGrid, type SwitchOptions, type SwitchReference } from '../attribute-switch';
import { adversaryAccuracy, adversaryCrossEntropy, negativeConditionalEntropy } from '../losses';
import { EVALUATION, TRAINING, TRAINING_FIXED_STATISTICS, type ForwardMode, DenseNetwork, FeatureNetwork, GaussianHead, type GaussianCode } from '@disentangle/kernels';
import { subspacePosterior, subspacePrior, subspacePriorKl } from '../priors';
import { LatentSubspaceModel } from './latent-model';

export class Csvae extends LatentSubspaceModel implements VariesAttributes, TransfersAttributes {
  readonly update = 'coupled' as const;
  private readonly zEncoder: FeatureNetwork;
  private readonly zHead: GaussianHead;
  private readonly wEncoder: FeatureNetwork;
  private readonly wHead: GaussianHead;
  private readonly adversary: DenseNetwork;

  constructor(config: CsvaeConfig) {
    const k = config.labels.length;
    super(config, config.zDim + k * config.wDim);
    const { input, normalization } = config;
    this.zEncoder = new FeatureNetwork(this.store, 'encoder/z', { input, convStages: config.convStages, hidden: config.hidden, normalization, labelWidth: 0 });
    this.zHead = new GaussianHead(this.store, 'encoder/z/head', this.zEncoder.outputWidth, config.headHidden, config.zDim);
    this.wEncoder = new FeatureNetwork(this.store, 'encoder/w', { input, convStages: config.wConvStages, hidden: config.wHidden, normalization, labelWidth: k });
    // The offset f(x, y) from p(w | y) starts at zero: q(w | x, y) = p(w | y) at initialisation.
    this.wHead = new GaussianHead(this.store, 'encoder/w/head', this.wEncoder.outputWidth, config.headHidden, k * config.wDim, { zeroOutput: true });
    this.adversary = new DenseNetwork(this.store, 'adversary', [config.zDim, ...config.adversaryHidden, k]);
  }

  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.wDim;
  }

  /** Where w starts in the code [z, w]. */
  get subspaceOffset(): number {
    return this.config.zDim;
  }

  /** z (label-free) and w_1..w_K (label k's subspace), in code order. */
  override codeParts(): CodePart[] {
    const { zDim, wDim, priors } = this.config;
    return [
      { name: 'z', start: 0, size: zDim, role: 'free' },
      ...this.config.labels.map((_, k) => ({
        name: `w_${k + 1}`,
        start: zDim + k * wDim,
        size: wDim,
        label: k,
        role: 'label' as const,
        // p(w_k | y_k) is isotropic: its mean on every coordinate (priors.ts).
        priorMeans: { on: new Array<number>(wDim).fill(priors.present.mean), off: new Array<number>(wDim).fill(priors.absent.mean) },
      })),
    ];
  }

  override switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    return buildSwitchReference(codes, labels, this.codeWidth, this.labelCount, { offset: this.subspaceOffset, wDim: this.config.wDim });
  }

  private qz(x: tf.Tensor, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => this.zHead.apply(this.zEncoder.apply(x, undefined, mode)));
  }

  private qw(x: tf.Tensor, y: tf.Tensor2D, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => subspacePosterior(this.wHead.apply(this.wEncoder.apply(x, y, mode)), y, this.config));
  }

  /** q(z | x) and q(w | x, y) (evaluation mode unless told otherwise). */
  encodeParts(batch: ModelBatch, mode: ForwardMode = EVALUATION): { z: GaussianCode; w: GaussianCode } {
    this.checkBatch(batch);
    return tf.tidy(() => ({ z: this.qz(batch.x, mode), w: this.qw(batch.x, batch.y!, mode) }));
  }

  protected posterior(batch: ModelBatch, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => {
      const { z, w } = this.encodeParts(batch, mode);
      return { mu: tf.concat([z.mu, w.mu], 1) as tf.Tensor2D, logVar: tf.concat([z.logVar, w.logVar], 1) as tf.Tensor2D };
    });
  }

  /** The code [z, w]: its mean and log-variance. */
  encode(batch: ModelBatch): GaussianCode {
    this.checkBatch(batch);
    return this.posterior(batch, EVALUATION);
  }

  /** q(z | x) alone (needs no labels). */
  encodeZ(x: tf.Tensor): GaussianCode {
    this.checkBatch({ x }, { needLabels: false });
    return this.qz(x, EVALUATION);
  }

  /** The adversary's logits for q_δ(y | z). */
  adversaryLogits(z: tf.Tensor2D): tf.Tensor2D {
    return this.adversary.apply(z);
  }

  protected decodeRaw(code: tf.Tensor2D, _y: tf.Tensor2D | undefined, mode: ForwardMode): tf.Tensor {
    return this.decodeFrom(code, mode);
  }

  /** z ~ N(0, I), w ~ p(w | y) for the given labels. */
  samplePriorCode(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor2D {
    if (!y) throw new Error('csvae: sampling needs labels y (w is drawn from p(w | y))');
    if (y.shape[0] !== count || y.shape[1] !== this.labelCount) throw new Error(`csvae: labels have shape [${y.shape}], expected [${count}, ${this.labelCount}]`);
    return tf.tidy(() => {
      const prior = subspacePrior(y, this.config);
      const w = tf.add(prior.mu, tf.mul(tf.exp(tf.mul(prior.logVar, 0.5)), random.normal(prior.mu.shape)));
      return tf.concat([random.normal([count, this.config.zDim]), w], 1) as tf.Tensor2D;
    });
  }

  protected klPerExample(q: GaussianCode, batch: ModelBatch): tf.Tensor1D {
    return tf.tidy(() => {
      const { zDim } = this.config;
      const width = this.codeWidth;
      const zPart = { mu: tf.slice(q.mu, [0, 0], [-1, zDim]) as tf.Tensor2D, logVar: tf.slice(q.logVar, [0, 0], [-1, zDim]) as tf.Tensor2D };
      const wMu = tf.slice(q.mu, [0, zDim], [-1, width - zDim]) as tf.Tensor2D;
      const wLogVar = tf.slice(q.logVar, [0, zDim], [-1, width - zDim]) as tf.Tensor2D;
      return tf.add(this.standardNormalKl(zPart), subspacePriorKl(wMu, wLogVar, batch.y!, this.config)) as tf.Tensor1D;
    });
  }

  private modelTerms(batch: ModelBatch, random: SeededRandom, mode: ForwardMode): LossTerms {
    const { weights, exclusive } = this.config;
    const { z: qz, w: qw } = this.encodeParts(batch, mode);
    const z = this.sampleCode(qz, random);
    const w = this.sampleCode(qw, random);
    const reconstruction = this.reconstructionTerm(this.decodeFrom(tf.concat([z, w], 1) as tf.Tensor2D, mode), batch.x);
    const klW = tf.mean(subspacePriorKl(qw.mu, qw.logVar, batch.y!, this.config)) as tf.Scalar;
    const klZ = tf.mean(this.standardNormalKl(qz)) as tf.Scalar;
    const negEntropy = tf.mean(negativeConditionalEntropy(this.adversary.apply(z), exclusive)) as tf.Scalar;
    if (mode.updateStatistics) this.shareCode(batch.x, z);
    const total = tf.addN([
      tf.mul(weights.reconstruction, reconstruction),
      tf.mul(weights.klW, klW),
      tf.mul(weights.klZ, klZ),
      tf.mul(weights.entropy, negEntropy),
    ]) as tf.Scalar;
    return { total, reconstruction, klW, klZ, negEntropy };
  }

  phases(): ModelPhase[] {
    const { weights, exclusive } = this.config;
    return [
      { name: 'model', variables: this.trainableOutside('adversary'), losses: (batch, random) => this.modelTerms(batch, random, TRAINING) },
      {
        name: 'adversary',
        variables: this.store.scope('adversary'),
        losses: (batch, random) => {
          this.checkBatch(batch);
          // The model phase's z when it ran on this batch (coupled: same weights), else a fresh draw.
          const z = stopGradient(this.takeSharedCode(batch.x) ?? this.sampleCode(this.qz(batch.x, TRAINING_FIXED_STATISTICS), random));
          const logits = this.adversary.apply(z);
          const crossEntropy = tf.mean(adversaryCrossEntropy(logits, batch.y!, exclusive)) as tf.Scalar;
          return { total: tf.mul(weights.adversary, crossEntropy) as tf.Scalar, crossEntropy, accuracy: adversaryAccuracy(logits, batch.y!, exclusive) };
        },
      },
    ];
  }

  evaluationTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    this.checkBatch(batch);
    return this.modelTerms(batch, random, EVALUATION);
  }

  /** The w rows the switch and transfer decode: per row, per label, a point in W_k (or null: keep the encoded w_k). */
  private decodeWithSubspaces(z: tf.Tensor2D, rows: number[][]): tf.Tensor {
    return tf.tidy(() => this.decodeCode(tf.concat([z, tf.tensor2d(rows, [rows.length, this.labelCount * this.config.wDim])], 1) as tf.Tensor2D));
  }

  /**
   * G(x, p) = D(z(x), w') with w'_k = p_k for each label switched on, the absent prior's mean
   * for each label switched off and — for exclusive labels, as §4.3 writes it — for every
   * other label too; non-exclusive labels that keep their value keep their encoded w_k.
   * p_k defaults to the reference's mean of w_k over the on-examples.
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, reference: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkBatch(batch);
    const points = options.points ?? reference.subspaces?.map((s) => s.mean);
    if (!points || points.length !== this.labelCount || points.some((p) => p.length !== this.config.wDim)) {
      throw new Error(`csvae: switchAttributes needs a point p_k of size ${this.config.wDim} for each of the ${this.labelCount} labels (options.points or a reference built by switchReference)`);
    }
    if (target.rank !== 2 || target.shape[0] !== batch.x.shape[0] || target.shape[1] !== this.labelCount) {
      throw new Error(`csvae: target labels have shape [${target.shape}], expected [${batch.x.shape[0]}, ${this.labelCount}]`);
    }
    return tf.tidy(() => {
      const { z, w } = this.encodeParts(batch);
      const [n] = target.shape;
      const wDim = this.config.wDim;
      const source = batch.y!.arraySync() as number[][];
      const goal = target.arraySync() as number[][];
      const encoded = w.mu.arraySync() as number[][];
      const absent = this.config.priors.absent.mean;
      const rows = Array.from({ length: n }, (_, r) =>
        Array.from({ length: this.labelCount }, (_, k) => {
          const on = goal[r][k] > 0.5;
          const changed = on !== source[r][k] > 0.5;
          if (!changed && !this.config.exclusive) return encoded[r].slice(k * wDim, (k + 1) * wDim);
          if (!changed && this.config.exclusive && !on) return new Array<number>(wDim).fill(absent);
          return on ? points[k] : new Array<number>(wDim).fill(absent);
        }).flat(),
      );
      return this.decodeWithSubspaces(z.mu, rows);
    });
  }

  /**
   * 'variety': a steps × steps grid of styles p for label k spanning the *prior*
   * p(w_k | y_k = 1): centre its mean, ± span standard deviations along two axes (see
   * `priorStyleGrid`). Draw them with `switchAttributes(..., { points })`.
   */
  styleGrid(reference: SwitchReference, label: number, steps = 5, span = 2): number[][] {
    if (!Number.isInteger(label) || label < 0 || label >= this.labelCount) throw new Error(`csvae: styleGrid label must be an index in 0..${this.labelCount - 1}, got ${label}`);
    return priorStyleGrid(this.config.priors.present, this.config.wDim, reference.subspaces?.[label], steps, span);
  }

  /**
   * 'transfer': every target's z and w with w_k taken from a source, decoded. Other
   * subspaces keep the target's encoded w_l; with exclusive labels they are set to the
   * absent prior's mean, as §4.3's switch does. Output row t·n_sources + s is target t with
   * source s's style (row-major over targets, then sources).
   */
  transfer(sources: ModelBatch, targets: ModelBatch, label: number): tf.Tensor {
    if (!Number.isInteger(label) || label < 0 || label >= this.labelCount) throw new Error(`csvae: transfer label must be an index in 0..${this.labelCount - 1}, got ${label}`);
    this.checkBatch(sources);
    this.checkBatch(targets);
    return tf.tidy(() => {
      const wDim = this.config.wDim;
      const style = this.qw(sources.x, sources.y!, EVALUATION).mu.arraySync() as number[][];
      const { z, w } = this.encodeParts(targets);
      const content = w.mu.arraySync() as number[][];
      const absent = this.config.priors.absent.mean;
      const nSources = style.length;
      const rows: number[][] = [];
      const zIndex: number[] = [];
      content.forEach((targetW, t) => {
        for (let s = 0; s < nSources; s++) {
          const row = this.config.exclusive ? new Array<number>(targetW.length).fill(absent) : [...targetW];
          for (let c = 0; c < wDim; c++) row[label * wDim + c] = style[s][label * wDim + c];
          rows.push(row);
          zIndex.push(t);
        }
      });
      return this.decodeWithSubspaces(tf.gather(z.mu, tf.tensor1d(zIndex, 'int32')) as tf.Tensor2D, rows);
    });
  }
}
