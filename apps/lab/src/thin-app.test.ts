// The lab is a thin app: outside papers/*.ts its code names no model and no paper. A model
// reaches every command through the registry, a paper through its declaration.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PAPERS } from './papers';
import { loadModelRegistry } from './registry/model-registry';

const root = fileURLToPath(new URL('.', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

/** Code without its comments (names in prose, e.g. "CSVAE's Figure 2", are explanations, not code paths). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('apps/lab/src outside papers/', () => {
  it('names no registry model, no paper id and no model package', async () => {
    const registry = await loadModelRegistry();
    const names = [...registry.names(), ...PAPERS.map((p) => p.id), ...registry.entries().map((e) => e.paper.id)];
    const offences: string[] = [];
    for (const file of await sourceFiles(root)) {
      const rel = relative(root, file);
      if (rel.startsWith('papers/')) continue;
      const code = withoutComments(await readFile(file, 'utf8'));
      for (const name of new Set(names)) {
        const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // As a word of its own, written as registry names are (not inside 'ConvVae', 'vae-like' or the prose 'VAE').
        const pattern = new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`);
        const line = code.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) offences.push(`${rel}: '${name}' in ${JSON.stringify(line.trim())}`);
      }
      for (const match of code.matchAll(/from '(@disentangle\/[a-z-]+)'/g)) {
        if (registry.entries().some((e) => registry.sourceOf(e.name) === match[1])) offences.push(`${rel}: imports the model package ${match[1]}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
