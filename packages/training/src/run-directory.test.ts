import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigMismatchError, configDifferences, RunDirectory } from './run-directory';

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'run-directory-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const baseConfig = {
  model: 'csvae',
  latentDim: 8,
  learningRate: 1e-3,
  steps: 100,
  data: { dataset: 'sprites', imageSize: 32 },
  seed: 0,
};

describe('RunDirectory', () => {
  it('creates runs/<name>/ with config.json, images/ and checkpoints/', async () => {
    const run = await RunDirectory.create(root, 'exp1', baseConfig);
    expect(run.resumed).toBe(false);
    expect(run.name).toBe('exp1');
    expect(run.path).toBe(path.join(root, 'exp1'));
    expect(JSON.parse(await fs.readFile(run.configPath, 'utf8'))).toEqual(baseConfig);
    expect((await fs.stat(run.imagesDir)).isDirectory()).toBe(true);
    expect((await fs.stat(run.checkpointsDir)).isDirectory()).toBe(true);
    expect(run.checkpointsDir).toBe(path.join(root, 'exp1', 'checkpoints'));
    // No temporary files left from the atomic config write.
    expect((await fs.readdir(run.path)).sort()).toEqual(['checkpoints', 'config.json', 'images']);

    const opened = await RunDirectory.open(run.path);
    expect(opened.config).toEqual(baseConfig);
    expect(opened.resumed).toBe(true);
  });

  it('rejects a run name that is a path', async () => {
    await expect(RunDirectory.create(root, '../escape', baseConfig)).rejects.toThrow(/invalid run name/);
    await expect(RunDirectory.create(root, '', baseConfig)).rejects.toThrow(/invalid run name/);
  });

  it('open() names the directory when it is not a run', async () => {
    await expect(RunDirectory.open(path.join(root, 'nope'))).rejects.toThrow(`not a run directory: ${path.join(root, 'nope')}`);
  });

  it('resumes a run with the same config, accepting changes to resumable fields only', async () => {
    await RunDirectory.create(root, 'exp', baseConfig);
    const resumed = await RunDirectory.create(root, 'exp', { ...baseConfig, steps: 500, backend: 'wasm' });
    expect(resumed.resumed).toBe(true);
    expect(JSON.parse(await fs.readFile(resumed.configPath, 'utf8')).steps).toBe(500);
  });

  it('refuses to resume when a field that matters differs, naming the keys', async () => {
    await RunDirectory.create(root, 'exp', baseConfig);
    const changed = { ...baseConfig, latentDim: 16, steps: 200, data: { dataset: 'sprites', imageSize: 64 } };
    const error = await RunDirectory.create(root, 'exp', changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigMismatchError);
    const mismatch = error as ConfigMismatchError;
    expect(mismatch.keys).toEqual(['data.imageSize', 'latentDim']);
    expect(mismatch.message).toContain('latentDim: saved 8, now 16');
    expect(mismatch.message).toContain('data.imageSize: saved 32, now 64');
    expect(mismatch.message).not.toContain('steps');
    // The saved config is untouched.
    expect(JSON.parse(await fs.readFile(path.join(root, 'exp', 'config.json'), 'utf8'))).toEqual(baseConfig);

    const forced = await RunDirectory.create(root, 'exp', changed, { force: true });
    expect(forced.config).toEqual(changed);
    expect(JSON.parse(await fs.readFile(forced.configPath, 'utf8'))).toEqual(changed);
    expect(JSON.parse(await fs.readFile(path.join(forced.path, 'config.previous.json'), 'utf8'))).toEqual(baseConfig);
  });

  it('treats a field added or removed as a difference', () => {
    expect(configDifferences({ a: 1 }, { a: 1, b: 2 }).map((d) => d.key)).toEqual(['b']);
    expect(configDifferences({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }).map((d) => d.key)).toEqual(['b']);
    expect(configDifferences({ a: 1, c: undefined }, { a: 1 })).toEqual([]);
  });
});

