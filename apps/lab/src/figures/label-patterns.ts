/**
 * Label patterns y ∈ {0,1}^K named on the command line ('Eyeglasses=1,Beard=0'), for
 * sampling conditional models, and the default rows: "none" (binary labels) and each label
 * alone.
 */

/** A label pattern and its row label. */
export interface LabelPattern {
  name: string;
  values: number[];
}

/** Index of label `name` (exact, else case-insensitive); a clear error naming the run's labels otherwise. */
export function resolveLabel(labelNames: readonly string[], name: string): number {
  const wanted = name.trim();
  let index = labelNames.indexOf(wanted);
  if (index < 0) {
    const matches = labelNames.flatMap((l, i) => (l.toLowerCase() === wanted.toLowerCase() ? [i] : []));
    if (matches.length === 1) index = matches[0];
  }
  if (index < 0) throw new Error(`unknown label '${wanted}'; this run's labels are: ${labelNames.join(', ') || '(none)'}`);
  return index;
}

export function patternName(labelNames: readonly string[], values: number[]): string {
  const on = values.flatMap((v, i) => (v > 0.5 ? [labelNames[i]] : []));
  return on.length ? on.join('+') : 'none';
}

/** 'Eyeglasses=1,Beard=0' → a pattern; a bare name means =1 and labels not named are 0. */
export function parseLabelPattern(labelNames: readonly string[], exclusive: boolean, text: string): LabelPattern {
  const values = new Array<number>(labelNames.length).fill(0);
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error(`label pattern '${text}' is empty; expected e.g. ${labelNames[0]}=1`);
  for (const part of parts) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    if (extra !== undefined || (value !== undefined && value !== '0' && value !== '1')) {
      throw new Error(`label pattern '${text}': expected NAME=0 or NAME=1, got '${part}'`);
    }
    values[resolveLabel(labelNames, name)] = value === '0' ? 0 : 1;
  }
  if (exclusive && values.filter((v) => v > 0.5).length !== 1) {
    throw new Error(`label pattern '${text}': this run's labels are exclusive (exactly one of ${labelNames.join(', ')} is on)`);
  }
  return { name: patternName(labelNames, values), values };
}

/** The patterns to sample: those asked for, else "none" (non-exclusive labels) and each label alone. */
export function samplePatterns(labelNames: readonly string[], exclusive: boolean, asked: { labels?: string[]; label?: string[] } = {}): LabelPattern[] {
  const k = labelNames.length;
  const only = (c: number) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
  const chosen = [
    ...(asked.labels ?? []).map((text) => parseLabelPattern(labelNames, exclusive, text)),
    ...(asked.label ?? []).map((name) => {
      const c = resolveLabel(labelNames, name);
      return { name: labelNames[c], values: only(c) };
    }),
  ];
  if (chosen.length) return chosen;
  return [...(exclusive ? [] : [{ name: 'none', values: new Array<number>(k).fill(0) }]), ...labelNames.map((name, c) => ({ name, values: only(c) }))];
}
