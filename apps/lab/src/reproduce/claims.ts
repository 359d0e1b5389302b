/**
 * Claim verdicts, computed from the numbers of a reproduction: 'holds', 'does not hold', or
 * 'not measurable here' (a cell is missing or not a number, or the metric has no better
 * direction for a comparison that needs one). Ties do not make a model best.
 */
import { metricById, type MetricResult } from '@disentangle/metrics';
import { higherIsBetterIn, type ClaimCheck, type ClaimDeclaration, type TableDeclaration } from './declaration';

export type Verdict = 'holds' | 'does not hold' | 'not measurable here';

export interface ClaimResult {
  id: string;
  quote: string;
  source: string;
  verdict: Verdict;
  /** The numbers behind the verdict, in words. */
  detail: string;
  /** A sweep's verdict of each seed on its own numbers (the verdict above is on the means). */
  perSeed?: { seed: number; verdict: Verdict }[];
}

/** A table's numbers: cells[model][columnKey]. */
export interface TableNumbers {
  declaration: TableDeclaration;
  cells: Record<string, Record<string, MetricResult | undefined>>;
}


function value(table: TableNumbers, model: string, column: string): number | undefined {
  const v = table.cells[model]?.[column]?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function direction(table: TableNumbers, column: string): boolean | undefined {
  const declared = table.declaration.columns.find((c) => c.key === column);
  if (!declared) throw new Error(`claim: table '${table.declaration.id}' has no column '${column}'`);
  return higherIsBetterIn(declared, metricById(declared.metric).higherIsBetter);
}

function columnsOf(table: TableNumbers, columns?: string[]): string[] {
  return columns ?? table.declaration.columns.map((c) => c.key);
}

function judge(check: ClaimCheck, table: TableNumbers): { verdict: Verdict; detail: string } {
  const format = table.declaration.format;
  const show = (v: number) => (format === 'percent' ? `${(100 * v).toFixed(1)}%` : v.toFixed(typeof format === 'number' ? format : 4));
  const unmeasurable = (detail: string) => ({ verdict: 'not measurable here' as const, detail });
  const prefer = check.kind === 'best' && check.prefer ? check.prefer === 'higher' : undefined;
  const higher = (column: string) => prefer ?? direction(table, column);
  const better = (column: string, a: number, b: number) => (higher(column) ? a > b : a < b);
  switch (check.kind) {
    case 'best': {
      const parts: string[] = [];
      let holds = true;
      const missing = new Set<string>();
      for (const column of columnsOf(table, check.columns)) {
        if (higher(column) === undefined) return unmeasurable(`column '${column}' has no better direction`);
        const mine = value(table, check.model, column);
        if (mine === undefined) return unmeasurable(`no number for ${check.model} in '${column}'`);
        const others = (check.among ?? table.declaration.rows).filter((m) => m !== check.model).map((m) => ({ m, v: value(table, m, column) }));
        for (const o of others) if (o.v === undefined) missing.add(o.m);
        const rival = others.filter((o) => o.v !== undefined).sort((a, b) => (better(column, a.v!, b.v!) ? -1 : 1))[0];
        const wins = !rival || better(column, mine, rival.v!);
        holds &&= wins;
        parts.push(`${column}: ${check.model} ${show(mine)}${rival ? ` vs best other ${rival.m} ${show(rival.v!)}` : ''} ${wins ? '✓' : '✗'}`);
      }
      // Beaten by a row that ran: fails whatever the missing rows would say. Best among some rows is not best.
      const note = missing.size ? ` (no numbers for ${[...missing].join(', ')})` : '';
      if (!holds) return { verdict: 'does not hold', detail: parts.join('; ') + note };
      if (missing.size) return unmeasurable(`best among the rows that ran, but no numbers for ${[...missing].join(', ')}: ${parts.join('; ')}`);
      return { verdict: 'holds', detail: parts.join('; ') };
    }
    case 'order': {
      const parts: string[] = [];
      let holds = true;
      for (const column of columnsOf(table, check.columns)) {
        if (direction(table, column) === undefined) return unmeasurable(`column '${column}' has no better direction`);
        const values = check.models.map((m) => value(table, m, column));
        if (values.some((v) => v === undefined)) return unmeasurable(`a number is missing in '${column}'`);
        const ordered = values.every((v, i) => i === 0 || better(column, values[i - 1]!, v!));
        holds &&= ordered;
        parts.push(`${column}: ${check.models.map((m, i) => `${m} ${show(values[i]!)}`).join(' > ')} ${ordered ? '✓' : '✗'}`);
      }
      return { verdict: holds ? 'holds' : 'does not hold', detail: parts.join('; ') };
    }
    case 'close': {
      const parts: string[] = [];
      const missing: string[] = [];
      let holds = true;
      for (const column of columnsOf(table, check.columns)) {
        const [a, b] = check.models.map((m) => value(table, m, column));
        if (a === undefined || b === undefined) {
          missing.push(column);
          continue;
        }
        const gap = Math.abs(a - b);
        holds &&= gap <= check.tolerance;
        parts.push(`${column}: |${show(a)} − ${show(b)}| = ${show(gap)} ${gap <= check.tolerance ? '≤' : '>'} ${show(check.tolerance)}`);
      }
      // "Close on every column" fails on one measured column; it holds only if none is missing.
      const note = missing.length ? ` (a number is missing in ${missing.map((c) => `'${c}'`).join(', ')})` : '';
      if (!holds) return { verdict: 'does not hold', detail: parts.join('; ') + note };
      if (missing.length) return unmeasurable(`${parts.length ? `${parts.join('; ')}; ` : ''}${note.slice(2, -1)}`);
      return { verdict: 'holds', detail: parts.join('; ') };
    }
    case 'compare': {
      const mine = value(table, check.model, check.column);
      const cell = typeof check.than === 'number' ? undefined : value(table, check.than.model, check.than.column ?? check.column);
      const scale = typeof check.than === 'number' ? 1 : (check.than.scale ?? 1);
      const other = typeof check.than === 'number' ? check.than : cell === undefined ? undefined : cell * scale;
      if (mine === undefined || other === undefined) return unmeasurable(`a number is missing for '${check.column}'`);
      const holds = check.relation === 'greater' ? mine > other : mine < other;
      const against = typeof check.than === 'number' ? show(check.than) : `${scale === 1 ? '' : `${scale} × `}${check.than.model} ${show(cell!)}${scale === 1 ? '' : ` = ${show(other)}`}`;
      return { verdict: holds ? 'holds' : 'does not hold', detail: `${check.model} ${show(mine)} ${check.relation === 'greater' ? '>' : '<'} ${against}: ${holds ? '✓' : '✗'}` };
    }
  }
}

export function judgeClaim(claim: ClaimDeclaration, tables: Record<string, TableNumbers>): ClaimResult {
  const table = tables[claim.check.table];
  const base = { id: claim.id, quote: claim.quote, source: claim.source };
  if (!table) return { ...base, verdict: 'not measurable here', detail: `table '${claim.check.table}' was not run` };
  return { ...base, ...judge(claim.check, table) };
}
