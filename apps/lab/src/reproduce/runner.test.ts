// The reproduce runner on a declaration of a test paper, with the toy model from its own
// package: train → evaluate by metric id → claims → figures → report, and a second call
// that resumes instead of redoing.
import { initBackend } from '@disentangle/kernels';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry } from '../registry/model-registry';
import type { PaperDeclaration } from './declaration';
import { cellBudget, checkDeclaration, reproducePaper, trainingSeconds } from './runner';

const toyPackage = fileURLToPath(new URL('../../test/toy-model-package/index.ts', import.meta.url));
const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

const paper: PaperDeclaration = {
  id: 'toy',
  number: '999',
  title: 'A test paper',
  file: 'none.txt',
  datasets: { glasses: { paper: 'faces with glasses', spec: { dataset: 'faces', labels: ['Eyeglasses'], count: 160, size: 32, identities: 20 } } },
  budgets: {
    full: { description: 'not used here', training: { steps: 1000 }, judge: { steps: 5, count: 120 } },
    quick: { description: 'a test', training: { steps: 12, schedule: 'constant', options: { zDim: 2 } }, models: { 'toy-subspace': { options: { zDim: 3 } } }, judge: { steps: 5, count: 120 } },
  },
  tables: [
    {
      id: 'switching',
      title: 'Switching',
      source: 'Table 1',
      description: 'switch accuracy and the subspace gap',
      rows: ['toy-subspace'],
      columns: [
        { key: 'switch', header: 'switch accuracy', dataset: 'glasses', metric: 'attribute-switch-accuracy' },
        { key: 'gap', header: 'gap', dataset: 'glasses', metric: 'label-subspace-gap' },
        { key: 'readout', header: 'label from w', dataset: 'glasses', metric: 'knn-label-readout', options: { parts: 'label' } },
        { key: 'identity', header: 'identity MSE', dataset: 'glasses', metric: 'identity-mse' },
        { key: 'switch-glasses', header: 'switch: glasses', dataset: 'glasses', metric: 'attribute-switch-accuracy', detail: 'Eyeglasses' },
        { key: 'switch-wings', header: 'switch: wings', dataset: 'glasses', metric: 'attribute-switch-accuracy', detail: 'Wings' },
      ],
      calibration: [
        { label: 'no-op floor', metric: 'switch-noop-floor' },
        { label: 'judge on inputs', metric: 'judge-on-inputs' },
      ],
      paper: { 'toy-subspace': { gap: 0.5 } },
      format: 3,
    },
  ],
  claims: [
    { id: 'gap', quote: 'the label lives in w', source: '§1', check: { kind: 'compare', table: 'switching', model: 'toy-subspace', column: 'gap', relation: 'greater', than: 0.9 } },
    { id: 'impossible', quote: 'the gap exceeds 2', source: '§2', check: { kind: 'compare', table: 'switching', model: 'toy-subspace', column: 'gap', relation: 'greater', than: 2 } },
    { id: 'identity', quote: 'identities are kept', source: '§3', check: { kind: 'compare', table: 'switching', model: 'toy-subspace', column: 'identity', relation: 'less', than: 0.1 } },
  ],
  figures: [
    { id: 'switches', title: 'switches', kind: 'switches', dataset: 'glasses', models: ['toy-subspace'] },
    { id: 'variety', title: 'variety', kind: 'variety', dataset: 'glasses', models: ['toy-subspace'] },
    { id: 'comparison', title: 'comparison', kind: 'variety-comparison', dataset: 'glasses', models: ['toy-subspace'] },
  ],
  notes: ['faces stand in for anything'],
};

