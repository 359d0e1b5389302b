import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fid } from './frechet-distance';
import { fidRow, formatMetricsMarkdown, judgedRow, metricsReport, validateMetricRow, type MetricRow } from './report';

describe('metricsReport', () => {
  it('writes metrics.json and a markdown table with judge, feature network and command', async () => {
    const dir = join(await mkdtemp(join(os.tmpdir(), 'metrics-report-')), 'run');
    const judge = { judge: 'disentangle-resnet-eval/faces/0@abc', judgeAccuracy: 0.981 };
    const fidResult = fid([0, 1, 2, 3, 1, 2], [1, 1, 2, 2, 3, 3], 2, { featureNetwork: judge.judge });
    const rows: MetricRow[] = [
      judgedRow('SR(+)', 0.5985, judge, { n: 200, paper: '001', model: 'pa1' }),
      fidRow(fidResult, { command: 'disentangle eval runs/x' }),
      { name: 'MI(z_u; c)', value: 0.012, standardError: 0.003, n: 6200, notes: 'nats | eq. 4' },
      { name: 'BCA', value: Number.NaN, n: 0 },
    ];
    const paths = await metricsReport(dir, rows, { command: 'disentangle eval runs/pa1', date: new Date('2025-01-02T03:04:05Z') });
    const json = JSON.parse(await readFile(paths.json, 'utf8'));
    expect(json.format).toBe('disentangle-metrics-v1');
    expect(json.date).toBe('2025-01-02T03:04:05.000Z');
    expect(json.metrics[0]).toMatchObject({ name: 'SR(+)', value: 0.5985, n: 200, judge: judge.judge, judgeAccuracy: 0.981, command: 'disentangle eval runs/pa1' });
    expect(json.metrics[1]).toMatchObject({ name: 'FID', featureNetwork: judge.judge, n: { a: 3, b: 3 }, command: 'disentangle eval runs/x' });
    expect(json.metrics[3].value).toBeNull();
    const markdown = await readFile(paths.markdown, 'utf8');
    expect(markdown).toContain('| metric | value | ± | n | judge (held-out acc.) | feature network | model | command |');
    expect(markdown).toContain('| SR(+) | 0.5985 |  | 200 | disentangle-resnet-eval/faces/0@abc (98.1%) |  | pa1 | `disentangle eval runs/pa1` |');
    expect(markdown).toContain('| FID | ');
    expect(markdown).toContain('| a: 3, b: 3 |  | disentangle-resnet-eval/faces/0@abc |');
    expect(markdown).toContain('| BCA | n/a |');
    expect(markdown).toContain('- **MI(z_u; c)**: nats | eq. 4');
  });

  it('refuses rows that drop what makes them interpretable', async () => {
    expect(() => validateMetricRow({ name: 'Acc', value: 0.9, judge: 'j' })).toThrow(/judge without its accuracy/);
    expect(() => validateMetricRow({ name: 'Acc', value: 0.9, judge: 'j', judgeAccuracy: 98 })).toThrow(/expected a fraction/);
    expect(() => validateMetricRow({ name: 'FID', value: 12 })).toThrow(/without a featureNetwork/);
    expect(() => validateMetricRow({ name: '', value: 1 })).toThrow(/needs a name/);
    const dir = await mkdtemp(join(os.tmpdir(), 'metrics-report-'));
    await expect(metricsReport(dir, [{ name: 'ok', value: 1 }, { name: 'FID', value: 2 }])).rejects.toThrow(/featureNetwork/);
    expect(formatMetricsMarkdown([{ name: 'a|b', value: 1e-6 }])).toContain('| a\\|b | 1.000e-6 |');
  });
});
