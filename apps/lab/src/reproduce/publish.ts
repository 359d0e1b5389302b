/**
 * `reproduce --publish DIR`: a reproduction as committed results — DIR/<paper>.md (the
 * report, image paths rewritten), DIR/<paper>/figures/, DIR/<paper>/runs/<run>/ (each run's
 * pictures) and DIR/<paper>/weights/<run>/: a run directory holding config.json, the last
 * checkpoint's model weights (optimizer state left out to keep them small), metrics.jsonl,
 * evaluation.json and manifest.json (the commands that trained the reproduction, steps, seed). `disentangle eval`, `sample` and
 * `swap` read those directories as they are; `train` continues them with fresh optimizer
 * moments.
 */
import { saveWeights, writeFileAtomic } from '@disentangle/kernels';
import { checkpointDirName, loadLatestCheckpoint, OPTIMIZER_PREFIX, RunDirectory } from '@disentangle/training';
import * as tf from '@tensorflow/tfjs-core';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Reproduction } from './runner';

/** What a publish writes under DIR/<paper>/, and so replaces. */
const PUBLISHED_ENTRIES = ['figures', 'runs', 'weights', 'results.json'];

async function copyDir(from: string, to: string, keep: (name: string) => boolean = () => true): Promise<void> {
  if (!existsSync(from)) return;
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) if (keep(name)) await copyFile(join(from, name), join(to, name));
}

/**
 * Copies the reproduction in `dir` to `out`; returns the report's new path. `keepRun` picks
 * the runs whose pictures and weights are copied (default all; a sweep keeps its first
 * seed's, the ones its report shows).
 */
export async function publishReproduction(dir: string, out: string, paper: string, keepRun: (run: Reproduction['runs'][number]) => boolean = () => true): Promise<string> {
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Reproduction;
  const target = resolve(out, paper);
  // Only what this publish writes is replaced: reports of other budgets published inside
  // target (docs/results/jdvae/long/, …) stay.
  for (const owned of PUBLISHED_ENTRIES) await rm(join(target, owned), { recursive: true, force: true });
  await copyDir(join(dir, 'figures'), join(target, 'figures'));
  let report = await readFile(join(dir, 'report.md'), 'utf8');
  report = report.replace(/\]\(figures\//g, `](${paper}/figures/`);
  for (const cell of results.runs.filter(keepRun)) {
    // A sweep's runs sit in seed-<s>/ folders: the path below the reproduction keeps them apart.
    const name = relative(dir, cell.run).split(sep).join('/');
    await copyDir(join(cell.run, 'images'), join(target, 'runs', ...name.split('/')), (f) => f.endsWith('.png') || f.endsWith('.svg'));
    report = report.split(`](${name}/images/`).join(`](${paper}/runs/${name}/`);
    await publishWeights(cell.run, join(target, 'weights', ...name.split('/')), { commands: results.commands ?? [results.command], note: 'the calls that trained this reproduction, in order (later calls reuse the runs earlier ones finished)', steps: cell.step, seed: cell.seed ?? results.datasets[cell.dataset]?.spec.seed, run: name });
  }
  await writeFileAtomic(join(resolve(out), `${paper}.md`), report);
  await copyFile(join(dir, 'results.json'), join(target, 'results.json'));
  return join(resolve(out), `${paper}.md`);
}

async function publishWeights(runPath: string, to: string, manifest: Record<string, unknown>): Promise<void> {
  const run = await RunDirectory.open(runPath);
  const checkpoint = await loadLatestCheckpoint(run);
  if (!checkpoint) return;
  try {
    await mkdir(join(to, 'checkpoints'), { recursive: true });
    await copyFile(run.configPath, join(to, 'config.json'));
    for (const file of ['metrics.jsonl', 'evaluation.json', 'summary.json']) if (existsSync(join(runPath, file))) await copyFile(join(runPath, file), join(to, file));
    const model = Object.fromEntries(Object.entries(checkpoint.tensors).filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
    const dirName = checkpointDirName(checkpoint.step);
    await saveWeights(join(to, 'checkpoints', dirName), model, { metadata: { checkpoint: { step: checkpoint.step, savedAt: checkpoint.savedAt, state: checkpoint.state } } });
    await writeFileAtomic(join(to, 'checkpoints', 'latest.json'), `${JSON.stringify({ step: checkpoint.step, dir: dirName })}\n`);
    await writeFileAtomic(join(to, 'manifest.json'), `${JSON.stringify({ ...manifest, checkpoint: dirName, optimizerState: 'left out (train continues with fresh Adam moments)' }, null, 2)}\n`);
  } finally {
    tf.dispose(checkpoint.tensors);
  }
}
