/**
 * `disentangle reproduce csvae [--quick]`: paper 004's experiments on our data.
 *   1. Swiss roll (Figure 2): CSVAE's latent projections as scatter plots, and how well the
 *      label can be read from z versus w (k-NN accuracy), plus the adversary's accuracy.
 *   2. Table 1 (Method 1): attribute-switch accuracy of VAE, CondVAE, CondVAE-info and CSVAE
 *      on the faces stand-ins for CelebA-Glasses / -FacialHair / -GlassesFacialHair and on
 *      the expression set standing in for TFD, judged by trained evaluation classifiers.
 *   3. Table 2 (Method 2): identity-preserving MSE on the expression set.
 *   4. Beyond the paper: MIG / DCI against the faces' ground-truth factors, removal
 *      counterfactual MSE (the generator renders the true "attribute removed" image), and
 *      Figure 3-style variety grids.
 * Every run lives in runs/reproduce-csvae[-quick]/<experiment>-<model>/ and resumes.
 */
import { Csvae, type LatentSubspaceModel, type SwitchReference } from '@disentangle/csvae';
import { writeImageGrid, type ImageDataset } from '@disentangle/data';
import { writeFileAtomic, type BackendChoice } from '@disentangle/kernels';
import { dci, identityPreservingMse, loadOrTrainClassifier, mutualInformationGap, type EvaluationClassifier, type FactorKind } from '@disentangle/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeScatterPanelsPng } from '../images/scatter-plot';
import type { CsvaeData } from './csvae-data';
import { encodeRows, knnAccuracy, mapRows, switchOutputs, switchReferenceFor, switchRequests, varietyPoints, type SwitchRequest } from './csvae-evaluation';
import { trainCsvaeRun } from './csvae-run';
import { renderCsvaeReport, type CsvaeReproduction, type ImageModelResult } from './csvae-report';
import { reproducePlan, type ReproducePlan } from './reproduce-plan';

