/**
 * Every paper declaration the `reproduce` runner knows, and what `disentangle demo` shows.
 * A new paper is a new file here and one line in PAPERS.
 */
import type { PaperDeclaration } from '../reproduce/declaration';
import { caglowPaper } from './caglow';
import { csvaePaper } from './csvae';
import { cvaeGanPaper } from './cvae-gan';
import { infomiPaper } from './infomi-vae';
import { jdvaePaper } from './jdvae';

export const PAPERS: readonly PaperDeclaration[] = [csvaePaper, caglowPaper, infomiPaper, jdvaePaper, cvaeGanPaper];

/** `disentangle demo`: the declaration and budget that show controllable synthesis in a few minutes. */
export const DEMO = { paper: csvaePaper.id, budget: 'demo' } as const;

export function paperById(id: string): PaperDeclaration {
  const paper = PAPERS.find((p) => p.id === id);
  if (!paper) throw new Error(`no paper '${id}'; papers: ${PAPERS.map((p) => p.id).join(', ')} (disentangle reproduce --list)`);
  return paper;
}
