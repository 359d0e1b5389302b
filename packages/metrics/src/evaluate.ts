/**
 * What each paper reports, for `disentangle eval` and the reproduce command: `PAPER_METRICS`
 * names every metric of each paper's tables with how it is computed here, and `PAPER_MODELS`
 * maps the model names a run's config.json may carry to their paper and package.
 *
 * `PAPER_MODELS` is provisional: it lists the names the DESIGN's model packages will register.
 * When the model registry exists, the eval command should read it instead.
 */

export type PaperId = '000' | '001' | '002' | '003' | '004';

export interface PaperMetricSpec {
  /** Name as the paper's table writes it (and as metrics.json rows carry it). */
  name: string;
  /** What is computed, on which images, with which judge or network. */
  description: string;
  /** Scored by a trained evaluation classifier (its rows must carry judge + judgeAccuracy). */
  needsJudge: boolean;
  /** Uses a feature network (its rows must carry featureNetwork). */
  needsFeatureNetwork: boolean;
  higherIsBetter: boolean;
  /** The paper's table and what the paper used (for honesty about substitutes). */
  source: string;
  /** False for metrics we add where the paper reports none (paper 002). */
  reportedInPaper: boolean;
}

export interface PaperInfo {
  title: string;
  /** Package that implements the paper's models. */
  package: string;
  /** Datasets the paper used, and the stand-ins here. */
  datasets: string;
  metrics: PaperMetricSpec[];
}

const judged = (name: string, description: string, source: string, higherIsBetter = true): PaperMetricSpec => ({
  name,
  description,
  needsJudge: true,
  needsFeatureNetwork: false,
  higherIsBetter,
  source,
  reportedInPaper: true,
});

const FID: (source: string) => PaperMetricSpec = (source) => ({
  name: 'FID',
  description:
    "Fréchet distance between the judge's penultimate-layer features (EvaluationClassifier.features) of generated and real test images; NOT Inception FID, comparable only between rows with the same featureNetwork",
  needsJudge: false,
  needsFeatureNetwork: true,
  higherIsBetter: false,
  source,
  reportedInPaper: true,
});

export const PAPER_METRICS: Record<PaperId, PaperInfo> = {
  '000': {
    title: 'Zhang et al., Disentangling the spatial structure and style in conditional VAE (ICIP 2020)',
    package: '@disentangle/cvae-gan',
    datasets: '3D chairs (62 views), FaceScrub (identities); stand-ins: chairs, faces (identity label)',
    metrics: [
      judged('Acc', 'fraction of images generated for label c that the judge classifies as c', 'Tables 2–3; the paper used ResNet-50 judges'),
      FID('Table 3 (FaceScrub, 5 identities)'),
      {
        name: 'MI(z_u; c)',
        description: "Monte Carlo MI between the unconditional code z_u and the label c, eq. 4 (mutual-information.ts); lower means z_u carries less label information",
        needsJudge: false,
        needsFeatureNetwork: false,
        higherIsBetter: false,
        source: 'Table 2 (3D chairs), eq. 4',
        reportedInPaper: true,
      },
    ],
  },
  '001': {
    title: 'Zou et al., Joint disentanglement of labels and their features with VAE (ICIP 2022)',
    package: '@disentangle/jdvae',
    datasets: 'CelebA, label = Eyeglasses, supervision rate 0.2; stand-in: faces (Eyeglasses)',
    metrics: [
      judged('SR(+)', 'over pairs (I_g with glasses, I_w without) with (y, u) exchanged: fraction of the edited I_w the judge classifies as Eyeglasses = 1', 'Table 1; the paper used a ResNet-50 judge'),
      judged('SR(−)', 'fraction of the edited I_g the judge classifies as Eyeglasses = 0', 'Table 1; the paper used a ResNet-50 judge'),
      {
        name: 'LPIPS-substitute',
        description:
          "perceptual distance between originals and reconstructions on the judge's stage activations (perceptual-distance.ts): NOT LPIPS-AlexNet, not calibrated to human judgements; SSIM reported beside it",
        needsJudge: false,
        needsFeatureNetwork: true,
        higherIsBetter: false,
        source: 'Table 1 (LPIPS, Zhang et al. 2018)',
        reportedInPaper: true,
      },
      {
        name: 'BCA',
        description: "balanced classification accuracy ½(TPR + TNR) of the model's own classifier q(y | x) on held-out images (no judge involved)",
        needsJudge: false,
        needsFeatureNetwork: false,
        higherIsBetter: true,
        source: 'Table 1',
        reportedInPaper: true,
      },
    ],
  },
  '002': {
    title: 'Tang et al., Disentangled representation learning for controllable image synthesis: an information-theoretic perspective (ICPR 2020)',
    package: '@disentangle/infomi-vae',
    datasets: 'CelebA (Smiling, Young, Male as z2); stand-in: faces',
    // The slides report no numbers (Figs. 4–5 are qualitative: flipping z2 for Smiling / Young).
    // These measure what those figures show: does flipping z2 flip the attribute, does the rest stay.
    metrics: [
      {
        ...judged('flip accuracy', 'fraction of fused/flipped images (z1, flipped z2) the judge classifies with the target attribute value', 'not reported: the paper shows flips qualitatively (Figs. 4–5)'),
        reportedInPaper: false,
      },
      {
        name: 'LPIPS-substitute',
        description: "perceptual distance between the reconstruction and the flipped image (how much besides the attribute changed); not LPIPS",
        needsJudge: false,
        needsFeatureNetwork: true,
        higherIsBetter: false,
        source: 'not reported (the paper: "without the information loss, the output can be unchanged")',
        reportedInPaper: false,
      },
      { ...FID('not reported (the paper: "without the GAN loss, the output can be unrealistic")'), reportedInPaper: false },
    ],
  },
  '003': {
    title: 'Liu et al., Conditional adversarial generative flow for controllable image synthesis (CAGlow, CVPR 2019)',
    package: '@disentangle/caglow',
    datasets: 'MNIST, CelebA (identities + attributes); stand-ins: mnist / coloured-digits, faces',
    metrics: [
      judged('Acc', 'top-1 accuracy of the judge on images generated for each condition', 'Table 1; the paper used a GoogLeNet judge'),
      FID('Table 1; the paper used GoogLeNet features'),
      judged('AMP', 'attribute mean probability AMP_i = (1/L) Σ_l p_l(x_i) from the attribute judge, averaged over generated images', 'Table 2'),
      judged('var AMP', 'variance of AMP_i across identities (lower: attributes independent of identity)', 'Table 2', false),
      judged('|ΔAMP|', 'absolute change of the mean probability of the L−1 untouched attributes when one more attribute is changed, per step', 'Table 3', false),
    ],
  },
  '004': {
    title: 'Klys et al., Learning latent subspaces in variational autoencoders (CSVAE, NeurIPS 2018)',
    package: '@disentangle/csvae',
    datasets: 'swiss roll, CelebA-Glasses / FacialHair, TFD (expression + identity); stand-ins: swiss roll, faces',
    metrics: [
      judged('attribute-switch accuracy', "accuracy of the judge on images whose label was switched i → j by the model's G_ij (Method 1)", 'Table 1'),
      {
        name: 'identity MSE',
        description: 'L1 of Method 2: mean squared error between switched images and images of the same identity with the target attribute, over identities and label pairs',
        needsJudge: false,
        needsFeatureNetwork: false,
        higherIsBetter: false,
        source: 'Table 2 (TFD identities)',
        reportedInPaper: true,
      },
    ],
  },
};

