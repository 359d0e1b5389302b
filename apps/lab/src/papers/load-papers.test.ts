// DISENTANGLE_PAPERS: a user's own declarations (plain data in .mjs or .json) join the
// built-in ones; a file that cannot load, holds no declarations or repeats an id is refused by name.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPapers, PAPERS } from './index';

const toyPaper = fileURLToPath(new URL('../../test/sweep/toy-sweep-paper.mjs', import.meta.url));

describe('loadPapers', () => {
  it('adds the declarations of the listed modules and JSON files to the built-in ones', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'papers-'));
    const json = join(dir, 'mine.json');
    const { papers } = (await import(toyPaper)) as { papers: { id: string }[] };
    await writeFile(json, JSON.stringify([{ ...papers[0], id: 'toy-json' }]));
    const loaded = await loadPapers(`${toyPaper}, ${json}`);
    expect(loaded.map((p) => p.id)).toEqual([...PAPERS.map((p) => p.id), 'toy-sweep', 'toy-json']);
    expect(await loadPapers(undefined)).toEqual([...PAPERS]);
  });

  it('refuses a file that does not load, exports no papers, holds no declaration or repeats an id', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'papers-bad-'));
    await expect(loadPapers(join(dir, 'missing.mjs'))).rejects.toThrow(/DISENTANGLE_PAPERS: cannot load .*missing\.mjs/);
    const none = join(dir, 'none.mjs');
    await writeFile(none, 'export const models = [];\n');
    await expect(loadPapers(none)).rejects.toThrow(/none\.mjs exports no `papers` array/);
    const junk = join(dir, 'junk.json');
    await writeFile(junk, JSON.stringify([{ title: 'no id' }]));
    await expect(loadPapers(junk)).rejects.toThrow(/junk\.json holds something that is not a paper declaration/);
    const again = join(dir, 'again.json');
    await writeFile(again, JSON.stringify([{ ...PAPERS[0] }]));
    await expect(loadPapers(again)).rejects.toThrow(`declares paper '${PAPERS[0].id}', which is already declared`);
  });
});
