/**
 * report.md of a reproduction: how it was run, the paper's tables with our numbers (the
 * paper's beside them where its text kept them), calibration rows, each claim with its
 * verdict, the figures, and every image run's reconstructions. Paths are relative to the
 * report's directory.
 */
import { metricById, type MetricResult } from '@disentangle/metrics';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { higherIsBetterIn, type PaperDeclaration, type TableDeclaration } from './declaration';
import { calibratedColumns } from './cells';
import type { Reproduction } from './runner';

export function formatValue(value: number | undefined, format: TableDeclaration['format']): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (format === 'percent') return `${(100 * value).toFixed(1)}%`;
  return value.toFixed(typeof format === 'number' ? format : 4);
}

/** A sweep's mean carries the spread of its seeds. */
type MaybeSpread = MetricResult & { spread?: { std: number; seeds: number } };

function cell(result: MaybeSpread | undefined, paperValue: number | undefined, format: TableDeclaration['format'], seeds?: number): string {
  const spread = result?.spread;
  // One seed has no spread: "± 0" would claim a certainty nobody measured.
  const plusMinus = spread && spread.seeds >= 2 ? ` ± ${formatValue(spread.std, format)}` : '';
  const fewer = spread && seeds !== undefined && spread.seeds !== seeds ? ` (n=${spread.seeds})` : '';
  const ours = result ? `${formatValue(result.value, format)}${plusMinus}${fewer}` : formatValue(undefined, format);
  return paperValue === undefined ? ours : `${ours} (paper ${formatValue(paperValue, format)})`;
}

function bestRow(table: TableDeclaration, cells: Reproduction['tables'][number]['cells'], column: string): string | undefined {
  const declared = table.columns.find((c) => c.key === column)!;
  const higher = higherIsBetterIn(declared, metricById(declared.metric).higherIsBetter);
  if (higher === undefined) return undefined;
  const scored = table.rows.map((m) => ({ m, v: cells[m]?.[column]?.value })).filter((r): r is { m: string; v: number } => Number.isFinite(r.v));
  scored.sort((a, b) => (higher ? b.v - a.v : a.v - b.v));
  if (scored.length === 0 || (scored.length > 1 && scored[0].v === scored[1].v)) return undefined;
  return scored[0].m;
}

