/**
 * The page's numbers against node.mjs's: every key of `expected.values` must be in the page's
 * values with the same length, each element within `tolerance` (max absolute difference). The
 * report names the worst key and index, so a failure says where the browser and Node part.
 */
export interface Expected {
  values: Record<string, number[]>;
  tolerance: number;
}

export interface Comparison {
  ok: boolean;
  problems: string[];
  worst?: { key: string; index: number; expected: number; actual: number; difference: number };
}

const asArray = (value: unknown): unknown[] | undefined => (typeof value === 'number' ? [value] : Array.isArray(value) ? value : ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : undefined);

export function validateExpected(value: unknown): Expected {
  const expected = value as Expected;
  if (!expected || typeof expected !== 'object' || !expected.values || typeof expected.values !== 'object') throw new Error('expected.json must be { "values": { "<key>": number[], ... }, "tolerance": number }: it has no "values" object');
  if (typeof expected.tolerance !== 'number' || !(expected.tolerance >= 0)) throw new Error(`expected.json's "tolerance" must be a number ≥ 0, not ${JSON.stringify(expected.tolerance)}`);
  if (Object.keys(expected.values).length === 0) throw new Error('expected.json has no values to compare');
  return expected;
}

export function compareValues(expected: Expected, actual: Record<string, unknown>): Comparison {
  const problems: string[] = [];
  let worst: Comparison['worst'];
  for (const [key, want] of Object.entries(expected.values)) {
    const wantArray = asArray(want);
    if (!wantArray) {
      problems.push(`expected.json's ${key} is not a number array`);
      continue;
    }
    if (!(key in actual)) {
      problems.push(`the page gave no "${key}"`);
      continue;
    }
    const got = asArray(actual[key]);
    if (!got) {
      problems.push(`the page's "${key}" is not a number array: ${JSON.stringify(actual[key])?.slice(0, 200)}`);
      continue;
    }
    if (got.length !== wantArray.length) {
      problems.push(`the page's "${key}" has ${got.length} values, node.mjs's ${wantArray.length}`);
      continue;
    }
    for (let index = 0; index < wantArray.length; index++) {
      const e = wantArray[index] as number;
      const a = got[index] as number;
      const difference = typeof a === 'number' && typeof e === 'number' ? Math.abs(a - e) : Number.NaN;
      // NaN (a non-number, or NaN on either side) is the worst difference there is.
      const score = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
      if (!worst || score > (Number.isNaN(worst.difference) ? Number.POSITIVE_INFINITY : worst.difference)) worst = { key, index, expected: e, actual: a, difference };
    }
  }
  if (worst && !(worst.difference <= expected.tolerance)) {
    problems.push(`"${worst.key}"[${worst.index}]: the page gave ${worst.actual}, node.mjs ${worst.expected} (|difference| ${worst.difference} > tolerance ${expected.tolerance})`);
  }
  return { ok: problems.length === 0, problems, worst };
}
