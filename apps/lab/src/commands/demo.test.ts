import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, paperById } from '../papers';
import { runDemo } from './demo';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

describe('disentangle demo', () => {
  it("runs the demo declaration's budget through the reproduce runner: figures of controllable synthesis and a report", async () => {
    const budget = paperById(DEMO.paper).budgets[DEMO.budget];
    expect(budget.figures?.length).toBeGreaterThan(0);
    // The demo's own budget takes minutes; the test runs the same tables and figures with the quick budget's training.
    const paper = structuredClone(paperById(DEMO.paper));
    const quick = paper.budgets.quick;
    paper.budgets[DEMO.budget] = { ...budget, training: { ...quick.training, steps: 20 }, datasets: quick.datasets, judge: { steps: 20, count: 300 } };
    const runsDir = await mkdtemp(join(os.tmpdir(), 'demo-'));
    const { dir, report, results } = await runDemo({ runsDir, name: 'demo', backend: 'wasm', threads: 2, seed: 0, paper, progressStream: quiet, log: () => {} });
    expect(dir).toBe(join(runsDir, 'demo'));
    expect(results.figures.map((f) => f.id)).toEqual(budget.figures);
    for (const figure of results.figures) expect((await stat(join(dir, figure.file))).size).toBeGreaterThan(2000);
    expect(await readFile(report, 'utf8')).toContain('Command: `disentangle demo`');
  });
});
