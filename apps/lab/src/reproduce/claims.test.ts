import { describe, expect, it } from 'vitest';
import { judgeClaim, type TableNumbers } from './claims';
import type { ClaimCheck, TableDeclaration } from './declaration';

const declaration: TableDeclaration = {
  id: 't',
  title: 'a table',
  source: 'Table 1',
  description: '',
  rows: ['a', 'b', 'c'],
  columns: [
    { key: 'acc', header: 'accuracy', dataset: 'd', metric: 'attribute-switch-accuracy' },
    { key: 'mse', header: 'mse', dataset: 'd', metric: 'reconstruction-mse' },
  ],
};
const numbers = (cells: Record<string, Record<string, number>>): Record<string, TableNumbers> => ({
  t: { declaration, cells: Object.fromEntries(Object.entries(cells).map(([m, row]) => [m, Object.fromEntries(Object.entries(row).map(([k, v]) => [k, { value: v, n: 10 }]))])) },
});
const verdict = (check: ClaimCheck, cells: Record<string, Record<string, number>>) => judgeClaim({ id: 'x', quote: 'q', source: '§1', check }, numbers(cells));

describe('claim verdicts from numbers', () => {
  const full = { a: { acc: 0.9, mse: 0.01 }, b: { acc: 0.8, mse: 0.02 }, c: { acc: 0.7, mse: 0.03 } };

  it("'best' follows each metric's direction (higher accuracy, lower error) and fails on a loss", () => {
    expect(verdict({ kind: 'best', table: 't', model: 'a' }, full).verdict).toBe('holds');
    expect(verdict({ kind: 'best', table: 't', model: 'b' }, full).verdict).toBe('does not hold');
    expect(verdict({ kind: 'best', table: 't', model: 'c', columns: ['mse'], prefer: 'higher' }, full).verdict).toBe('holds');
  });

  it("'best' among the rows that ran is not best: a missing rival leaves it not measurable, naming the row; a rival that ran and wins decides it", () => {
    const result = verdict({ kind: 'best', table: 't', model: 'a', columns: ['acc'] }, { a: { acc: 0.9 }, b: { acc: 0.8 } });
    expect(result.verdict).toBe('not measurable here');
    expect(result.detail).toMatch(/no numbers for c/);
    const beaten = verdict({ kind: 'best', table: 't', model: 'b', columns: ['acc'] }, { a: { acc: 0.9 }, b: { acc: 0.8 } });
    expect(beaten.verdict).toBe('does not hold');
    expect(beaten.detail).toMatch(/vs best other a 0\.9.*✗ \(no numbers for c\)/);
  });

  it("'best' among some rows: a row outside `among` may beat it", () => {
    expect(verdict({ kind: 'best', table: 't', model: 'b', columns: ['acc'], among: ['b', 'c'] }, full).verdict).toBe('holds');
    expect(verdict({ kind: 'best', table: 't', model: 'b', columns: ['acc'], among: ['a', 'b'] }, full).verdict).toBe('does not hold');
  });

  it("'compare' against a scaled cell: within 25% of another model's value", () => {
    const within = verdict({ kind: 'compare', table: 't', model: 'b', column: 'mse', relation: 'less', than: { model: 'a', scale: 2.5 } }, full);
    expect(within.verdict).toBe('holds'); // 0.02 < 2.5 × 0.01
    expect(within.detail).toMatch(/2\.5 × a 0\.01.* = 0\.025/);
    expect(verdict({ kind: 'compare', table: 't', model: 'c', column: 'mse', relation: 'less', than: { model: 'a', scale: 2.5 } }, full).verdict).toBe('does not hold');
  });

  it("'order', 'close' and 'compare' decide from the numbers", () => {
    expect(verdict({ kind: 'order', table: 't', models: ['a', 'b', 'c'] }, full).verdict).toBe('holds');
    expect(verdict({ kind: 'order', table: 't', models: ['b', 'a'], columns: ['acc'] }, full).verdict).toBe('does not hold');
    expect(verdict({ kind: 'close', table: 't', models: ['a', 'b'], columns: ['acc'], tolerance: 0.05 }, full).verdict).toBe('does not hold');
    expect(verdict({ kind: 'close', table: 't', models: ['a', 'b'], columns: ['acc'], tolerance: 0.15 }, full).verdict).toBe('holds');
    expect(verdict({ kind: 'compare', table: 't', model: 'c', column: 'acc', relation: 'less', than: { model: 'b' } }, full).verdict).toBe('holds');
    expect(verdict({ kind: 'compare', table: 't', model: 'c', column: 'acc', relation: 'greater', than: 0.75 }, full).verdict).toBe('does not hold');
  });

  it("'close' on every column fails on one measured column, and is not measurable while a column is missing", () => {
    const partial = { a: { acc: 0.9, mse: 0.01 }, b: { acc: 0.7 } };
    expect(verdict({ kind: 'close', table: 't', models: ['a', 'b'], tolerance: 0.05 }, partial).verdict).toBe('does not hold');
    expect(verdict({ kind: 'close', table: 't', models: ['a', 'b'], tolerance: 0.5 }, partial)).toMatchObject({ verdict: 'not measurable here', detail: expect.stringMatching(/missing in 'mse'/) });
  });

  it('a table that did not run leaves its claims not measurable', () => {
    expect(judgeClaim({ id: 'x', quote: 'q', source: '§1', check: { kind: 'best', table: 'gone', model: 'a' } }, {}).verdict).toBe('not measurable here');
  });
});
