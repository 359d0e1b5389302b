/**
 * How the columns of a label matrix y divide into a one-hot class and binary attributes, and
 * what a row asks for. Paper 003 (CAGlow) conditions CelebA samples on an identity *and* 40
 * attributes, so its metrics (Tables 1–3) read "mixed" labels: y = [one-hot class columns |
 * binary attribute columns], `classColumns` counting the one-hot ones. Exclusive labels are
 * all class; other labelled data are all attributes.
 */
import type { PreparedData } from '@disentangle/data';

export interface LabelLayout {
  kind: 'none' | 'class' | 'attributes' | 'mixed';
  /** Number of one-hot class columns at the start of y (all K for exclusive labels). */
  classColumns: number;
  classNames: string[];
  /** Names of the binary attribute columns y[classColumns..K). */
  attributeNames: string[];
}

/** The one-hot columns of mixed labels; `PreparedData.classColumns` is optional (0 or absent otherwise). */
export function classColumnsOf(data: PreparedData): number {
  return (data as PreparedData & { classColumns?: number }).classColumns ?? 0;
}

export function labelLayout(data: PreparedData): LabelLayout {
  const names = data.labelNames;
  if (names.length === 0) return { kind: 'none', classColumns: 0, classNames: [], attributeNames: [] };
  if (data.exclusive) return { kind: 'class', classColumns: names.length, classNames: names, attributeNames: [] };
  const c = classColumnsOf(data);
  if (c > 0) return { kind: 'mixed', classColumns: c, classNames: names.slice(0, c), attributeNames: names.slice(c) };
  return { kind: 'attributes', classColumns: 0, classNames: [], attributeNames: names };
}

/** The class row `index` asks for (argmax of its one-hot columns), or −1 when the layout has none. */
export function askedClass(data: PreparedData, layout: LabelLayout, index: number): number {
  if (layout.classColumns === 0) return -1;
  const k = data.labelNames.length;
  let best = 0;
  for (let c = 1; c < layout.classColumns; c++) if (data.y[index * k + c] > data.y[index * k + best]) best = c;
  return best;
}

/** The attribute values (0/1) of the rows, [rows.length, L] in layout order. */
export function askedAttributes(data: PreparedData, layout: LabelLayout, rows: ArrayLike<number>): Uint8Array {
  const k = data.labelNames.length;
  const l = layout.attributeNames.length;
  const out = new Uint8Array(rows.length * l);
  for (let r = 0; r < rows.length; r++) for (let a = 0; a < l; a++) out[r * l + a] = data.y[rows[r] * k + layout.classColumns + a] > 0.5 ? 1 : 0;
  return out;
}