export function renderReport(paper: PaperDeclaration, r: Reproduction, dir: string): string {
  const lines: string[] = [];
  const quick = r.budget.name !== 'full';
  lines.push(`# ${paper.title} — reproduced on our data${quick ? ` (${r.budget.name} budget)` : ''}`, '');
  const earlier = (r.commands ?? []).filter((c) => c !== r.command);
  lines.push(`Command: \`${r.command}\`  `);
  if (earlier.length) lines.push(`${r.seeds ? 'The sweep, before it (one worker per machine)' : 'Earlier calls, whose finished runs this report reuses'}: ${earlier.map((c) => `\`${c}\``).join(', ')}  `);
  lines.push(`Machine: ${r.machine}  `, `Wall time of this call: ${(r.seconds / 60).toFixed(1)} min  `, `Budget: ${r.budget.description}`, '');
  if (r.sweep) lines.push(`Sweep: ${r.sweep.jobs} jobs, ${(r.sweep.wallSeconds / 60).toFixed(1)} min from the first step to the last job's end, ${(r.sweep.trainingSeconds / 60).toFixed(1)} min of training summed over the runs`, '');
  if (r.seeds && r.seeds.length > 1) lines.push(`> **Seeds ${r.seeds.join(', ')}** (n = ${r.seeds.length}): each number is the mean ± the sample standard deviation over the seeds (n is shown where fewer seeds had a number). Claims are judged on the means, and on each seed's own numbers.`, '');
  else if (r.seeds) lines.push(`> **Seed ${r.seeds[0]} only**: one training run per model, so no number here has a spread; seed-to-seed differences are not measured.`, '');
  if (quick) lines.push(`> **${r.budget.name} budget**: ${r.budget.name === 'quick' ? 'a smoke test of the whole pipeline. Its models are barely trained; do not read the numbers as results.' : r.budget.description}`, '');

  lines.push('## Setup', '');
  lines.push('| dataset | stands in for | examples (train / test) |', '|---|---|---|');
  for (const [key, d] of Object.entries(r.datasets)) lines.push(`| ${key} | ${d.paper} | ${d.loaded.count} (${d.loaded.train} / ${d.loaded.test}) |`);
  lines.push('');
  if (Object.keys(r.judges).length) {
    lines.push('Judges (evaluation classifiers trained on fresh draws of each dataset; held-out accuracy, mean balanced accuracy for attributes):', '');
    for (const [key, j] of Object.entries(r.judges)) lines.push(`- ${key}: \`${j.name}\`, ${(100 * j.accuracy).toFixed(1)}%`);
    lines.push('');
  }
  lines.push('| run | steps | batch | lr | schedule | options | training minutes |', '|---|---|---|---|---|---|---|');
  for (const run of r.runs) {
    const b = run.budget;
    lines.push(`| ${run.seed === undefined ? '' : `seed ${run.seed} `}${run.dataset}-${run.model} | ${run.step} | ${b.batch ?? 'paper'} | ${b.learningRate ?? 'paper'} | ${b.schedule ?? 'scaled'} | ${b.options && Object.keys(b.options).length ? `\`${JSON.stringify(b.options)}\`` : ''} | ${((run.trainingSeconds ?? run.seconds) / 60).toFixed(1)} |`);
  }
  lines.push('');
  if (r.skipped?.length) {
    lines.push(`Not run yet (outside this call's \`--models\` / \`--datasets\`; their cells show –, and claims on them are not measurable): ${r.skipped.map((c) => `${c.dataset}-${c.model}`).join(', ')}.`, '');
  }
  if (paper.notes.length) {
    lines.push('Stand-ins, reconstructions and deviations:', '');
    for (const note of paper.notes) lines.push(`- ${note}`);
    lines.push('');
  }

  for (const result of r.tables) {
    const table = paper.tables.find((t) => t.id === result.id)!;
    lines.push(`## ${table.title} (${table.source})`, '', table.description, '');
    const headers = ['model', ...table.columns.map((c) => c.header)];
    lines.push(`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`);
    for (const model of table.rows) {
      const values = table.columns.map((c) => {
        const text = cell(result.cells[model]?.[c.key], table.paper?.[model]?.[c.key], table.format, r.seeds?.length);
        return table.rows.length > 1 && bestRow(table, result.cells, c.key) === model ? `**${text}**` : text;
      });
      lines.push(`| ${model} | ${values.join(' | ')} |`);
    }
    for (const row of table.calibration ?? []) {
      const calibrated = new Set(calibratedColumns(table, row).map((c) => c.key));
      lines.push(`| *${row.label}* | ${table.columns.map((c) => (calibrated.has(c.key) ? `*${formatValue(result.calibration[row.label]?.[c.key]?.value, table.format)}*` : '')).join(' | ')} |`);
    }
    lines.push('');
    // A metric whose details the table already shows as columns (`detail`) is not spelled out again.
    const metricOf = (c: (typeof table.columns)[number]) => `${c.metric} ${JSON.stringify(c.options ?? {})}`;
    const shownAsColumns = new Set(table.columns.filter((c) => c.detail).map(metricOf));
    const detailed = table.columns.filter((c) => !shownAsColumns.has(metricOf(c)) && table.rows.some((m) => Object.keys(result.cells[m]?.[c.key]?.details ?? {}).length > 1));
    // Columns of one metric computed once (Table 3's steps) share their details: print them once.
    const printed = new Set<string>();
    for (const column of detailed) {
      const measured = table.rows.filter((m) => Object.keys(result.cells[m]?.[column.key]?.details ?? {}).length);
      const text = measured.map((m) => `${m} ${Object.entries(result.cells[m][column.key]!.details!).map(([k, v]) => `${k} ${formatValue(v, table.format)}`).join(' / ')}`).join('; ');
      if (printed.has(text)) continue;
      printed.add(text);
      lines.push(`Per label, ${column.header}: ${text}.`, '');
    }
    // Every model is measured on the same test examples; the first row with a number says how many.
    const counted = table.columns.map((c) => `${c.header} ${table.rows.map((m) => result.cells[m]?.[c.key]?.n).find((n) => n !== undefined) ?? '–'}`);
    lines.push(`Measured over (per model): ${counted.join(', ')}.${table.rows.length > 1 ? " Bold: best in the column (by the metric's direction; none on a tie)." : ''}`, '');
    for (const [where, error] of Object.entries(result.errors)) lines.push(`- not computed — ${where}: ${error}`);
    if (Object.keys(result.errors).length) lines.push('');
  }

  if (r.claims.length) {
    lines.push('## Claims', '');
    lines.push('Each verdict is computed from the numbers above.', '');
    for (const claim of r.claims) {
      const perSeed = claim.perSeed ? ` Per seed: holds in ${claim.perSeed.filter((s) => s.verdict === 'holds').length}/${claim.perSeed.length} (${claim.perSeed.map((s) => `seed ${s.seed} ${s.verdict === 'holds' ? '✓' : s.verdict === 'does not hold' ? '✗' : '?'}`).join(', ')}).` : '';
      lines.push(`- **${claim.verdict}** — "${claim.quote}" (${claim.source}). ${claim.detail}${perSeed}`);
    }
    lines.push('');
  }

  if (r.figures.length) {
    lines.push('## Figures', '');
    for (const figure of r.figures) lines.push(`**${figure.title}**`, '', `![${figure.id}](${figure.file})`, '');
  }

  // A sweep shows its first seed's reconstructions.
  const reconstructions = r.runs.filter((run) => (r.seeds === undefined || run.seed === r.seeds[0]) && existsSync(join(run.run, 'images', 'reconstructions.png')));
  if (reconstructions.length) {
    lines.push('## Reconstructions', '', 'Test inputs (odd rows) above each model\'s reconstructions through the posterior mean (even rows). A model that draws the average face cannot test a claim about switching attributes.', '');
    for (const run of reconstructions) lines.push(`**${run.dataset} — ${run.model}** (step ${run.step}${run.seed === undefined ? '' : `, seed ${run.seed}`})`, '', `![${run.dataset}-${run.model}](${relative(dir, join(run.run, 'images', 'reconstructions.png'))})`, '');
  }
  return `${lines.join('\n')}\n`;
}