export interface ReproduceCsvaeOptions {
  quick: boolean;
  runsDir: string;
  seed: number;
  backend: BackendChoice;
  command: string;
  progressStream?: NodeJS.WriteStream;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

export async function reproduceCsvae(options: ReproduceCsvaeOptions): Promise<{ dir: string; report: string; results: CsvaeReproduction }> {
  const plan = reproducePlan(options.quick, options.seed);
  const dir = join(options.runsDir, options.quick ? 'reproduce-csvae-quick' : 'reproduce-csvae');
  const figures = join(dir, 'figures');
  await mkdir(figures, { recursive: true });
  const started = Date.now();

  const swissRoll = await swissRollExperiment(plan, dir, figures, options);
  const judges = new Map<string, { classifier: EvaluationClassifier; accuracy: number; name: string }>();
  const images: CsvaeReproduction['images'] = [];
  for (const experiment of plan.images) {
    const judgeKey = experiment.judge.dataset;
    if (!judges.has(judgeKey)) {
      log(`judge for ${judgeKey}: loading or training (${plan.judgeSteps} steps)`);
      const judge = await loadOrTrainClassifier({
        dataset: experiment.judge.dataset, task: experiment.judge.task, steps: plan.judgeSteps,
        data: { size: 32, count: plan.judgeCount, seed: 1000 + options.seed },
      });
      judges.set(judgeKey, { classifier: judge.classifier, accuracy: judge.metadata.accuracy, name: judge.metadata.name });
    }
    const judge = judges.get(judgeKey)!;
    const models: ImageModelResult[] = [];
    const trained: { model: LatentSubspaceModel; data: CsvaeData }[] = [];
    for (const name of plan.models) {
      const outcome = await trainCsvaeRun({
        runsDir: dir, name: `${experiment.key}-${name}`, model: name, data: experiment.data, modelConfig: plan.modelConfig,
        steps: plan.imageSteps, batchSize: plan.batchSize, learningRate: plan.imageLearningRate, seed: options.seed, backend: options.backend,
        progressStream: options.progressStream, label: `${experiment.key} ${name}`,
      });
      models.push(await evaluateImageModel(outcome.model, outcome.data, judge.classifier, { groundTruth: experiment.key === 'glasses-facial-hair' }));
      trained.push({ model: outcome.model, data: outcome.data });
      log(`${experiment.key} ${name}: switch accuracy ${(models[models.length - 1].switchAccuracy * 100).toFixed(1)}%`);
    }
    await writeVarietyFigure(join(figures, `variety-${experiment.key}.png`), trained);
    for (const t of trained) t.model.dispose();
    images.push({ experiment, judge: { name: judge.name, accuracy: judge.accuracy }, models, testCount: trained[0].data.split.test.length, trainCount: trained[0].data.split.train.length });
  }
  for (const judge of judges.values()) judge.classifier.dispose();

  const results: CsvaeReproduction = { plan, swissRoll, images, seconds: (Date.now() - started) / 1000, backend: options.backend, command: options.command };
  const report = join(dir, 'report.md');
  await writeFileAtomic(report, renderCsvaeReport(results));
  await writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, (key, value) => (key === 'plan' ? undefined : value), 2)}\n`);
  return { dir, report, results };
}

async function swissRollExperiment(plan: ReproducePlan, dir: string, figures: string, options: ReproduceCsvaeOptions): Promise<CsvaeReproduction['swissRoll']> {
  const outcome = await trainCsvaeRun({
    runsDir: dir, name: 'swiss-roll-csvae', model: 'csvae', data: { dataset: 'swiss-roll', labels: ['label'], count: plan.swissRoll.count, seed: options.seed },
    steps: plan.swissRoll.steps, batchSize: plan.swissRoll.batchSize, learningRate: plan.swissRoll.learningRate, seed: options.seed, backend: options.backend,
    progressStream: options.progressStream, label: 'swiss roll csvae',
  });
  const { model, data, run } = outcome;
  const zDim = model.config.zDim;
  const wDim = model.config.wDim;
  const codesOf = async (indices: Int32Array) => ({ codes: await encodeRows(model, data, indices), labels: Array.from(indices, (i) => data.y[i]) });
  const train = await codesOf(data.split.train);
  const test = await codesOf(data.split.test);
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const fromZ = knnAccuracy(train, test, model.codeWidth, range(0, zDim));
  const fromW = knnAccuracy(train, test, model.codeWidth, range(zDim, wDim));
  const meanNorm = (label: number) => {
    const rows = test.labels.flatMap((l, r) => (l === label ? [r] : []));
    return rows.reduce((s, r) => s + Math.hypot(...range(zDim, wDim).map((c) => test.codes[r * model.codeWidth + c])), 0) / rows.length;
  };
  const metrics = await run.readMetrics();
  const accuracies = metrics.map((m) => Number(m['adversary.accuracy'])).filter(Number.isFinite);
  const column = (c: number) => Array.from({ length: test.labels.length }, (_, r) => test.codes[r * model.codeWidth + c]);
  const h = data.dataset.factors!;
  const heights = Array.from(data.split.test, (i) => h[i * 2 + 1]);
  const rollPosition = Array.from(data.split.test, (i) => h[i * 2]);
  const panels = [
    { title: 'Z: (z1, z2)', xLabel: 'z1', yLabel: 'z2', x: column(0), y: column(1), classes: test.labels },
    { title: 'W: (w1, w2)', xLabel: 'w1', yLabel: 'w2', x: column(zDim), y: column(zDim + 1), classes: test.labels },
    { title: '(z2, w1)', xLabel: 'z2', yLabel: 'w1', x: column(1), y: column(zDim), classes: test.labels },
    { title: '(z1, w1)', xLabel: 'z1', yLabel: 'w1', x: column(0), y: column(zDim), classes: test.labels },
  ];
  await writeScatterPanelsPng(join(figures, 'swiss-roll-latents.png'), panels, { columns: 2, classNames: ['label 0', 'label 1'] });
  const correlation = (a: number[], b: number[]) => {
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    const cov = a.reduce((s, v, i) => s + (v - ma) * (b[i] - mb), 0);
    return cov / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
  };
  const best = (factor: number[], columns: number[]) => Math.max(...columns.map((c) => Math.abs(correlation(column(c), factor))));
  const result = {
    run: run.path,
    steps: outcome.result.step,
    knnFromZ: fromZ,
    knnFromW: fromW,
    wNormByLabel: [meanNorm(0), meanNorm(1)],
    adversaryAccuracyFirst: accuracies.slice(0, 5).reduce((s, v) => s + v, 0) / Math.max(1, Math.min(5, accuracies.length)),
    adversaryAccuracyLast: accuracies.slice(-5).reduce((s, v) => s + v, 0) / Math.max(1, Math.min(5, accuracies.length)),
    heightCorrelation: { z: best(heights, range(0, zDim)), w: best(heights, range(zDim, wDim)) },
    rollCorrelation: { z: best(rollPosition, range(0, zDim)), w: best(rollPosition, range(zDim, wDim)) },
    lastLoss: outcome.result.last,
  };
  model.dispose();
  return result;
}

/** Judged labels of images [n, size, size, channels]: attribute probabilities or class ids. */
async function judge(classifier: EvaluationClassifier, images: Float32Array, size: number, channels: number): Promise<{ attributes?: Float32Array; label?: Int32Array }> {
  const n = images.length / (size * size * channels);
  const attributes: number[] = [];
  const labels: number[] = [];
  for (let start = 0; start < n; start += 128) {
    const count = Math.min(128, n - start);
    const x = tf.tensor4d(images.subarray(start * size * size * channels, (start + count) * size * size * channels), [count, size, size, channels]);
    const p = classifier.predict(x);
    if (p.attributes) attributes.push(...(await p.attributes.data()));
    if (p.label) labels.push(...(await p.label.data()));
    tf.dispose([x, p.attributes, p.label, p.labelProbabilities]);
  }
  return { attributes: attributes.length ? Float32Array.from(attributes) : undefined, label: labels.length ? Int32Array.from(labels) : undefined };
}

/**
 * Method 1 (and, where the data allow, Method 2, removal counterfactuals and — with
 * `groundTruth` — MIG/DCI) for one trained image model, judged by `classifier`.
 */
export async function evaluateImageModel(
  model: LatentSubspaceModel,
  data: CsvaeData,
  classifier: EvaluationClassifier,
  { groundTruth = false }: { groundTruth?: boolean } = {},
): Promise<ImageModelResult> {
  if (data.input.kind !== 'image') throw new Error('evaluateImageModel: image data expected');
  const { size, channels } = data.input;
  const reference = await switchReferenceFor(model, data);
  const requests = switchRequests(data, data.split.test);
  const switched = await switchOutputs(model, data, requests, reference);
  const judged = await judge(classifier, switched, size, channels);
  const perLabel = data.labelNames.map(() => ({ correct: 0, total: 0 }));
  requests.forEach((r, n) => {
    let ok: boolean;
    if (judged.label) ok = judged.label[n] === r.label;
    else {
      const column = classifier.config.attributeNames!.indexOf(data.labelNames[r.label]);
      if (column < 0) throw new Error(`judge has no attribute '${data.labelNames[r.label]}' (it has ${classifier.config.attributeNames!.join(', ')})`);
      const stride = classifier.config.attributeNames!.length;
      ok = (judged.attributes![n * stride + column] > 0.5 ? 1 : 0) === r.target[r.label];
    }
    perLabel[r.label].total++;
    if (ok) perLabel[r.label].correct++;
  });
  const total = perLabel.reduce((s, p) => s + p.total, 0);
  const result: ImageModelResult = {
    model: model.name,
    switchAccuracy: perLabel.reduce((s, p) => s + p.correct, 0) / total,
    switchAccuracyPerLabel: Object.fromEntries(data.labelNames.map((name, k) => [name, perLabel[k].correct / Math.max(1, perLabel[k].total)])),
    switchCount: total,
    change: meanSquaredChange(switched, await mapRows(data, requests.map((r) => r.index), (b) => tf.clone(b.x))),
  };
  if (data.exclusive && data.dataset.identities) Object.assign(result, await identityMse(model, data, reference));
  if (groundTruth && data.dataset.factors && data.dataset.factorSpecs) Object.assign(result, await groundTruthScores(model, data));
  if (!data.exclusive && data.dataset.generator) result.removalCounterfactualMse = await removalCounterfactualMse(model, data, reference);
  return result;
}

function meanSquaredChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/**
 * Method 2 (Table 2): MSE between G_ij(x) and the images of x's identity with label j. For
 * CSVAE the point p_j is chosen per target label among a 3×3 grid in W_j by the validation
 * MSE, as the paper chooses p_j on its validation set.
 */
async function identityMse(model: LatentSubspaceModel, data: CsvaeData, reference: SwitchReference) {
  const k = data.labelNames.length;
  const ids = data.dataset.identities!;
  const argmax = (i: number) => { let best = 0; for (let c = 1; c < k; c++) if (data.y[i * k + c] > data.y[i * k + best]) best = c; return best; };
  const all = Int32Array.from({ length: data.dataset.count }, (_, i) => i);
  const pixels = data.dataset.height * data.dataset.width * data.dataset.channels;
  const score = async (indices: Int32Array, points?: number[][]) => {
    const requests: (SwitchRequest & { label: number })[] = switchRequests(data, indices);
    const switched = await switchOutputs(model, data, requests, reference, points ? { points } : {});
    return identityPreservingMse({
      switched, switchedIdentities: requests.map((r) => ids[r.index]), sourceLabels: requests.map((r) => argmax(r.index)), targetLabels: requests.map((r) => r.label),
      references: data.dataset.images, referenceIdentities: ids, referenceLabels: Array.from(all, argmax), dim: pixels,
    });
  };
  let points: number[][] | undefined;
  if (model instanceof Csvae) {
    const candidates = data.labelNames.map((_, label) => varietyPoints(reference, label, 3, 1.5));
    points = candidates.map((c) => c[4]); // start at each subspace's mean
    for (let label = 0; label < k; label++) {
      let best = Infinity;
      let bestPoint = points[label];
      for (const candidate of candidates[label]) {
        const trial = points.map((p, j) => (j === label ? candidate : p));
        const value = (await score(data.split.validation, trial)).value;
        if (value < best) [best, bestPoint] = [value, candidate];
      }
      points[label] = bestPoint;
    }
  }
  const test = await score(data.split.test, points);
  return { identityMse: test.value, identityPairs: test.pairs };
}

/** MIG and DCI of the posterior means against the faces' ground-truth factors (the identity index left out). */
async function groundTruthScores(model: LatentSubspaceModel, data: CsvaeData) {
  const specs = data.dataset.factorSpecs!;
  const keep = specs.flatMap((s, i) => (s.name === 'identity' ? [] : [i]));
  const indices = data.split.test;
  const codes = await encodeRows(model, data, indices);
  const nf = specs.length;
  const factors = new Float32Array(indices.length * keep.length);
  indices.forEach((i, r) => keep.forEach((f, c) => (factors[r * keep.length + c] = data.dataset.factors![i * nf + f])));
  const input = { codes, codeDim: model.codeWidth, factors, numFactors: keep.length, factorKinds: keep.map((f) => specs[f].kind as FactorKind) };
  return { mig: mutualInformationGap(input).value, dci: dci(input).disentanglement };
}

/**
 * Removal counterfactual MSE: for test examples with a label on, G(x → off) against the
 * generator's own rendering of x's factors with that attribute removed (the true answer).
 */
async function removalCounterfactualMse(model: LatentSubspaceModel, data: CsvaeData, reference: SwitchReference): Promise<number> {
  const dataset = data.dataset as ImageDataset & { generator: NonNullable<ImageDataset['generator']> };
  const k = data.labelNames.length;
  const factorIndex = (label: string) => dataset.factorSpecs!.findIndex((s) => s.name === ({ Eyeglasses: 'glasses', Beard: 'beard' } as Record<string, string>)[label]);
  const requests = switchRequests(data, data.split.test).filter((r) => data.y[r.index * k + r.label] > 0.5 && factorIndex(data.labelNames[r.label]) >= 0);
  if (requests.length === 0) return Number.NaN;
  const switched = await switchOutputs(model, data, requests, reference);
  const nf = dataset.factorSpecs!.length;
  const pixels = dataset.height * dataset.width * dataset.channels;
  const truth = new Float32Array(requests.length * pixels);
  requests.forEach((r, n) => {
    const factors = Array.from(dataset.factors!.subarray(r.index * nf, (r.index + 1) * nf));
    factors[factorIndex(data.labelNames[r.label])] = 0;
    dataset.generator.render(factors, dataset.height, truth, n * pixels);
  });
  return meanSquaredChange(switched, truth);
}

/**
 * Figure 3 style: one source face without the first label, switched to "label on" in seven
 * ways per model — CSVAE along W's first principal axis, the conditional models at label
 * intensities 0.5..2.5, the VAE at the same multiples of its attribute direction.
 */
async function writeVarietyFigure(file: string, trained: { model: LatentSubspaceModel; data: CsvaeData }[]): Promise<void> {
  const { data } = trained[0];
  if (data.input.kind !== 'image') return;
  const k = data.labelNames.length;
  const source = Array.from(data.split.test).find((i) => data.y[i * k] < 0.5);
  if (source === undefined) return;
  const target = data.exclusive ? data.labelNames.map((_, c) => (c === 0 ? 1 : 0)) : Array.from(data.y.subarray(source * k, (source + 1) * k)).map((v, c) => (c === 0 ? 1 : v));
  const intensities = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5];
  const rows: Float32Array[] = [];
  for (const { model } of trained) {
    const reference = await switchReferenceFor(model, data);
    const original = await mapRows(data, [source], (b) => tf.clone(b.x));
    const variants: Float32Array[] = [original];
    for (let v = 0; v < 7; v++) {
      let options = {};
      if (model instanceof Csvae) {
        const grid = varietyPoints(reference, 0, 7, 2);
        const points = reference.subspaces!.map((s) => s.mean);
        points[0] = grid[v * 7 + 3];
        options = { points };
      } else options = { intensity: intensities[v] };
      variants.push(await switchOutputs(model, data, [{ index: source, target }], reference, options));
    }
    const row = new Float32Array(variants.reduce((s, x) => s + x.length, 0));
    variants.reduce((offset, x) => (row.set(x, offset), offset + x.length), 0);
    rows.push(row);
  }
  const all = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  rows.reduce((offset, r) => (all.set(r, offset), offset + r.length), 0);
  const { size, channels } = data.input;
  await writeImageGrid(file, { data: all, count: trained.length * 8, height: size, width: size, channels }, {
    columns: 8, zoom: 3, rowLabels: trained.map((t) => t.model.name), columnLabels: ['input', '1', '2', '3', '4', '5', '6', '7'],
    title: `+${data.labelNames[0]}: CSVAE along W's first axis (−2σ…+2σ); others at intensity 0.5…2.5`,
  });
}
