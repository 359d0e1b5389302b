/** Posterior codes of prepared data, and the columns of named code blocks. */
import type { CodePart, Encodes, GenerativeModel } from '@disentangle/kernels';
import { mapBatches, type PreparedData } from '@disentangle/data';

/** Posterior means [n, codeWidth] of the rows `indices`. */
export function encodeRows(model: GenerativeModel & Encodes, data: PreparedData, indices: ArrayLike<number>): Promise<Float32Array> {
  return mapBatches(data, indices, (batch) => model.encode(batch).mu);
}

/** Which blocks of the code: by role ('label' / 'free'), by name, or all. */
export type PartSelector = { role: 'label' | 'free' } | { name: string } | 'all';

/** A metric's `parts` option as a selector: 'label', 'free', 'all' (also when undefined) or a block name; anything else is an error. */
export function partSelectorOf(parts: unknown): PartSelector {
  if (parts === undefined || parts === 'all') return 'all';
  if (parts === 'label' || parts === 'free') return { role: parts };
  if (typeof parts === 'string') return { name: parts };
  throw new Error(`metric option parts must be 'label', 'free', 'all' or a block name, got ${JSON.stringify(parts)}`);
}

export function selectParts(model: Encodes, selector: PartSelector): CodePart[] {
  const parts = model.codeParts();
  const chosen = selector === 'all' ? parts : 'role' in selector ? parts.filter((p) => p.role === selector.role) : parts.filter((p) => p.name === selector.name);
  if (chosen.length === 0) {
    throw new Error(`no code block matches ${JSON.stringify(selector)}; the code's blocks are ${parts.map((p) => `${p.name}${p.role ? ` (${p.role})` : ''}`).join(', ')}`);
  }
  return chosen;
}

/** The code columns of the selected blocks. */
export function partColumns(model: Encodes, selector: PartSelector): number[] {
  return selectParts(model, selector).flatMap((p) => Array.from({ length: p.size }, (_, i) => p.start + i));
}

/** Pearson correlation of two equal-length series (NaN when either is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

/** Column `c` of a row-major [n, width] array. */
export function column(values: Float32Array, width: number, c: number): Float32Array {
  const n = values.length / width;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) out[r] = values[r * width + c];
  return out;
}