describe('metrics.jsonl', () => {
  it('appends one JSON line per record with step, time and the numbers', async () => {
    const run = await RunDirectory.create(root, 'm', baseConfig);
    expect(await run.readMetrics()).toEqual([]);
    const before = Date.now();
    await run.appendMetrics({ step: 1, loss: 2.5, kl: 0.25 });
    await run.appendMetrics({ step: 2, loss: Number.NaN, grad: Number.POSITIVE_INFINITY });
    const lines = (await fs.readFile(run.metricsPath, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual(['step', 'time', 'loss', 'kl']);
    expect(first.time).toBeGreaterThanOrEqual(before);

    const records = await run.readMetrics();
    expect(records.map((r) => r.step)).toEqual([1, 2]);
    expect(records[0]).toMatchObject({ loss: 2.5, kl: 0.25 });
    expect(records[1].loss).toBeNaN();
    expect(records[1].grad).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a record without a valid step or with a non-number', async () => {
    const run = await RunDirectory.create(root, 'm', baseConfig);
    await expect(run.appendMetrics({ step: -1, loss: 1 })).rejects.toThrow(/step must be a non-negative integer/);
    await expect(run.appendMetrics({ step: 1, loss: '1' as unknown as number })).rejects.toThrow(/"loss" must be a number/);
  });

  it('skips a last line truncated by a crash, and later appends are not swallowed by it', async () => {
    const run = await RunDirectory.create(root, 'm', baseConfig);
    for (const step of [1, 2, 3]) await run.appendMetrics({ step, loss: step / 10 });
    await fs.appendFile(run.metricsPath, '{"step":4,"time":17000000');
    expect((await run.readMetrics()).map((r) => r.step)).toEqual([1, 2, 3]);

    // After the crash, a new process opens the run and goes on logging.
    const resumed = await RunDirectory.open(run.path);
    await resumed.appendMetrics({ step: 4, loss: 0.4 });
    await resumed.appendMetrics({ step: 5, loss: 0.5 });
    const records = await resumed.readMetrics();
    expect(records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(records[3].loss).toBe(0.4);
  });

  it('discardMetricsAfter drops records logged after a checkpoint step', async () => {
    const run = await RunDirectory.create(root, 'm', baseConfig);
    for (const step of [10, 20, 30, 40, 50]) await run.appendMetrics({ step, loss: step, odd: Number.NEGATIVE_INFINITY });
    expect(await run.discardMetricsAfter(30)).toBe(2);
    const records = await run.readMetrics();
    expect(records.map((r) => r.step)).toEqual([10, 20, 30]);
    expect(records[2].odd).toBe(Number.NEGATIVE_INFINITY);
    await run.appendMetrics({ step: 40, loss: 1 });
    expect((await run.readMetrics()).map((r) => r.step)).toEqual([10, 20, 30, 40]);
  });
});

describe('bad input around a run (issue 15)', () => {
  it('a bad metrics line in the middle is an error naming the file and line; only the last line may be dropped', async () => {
    const run = await RunDirectory.create(root, 'm', baseConfig);
    for (const step of [1, 2, 3]) await run.appendMetrics({ step, loss: step });
    const lines = (await fs.readFile(run.metricsPath, 'utf8')).split('\n');
    lines[1] = '{"step":2,"time":';
    await fs.writeFile(run.metricsPath, lines.join('\n'));
    await expect(run.readMetrics()).rejects.toThrow(`${run.metricsPath}:2: not a metrics record`);
    await expect(run.discardMetricsAfter(3)).rejects.toThrow(`${run.metricsPath}:2`);
    // The same cut line at the end is what a crash leaves: dropped.
    await fs.writeFile(run.metricsPath, `${lines[0]}\n${lines[2]}\n{"step":2,"time":\n`);
    expect((await run.readMetrics()).map((r) => r.step)).toEqual([1, 3]);
  });

  it('a file passed as the runs directory, or as a run, gives an error naming it instead of ENOTDIR', async () => {
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, 'not a directory');
    await expect(RunDirectory.create(file, 'run', baseConfig)).rejects.toThrow(`cannot use run directory ${path.join(file, 'run')}: ${file} is a file, not a directory`);
    await expect(RunDirectory.create(root, 'a-file', baseConfig)).rejects.toThrow(`run directory ${file} is a file, not a directory`);
    await expect(RunDirectory.open(file)).rejects.toThrow(`run directory ${file} is a file, not a directory`);
  });

  it("a config mismatch's advice names options that exist (the library's, or the caller's own)", async () => {
    await RunDirectory.create(root, 'exp', baseConfig);
    const library = await RunDirectory.create(root, 'exp', { ...baseConfig, latentDim: 4 }).catch((e: Error) => e);
    expect((library as Error).message).toContain('pass `force: true` to RunDirectory.create');
    expect((library as Error).message).not.toContain('force the resume');
    const cli = await RunDirectory.create(root, 'exp', { ...baseConfig, latentDim: 4 }, { mismatchAdvice: 'Give another --name, or --fresh.' }).catch((e: Error) => e);
    expect((cli as Error).message.split('\n').at(-1)).toBe('Give another --name, or --fresh.');
  });
});
