/**
 * The partitioned-code VAE of paper 002 (slide 3, "A VAE with partitioned latent code") and
 * every loss the slides add to it, chosen by the config's model name:
 *
 *   E1: x → Q1(z1 | x) = N(μ1, σ1²)      everything but the attributes
 *   E2: x → Q2(z2 | x) = N(μ2, σ2²)      one scalar per attribute, prior p(z2 | y) = N(y, s²)
 *   G:  (z1, z2) → x                      a Gaussian mean (sigmoid), conv decoder
 *
 * Fusion (editing): x̂ = G(z1, z̃2) with z1 from x and z̃2 from an independent x̃ (or set by
 * hand: 0 = attribute off, 1 = on, anything else interpolates or extrapolates). The
 * information losses read z̃2 back from x̂ (L_s, L_f1) or compare features of x̂ and x̃
 * (L_f2); the conditional GAN's D(z2, x) tells (z̃2, x̃) from (z̃2, x̂). Formulas: losses.ts.
 *
 * Phases (one optimiser each, alternating): 'model' (E1, E2, G and the readout q),
 * 'discriminator' (GAN models), 'extractor' (L_f2 models: the attribute classifier whose features
 * are f). E1, E2 and G are batch-normalised: the losses run them on the batch's statistics
 * (only the model phase's reconstruction pass updates the moving ones); every capability
 * method runs them on the moving statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ConvDecoder,
  DenseNetwork,
  EVALUATION,
  FeatureNetwork,
  GaussianHead,
  ParameterStore,
  SeededRandom,
  TRAINING,
  TRAINING_FIXED_STATISTICS,
  meanCodesByLabel,
  stopGradient,
  sampleGaussian,
  type CodePart,
  type ForwardMode,
  type GaussianCode,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type SwitchOptions,
  type SwitchReference,
} from '@disentangle/kernels';
import { MODEL_LOSSES, type InfomiConfig, type InformationLoss } from '../config';
import {
  attributeExtractorLoss,
  codeReadoutLoss,
  conditionalDiscriminatorLoss,
  conditionalGeneratorLoss,
  featureReconstructionLoss,
  fusionPartners,
  klZ1Loss,
  klZ2Loss,
  reconstructionLoss,
} from '../losses';

/** A small conv net with a linear head: the readout q, the extractor f and D share this shape. */
class ConvHead {
  readonly trunk: FeatureNetwork;
  private readonly head: DenseNetwork;
  constructor(store: ParameterStore, scope: string, config: InfomiConfig, conditionWidth: number, outputs: number) {
    this.trunk = new FeatureNetwork(store, scope, { input: config.input, convStages: config.auxConvStages, hidden: [config.auxHidden], normalization: 'none', labelWidth: conditionWidth });
    this.head = new DenseNetwork(store, `${scope}/head`, [config.auxHidden, outputs]);
  }
  features(x: tf.Tensor, condition?: tf.Tensor2D): tf.Tensor2D {
    return this.trunk.apply(x, condition);
  }
  apply(x: tf.Tensor, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(this.features(x, condition)));
  }
}

/** Fraction of (row, attribute) pairs where logits ≥ 0 agree with targets ≥ ½ (a logged diagnostic). */
function agreement(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.greaterEqual(logits, 0), tf.greaterEqual(targets, 0.5)), 'float32')) as tf.Scalar);
}

export class PartitionedVae {
  readonly name: string;
  readonly update = 'alternating' as const;
  readonly config: InfomiConfig;
  readonly information: InformationLoss;
  readonly gan: boolean;
  private readonly store: ParameterStore;
  private readonly encoder1: FeatureNetwork;
  private readonly head1: GaussianHead;
  private readonly encoder2: FeatureNetwork;
  private readonly head2: GaussianHead;
  private readonly decoderDense: DenseNetwork;
  private readonly decoderConv: ConvDecoder;
  private readonly readout?: ConvHead;
  private readonly extractor?: ConvHead;
  private readonly discriminator?: ConvHead;

