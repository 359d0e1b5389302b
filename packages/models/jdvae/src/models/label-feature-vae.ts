/**
 * Every model of paper 001 (Zou et al. 2022), one class, chosen by the config's structure:
 *
 *   joint (PA1, PA2)  q(y|x) q(z|x,y) q(u|x,y) (eq. 3); d(y, z, u); PA1 multiplies u by y
 *   m2    (M2)        q(y|x) q(z|x,y); d(y, z)
 *   ccvae (CCVAE, CCVAE2)  q(z, u|x), q(y|u), learned p(u|y); d(z, u)
 *
 * Networks: a conv encoder trunk (batch-normalised for 'fig1', plain for 'ccvae') and either
 * the Fig. 1 decoder (TokenDecoder: AdaIN residual blocks fed by z, learned class tokens) or
 * CCVAE's plain deconv decoder. Each label k is binary; y is handled as [batch, K, 2].
 *
 * Training (one phase, one optimiser): labelled rows (batch.labelled = 1, or every row when
 * there is no mask) use their y; the others a Gumbel-softmax sample of q(y | x) (q(y | u)
 * for CCVAE). Criteria and their sources: losses.ts. Capabilities infer y when they need it
 * ("if y is not known, y is set to the most likely label") and use posterior means for z, u.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ConvDecoder,
  DenseNetwork,
  EVALUATION,
  FeatureNetwork,
  GaussianHead,
  hostValues,
  ParameterStore,
  SeededRandom,
  TRAINING,
  gumbelSoftmax,
  logSoftmax,
  meanCodesByLabel,
  sampleGaussian,
  stopGradient,
  type CodePart,
  type ForwardMode,
  type GaussianCode,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type SwitchReference,
} from '@disentangle/kernels';
import type { JdvaeConfig } from '../config';
import {
  ccvaeSupervisedLoss,
  conditionalPrior,
  conditionalPriorKl,
  featureKl,
  labelLogProbabilities,
  labelNll,
  labelPriorNll,
  latentKl,
  monteCarloLabelLogLikelihood,
  reconstructionTerm,
  relaxedLabelTerm,
} from '../losses';
import { TokenDecoder } from '../networks/token-decoder';

/** [batch, K] of 0/1 → [batch, K, 2] one-hot (index 1 = on). */
function oneHotLabels(on: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.stack([tf.sub(1, on), on], 2) as tf.Tensor3D);
}

/** The "on" column of [batch, K, 2] labels. */
function onColumn(y: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => tf.squeeze(tf.slice(y, [0, 0, 1], [-1, -1, 1]), [2]) as tf.Tensor2D);
}

/** The most likely label of each [batch, K, 2] distribution, one-hot. */
function mostLikely(logits: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => oneHotLabels(tf.cast(tf.greater(tf.squeeze(tf.slice(logits, [0, 0, 1], [-1, -1, 1]), [2]), tf.squeeze(tf.slice(logits, [0, 0, 0], [-1, -1, 1]), [2])), 'float32') as tf.Tensor2D));
}

/** Row-wise `from` where `mask` [batch] is 1, else `otherwise` (both the same shape). */
function byRow<T extends tf.Tensor>(mask: tf.Tensor1D, from: T, otherwise: T): T {
  return tf.tidy(() => {
    const m = tf.reshape(mask, [mask.shape[0], ...new Array(from.rank - 1).fill(1)]);
    return tf.add(tf.mul(m, from), tf.mul(tf.sub(1, m), otherwise)) as T;
  });
}

/** A posterior's parts: z's Gaussian and u's ([batch, K, uDim]; absent for M2). */
type Posterior = {
  z: GaussianCode;
  u?: { mu: tf.Tensor3D; logVar: tf.Tensor3D };
};

export class LabelFeatureVae {
  readonly name: string;
  readonly update = 'single' as const;
  readonly config: JdvaeConfig;
  private readonly store: ParameterStore;
  private readonly trunk: FeatureNetwork;
  private readonly labelHead?: DenseNetwork;
  private readonly zHead: GaussianHead;
  private readonly uHeads: GaussianHead[] = [];
  private readonly classifier?: { weight: tf.Variable; bias: tf.Variable };
  private readonly prior?: { locOn: tf.Variable; locOff: tf.Variable; scaleOn: tf.Variable; scaleOff: tf.Variable };
  private readonly tokenDecoder?: TokenDecoder;
  private readonly convDecoder?: ConvDecoder;

