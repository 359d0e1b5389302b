/**
 * From a reproduction's numbers (keyed `dataset|model|metric`, see cells.ts) to its tables'
 * cells, calibration rows and errors, and the claims judged on them.
 */
import type { MetricResult } from '@disentangle/metrics';
import { calibratedColumns, metricKey } from './cells';
import type { CellNumber } from './cell-run';
import { judgeClaim, type ClaimResult, type TableNumbers } from './claims';
import type { PaperDeclaration, TableDeclaration } from './declaration';

export interface TableResult {
  id: string;
  cells: Record<string, Record<string, MetricResult | undefined>>;
  calibration: Record<string, Record<string, MetricResult | undefined>>;
  errors: Record<string, string>;
}

/** The tables' results and the paper's claims (on the tables that ran) from `numbers`. */
export function assembleTables(paper: PaperDeclaration, tables: TableDeclaration[], numbers: Map<string, CellNumber>): { tables: TableResult[]; claims: ClaimResult[] } {
  const tableNumbers: Record<string, TableNumbers> = {};
  const results = tables.map((table) => {
    const { cells, calibration, errors } = collect(table, numbers);
    tableNumbers[table.id] = { declaration: table, cells };
    return { id: table.id, cells, calibration, errors };
  });
  const claims = paper.claims.filter((c) => tableNumbers[c.check.table]).map((claim) => judgeClaim(claim, tableNumbers));
  return { tables: results, claims };
}

/** One entry of a result's details as a cell of its own (same n and judge); an error when the metric did not report it. */
function detailOf(result: MetricResult, detail: string, where: string, errors: Record<string, string>): MetricResult | undefined {
  const value = result.details?.[detail];
  if (value === undefined) {
    errors[where] = `the metric reported no detail '${detail}' (it has ${Object.keys(result.details ?? {}).join(', ') || 'none'})`;
    return undefined;
  }
  return { value, n: result.n, judge: result.judge };
}

/** A table's cells and calibration rows from the computed numbers. */
function collect(table: TableDeclaration, numbers: Map<string, CellNumber>) {
  const cells: Record<string, Record<string, MetricResult | undefined>> = {};
  const calibration: Record<string, Record<string, MetricResult | undefined>> = {};
  const errors: Record<string, string> = {};
  const take = (key: string, where: string): MetricResult | undefined => {
    const found = numbers.get(key);
    if (found && 'error' in found) {
      errors[where] = found.error;
      return undefined;
    }
    return found;
  };
  for (const model of table.rows) {
    cells[model] = {};
    for (const column of table.columns) {
      const where = `${model} / ${column.key}`;
      const result = take(`${column.dataset}|${model}|${metricKey(column.metric, column.options)}`, where);
      cells[model][column.key] = column.detail && result ? detailOf(result, column.detail, where, errors) : result;
    }
  }
  for (const row of table.calibration ?? []) {
    calibration[row.label] = {};
    for (const column of calibratedColumns(table, row)) {
      const where = `${row.label} / ${column.key}`;
      const result = take(`${column.dataset}|*|${metricKey(row.metric, row.options)}`, where);
      calibration[row.label][column.key] = column.detail && result ? detailOf(result, column.detail, where, errors) : result;
    }
  }
  return { cells, calibration, errors };
}

