/**
 * Paper 002: Tang, Zhou, He & Ma, "Disentangled representation learning for controllable
 * image synthesis: an information-theoretic perspective" (ICPR 2020), as data for the
 * reproduce runner. We have the slides only: no table, no architecture, no weights. The
 * slides' claims are turned into numbers (flip success, realism, preservation against the
 * true rendering, sweeps, the joint grid), and their figures into ours.
 *
 * Stand-in: CelebA → procedural faces at 16×16 (rendered at 32 and averaged 2×2) with the
 * slides' three attributes, Smiling, Young and Male (a scalar z2 each).
 */
import type { MetricColumn, PaperDeclaration } from '../reproduce/declaration';

/** The slides' five comparisons (Figs. 4–5), then L_f1, the bound they derive but do not show. */
const FIVE = ['pvae', 'pvae+ls', 'pvae+gan', 'pvae+lf2', 'pvae+gan+lf2'];
const MODELS = [...FIVE.slice(0, 2), 'pvae+lf1', ...FIVE.slice(2)];
const ATTRIBUTES = ['Smiling', 'Young', 'Male'];
const FULL_MODEL = 'pvae+gan+lf2';

const perAttribute = (metric: string, header: (a: string) => string, options?: Record<string, unknown>): MetricColumn[] =>
  ATTRIBUTES.map((a) => ({ key: `${metric}-${a}`, header: header(a), dataset: 'faces', metric, options, detail: a }));
const GRID_CELLS = Array.from({ length: 8 }, (_, cell) => ATTRIBUTES.map((a, i) => `${a}=${(cell >> (2 - i)) & 1}`).join(','));
const gridHeader = (cell: string) => cell.split(',').map((part) => (part.endsWith('=1') ? part[0] : part[0].toLowerCase())).join('');

