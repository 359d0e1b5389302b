/**
 * Every paper declaration the `reproduce` runner knows, and what `disentangle demo` shows.
 * A new paper is a new file here and one line in PAPERS. Declarations are plain data, so a
 * user's own papers can live outside the lab: DISENTANGLE_PAPERS names modules (or .json
 * files) exporting `papers` (an array of declarations), comma-separated; `reproduce`,
 * `sweep` and `worker` load them beside these.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaperDeclaration } from '../reproduce/declaration';
import { caglowPaper } from './caglow';
import { csvaePaper } from './csvae';
import { cvaeGanPaper } from './cvae-gan';
import { infomiPaper } from './infomi-vae';
import { jdvaePaper } from './jdvae';

export const PAPERS: readonly PaperDeclaration[] = [csvaePaper, caglowPaper, infomiPaper, jdvaePaper, cvaeGanPaper];

/** `disentangle demo`: the declaration and budget that show controllable synthesis in a few minutes. */
export const DEMO = { paper: csvaePaper.id, budget: 'demo' } as const;

export const PAPERS_VARIABLE = 'DISENTANGLE_PAPERS';

export function paperById(id: string, papers: readonly PaperDeclaration[] = PAPERS): PaperDeclaration {
  const paper = papers.find((p) => p.id === id);
  if (!paper) throw new Error(`no paper '${id}'; papers: ${papers.map((p) => p.id).join(', ')} (disentangle reproduce --list)`);
  return paper;
}

/** PAPERS plus the declarations of the modules in DISENTANGLE_PAPERS. */
export async function loadPapers(variable = process.env[PAPERS_VARIABLE]): Promise<PaperDeclaration[]> {
  const papers = [...PAPERS];
  for (const item of (variable ?? '').split(',').map((v) => v.trim()).filter(Boolean)) {
    const file = isAbsolute(item) ? item : resolve(item);
    let exported: unknown;
    try {
      exported = file.endsWith('.json') ? { papers: JSON.parse(await readFile(file, 'utf8')) } : await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(`${PAPERS_VARIABLE}: cannot load ${item}: ${(error as Error).message}`);
    }
    const list = (exported as { papers?: unknown }).papers;
    if (!Array.isArray(list)) throw new Error(`${PAPERS_VARIABLE}: ${item} exports no \`papers\` array of declarations`);
    for (const paper of list as PaperDeclaration[]) {
      if (typeof paper?.id !== 'string' || !paper.budgets || !Array.isArray(paper.tables)) throw new Error(`${PAPERS_VARIABLE}: ${item} holds something that is not a paper declaration (no id, budgets or tables)`);
      if (papers.some((p) => p.id === paper.id)) throw new Error(`${PAPERS_VARIABLE}: ${item} declares paper '${paper.id}', which is already declared`);
      papers.push(paper);
    }
  }
  return papers;
}
