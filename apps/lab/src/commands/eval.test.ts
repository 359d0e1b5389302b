import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addEvalCommand, runEvalClassifier, runEvalRunDirectory } from './eval';

async function runWithConfig(config: unknown): Promise<string> {
  const dir = await mkdtemp(join(os.tmpdir(), 'eval-run-'));
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('disentangle eval classifier', () => {
  it('trains a judge, prints its held-out accuracy, writes metrics, then reads it from the cache', async () => {
    const cacheDir = await mkdtemp(join(os.tmpdir(), 'eval-cache-'));
    const out = await mkdtemp(join(os.tmpdir(), 'eval-out-'));
    const lines: string[] = [];
    const options = { dataset: 'sprites', steps: 4, count: 60, batch: 8, backend: 'wasm' as const, threads: 1, seed: 0, cacheDir, out, log: (l: string) => lines.push(l) };
    const first = await runEvalClassifier(options);
    expect(first.judge.fromCache).toBe(false);
    expect(first.text).toMatch(/^disentangle-resnet-eval\/sprites\/0@[0-9a-f]{10}: held-out accuracy on 12 test images/);
    expect(first.text).toMatch(/label \(3 classes\): accuracy \d+\.\d%, balanced \d+\.\d% \(majority baseline \d+\.\d%\)/);
    expect(first.text).toContain('trained: ');
    expect(first.command).toBe('disentangle eval classifier --dataset sprites --steps 4 --batch 8 --count 60');
    expect(lines.some((l) => /^step 4: loss \d/.test(l))).toBe(true);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.metrics.map((m: { name: string }) => m.name)).toEqual(['judge accuracy (label)', 'judge balanced accuracy (label)']);
    expect(metrics.metrics[0]).toMatchObject({ value: first.judge.report.label!.accuracy, n: 12, command: first.command });
    expect(await readFile(join(out, 'metrics.md'), 'utf8')).toContain('| judge accuracy (label) |');

    const second = await runEvalClassifier({ ...options, out: undefined });
    expect(second.judge.fromCache).toBe(true);
    expect(second.judge.report).toEqual(first.judge.report);
    expect(second.text).toContain('cached: ');
    first.judge.classifier.dispose();
    second.judge.classifier.dispose();
  });

  it('is registered as `eval classifier` beside `eval <run-dir>`, and commander dispatches to it', async () => {
    const program = new Command();
    addEvalCommand(program);
    const evalCommand = program.commands.find((c) => c.name() === 'eval')!;
    expect(evalCommand.registeredArguments.map((a) => a.name())).toEqual(['run-dir']);
    const classifier = evalCommand.commands.find((c) => c.name() === 'classifier')!;
    expect(classifier.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--dataset', '--steps', '--size', '--count', '--task', '--cache-dir', '--retrain', '--out', '--backend', '--seed']),
    );
    const cacheDir = await mkdtemp(join(os.tmpdir(), 'eval-cache-'));
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const argv = ['eval', 'classifier', '--dataset', 'sprites', '--steps', '2', '--count', '40', '--batch', '4', '--backend', 'wasm', '--threads', '1', '--cache-dir', cacheDir];
      await program.exitOverride().parseAsync(['node', 'disentangle', ...argv]);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).toMatch(/disentangle-resnet-eval\/sprites\/0@[0-9a-f]{10}: held-out accuracy on 8 test images/);
  });
});

describe('disentangle eval <run-dir>', () => {
  it('names a missing run, a run that is not a model run, an unknown model and a run without a checkpoint', async () => {
    await expect(runEvalRunDirectory(join(os.tmpdir(), 'no-such-run-xyz'))).rejects.toThrow(/not a run directory: .*no-such-run-xyz \(no config\.json\)/);
    await expect(runEvalRunDirectory(await runWithConfig('{not json'))).rejects.toThrow(/cannot parse .*config\.json/);
    await expect(runEvalRunDirectory(await runWithConfig({ command: 'glow-demo', model: 'glow' }))).rejects.toThrow(/is not a model run \(its config\.json has no kind: 'model-run'\)/);
    const unknown = { kind: 'model-run', model: 'stylegan', modelConfig: {}, data: { dataset: 'faces' }, environment: {}, training: {} };
    await expect(runEvalRunDirectory(await runWithConfig(unknown))).rejects.toThrow(/unknown model 'stylegan'; the registry has: .*csvae/);
    const untrained = { ...unknown, model: 'vae', environment: { input: { kind: 'vector', dim: 3 }, labels: ['label'], exclusive: false, seed: 0 } };
    await expect(runEvalRunDirectory(await runWithConfig(untrained))).rejects.toThrow(/has no checkpoint yet; train it first/);
  });

  it('dispatches through commander: `eval <run-dir>` reaches the run evaluator', async () => {
    const dir = await runWithConfig({ model: 'caglow' });
    await mkdir(join(dir, 'images'), { recursive: true });
    const program = new Command().exitOverride();
    addEvalCommand(program);
    await expect(program.parseAsync(['node', 'disentangle', 'eval', dir, '--backend', 'cpu'])).rejects.toThrow(/is not a model run/);
  });
});