  constructor(config: JdvaeConfig) {
    this.config = config;
    this.name = config.model;
    const { input, encoderStages, hidden, zDim, uDim, structure, architecture } = config;
    const k = config.labels.length;
    this.store = new ParameterStore(new SeededRandom(config.seed).fork('init'), config.model);
    const store = this.store;
    this.trunk = new FeatureNetwork(store, 'encoder', { input, convStages: encoderStages, hidden: [hidden], normalization: architecture === 'fig1' ? 'batch' : 'none', labelWidth: 0 });
    if (structure === 'ccvae') {
      this.zHead = new GaussianHead(store, 'encoder/latent', hidden, 0, zDim + k * uDim);
      // The authors' Diagonal classifier (weight 1, bias 0), generalised to u_k of any width: ℓ_k = Σ_j w_kj u_kj + b_k.
      this.classifier = { weight: store.ones('classifier/weight', [k, uDim]), bias: store.zeros('classifier/bias', [k]) };
      this.prior = {
        locOn: store.filled('prior/locOn', [k, uDim], 2),
        locOff: store.filled('prior/locOff', [k, uDim], -2),
        scaleOn: store.ones('prior/scaleOn', [k, uDim]),
        scaleOff: store.ones('prior/scaleOff', [k, uDim]),
      };
    } else {
      this.labelHead = new DenseNetwork(store, 'encoder/label', [hidden, 2 * k]);
      this.zHead = new GaussianHead(store, 'encoder/z', hidden + 2 * k, 0, zDim);
      if (structure === 'joint') for (let j = 0; j < k; j++) this.uHeads.push(new GaussianHead(store, `encoder/u${j}`, hidden + 2, 0, uDim));
    }
    const codeWidth = zDim + k * uDim + (structure !== 'ccvae' && !config.tokens ? k : 0);
    if (architecture === 'fig1') {
      this.tokenDecoder = new TokenDecoder(store, 'decoder', {
        size: input.size,
        channels: input.channels,
        codeWidth,
        labels: k,
        tokens: config.tokens,
        styleWidth: config.adain ? zDim + (config.featureStyle === true ? k * uDim : 0) : 0,
        stages: config.decoderChannels,
      });
    } else {
      this.convDecoder = new ConvDecoder(store, 'decoder', codeWidth, { size: input.size, channels: input.channels, stages: encoderStages, normalization: 'none' });
    }
  }

  get variables(): Record<string, tf.Variable> {
    return this.store.variables;
  }

  get labelCount(): number {
    return this.config.labels.length;
  }

  /** Width of `encode`'s code: [z, u_1, …, u_K]. */
  get codeWidth(): number {
    return this.config.zDim + this.labelCount * this.config.uDim;
  }