  constructor(config: InfomiConfig) {
    this.config = config;
    this.name = config.model;
    ({ information: this.information, gan: this.gan } = MODEL_LOSSES[config.model]);
    this.store = new ParameterStore(new SeededRandom(config.seed).fork('init'), config.model);
    const { input, convStages, hidden, normalization, z1Dim, auxConvStages, auxHidden } = config;
    const k = config.labels.length;
    this.encoder1 = new FeatureNetwork(this.store, 'encoder1', { input, convStages, hidden, normalization, labelWidth: 0 });
    this.head1 = new GaussianHead(this.store, 'encoder1/head', this.encoder1.outputWidth, 0, z1Dim);
    this.encoder2 = new FeatureNetwork(this.store, 'encoder2', { input, convStages: auxConvStages, hidden: [auxHidden], normalization, labelWidth: 0 });
    this.head2 = new GaussianHead(this.store, 'encoder2/head', this.encoder2.outputWidth, 0, k);
    const mirrored = [...hidden].reverse();
    this.decoderDense = new DenseNetwork(this.store, 'decoder/dense', [z1Dim + k, ...mirrored], { activateOutput: true, normalization });
    this.decoderConv = new ConvDecoder(this.store, 'decoder/conv', mirrored[mirrored.length - 1], { size: input.size, channels: input.channels, stages: convStages, normalization });
    if (this.information === 'ls' || this.information === 'lf1') {
      this.readout = new ConvHead(this.store, 'readout', config, this.information === 'lf1' ? z1Dim : 0, k);
    }
    if (this.information === 'lf2') this.extractor = new ConvHead(this.store, 'extractor', config, 0, k);
    if (this.gan) this.discriminator = new ConvHead(this.store, 'discriminator', config, k, 1);
  }

  /** Every variable by its stable name (weights and batch norm's moving statistics). */
  get variables(): Record<string, tf.Variable> {
    return this.store.variables;
  }

  get labelCount(): number {
    return this.config.labels.length;
  }

  get codeWidth(): number {
    return this.config.z1Dim + this.labelCount;
  }

