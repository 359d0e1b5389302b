import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publishReproduction } from './publish';

let root: string;
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('publishReproduction', () => {
  it("replaces its own report, figures and results but keeps other budgets' reports published inside its folder", async () => {
    root = await mkdtemp(join(os.tmpdir(), 'publish-'));
    const reproduction = join(root, 'runs', 'reproduce-toy');
    await mkdir(join(reproduction, 'figures'), { recursive: true });
    await writeFile(join(reproduction, 'figures', 'grid.png'), 'png');
    await writeFile(join(reproduction, 'report.md'), '# toy\n\n![grid](figures/grid.png)\n');
    await writeFile(join(reproduction, 'results.json'), JSON.stringify({ runs: [], command: 'disentangle reproduce toy', datasets: {} }));
    const out = join(root, 'docs');
    // An earlier publish of this budget, and a longer budget's report published inside it.
    await mkdir(join(out, 'toy', 'figures'), { recursive: true });
    await writeFile(join(out, 'toy', 'figures', 'stale.png'), 'old');
    await mkdir(join(out, 'toy', 'long'), { recursive: true });
    await writeFile(join(out, 'toy', 'long', 'toy.md'), '# toy, long budget\n');

    const report = await publishReproduction(reproduction, out, 'toy');
    expect(report).toBe(join(out, 'toy.md'));
    expect(await readFile(report, 'utf8')).toContain('![grid](toy/figures/grid.png)');
    expect(existsSync(join(out, 'toy', 'figures', 'grid.png'))).toBe(true);
    expect(existsSync(join(out, 'toy', 'figures', 'stale.png'))).toBe(false);
    expect(existsSync(join(out, 'toy', 'results.json'))).toBe(true);
    expect(await readFile(join(out, 'toy', 'long', 'toy.md'), 'utf8')).toBe('# toy, long budget\n');
  });
});