  getConfig(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.config)) as Record<string, unknown>;
  }

  dispose(): void {
    for (const v of Object.values(this.store.variables)) v.dispose();
  }

  // ---- networks ---------------------------------------------------------------------------

  /** q(y | x) logits [batch, K, 2] from the trunk's features (joint, M2). */
  private labelLogits(h: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => tf.reshape(this.labelHead!.apply(h), [h.shape[0], this.labelCount, 2]) as tf.Tensor3D);
  }

  /** CCVAE's q(y | u) logits [..., K, 2] = [0, ℓ_k] for u [..., K, uDim]. */
  private classifierLogits(u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const logit = tf.add(tf.sum(tf.mul(u, this.classifier!.weight), -1), this.classifier!.bias);
      return tf.stack([tf.zerosLike(logit), logit], -1);
    });
  }

  /** q(z | x, y) and q(u | x, y) (joint, M2) or q(z, u | x) (CCVAE), from trunk features h. */
  private posterior(h: tf.Tensor2D, y?: tf.Tensor3D): Posterior {
    return tf.tidy(() => {
      const { zDim, uDim } = this.config;
      const n = h.shape[0];
      const k = this.labelCount;
      if (this.config.structure === 'ccvae') {
        const q = this.zHead.apply(h);
        const part = (t: tf.Tensor2D, start: number, size: number) => tf.slice(t, [0, start], [-1, size]);
        return {
          z: { mu: part(q.mu, 0, zDim) as tf.Tensor2D, logVar: part(q.logVar, 0, zDim) as tf.Tensor2D },
          u: { mu: tf.reshape(part(q.mu, zDim, k * uDim), [n, k, uDim]) as tf.Tensor3D, logVar: tf.reshape(part(q.logVar, zDim, k * uDim), [n, k, uDim]) as tf.Tensor3D },
        };
      }
      const z = this.zHead.apply(tf.concat([h, tf.reshape(y!, [n, 2 * k])], 1) as tf.Tensor2D);
      if (this.config.structure === 'm2') return { z };
      const heads = this.uHeads.map((head, j) => head.apply(tf.concat([h, tf.squeeze(tf.slice(y!, [0, j, 0], [-1, 1, -1]), [1])], 1) as tf.Tensor2D));
      return { z, u: { mu: tf.stack(heads.map((q) => q.mu), 1) as tf.Tensor3D, logVar: tf.stack(heads.map((q) => q.logVar), 1) as tf.Tensor3D } };
    });
  }

  /** d(·): the decoder's input code from z, u [batch, K, uDim] and y [batch, K, 2] per structure. */
  decode(z: tf.Tensor2D, u: tf.Tensor3D | undefined, y: tf.Tensor3D | undefined): tf.Tensor4D {
    return tf.tidy(() => {
      const n = z.shape[0];
      const { structure, featurePrior, tokens, uDim } = this.config;
      const parts: tf.Tensor2D[] = [z];
      let features: tf.Tensor2D | undefined;
      if (structure !== 'm2') {
        // PA1: "u is multiplied by y", so y = 0 decodes u as the null vector.
        const used = structure === 'joint' && featurePrior === 'dirac' ? tf.mul(u!, tf.expandDims(onColumn(y!), 2)) : u!;
        features = tf.reshape(used, [n, this.labelCount * uDim]) as tf.Tensor2D;
        parts.push(features);
      }
      if (structure !== 'ccvae' && !tokens) parts.push(onColumn(y!)); // no tokens: y joins the first FC only
      const code = parts.length === 1 ? z : (tf.concat(parts, 1) as tf.Tensor2D);
      if (this.convDecoder) return tf.sigmoid(this.convDecoder.apply(code)) as tf.Tensor4D;
      const style = !this.config.adain ? undefined : this.config.featureStyle === true ? (tf.concat([z, features!], 1) as tf.Tensor2D) : z;
      return this.tokenDecoder!.apply(code, style, structure === 'ccvae' ? undefined : y);
    });
  }

  // ---- training -----------------------------------------------------------------------------

  phases(): ModelPhase[] {
    return [{ name: 'model', variables: this.store.trainable(), losses: (batch, random) => this.losses(batch, random) }];
  }

  /** The mixed labelled/unlabelled criterion of the batch (mean over rows). */
  losses(batch: ModelBatch, random: SeededRandom): LossTerms {
    const { x, y, labelled } = this.checkBatch(batch);
    const known = oneHotLabels(y);
    const h = this.trunk.apply(x, undefined, TRAINING);
    const perRow = this.config.structure === 'ccvae' ? this.ccvaeRows(x, h, known, labelled, random) : this.jointRows(x, h, known, labelled, random);
    const terms = Object.fromEntries(Object.entries(perRow).map(([name, t]) => [name, tf.mean(t) as tf.Scalar]));
    return { total: terms.total, ...terms };
  }

  /** Eq. 4 per row for PA1, PA2 and M2 (losses.ts). */
  private jointRows(x: tf.Tensor4D, h: tf.Tensor2D, known: tf.Tensor3D, labelled: tf.Tensor1D, random: SeededRandom): Record<string, tf.Tensor1D> {
    const { beta, alpha, featureKlOn } = this.config.weights;
    const logits = this.labelLogits(h);
    const logQ = labelLogProbabilities(logits);
    const relaxed = gumbelSoftmax(logits, this.config.temperature, { noise: random }) as tf.Tensor3D;
    const y = byRow(labelled, known, relaxed);
    const q = this.posterior(h, y);
    const z = sampleGaussian(q.z.mu, q.z.logVar, random) as tf.Tensor2D;
    const u = q.u ? (sampleGaussian(q.u.mu, q.u.logVar, random) as tf.Tensor3D) : undefined;
    const reconstruction = reconstructionTerm(this.config.likelihood, x, this.decode(z, u, y));
    const klZ = latentKl(q.z.mu, q.z.logVar);
    const klU = q.u ? featureKl(q.u.mu, q.u.logVar, onColumn(y), this.config.featurePrior, this.config.offVariance, featureKlOn) : tf.zerosLike(klZ);
    const supervisedLabel = tf.add(tf.mul(alpha, labelNll(logQ, known)), tf.mul(beta, labelPriorNll(x.shape[0], this.labelCount))) as tf.Tensor1D;
    const label = byRow(labelled, supervisedLabel, tf.mul(beta, relaxedLabelTerm(logQ, relaxed)) as tf.Tensor1D);
    const total = tf.addN([reconstruction, tf.mul(beta, klZ), tf.mul(beta, klU), label]) as tf.Tensor1D;
    const accuracy = tf.cast(tf.equal(tf.argMax(logits, 2), tf.argMax(known, 2)), 'float32');
    return { total, reconstruction, klZ, klU, label, accuracy: tf.mean(accuracy, 1) as tf.Tensor1D };
  }

  /** CCVAE's criterion per row, labelled and unlabelled (losses.ts). */
  private ccvaeRows(x: tf.Tensor4D, h: tf.Tensor2D, known: tf.Tensor3D, labelled: tf.Tensor1D, random: SeededRandom): Record<string, tf.Tensor1D> {
    const { beta, alpha } = this.config.weights;
    const p = this.prior!;
    const q = this.posterior(h);
    const z = sampleGaussian(q.z.mu, q.z.logVar, random) as tf.Tensor2D;
    const u = sampleGaussian(q.u!.mu, q.u!.logVar, random) as tf.Tensor3D;
    const reconstruction = reconstructionTerm(this.config.likelihood, x, this.decode(z, u, undefined));
    const klStyle = latentKl(q.z.mu, q.z.logVar);
    // q(y | u) on a stopped-gradient u (the authors' detach); q(y | x) from fresh samples that reach the encoder.
    const detachedLogits = this.classifierLogits(stopGradient(u)) as tf.Tensor3D;
    const logQu = logSoftmax(detachedLogits, -1) as tf.Tensor3D;
    const relaxed = gumbelSoftmax(detachedLogits, this.config.temperature, { noise: random }) as tf.Tensor3D;
    // Unlabelled rows take the sample as their y in the supervised branch, whose value they then discard.
    const y = byRow(labelled, known, stopGradient(relaxed));
    const samples = this.config.classifierSamples;
    const noise = random.normal([samples, ...q.u!.mu.shape]);
    const uSamples = tf.add(tf.expandDims(q.u!.mu, 0), tf.mul(tf.exp(tf.mul(0.5, tf.expandDims(q.u!.logVar, 0))), noise));
    const logQyx = monteCarloLabelLogLikelihood(logSoftmax(this.classifierLogits(uSamples), -1) as tf.Tensor4D, y);
    const logQyu = tf.sum(tf.mul(y, logQu), [1, 2]) as tf.Tensor1D;
    const priorOf = (on: tf.Tensor2D) => conditionalPrior(on, p.locOn as tf.Tensor2D, p.locOff as tf.Tensor2D, p.scaleOn as tf.Tensor2D, p.scaleOff as tf.Tensor2D);
    const klKnown = conditionalPriorKl(q.u!.mu, q.u!.logVar, priorOf(onColumn(y)));
    const supervised = ccvaeSupervisedLoss({ reconstruction, klStyle, klFeatures: klKnown, logQyGivenU: logQyu, logQyGivenX: logQyx, beta, alpha, labels: this.labelCount });
    const klRelaxed = conditionalPriorKl(q.u!.mu, q.u!.logVar, priorOf(onColumn(relaxed)));
    const unsupervised = tf.add(reconstruction, tf.mul(beta, tf.addN([klStyle, klRelaxed, relaxedLabelTerm(logQu, relaxed)]))) as tf.Tensor1D;
    const total = byRow(labelled, supervised, unsupervised);
    const accuracy = tf.cast(tf.equal(tf.argMax(this.classifierLogits(q.u!.mu), 2), tf.argMax(known, 2)), 'float32');
    return { total, reconstruction, klZ: klStyle, klU: byRow(labelled, klKnown, klRelaxed), label: tf.neg(logQyx) as tf.Tensor1D, accuracy: tf.mean(accuracy, 1) as tf.Tensor1D };
  }

  // ---- inference at test time -------------------------------------------------------------

  /** The trunk features and the most likely y of images x. */
  private infer(x: tf.Tensor4D): { h: tf.Tensor2D; y: tf.Tensor3D; q: Posterior } {
    return tf.tidy(() => {
      const h = this.trunk.apply(x, undefined, EVALUATION);
      if (this.config.structure === 'ccvae') {
        const q = this.posterior(h);
        return { h, q, y: mostLikely(this.classifierLogits(q.u!.mu) as tf.Tensor3D) };
      }
      const y = mostLikely(this.labelLogits(h));
      return { h, y, q: this.posterior(h, y) };
    });
  }

  /** Posterior means of x's code: z, u [batch, K, uDim] (undefined for M2) and its most likely y. */
  private codesOf(batch: ModelBatch): { z: tf.Tensor2D; u?: tf.Tensor3D; y: tf.Tensor3D } {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => {
      const { y, q } = this.infer(x);
      return { z: q.z.mu, u: q.u?.mu, y };
    });
  }

  // ---- capabilities -------------------------------------------------------------------------

  classify(batch: ModelBatch): tf.Tensor2D {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => {
      const h = this.trunk.apply(x, undefined, EVALUATION);
      const logits = this.config.structure === 'ccvae' ? (this.classifierLogits(this.posterior(h).u!.mu) as tf.Tensor3D) : this.labelLogits(h);
      return onColumn(tf.softmax(logits, -1) as tf.Tensor3D);
    });
  }

  reconstruct(batch: ModelBatch): tf.Tensor {
    return tf.tidy(() => {
      const { z, u, y } = this.codesOf(batch);
      return this.decode(z, u, y);
    });
  }

  /** z ~ N(0, I), y given or ~ uniform, u ~ p(u | y) (PA1's Dirac at 0 off; CCVAE's learned prior). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    if (y) this.checkLabelShape(y, count, 'labels y');
    return tf.tidy(() => {
      const { zDim, uDim, structure, featurePrior, offVariance } = this.config;
      const k = this.labelCount;
      const on = y ?? (tf.cast(tf.less(random.uniform([count, k], 0, 1), 0.5), 'float32') as tf.Tensor2D);
      const labels = oneHotLabels(on);
      const z = random.normal([count, zDim]) as tf.Tensor2D;
      let u: tf.Tensor3D | undefined;
      if (structure === 'ccvae') {
        const p = this.prior!;
        const prior = conditionalPrior(on, p.locOn as tf.Tensor2D, p.locOff as tf.Tensor2D, p.scaleOn as tf.Tensor2D, p.scaleOff as tf.Tensor2D);
        u = sampleGaussian(prior.mu, prior.logVar, random) as tf.Tensor3D;
      } else if (structure === 'joint') {
        const scale = featurePrior === 'dirac' ? on : tf.add(on, tf.mul(tf.sub(1, on), Math.sqrt(offVariance)));
        u = tf.mul(random.normal([count, k, uDim]), tf.expandDims(scale, 2)) as tf.Tensor3D;
      }
      return this.decode(z, u, labels);
    });
  }

  /** Paper 001's exchange (capability 'swapLabels'): `into` with y_k and u_k (CCVAE: u_k) of `from`. */
  swapLabels(into: ModelBatch, from: ModelBatch, label: number): tf.Tensor {
    this.checkLabelIndex(label);
    if (into.x?.shape[0] !== from.x?.shape[0]) throw new Error(`${this.name}: swapLabels pairs rows, but 'into' has ${into.x?.shape[0]} images and 'from' ${from.x?.shape[0]}`);
    return tf.tidy(() => {
      const a = this.codesOf(into);
      const b = this.codesOf(from);
      const column = tf.tensor3d(this.config.labels.map((_, k) => (k === label ? 1 : 0)), [1, this.labelCount, 1]);
      const take = <T extends tf.Tensor>(kept: T, taken: T) => tf.add(tf.mul(kept, tf.sub(1, column)), tf.mul(taken, column)) as T;
      // CCVAE's y is not a latent: only u_k moves, and the decoder never sees y.
      const y = this.config.structure === 'ccvae' ? a.y : take(a.y, b.y);
      return this.decode(a.z, a.u && take(a.u, b.u!), y);
    });
  }

  /** Outputs [sources.n × targets.n]: each target with label k's part taken from each source (row-major over targets). */
  transfer(sources: ModelBatch, targets: ModelBatch, label: number): tf.Tensor {
    this.checkLabelIndex(label);
    return tf.tidy(() => {
      const s = sources.x.shape[0];
      const t = targets.x.shape[0];
      const rows = tf.reshape(tf.tile(tf.expandDims(tf.range(0, t, 1, 'int32'), 1), [1, s]), [-1]) as tf.Tensor1D;
      const cols = tf.tile(tf.range(0, s, 1, 'int32'), [t]) as tf.Tensor1D;
      return this.swapLabels({ x: tf.gather(targets.x, rows) }, { x: tf.gather(sources.x, cols) }, label);
    });
  }

  codeParts(): CodePart[] {
    const { zDim, uDim, labels } = this.config;
    return [
      { name: 'z', start: 0, size: zDim, role: 'free' },
      ...(uDim > 0 ? labels.map((name, k) => ({ name: `u:${name}`, start: zDim + k * uDim, size: uDim, label: k, role: 'label' as const })) : []),
    ];
  }

  /** The posterior over [z, u_1, …, u_K] at the most likely y. */
  encode(batch: ModelBatch): GaussianCode {
    const { x } = this.checkBatch(batch, { needLabels: false });
    return tf.tidy(() => {
      const { q } = this.infer(x);
      const n = x.shape[0];
      if (!q.u) return { mu: q.z.mu, logVar: q.z.logVar };
      const flat = (t: tf.Tensor3D) => tf.reshape(t, [n, this.labelCount * this.config.uDim]);
      return { mu: tf.concat([q.z.mu, flat(q.u.mu)], 1) as tf.Tensor2D, logVar: tf.concat([q.z.logVar, flat(q.u.logVar)], 1) as tf.Tensor2D };
    });
  }

  /** [z, u] codes back to images; the joint and M2 structures need y [n, K] (0/1), CCVAE ignores it. */
  decodeCode(code: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    if (code.rank !== 2 || code.shape[1] !== this.codeWidth) throw new Error(`${this.name}: a code has shape [${code.shape}], expected [n, ${this.codeWidth}] (z: ${this.config.zDim}, u: ${this.labelCount}×${this.config.uDim})`);
    const needsY = this.config.structure !== 'ccvae';
    if (needsY && !y) throw new Error(`${this.name}: decoding needs the labels y (${this.config.labels.join(', ')}), since the decoder reads them`);
    if (y) this.checkLabelShape(y, code.shape[0], 'labels y');
    return tf.tidy(() => {
      const { zDim, uDim } = this.config;
      const n = code.shape[0];
      const z = tf.slice(code, [0, 0], [-1, zDim]) as tf.Tensor2D;
      const u = uDim > 0 ? (tf.reshape(tf.slice(code, [0, zDim], [-1, this.labelCount * uDim]), [n, this.labelCount, uDim]) as tf.Tensor3D) : undefined;
      return this.decode(z, u, y ? oneHotLabels(y) : undefined);
    });
  }

  switchReference(codes: Float32Array, labels: Float32Array): SwitchReference {
    return meanCodesByLabel(codes, labels, this.codeWidth, this.labelCount);
  }

  /**
   * x with its labels set to `target` [n, K]: y := target; a label turned on takes its
   * prior's mean features (PA: u = 0, "the mean glasses"; CCVAE: p(u | y = 1)'s mean), one
   * turned off PA1's null u (PA2: 0 too; CCVAE: p(u | y = 0)'s mean); unchanged labels keep u.
   */
  switchAttributes(batch: ModelBatch, target: tf.Tensor2D): tf.Tensor {
    this.checkLabelShape(target, batch.x.shape[0], 'target labels');
    return tf.tidy(() => {
      const { z, u, y } = this.codesOf(batch);
      const changed = tf.expandDims(tf.notEqual(onColumn(y), tf.round(target)), 2);
      let switched = u;
      if (u) {
        let fresh: tf.Tensor = tf.zerosLike(u);
        if (this.prior) fresh = tf.add(tf.mul(tf.expandDims(target, 2), this.prior.locOn), tf.mul(tf.expandDims(tf.sub(1, target), 2), this.prior.locOff));
        switched = tf.where(tf.broadcastTo(changed, u.shape), fresh, u) as tf.Tensor3D;
      }
      return this.decode(z, switched, oneHotLabels(tf.round(target) as tf.Tensor2D));
    });
  }

  // ---- checks -------------------------------------------------------------------------------

  checkBatch(batch: ModelBatch, { needLabels = true }: { needLabels?: boolean } = {}): { x: tf.Tensor4D; y: tf.Tensor2D; labelled: tf.Tensor1D } {
    const { x, y, labelled } = batch ?? ({} as ModelBatch);
    const { size, channels } = this.config.input;
    if (!x) throw new Error(`${this.name}: batch.x is missing`);
    if (x.rank !== 4 || x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
      throw new Error(`${this.name}: batch.x has shape [${x.shape}], expected [batch, ${size}, ${size}, ${channels}]`);
    }
    const n = x.shape[0];
    if (!needLabels) return { x: x as tf.Tensor4D, y: y as tf.Tensor2D, labelled: labelled as tf.Tensor1D };
    if (!y) throw new Error(`${this.name}: batch.y (labels ${this.config.labels.join(', ')}) is missing; training needs them, with batch.labelled marking the rows whose labels are known`);
    this.checkLabelShape(y, n, 'batch.y');
    // Checked where the values are on the host; on WebGPU a batch kept on the GPU is not read back (hostValues).
    const values = hostValues(y) ?? [];
    const bad = values.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) throw new Error(`${this.name}: batch.y must hold 0 or 1 (binary labels ${this.config.labels.join(', ')}), got ${values[bad]} at row ${Math.floor(bad / this.labelCount)}, label '${this.config.labels[bad % this.labelCount]}'`);
    if (labelled !== undefined) {
      if (labelled.rank !== 1 || labelled.shape[0] !== n) throw new Error(`${this.name}: batch.labelled (the supervision mask) has shape [${labelled.shape}], expected [${n}], one entry per image`);
      const mask = hostValues(labelled) ?? [];
      const wrong = mask.findIndex((v) => v !== 0 && v !== 1);
      if (wrong >= 0) throw new Error(`${this.name}: batch.labelled must hold 0 (label unknown) or 1 (known), got ${mask[wrong]} at row ${wrong}`);
    }
    return { x: x as tf.Tensor4D, y: y as tf.Tensor2D, labelled: labelled ?? (tf.ones([n]) as tf.Tensor1D) };
  }

  private checkLabelShape(y: tf.Tensor, rows: number, what: string): void {
    if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== this.labelCount) {
      throw new Error(`${this.name}: ${what} has shape [${y.shape}], expected [${rows}, ${this.labelCount}] (one 0/1 value per label: ${this.config.labels.join(', ')})`);
    }
  }

  private checkLabelIndex(label: number): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.labelCount) throw new Error(`${this.name}: label ${label} is out of range 0..${this.labelCount - 1} (${this.config.labels.join(', ')})`);
  }
}