  getConfig(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.config)) as Record<string, unknown>;
  }

  dispose(): void {
    for (const v of Object.values(this.store.variables)) v.dispose();
  }

  // ---- networks ---------------------------------------------------------------------------

  private posterior1(x: tf.Tensor, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => this.head1.apply(this.encoder1.apply(x, undefined, mode)));
  }

  private posterior2(x: tf.Tensor, mode: ForwardMode): GaussianCode {
    return tf.tidy(() => this.head2.apply(this.encoder2.apply(x, undefined, mode)));
  }

  /** G(z1, z2): image means in [0, 1]. */
  private generate(z1: tf.Tensor2D, z2: tf.Tensor2D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => tf.sigmoid(this.decoderConv.apply(this.decoderDense.apply(tf.concat([z1, z2], 1) as tf.Tensor2D, mode), mode)));
  }

  /** One fusion of the batch with its partners: z1 ~ Q1(·|x), z̃2 ~ Q2(·|x̃), x̂ = G(z1, z̃2). */
  private fuse(x: tf.Tensor, random: SeededRandom, mode: ForwardMode) {
    const partner = fusionPartners(x);
    const q1 = this.posterior1(x, mode);
    const q2 = this.posterior2(partner, mode);
    const z1 = sampleGaussian(q1.mu, q1.logVar, random) as tf.Tensor2D;
    const z2 = sampleGaussian(q2.mu, q2.logVar, random) as tf.Tensor2D;
    return { partner, z1, z2, fused: this.generate(z1, z2, mode) };
  }

  // ---- training -----------------------------------------------------------------------------

  /** Model first (its terms log under plain names), then D, then f. */
  phases(): ModelPhase[] {
    const scoped = (scope: string) => this.store.scope(scope);
    const auxiliary = new Set([...scoped('discriminator'), ...scoped('extractor')]);
    const phases: ModelPhase[] = [{ name: 'model', variables: this.store.trainable().filter((v) => !auxiliary.has(v)), losses: (batch, random) => this.modelTerms(batch, random) }];
    if (this.discriminator) phases.push({ name: 'discriminator', variables: scoped('discriminator'), losses: (batch, random) => this.discriminatorTerms(batch, random) });
    if (this.extractor) phases.push({ name: 'extractor', variables: scoped('extractor'), losses: (batch) => this.extractorTerms(batch) });
    return phases;
  }

  /** The model phase: −ELBO of the partitioned VAE plus the model's fusion losses. */
  modelTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    const { x, y } = this.checkBatch(batch);
    const w = this.config.weights;
    const q1 = this.posterior1(x, TRAINING);
    const q2 = this.posterior2(x, TRAINING);
    const z1 = sampleGaussian(q1.mu, q1.logVar, random) as tf.Tensor2D;
    const z2 = sampleGaussian(q2.mu, q2.logVar, random) as tf.Tensor2D;
    const reconstruction = reconstructionLoss(x, this.generate(z1, z2, TRAINING));
    const klZ1 = klZ1Loss(q1.mu, q1.logVar);
    const klZ2 = klZ2Loss(q2.mu, q2.logVar, y, this.config.priorStd);
    let total = tf.addN([tf.mul(w.reconstruction, reconstruction), tf.mul(w.klZ1, klZ1), tf.mul(w.klZ2, klZ2)]) as tf.Scalar;
    const terms: Record<string, tf.Scalar> = { reconstruction, klZ1, klZ2 };
    if (this.information !== 'none' || this.gan) {
      const fusion = this.fuse(x, random, TRAINING_FIXED_STATISTICS);
      if (this.readout) {
        // L_f1 conditions q on the z1 the image was fused from (as a given: no gradient into E1 through it).
        const condition = (z: tf.Tensor2D) => (this.information === 'lf1' ? (stopGradient(z) as tf.Tensor2D) : undefined);
        const logits = this.readout.apply(fusion.fused, condition(fusion.z1));
        terms.information = codeReadoutLoss(logits, fusion.z2);
        terms.readoutAgreement = agreement(logits, fusion.z2);
        // q also reads real pairs (x with its own z1, z2): a q fitted on fused images alone never learns,
        // because G starts out ignoring z̃2 (z1 reconstructs x by itself); this term trains q only.
        terms.readoutReal = codeReadoutLoss(this.readout.apply(x, condition(z1)), z2);
        total = tf.add(total, tf.mul(w.information, tf.add(terms.information, terms.readoutReal)));
      }
      if (this.extractor) {
        terms.featureMatching = featureReconstructionLoss(this.extractor.features(fusion.fused), this.extractor.features(fusion.partner));
        total = tf.add(total, tf.mul(w.featureMatching, terms.featureMatching));
      }
      if (this.discriminator) {
        terms.gan = conditionalGeneratorLoss(this.discriminator.apply(fusion.fused, stopGradient(fusion.z2) as tf.Tensor2D));
        total = tf.add(total, tf.mul(w.gan, terms.gan));
      }
    }
    return { total, ...terms };
  }

  /** D's phase: real pairs (z̃2, x̃) against fused pairs (z̃2, x̂); nothing but D is updated. */
  discriminatorTerms(batch: ModelBatch, random: SeededRandom): LossTerms {
    const { x } = this.checkBatch(batch);
    const d = this.discriminator!;
    const fusion = this.fuse(x, random, TRAINING_FIXED_STATISTICS);
    const code = stopGradient(fusion.z2) as tf.Tensor2D;
    const real = d.apply(fusion.partner, code);
    const fake = d.apply(stopGradient(fusion.fused), code);
    return { total: conditionalDiscriminatorLoss(real, fake), realScore: tf.mean(tf.sigmoid(real)) as tf.Scalar, fusedScore: tf.mean(tf.sigmoid(fake)) as tf.Scalar };
  }

  /** f's phase: the attribute classifier on real labelled images. */
  extractorTerms(batch: ModelBatch): LossTerms {
    const { x, y } = this.checkBatch(batch);
    const logits = this.extractor!.apply(x);
    return { total: attributeExtractorLoss(logits, y), accuracy: agreement(logits, y) };
  }

  // ---- capabilities -------------------------------------------------------------------------

  codeParts(): CodePart[] {
    const { z1Dim, labels } = this.config;
    return [
      { name: 'z1', start: 0, size: z1Dim, role: 'free' },
      ...labels.map((label, k) => ({ name: `z2:${label}`, start: z1Dim + k, size: 1, label: k, role: 'label' as const, priorMeans: { on: [1], off: [0] } })),
    ];
  }

  /** Q1 × Q2 as one code [z1, z2]. */
  encode(batch: ModelBatch): GaussianCode {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => {
      const q1 = this.posterior1(x, EVALUATION);
      const q2 = this.posterior2(x, EVALUATION);
      return { mu: tf.concat([q1.mu, q2.mu], 1) as tf.Tensor2D, logVar: tf.concat([q1.logVar, q2.logVar], 1) as tf.Tensor2D };
    });
  }

  decodeCode(code: tf.Tensor2D): tf.Tensor {
    if (code.rank !== 2 || code.shape[1] !== this.codeWidth) throw new Error(`${this.name}: a code has shape [${code.shape}], expected [n, ${this.codeWidth}] (z1: ${this.config.z1Dim}, z2: ${this.labelCount})`);
    return tf.tidy(() => this.generate(tf.slice(code, [0, 0], [-1, this.config.z1Dim]), tf.slice(code, [0, this.config.z1Dim], [-1, this.labelCount]), EVALUATION));
  }

  reconstruct(batch: ModelBatch): tf.Tensor {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => this.generate(this.posterior1(x, EVALUATION).mu, this.posterior2(x, EVALUATION).mu, EVALUATION));
  }

  /** (z̄1, z̄2) → x̄ (slide 3, "generate images from scratch"): z1 ~ N(0, I), z2 ~ p(z2 | y); without y, y ~ Bernoulli(½). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    if (y) this.checkCodes(y, count, 'labels y');
    return tf.tidy(() => {
      const labels = y ?? tf.cast(tf.less(random.uniform([count, this.labelCount], 0, 1), 0.5), 'float32');
      const z2 = tf.add(labels, tf.mul(random.normal([count, this.labelCount]), this.config.priorStd)) as tf.Tensor2D;
      return this.generate(random.normal([count, this.config.z1Dim]) as tf.Tensor2D, z2, EVALUATION);
    });
  }

  attributeCodes(batch: ModelBatch): tf.Tensor2D {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => this.posterior2(x, EVALUATION).mu);
  }

  /** Fusion with a given z̃2: G(μ1(x), codes). */
  withAttributeCodes(batch: ModelBatch, codes: tf.Tensor2D): tf.Tensor {
    const { x } = this.checkBatch(batch, { needLabels: false });
    this.checkCodes(codes, x.shape[0], 'z2');
    return tf.tidy(() => this.generate(this.posterior1(x, EVALUATION).mu, codes, EVALUATION));
  }

  /** Per-label mean codes (kept for the switch interface; the switch itself sets z2 directly). */
  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    return meanCodesByLabel(codes, labels, this.codeWidth, this.labelCount);
  }

  /** z2 set to the target labels (on = options.intensity, default 1; off = 0), z1 kept. */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D, _reference?: SwitchReference, options: SwitchOptions = {}): tf.Tensor {
    this.checkCodes(target, batch.x.shape[0], 'target labels');
    return tf.tidy(() => this.withAttributeCodes(batch, tf.mul(target, options.intensity ?? 1) as tf.Tensor2D));
  }

  /** Outputs [sources.n × targets.n]: each target with z2_label taken from each source (row-major over targets). */
  transfer(sources: ModelBatch, targets: ModelBatch, label: number): tf.Tensor {
    if (!Number.isInteger(label) || label < 0 || label >= this.labelCount) throw new Error(`${this.name}: label ${label} is out of range 0..${this.labelCount - 1} (${this.config.labels.join(', ')})`);
    return tf.tidy(() => {
      const s = sources.x.shape[0];
      const t = targets.x.shape[0];
      const sourceCodes = this.attributeCodes(sources);
      const targetCodes = this.attributeCodes(targets);
      const z1 = this.posterior1(this.checkBatch(targets, { needLabels: false }).x, EVALUATION).mu;
      const column = tf.reshape(tf.oneHot(tf.fill([1], label, 'int32') as tf.Tensor1D, this.labelCount), [1, this.labelCount]);
      const rows = tf.reshape(tf.tile(tf.expandDims(tf.range(0, t, 1, 'int32'), 1), [1, s]), [-1]) as tf.Tensor1D;
      const cols = tf.tile(tf.range(0, s, 1, 'int32'), [t]) as tf.Tensor1D;
      const kept = tf.gather(targetCodes, rows);
      const taken = tf.gather(sourceCodes, cols);
      const codes = tf.add(tf.mul(kept, tf.sub(1, column)), tf.mul(taken, column)) as tf.Tensor2D;
      return this.generate(tf.gather(z1, rows) as tf.Tensor2D, codes, EVALUATION);
    });
  }

  // ---- checks -------------------------------------------------------------------------------

  checkBatch(batch: ModelBatch, { needLabels = true }: { needLabels?: boolean } = {}): { x: tf.Tensor4D; y: tf.Tensor2D } {
    const { x, y } = batch ?? ({} as ModelBatch);
    const { size, channels } = this.config.input;
    if (!x) throw new Error(`${this.name}: batch.x is missing`);
    if (x.rank !== 4 || x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
      throw new Error(`${this.name}: batch.x has shape [${x.shape}], expected [batch, ${size}, ${size}, ${channels}]`);
    }
    if (needLabels) {
      if (!y) throw new Error(`${this.name}: batch.y (attributes ${this.config.labels.join(', ')}) is missing; training needs them (z2 is trained with its labels)`);
      if (y.rank !== 2 || y.shape[0] !== x.shape[0] || y.shape[1] !== this.labelCount) {
        throw new Error(`${this.name}: batch.y has shape [${y.shape}], expected [${x.shape[0]}, ${this.labelCount}] (attributes ${this.config.labels.join(', ')})`);
      }
    }
    return { x: x as tf.Tensor4D, y: y as tf.Tensor2D };
  }

  private checkCodes(codes: tf.Tensor, rows: number, what: string): void {
    if (codes.rank !== 2 || codes.shape[0] !== rows || codes.shape[1] !== this.labelCount) {
      throw new Error(`${this.name}: ${what} has shape [${codes.shape}], expected [${rows}, ${this.labelCount}] (one value per attribute: ${this.config.labels.join(', ')})`);
    }
  }
}