describe('the reproduce runner', () => {
  const previousCache = process.env.DISENTANGLE_CACHE_DIR;
  const loadModelRegistry = async () => createModelRegistry([{ source: toyPackage, module: await import(toyPackage) }]);
  beforeAll(async () => {
    process.env.DISENTANGLE_CACHE_DIR = await mkdtemp(join(os.tmpdir(), 'runner-cache-'));
  });
  afterAll(() => {
    if (previousCache === undefined) delete process.env.DISENTANGLE_CACHE_DIR;
    else process.env.DISENTANGLE_CACHE_DIR = previousCache;
  });

  it("training time sums the log's gaps and leaves out a stop-and-resume", () => {
    expect(trainingSeconds([{ time: 0 }, { time: 1000 }, { time: 3000 }, { time: 3_603_000 }, { time: 3_604_500 }])).toBe(4.5);
    expect(trainingSeconds([])).toBe(0);
  });

  it('merges budgets: training, then the dataset, then the model', () => {
    expect(cellBudget(paper.budgets.quick, 'glasses', 'toy-subspace')).toEqual({ steps: 12, schedule: 'constant', options: { zDim: 3 }, data: {} });
  });

  it('refuses a declaration that names an unknown model, metric, column or dataset, before training', async () => {
    const registry = await loadModelRegistry();
    const broken = (change: (p: PaperDeclaration) => void) => {
      const copy = structuredClone(paper);
      change(copy);
      return () => checkDeclaration(copy, registry);
    };
    expect(broken((p) => (p.tables[0].rows = ['stylegan']))).toThrow(/table 'switching' names model 'stylegan', which is not in the registry/);
    expect(broken((p) => (p.tables[0].columns[0].metric = 'fid-everything'))).toThrow(/names metric 'fid-everything'/);
    expect(broken((p) => (p.tables[0].columns[0].dataset = 'celebs'))).toThrow(/names dataset 'celebs', not one of glasses/);
    expect(broken((p) => (p.claims[0].check = { kind: 'best', table: 'switching', model: 'toy-subspace', columns: ['nope'] }))).toThrow(/claim 'gap' names column 'nope'/);
    expect(broken((p) => (p.claims[0].check = { kind: 'best', table: 'missing', model: 'toy-subspace' }))).toThrow(/claim 'gap' names table 'missing'/);
  });

  it('trains each cell, evaluates its metrics by id, judges the claims, draws the figures, writes report and results; a second call resumes', async () => {
    const registry = await loadModelRegistry();
    const backend = await initBackend({ backend: 'wasm', threads: 2 });
    const runsDir = await mkdtemp(join(os.tmpdir(), 'runner-'));
    const lines: string[] = [];
    const options = { paper, registry, budget: 'quick', runsDir, seed: 1, backend, command: 'disentangle reproduce toy --quick', log: (l: string) => lines.push(l), progressStream: quiet };
    const { dir, report, results } = await reproducePaper(options);
    expect(dir).toBe(join(runsDir, 'reproduce-toy-quick'));
    expect(results.runs).toEqual([expect.objectContaining({ dataset: 'glasses', model: 'toy-subspace', step: 12 })]);
    const table = results.tables[0];
    expect(table.cells['toy-subspace'].gap!.value).toBeCloseTo(1, 5);
    expect(table.cells['toy-subspace'].readout!.value).toBe(1);
    expect(table.cells['toy-subspace'].switch!.judge!.name).toMatch(/faces/);
    expect(table.cells['toy-subspace'].identity).toBeUndefined();
    expect(table.errors['toy-subspace / identity']).toBe('needs exclusive labels');
    // A `detail` column shows one entry of the metric's details (computed once with the plain column).
    const switched = table.cells['toy-subspace'].switch!;
    expect(table.cells['toy-subspace']['switch-glasses']).toEqual({ value: switched.details!.Eyeglasses, n: switched.n, judge: switched.judge });
    expect(table.cells['toy-subspace']['switch-wings']).toBeUndefined();
    expect(table.errors['toy-subspace / switch-wings']).toBe("the metric reported no detail 'Wings' (it has Eyeglasses)");
    // A binary switch always changes the label, so returning the input scores exactly the judge's error rate on the inputs.
    expect(table.calibration['no-op floor'].switch!.value).toBeCloseTo(1 - table.calibration['judge on inputs'].switch!.value, 9);
    expect(results.claims.map((c) => [c.id, c.verdict])).toEqual([
      ['gap', 'holds'],
      ['impossible', 'does not hold'],
      ['identity', 'not measurable here'],
    ]);
    expect(results.figures.map((f) => f.file)).toEqual(['figures/switches.png', 'figures/variety.png', 'figures/comparison.png']);
    const text = await readFile(report, 'utf8');
    expect(text).toContain('Command: `disentangle reproduce toy --quick`');
    expect(text).toMatch(/\| toy-subspace \| [\d.]+ \| 1\.000 \(paper 0\.500\) \| 1\.000 \| – \| [\d.]+ \| – \|/);
    expect(text).toMatch(/\| \*no-op floor\* \| \*0\.\d{3}\* \|/);
    expect(text).toContain('- **holds** — "the label lives in w" (§1).');
    expect(text).toContain('![switches](figures/switches.png)');
    expect(text).toContain('](glasses-toy-subspace/images/reconstructions.png)');
    expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).claims).toHaveLength(3);

    lines.length = 0;
    const again = await reproducePaper(options);
    expect(again.results.tables[0].cells['toy-subspace'].gap!.value).toBe(table.cells['toy-subspace'].gap!.value);
    expect(lines.some((l) => /attribute-switch-accuracy: /.test(l))).toBe(false); // read from evaluation.json, not recomputed
    expect(lines.some((l) => /identity-mse/.test(l))).toBe(false); // unavailable: not retried as a computation either
  });

  it('trains in stages: --datasets / --models limit what trains now; finished cells of earlier calls are still reported', async () => {
    const registry = await loadModelRegistry();
    const backend = await initBackend({ backend: 'wasm', threads: 2 });
    const runsDir = await mkdtemp(join(os.tmpdir(), 'runner-staged-'));
    const staged = structuredClone(paper);
    staged.datasets.beards = { paper: 'faces with beards', spec: { dataset: 'faces', labels: ['Beard'], count: 160, size: 32, identities: 20 } };
    staged.tables[0].columns = [staged.tables[0].columns[1], { key: 'beard-gap', header: 'gap (beards)', dataset: 'beards', metric: 'label-subspace-gap' }];
    staged.tables[0].calibration = [];
    staged.claims = [{ id: 'beards', quote: 'beards live in w', source: '§4', check: { kind: 'compare', table: 'switching', model: 'toy-subspace', column: 'beard-gap', relation: 'greater', than: 0.9 } }];
    staged.figures = [];
    const options = { paper: staged, registry, budget: 'quick', runsDir, seed: 1, backend, command: 'c', log: () => {}, progressStream: quiet };
    await expect(reproducePaper({ ...options, only: { models: ['stylegan'] } })).rejects.toThrow(/--models names 'stylegan'/);

    const first = await reproducePaper({ ...options, only: { datasets: ['glasses'] } });
    expect(first.results.runs.map((r) => r.dataset)).toEqual(['glasses']);
    expect(first.results.skipped).toEqual([{ dataset: 'beards', model: 'toy-subspace' }]);
    expect(first.results.claims[0].verdict).toBe('not measurable here');
    expect(await readFile(first.report, 'utf8')).toContain('Not run yet');

    const second = await reproducePaper({ ...options, only: { datasets: ['beards'] } });
    expect(second.results.runs.map((r) => r.dataset)).toEqual(['glasses', 'beards']);
    expect(second.results.skipped).toEqual([]);
    expect(second.results.claims[0].verdict).toBe('holds');
    expect(second.results.commands).toEqual(['c']);
    const third = await reproducePaper({ ...options, command: 'c2' });
    expect(third.results.commands).toEqual(['c', 'c2']);
    expect(await readFile(third.report, 'utf8')).toContain('Earlier calls, whose finished runs this report reuses: `c`');
  });
});
