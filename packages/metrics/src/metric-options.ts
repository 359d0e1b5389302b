/**
 * Reading the options the declarations pass to metrics: a list of names (an array, or
 * "A, B" as a command line gives it) resolved to column indices, with errors that name the
 * metric, the option and what the names must be.
 */

export interface NamedColumnsSpec {
  /** The metric, for the error: 'cumulative AMP change'. */
  what: string;
  /** The option's name: 'sequence'. */
  option: string;
  /** What a name must be, with its article: 'an attribute column'. */
  noun: string;
  /** The plural for the lists in errors: 'attributes'. */
  plural: string;
}

/** `asked` (default: every name) as indices into `names`; distinct and at least one, else an error naming the bad name. */
export function namedColumns(asked: unknown, names: readonly string[], spec: NamedColumnsSpec): number[] {
  const wanted = asked === undefined ? [...names] : typeof asked === 'string' ? asked.split(',').map((n) => n.trim()) : (asked as string[]);
  const columns = wanted.map((name) => {
    const c = names.indexOf(name);
    if (c < 0) throw new Error(`${spec.what}: '${name}' is not ${spec.noun} (${spec.plural}: ${names.join(', ')})`);
    return c;
  });
  if (columns.length === 0 || new Set(columns).size !== columns.length) throw new Error(`${spec.what}: option ${spec.option} must name distinct ${spec.plural}, got ${JSON.stringify(wanted)}`);
  return columns;
}

/** An integer option ≥ `min` (default `fallback` when absent); anything else is an error naming the metric and the option. */
export function integerOption(asked: unknown, fallback: number, { what, option, min = 1 }: { what: string; option: string; min?: number }): number {
  if (asked === undefined) return fallback;
  const value = typeof asked === 'string' && asked.trim() !== '' ? Number(asked) : asked;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`${what}: option ${option} must be an integer ≥ ${min}, got ${JSON.stringify(asked)}`);
  return value;
}