export interface PaperModelInfo {
  paper: PaperId;
  package: string;
  description: string;
}

const model = (paper: PaperId, description: string): PaperModelInfo => ({ paper, package: PAPER_METRICS[paper].package, description });

/** Model names (as a run's config.json `model` field carries them) → paper and package. */
export const PAPER_MODELS: Record<string, PaperModelInfo> = {
  'cvae-gan': model('000', 'cVAE-GAN with SPADE + AdaIN decoder (the full model)'),
  s1: model('000', 'ablation S1'),
  s2: model('000', 'ablation S2'),
  s3: model('000', 'ablation S3'),
  s4: model('000', 'ablation S4'),
  'spatial-cvae': model('000', 'spatial cVAE baseline'),
  'style-cvae': model('000', 'style cVAE baseline'),
  m2: model('001', 'M2 (Kingma et al. 2014) baseline'),
  ccvae: model('001', 'CCVAE (Joy et al. 2021) baseline'),
  pa1: model('001', 'JDVAE with Dirac p(u | y = 0) (PA1)'),
  pa2: model('001', 'JDVAE with N(0, 0.1 I) p(u | y = 0) (PA2)'),
  'infomi-vae': model('002', 'VAE + GAN + L_f2 (the full model)'),
  'vae+ls': model('002', 'VAE + L_s (InfoGAN-style) comparison'),
  'vae+gan': model('002', 'VAE + GAN comparison'),
  'vae+lf2': model('002', 'VAE + L_f2 comparison'),
  'vae+gan+lf2': model('002', 'VAE + GAN + L_f2'),
  glow: model('003', 'Glow baseline'),
  cglow: model('003', 'CGlow baseline (class-conditional prior)'),
  caglow: model('003', 'CAGlow'),
  vae: model('004', 'VAE baseline'),
  condvae: model('004', 'CondVAE baseline'),
  'condvae-info': model('004', 'CondVAE-info baseline'),
  csvae: model('004', 'CSVAE'),
};

/** The paper a model name belongs to, or undefined when the name is not a paper model. */
export function paperOfModel(modelName: string): (PaperModelInfo & { model: string }) | undefined {
  const key = modelName.toLowerCase();
  const info = Object.prototype.hasOwnProperty.call(PAPER_MODELS, key) ? PAPER_MODELS[key] : undefined;
  return info && { ...info, model: key };
}