export const infomiPaper: PaperDeclaration = {
  id: 'infomi-vae',
  number: '002',
  title: 'info-MI VAE (Tang, Zhou, He & Ma 2020, "Disentangled representation learning for controllable image synthesis: an information-theoretic perspective")',
  file: '002_399ba46e2d5d9026.txt',
  datasets: {
    faces: { paper: 'CelebA with the attributes Smiling, Young, Male', spec: { dataset: 'faces', labels: ATTRIBUTES, count: 6000, size: 16 } },
  },
  budgets: {
    full: {
      description:
        "the runs behind docs/results/infomi-vae.md: 2000 steps of batch 64 per model at Adam 1e-3 (β1 0.5), constant then linearly to 0 over the second half, with the package's defaults (E1/G conv 32-64-128 + dense 256, z1 of 32, E2/q/f/D conv 16-32-64 + dense 128, batch norm in E1, E2, G)",
      training: { steps: 2000, batch: 64, learningRate: 1e-3, schedule: 'half-linear' },
      judge: { steps: 1000, count: 4000 },
      priority: [FULL_MODEL, 'pvae+gan', 'pvae+lf2', 'pvae'],
    },
    quick: {
      description: 'a smoke test of the whole pipeline in minutes (small nets, 80 steps); not results',
      training: {
        steps: 80,
        batch: 32,
        learningRate: 1e-3,
        schedule: 'half-linear',
        data: { count: 1500 },
        options: { convStages: [16, 32, 64], hidden: [64], auxConvStages: [8, 16, 32], auxHidden: 32, z1Dim: 16 },
      },
      judge: { steps: 300, count: 2000 },
      priority: [FULL_MODEL],
    },
  },
  tables: [
    {
      id: 'flip',
      title: 'Flipping one attribute (Figs. 4–5)',
      source: 'slides, "Flipping attributes of CelebA"',
      description:
        "Every test face has each attribute flipped in turn: z2 of that attribute set to 1 − its label (0 = off, 1 = on), z1 and the other codes kept. Flip success: the judge sees the attribute at its new value (per attribute, and the mean). FID of flips: Fréchet distance between the judge's features of the flipped faces and of real test faces (realism). Flip vs truth: squared error per value against the generator's own rendering of the same face with the attribute flipped (preservation). At 16×16 one attribute moves few pixels, so the unchanged input is already close to the flipped truth; a model beats that floor only if its flip moves toward the truth by more than its reconstruction error moves away. The italic rows calibrate: the judge on the real test faces, and what a model that returns its input scores (on flip success, and against the flipped truth: a flip that changes nothing is already close to the truth, since one attribute moves few pixels).",
      rows: MODELS,
      columns: [
        ...perAttribute('attribute-switch-accuracy', (a) => `flip ${a}`),
        { key: 'flip-mean', header: 'flip success (mean)', dataset: 'faces', metric: 'attribute-switch-accuracy' },
        { key: 'flip-fid', header: 'FID of flips', dataset: 'faces', metric: 'switch-fid' },
        { key: 'flip-truth', header: 'flip vs truth MSE', dataset: 'faces', metric: 'flip-counterfactual-mse' },
        { key: 'reconstruction', header: 'reconstruction MSE', dataset: 'faces', metric: 'reconstruction-mse' },
      ],
      calibration: [
        { label: 'judge on real test faces', metric: 'judge-on-inputs' },
        { label: 'no-op floor (input returned)', metric: 'switch-noop-floor' },
        { label: 'input returned, against the flipped truth', metric: 'flip-counterfactual-noop', appliesTo: 'flip-counterfactual-mse' },
      ],
      format: 4,
    },
    {
      id: 'fusion',
      title: 'Fusion: z1 of one face, z2 of another',
      source: 'slides, "A VAE with partitioned latent code" (3. fusion)',
      description:
        "x̂ = G(z1(x), z2(x̃)) for test faces x and x̃ half the split apart. FID of fusions against the same real faces (realism), and the judge on the reconstructions G(z1(x), z2(x)) against x's labels (does the model draw what z2 says at all).",
      rows: MODELS,
      columns: [
        { key: 'fusion-fid', header: 'FID of fusions', dataset: 'faces', metric: 'fusion-fid' },
        { key: 'labels-kept', header: 'labels kept by reconstructions', dataset: 'faces', metric: 'judge-on-reconstructions' },
      ],
      format: 3,
    },
    {
      id: 'sweep',
      title: 'Interpolation and extrapolation of one code (Fig. 5, "young")',
      source: 'slides, "Interpolations and extrapolations"',
      description:
        "100 test faces with one attribute's z2 set to −3, −2, …, 3 (0 = off, 1 = on; the rest inter- and extrapolations), the other codes kept. ρ: Spearman correlation between z2 and the judge's probability of the attribute, per face, averaged (1 = a monotone rise). p(Young) at z2: the judge's mean probability at that value.",
      rows: MODELS,
      columns: [
        { key: 'rho', header: 'ρ (mean)', dataset: 'faces', metric: 'attribute-sweep' },
        ...ATTRIBUTES.map((a) => ({ key: `rho-${a}`, header: `ρ ${a}`, dataset: 'faces', metric: 'attribute-sweep', detail: `${a}:rho` })),
        // Where the probability sits along the sweep is read, not ranked: no best value.
        ...[-1, 0, 1, 2, 3].map((v) => ({ key: `young-${v}`, header: `p(Young) at ${v}`, dataset: 'faces', metric: 'attribute-sweep', detail: `Young@${v}`, prefer: 'none' as const })),
      ],
      format: 3,
    },
    {
      id: 'grid',
      title: 'Controlling three attributes at once (the 2³ grid)',
      source: 'slides, "Control multiple attributes at the same time"',
      description:
        "100 test faces switched to each of the 8 combinations of (Smiling, Young, Male); a cell counts a face when the judge sees all three at their asked values. Column names: upper case = on, lower case = off (SYM = smiling, young, male).",
      rows: MODELS,
      columns: [
        { key: 'grid-mean', header: 'all 8 (mean)', dataset: 'faces', metric: 'attribute-grid-accuracy' },
        ...GRID_CELLS.map((cell) => ({ key: gridHeader(cell), header: gridHeader(cell), dataset: 'faces', metric: 'attribute-grid-accuracy', detail: cell })),
      ],
      format: 3,
    },
  ],
  claims: [
    {
      id: 'information-flips',
      quote: 'without the information loss, the output can be unchanged (checked as: VAE+L_f2 flips more often than VAE)',
      source: 'slides, Figs. 4–5',
      check: { kind: 'compare', table: 'flip', model: 'pvae+lf2', column: 'flip-mean', relation: 'greater', than: { model: 'pvae' } },
    },
    {
      id: 'information-flips-gan',
      quote: 'without the information loss, the output can be unchanged (checked as: VAE+GAN+L_f2 flips more often than VAE+GAN)',
      source: 'slides, Figs. 4–5',
      check: { kind: 'compare', table: 'flip', model: FULL_MODEL, column: 'flip-mean', relation: 'greater', than: { model: 'pvae+gan' } },
    },
    {
      id: 'gan-realism',
      quote: 'without the GAN loss, the output can be unrealistic (checked as: VAE+GAN+L_f2 has a lower FID of flips than VAE+L_f2)',
      source: 'slides, Figs. 4–5',
      check: { kind: 'compare', table: 'flip', model: FULL_MODEL, column: 'flip-fid', relation: 'less', than: { model: 'pvae+lf2' } },
    },
    {
      id: 'gan-realism-fusion',
      quote: 'without the GAN loss, the output can be unrealistic (checked as: VAE+GAN+L_f2 has a lower FID of fusions than VAE+L_f2)',
      source: 'slides, "The use of CGAN"',
      check: { kind: 'compare', table: 'fusion', model: FULL_MODEL, column: 'fusion-fid', relation: 'less', than: { model: 'pvae+lf2' } },
    },
    {
      id: 'full-model-best',
      quote: 'VAE+GAN+L_f2 is best on flip success and realism together (checked as: best of the five on flip success and on FID of flips)',
      source: 'slides, Figs. 4–5 (the comparison the issue asks for)',
      check: { kind: 'best', table: 'flip', model: FULL_MODEL, columns: ['flip-mean', 'flip-fid'], among: FIVE },
    },
    {
      id: 'conditional-bound',
      quote: 'mutual information between z2 and x′ should be maximized, but not shared by z1 (checked as: the conditional bound L_f1 flips more often than InfoGAN\'s unconditional L_s)',
      source: 'slides, "Entanglement of information"',
      check: { kind: 'compare', table: 'flip', model: 'pvae+lf1', column: 'flip-mean', relation: 'greater', than: { model: 'pvae+ls' } },
    },
    {
      id: 'young-sweep',
      quote: 'Interpolations and extrapolations (when z2 represents "young") (checked as: ρ Young > 0.8 for VAE+GAN+L_f2)',
      source: 'slides, Fig. 5 sweep',
      check: { kind: 'compare', table: 'sweep', model: FULL_MODEL, column: 'rho-Young', relation: 'greater', than: 0.8 },
    },
    {
      id: 'joint-control',
      quote: 'Control multiple attributes at the same time (checked as: VAE+GAN+L_f2 gets all three right in more than half of the grid\'s faces)',
      source: 'slides, the 2³ grid',
      check: { kind: 'compare', table: 'grid', model: FULL_MODEL, column: 'grid-mean', relation: 'greater', than: 0.5 },
    },
  ],
  figures: [
    { id: 'flip-smiling', title: 'Fig. 4: flipping z2 when it represents "Smiling" (columns: the models)', kind: 'flip-comparison', dataset: 'faces', models: MODELS, label: 'Smiling' },
    { id: 'flip-young', title: 'Fig. 5: flipping z2 when it represents "Young"', kind: 'flip-comparison', dataset: 'faces', models: MODELS, label: 'Young' },
    { id: 'flip-male', title: 'Flipping z2 when it represents "Male"', kind: 'flip-comparison', dataset: 'faces', models: MODELS, label: 'Male' },
    { id: 'sweep-young', title: 'Interpolations and extrapolations of z2 = "Young" (VAE+GAN+L_f2)', kind: 'attribute-sweep', dataset: 'faces', models: [FULL_MODEL], label: 'Young', values: [-1, 0, 0.5, 1, 2, 3] },
    { id: 'sweep-smiling', title: 'Interpolations and extrapolations of z2 = "Smiling" (VAE+GAN+L_f2)', kind: 'attribute-sweep', dataset: 'faces', models: [FULL_MODEL], label: 'Smiling', values: [-1, 0, 0.5, 1, 2, 3] },
    { id: 'grid', title: 'Controlling smiling × young × male at once (VAE+GAN+L_f2; S/Y/M = on)', kind: 'attribute-grid', dataset: 'faces', models: [FULL_MODEL], attributes: ATTRIBUTES },
    { id: 'reconstructions-vae', title: 'VAE: test faces and reconstructions', kind: 'reconstructions', dataset: 'faces', models: ['pvae'] },
    { id: 'reconstructions-full', title: 'VAE+GAN+L_f2: test faces and reconstructions', kind: 'reconstructions', dataset: 'faces', models: [FULL_MODEL] },
    { id: 'samples-full', title: 'VAE+GAN+L_f2: samples (z1 ~ N(0, I), z2 ~ p(z2 | y)) per attribute pattern', kind: 'samples', dataset: 'faces', models: [FULL_MODEL] },
  ],
  notes: [
    'The paper is a slide deck: it gives the objective\'s pieces (L_f1, L_f2, L_D, L_GAN) but no architecture, weights, optimiser or numbers, and shows its comparisons as figures only. What we reconstructed, and why, is in packages/models/infomi-vae/README.md and the doc comments of its losses.ts.',
    'CelebA cannot be downloaded here: procedural faces (16×16, rendered at 32 and averaged 2×2) stand in, labelled Smiling (smile > 0.5), Young (age < 0.5) and Male. Our faces know every factor, so preservation is measured against the generator\'s own rendering of the flipped face.',
    'z2 holds one scalar per attribute with the label prior p(z2 | y) = N(y, 0.1²) ("trained with its label"); flipping sets it to 0 or 1, and sweeps set it anywhere.',
    'f of L_f2 is not given (the slides call it a feature extractor; nothing pretrained exists here): ours is the penultimate layer of an attribute classifier trained beside the model on real labelled faces, not updated by L_f2.',
    'The real pair of the conditional GAN is (z̃2, x̃): the image a fused code came from, with that code.',
    'L_f1 (the slides derive it but show no images of it) is a sixth row; the claim about the five models is checked among those five.',
    "The judge is our evaluation classifier (a small ResNet) trained on fresh draws of the same generator; FIDs are on its features, not Inception's.",
  ],
};
