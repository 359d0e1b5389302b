/**
 * CAGlow (paper 003 §3): a reversible flow F (Glow, trained by eq. 9), a condition encoder
 * E(c̃, ε) → z and a supervision block (D_i, C, D_e on a shared trunk), trained on the
 * weighted sum of eq. 15, L = Σ_S λ_S L_S, S ∈ {F, E, Di, C, De, FM}, in stages (§3.2):
 *   stage 1 (steps < flowSteps): the flow alone, L_F;
 *   stage 2: the flow fixed (or, with fineTuneFlow, still trained on L_F), and alternating
 *     'supervision': λ_Di L_Di + λ_C L_C + λ_De L_De over the block's weights, with
 *        L_C = −E_{z*}[log q(c_s | z*)] − E_{z'}[log q(c_s | z')]     (eq. 12, real and generated),
 *     'encoder':     λ_E L_E + λ_C L_C' + λ_De L_De + λ_FM L_FM over E's weights,
 *        L_C' = −E_{z'}[log q(c_s | z')] (ACGAN's generator term, eq. 3), L_FM on pairs (z*, z')
 *        of the same conditions (eq. 14).
 * z* = F(x̃) are the real latents of the batch (the flow's standardised ε, flattened) and
 * z' = E(c_s, c_u, ε) with the batch's own c_s, so each real latent has a generated partner.
 * L_De is minimised by both E and the block (InfoGAN's information term, which eq. 13 follows).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  SeededRandom,
  type AttributeChange,
  type GenerativeModel,
  type LossTerms,
  type ModelBatch,
  type ModelPhase,
  type UnsupervisedCode,
} from '@disentangle/kernels';
import type { CaglowConfig } from '../config';
import { checkConditions, conditionCrossEntropy } from '../labels';
import { codeReconstructionLoss, discriminatorLoss, encoderAdversarialLoss, pairwiseFeatureMatchingLoss } from '../losses';
import { SupervisionBlock } from '../networks/supervision-block';
import { ConditionEncoder } from './condition-encoder';
import { FlowModel, conditionSteps } from './flow-model';
import { toFlowSpace } from './flow-space';

export class CaglowModel implements GenerativeModel {
  readonly name = 'caglow';
  readonly update = 'alternating' as const;
  readonly flow: FlowModel;
  readonly encoder: ConditionEncoder;
  readonly block: SupervisionBlock;
  /** Real latents of the current batch, shared by the step's phases (the batch object keys it). */
  private realLatents?: { batch: ModelBatch; z: tf.Tensor2D };

  constructor(readonly config: CaglowConfig) {
    this.flow = new FlowModel(config, false);
    const random = new SeededRandom(config.seed).fork('caglow-init');
    const k = config.labels.length;
    const d = this.flow.dimensions;
    this.encoder = new ConditionEncoder('caglow', k, config.continuousCodes, config.discreteCodes, config.noiseDim, config.encoderHidden, d, random);
    this.block = new SupervisionBlock('caglow/block', d, config.trunkHidden, k, this.encoder.codes.length, random);
  }

  get variables(): Record<string, tf.Variable> {
    return { ...this.flow.variables, ...this.encoder.net.variables, ...this.block.variables };
  }

  get unsupervisedCodes(): readonly UnsupervisedCode[] {
    return this.encoder.codes;
  }

  get layout() {
    return this.flow.layout;
  }

  /** z* = F(x̃) for this step's batch, from p*(z). */
  private real(batch: ModelBatch, random: SeededRandom): tf.Tensor2D {
    if (this.realLatents?.batch !== batch) {
      this.realLatents?.z.dispose();
      // Computed once per step and kept; no phase that reads it lists the flow's variables, so no gradient reaches F.
      const z = tf.tidy(() => this.flow.glow.forward(toFlowSpace(batch.x, this.config.flow.nBits, random)).y as tf.Tensor2D);
      this.realLatents = { batch, z: tf.keep(z) };
    }
    return this.realLatents.z;
  }

  /** z' = E(c_s, c_u, ε) for the batch's conditions, with the codes drawn. */
  private generated(y: tf.Tensor2D, random: SeededRandom): { z: tf.Tensor2D; codes: tf.Tensor2D } {
    const n = y.shape[0];
    const codes = this.encoder.drawCodes(n, random);
    return { z: this.encoder.apply(y, codes, random.normal([n, this.config.noiseDim]) as tf.Tensor2D), codes };
  }

  /** The batch's conditions, checked (values too, outside training: see checkConditions). */
  private conditionsOf(batch: ModelBatch, where: string): tf.Tensor2D {
    return checkConditions(this.layout, batch.y, batch.x.shape[0], `caglow.${where}`, { values: where !== 'losses' });
  }

  supervisionLosses(batch: ModelBatch, random: SeededRandom): LossTerms {
    const y = this.conditionsOf(batch, 'losses');
    const w = this.config.weights;
    const real = this.block.apply(this.real(batch, random));
    const { z, codes } = this.generated(y, random);
    const fake = this.block.apply(z);
    const adversarial = discriminatorLoss(real.discriminator, fake.discriminator);
    const classifierReal = conditionCrossEntropy(this.layout, real.classifier, y);
    const classifierFake = conditionCrossEntropy(this.layout, fake.classifier, y);
    const total = tf.addN([tf.mul(w.discriminator, adversarial), tf.mul(w.classifier, tf.add(classifierReal, classifierFake))]) as tf.Scalar;
    return this.withCodeDecoding({ total, discriminator: adversarial, classifierReal, classifierFake }, fake, codes);
  }

  encoderLosses(batch: ModelBatch, random: SeededRandom): LossTerms {
    const y = this.conditionsOf(batch, 'losses');
    const w = this.config.weights;
    const real = this.block.apply(this.real(batch, random));
    const { z, codes } = this.generated(y, random);
    const fake = this.block.apply(z);
    const adversarial = encoderAdversarialLoss(fake.discriminator);
    const classifier = conditionCrossEntropy(this.layout, fake.classifier, y);
    const featureMatching = pairwiseFeatureMatchingLoss(real.features, fake.features);
    const total = tf.addN([tf.mul(w.encoder, adversarial), tf.mul(w.classifier, classifier), tf.mul(w.featureMatching, featureMatching)]) as tf.Scalar;
    return this.withCodeDecoding({ total, adversarial, classifier, featureMatching }, fake, codes);
  }

  /** Adds λ_De L_De (eq. 13) when the model has unsupervised codes: both phases minimise it. */
  private withCodeDecoding(terms: LossTerms, fake: { decoder?: tf.Tensor2D }, codes: tf.Tensor2D): LossTerms {
    if (!fake.decoder) return terms;
    const decoder = codeReconstructionLoss(this.encoder.codes, fake.decoder, codes);
    return { ...terms, total: tf.add(terms.total, tf.mul(this.config.weights.decoder, decoder)) as tf.Scalar, decoder };
  }

  phases(): ModelPhase[] {
    const { flowSteps, fineTuneFlow, weights } = this.config;
    return [
      {
        name: 'flow',
        variables: this.flow.trainableVariables,
        losses: (batch, random) => {
          const { total, ...rest } = this.flow.flowLosses(batch, random);
          return { ...rest, total: tf.mul(weights.flow, total) as tf.Scalar };
        },
        ...(fineTuneFlow ? {} : { activeUntil: flowSteps }),
      },
      { name: 'supervision', variables: Object.values(this.block.variables), losses: (b, r) => this.supervisionLosses(b, r), activeFrom: flowSteps },
      { name: 'encoder', variables: Object.values(this.encoder.net.variables), losses: (b, r) => this.encoderLosses(b, r), activeFrom: flowSteps },
    ];
  }

  // --- capabilities -------------------------------------------------------------------

  get codeWidth(): number {
    return this.flow.codeWidth;
  }

  codeParts() {
    return this.flow.codeParts();
  }

  encode(batch: ModelBatch) {
    return this.flow.encode(batch);
  }

  decodeCode(code: tf.Tensor2D): tf.Tensor {
    return this.flow.decodeCode(code);
  }

  reconstruct(batch: ModelBatch): tf.Tensor {
    return this.flow.reconstruct(batch);
  }

  logLikelihood(batch: ModelBatch, random: SeededRandom): tf.Tensor1D {
    return this.flow.logLikelihood(batch, random);
  }

  /** Images for the conditions y [count, K]: F⁻¹(E(y, c_u, ε)) with c_u ~ p(c_u), ε ~ N(0, I). */
  sample(count: number, random: SeededRandom, y?: tf.Tensor2D): tf.Tensor {
    const conditions = checkConditions(this.layout, y, count, 'caglow.sample');
    return tf.tidy(() => this.decodeCode(this.generated(conditions, random).z));
  }

  /** Images for the conditions y and chosen codes c_u [count, U] (Figs. 6–7's traversals). */
  sampleWithCodes(count: number, random: SeededRandom, codes: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor {
    const conditions = checkConditions(this.layout, y, count, 'caglow.sampleWithCodes');
    this.encoder.checkCodes(codes, count, 'caglow.sampleWithCodes');
    return tf.tidy(() => this.decodeCode(this.encoder.apply(conditions, codes, random.normal([count, this.config.noiseDim]) as tf.Tensor2D)));
  }

  /** Cumulative edits (§4.2): E's noise and codes stay fixed per row while the conditions change step by step. */
  manipulate(batch: ModelBatch, changes: AttributeChange[], random: SeededRandom): tf.Tensor[] {
    const n = batch.x.shape[0];
    const steps = conditionSteps(this.layout, this.conditionsOf(batch, 'manipulate'), changes);
    try {
      return tf.tidy(() => {
        const codes = this.encoder.drawCodes(n, random);
        const noise = random.normal([n, this.config.noiseDim]) as tf.Tensor2D;
        return steps.map((y) => this.decodeCode(this.encoder.apply(y, codes, noise)));
      });
    } finally {
      tf.dispose(steps);
    }
  }

  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  dispose(): void {
    this.realLatents?.z.dispose();
    this.realLatents = undefined;
    this.flow.dispose();
    this.encoder.net.dispose();
    this.block.dispose();
  }
}
