import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@disentangle/kernels';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLatestCheckpoint } from './checkpoints';
import { RunDirectory } from './run-directory';
import { NonFiniteLossError, train, type TrainingPhase } from './trainer';

const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

/** A linear regression whose batches and noise come from a seeded stream, as a real model's do. */
let problemCount = 0;
function makeProblem(seed: number) {
  const id = problemCount++;
  const init = new SeededRandom(seed).fork('init');
  const variables = { w: tf.variable(init.normal([3, 1]), true, `w${id}`), b: tf.variable(tf.zeros([1]), true, `b${id}`) };
  const optimizer = tf.train.adam(0.1);
  const stream = new SeededRandom(seed).fork('train');
  const trueW = tf.tensor2d([[1], [-2], [0.5]]);
  const losses = () => {
    const x = stream.normal([8, 3]);
    const y = tf.add(tf.matMul(x, trueW), tf.mul(0.01, stream.normal([8, 1])));
    const pred = tf.add(tf.matMul(x, variables.w), variables.b);
    return { total: tf.mean(tf.square(tf.sub(pred, y))) as tf.Scalar };
  };
  const dispose = () => tf.dispose([variables.w, variables.b, trueW, optimizer as unknown as tf.Tensor]);
  return { variables, optimizer, stream, losses, dispose };
}

/** Variable names are global to the tfjs engine: every test variable gets a fresh one. */
let variableCount = 0;
const variable = (value: tf.Tensor, name: string) => tf.variable(value, true, `${name}_${variableCount++}`);

/**
 * A two-player toy with SGD at lr 0.25, where the phase order shows in the numbers:
 * 'model' pulls w toward 5 (loss (w-5)², so w ← (w+5)/2) and 'adversary' pulls v toward
 * the w it reads (loss (v-w)², so v ← (v+w)/2). From w=1, v=0 the first step takes w to 3;
 * v becomes 1.5 if it saw that new w, 0.5 if it saw the old one.
 */
function makeChase() {
  const w = variable(tf.scalar(1), 'chase_w');
  const v = variable(tf.scalar(0), 'chase_v');
  const calls = { model: [] as number[], adversary: [] as number[] };
  const phases: TrainingPhase[] = [
    { name: 'model', variables: [w], optimizer: tf.train.sgd(0.25), losses: (step) => {
      calls.model.push(step);
      return { total: tf.square(tf.sub(w, 5)) as tf.Scalar };
    } },
    { name: 'adversary', variables: [v], optimizer: tf.train.sgd(0.25), losses: (step) => {
      calls.adversary.push(step);
      return { total: tf.square(tf.sub(v, w)) as tf.Scalar, read: tf.clone(w) as tf.Scalar };
    } },
  ];
  const dispose = () => tf.dispose([w, v, ...phases.map((p) => p.optimizer as unknown as tf.Tensor)]);
  return { w, v, phases, variables: { w, v }, calls, dispose };
}

/**
 * makeProblem's regression as two coupled players, CSVAE-style: the model fits (w, b) with
 * Adam while an adversary c, with its own Adam, tracks the model's w on the same batch
 * (cached per step, as real callers do, since each phase builds its losses separately).
 */
function makeTwoPlayerProblem(seed: number) {
  const init = new SeededRandom(seed).fork('init');
  const w = variable(init.normal([3, 1]), 'tp_w');
  const b = variable(tf.zeros([1]), 'tp_b');
  const c = variable(init.normal([3, 1]), 'tp_c');
  const stream = new SeededRandom(seed).fork('train');
  const trueW = tf.tensor2d([[1], [-2], [0.5]]);
  let cached: { step: number; x: tf.Tensor2D; y: tf.Tensor2D } | undefined;
  const batch = (step: number) => {
    if (cached?.step !== step) {
      if (cached) tf.dispose([cached.x, cached.y]);
      const x = tf.keep(stream.normal([8, 3])) as tf.Tensor2D;
      const y = tf.keep(tf.add(tf.matMul(x, trueW), tf.mul(0.01, stream.normal([8, 1])))) as tf.Tensor2D;
      cached = { step, x, y };
    }
    return cached;
  };
  const model = tf.train.adam(0.1);
  const adversary = tf.train.adam(0.1);
  const phases: TrainingPhase[] = [
    { name: 'model', variables: [w, b], optimizer: model, losses: (step) => {
      const { x, y } = batch(step);
      return { total: tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar };
    } },
    { name: 'adversary', variables: [c], optimizer: adversary, losses: (step) => {
      const { x } = batch(step);
      return { total: tf.mean(tf.square(tf.sub(tf.matMul(x, c), tf.matMul(x, w)))) as tf.Scalar };
    } },
  ];
  const state = {
    getState: () => ({ rng: stream.getState() }),
    setState: (s: Record<string, unknown>) => stream.setState(s.rng as never),
  };
  const dispose = () => {
    if (cached) tf.dispose([cached.x, cached.y]);
    tf.dispose([w, b, c, trueW, model as unknown as tf.Tensor, adversary as unknown as tf.Tensor]);
  };
  return { w, c, model, adversary, phases, variables: { w, b, c }, ...state, dispose };
}

const scalarOf = async (t: tf.Tensor) => (await t.data())[0];

describe('train', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('resumes from a checkpoint without optimizer state (published weights): warns and continues with fresh moments', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-'));
    const run = await RunDirectory.create(root, 'weights-only', { seed: 3 });
    const first = makeProblem(3);
    await train({ run, totalSteps: 6, ...first, checkpointEvery: 100, progressStream: quiet });
    const w = Array.from(await first.variables.w.data());
    first.dispose();
    // Strip the optimizer's tensors from the checkpoint, as `reproduce --publish` does.
    const latest = (await loadLatestCheckpoint(run))!;
    const { saveWeights } = await import('@disentangle/kernels');
    const modelOnly = Object.fromEntries(Object.entries(latest.tensors).filter(([name]) => !name.startsWith('optimizer/')));
    await saveWeights(latest.dir, modelOnly, { metadata: { checkpoint: { step: latest.step, savedAt: latest.savedAt, state: latest.state } } });
    tf.dispose(latest.tensors);
    const second = makeProblem(99); // another initialisation: the weights must come from the checkpoint
    const warnings: string[] = [];
    const result = await train({ run, totalSteps: 8, ...second, checkpointEvery: 100, progressStream: quiet, onWarning: (m) => warnings.push(m) });
    expect(result.resumedFrom).toBe(6);
    expect(warnings).toEqual([expect.stringMatching(/holds no state for optimizer "main"; it starts with fresh moments/)]);
    // It started from the saved weights, not from its own initialisation.
    const moved = Array.from(await second.variables.w.data()).map((v, i) => Math.abs(v - w[i]));
    expect(Math.max(...moved)).toBeLessThan(0.25); // two Adam steps at lr 0.1
    second.dispose();
  });

  it('lowers the loss and, interrupted and resumed, ends exactly where an uninterrupted run does', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-'));
    const straight = makeProblem(7);
    const runA = await RunDirectory.create(root, 'straight', { seed: 7 });
    const a = await train({ run: runA, totalSteps: 40, ...straight, checkpointEvery: 100, logEvery: 1, progressStream: quiet,
      getState: () => ({ rng: straight.stream.getState() }), setState: (s) => straight.stream.setState(s.rng as never) });
    expect(a.step).toBe(40);
    const metrics = await runA.readMetrics();
    const mean = (xs: typeof metrics) => xs.reduce((t, m) => t + m.total, 0) / xs.length;
    expect(mean(metrics.slice(-5))).toBeLessThan(0.1 * mean(metrics.slice(0, 5)));
    const wStraight = Array.from(await straight.variables.w.data());

    // The same run, stopped after 5 steps and continued by fresh objects, as after a crash.
    const runB = await RunDirectory.create(root, 'resumed', { seed: 7 });
    const first = makeProblem(7);
    const common = { checkpointEvery: 100, logEvery: 1, progressStream: quiet };
    const partial = await train({ run: runB, totalSteps: 5, ...first, ...common,
      getState: () => ({ rng: first.stream.getState() }), setState: (s) => first.stream.setState(s.rng as never) });
    expect(partial.step).toBe(5);
    first.dispose();
    const second = makeProblem(7); // fresh weights, fresh optimizer, fresh stream: all must come from the checkpoint
    const resumed = await train({ run: await RunDirectory.create(root, 'resumed', { seed: 7 }), totalSteps: 40, ...second, ...common,
      getState: () => ({ rng: second.stream.getState() }), setState: (s) => second.stream.setState(s.rng as never) });
    expect(resumed.resumedFrom).toBe(5);
    expect(resumed.step).toBe(40);
    const wResumed = Array.from(await second.variables.w.data());
    // Not bit-identical: tfjs Adam recomputes β^t with pow() on restore where it had multiplied step by step.
    for (let i = 0; i < 3; i++) expect(wResumed[i]).toBeCloseTo(wStraight[i], 5);
    straight.dispose();
    second.dispose();
  });

  it('stops on a non-finite loss with an error naming the step and the terms', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-nan-'));
    const run = await RunDirectory.create(root, 'nan', {});
    const w = tf.variable(tf.scalar(1), true, 'w_nan');
    const optimizer = tf.train.sgd(0.1);
    const losses = (step: number) => ({ total: (step < 3 ? tf.square(w) : tf.mul(tf.div(w, 0), 0)) as tf.Scalar, extra: tf.scalar(step) as tf.Scalar });
    const error = await train({ run, totalSteps: 10, variables: { w }, optimizer, losses, progressStream: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/step 4 .*total=NaN, extra=3/);
    w.dispose();
  });

  it('readLossesEvery: the terms are read back only on read, logging and checkpoint steps, and the metrics are the same', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-deferred-'));
    /** Runs `fn` counting tensor reads (Tensor.data calls: what a GPU backend must wait for). */
    const countingReads = async (fn: () => Promise<unknown>): Promise<number> => {
      const data = tf.Tensor.prototype.data;
      let count = 0;
      tf.Tensor.prototype.data = function (this: tf.Tensor) {
        count++;
        return data.call(this) as never;
      } as typeof data;
      try {
        await fn();
      } finally {
        tf.Tensor.prototype.data = data;
      }
      return count;
    };
    const common = { totalSteps: 12, logEvery: 4, checkpointEvery: 100, progressStream: quiet };
    const every = makeProblem(3);
    const runEvery = await RunDirectory.create(root, 'every', {});
    const readsEvery = await countingReads(() => train({ run: runEvery, ...every, ...common }));
    const deferred = makeProblem(3);
    const runDeferred = await RunDirectory.create(root, 'deferred', {});
    const readsDeferred = await countingReads(() => train({ run: runDeferred, ...deferred, ...common, readLossesEvery: 4 }));
    // Every step: 12 reads of the one term. Deferred: 3 read steps (4, 8, 12), each the term and
    // the flag of the 3 steps before it. The final checkpoint's reads are the same in both.
    expect(readsEvery - readsDeferred).toBe(12 - 3 * 2);
    const [a, b] = [await runEvery.readMetrics(), await runDeferred.readMetrics()];
    expect(b.map((m) => m.step)).toEqual([4, 8, 12]);
    for (let i = 0; i < 3; i++) expect(b[i].total).toBeCloseTo(a[i].total as number, 5);
    every.dispose();
    deferred.dispose();
  });

  it('readLossesEvery: a loss that goes non-finite between reads is reported at the next read, naming the steps it lies in', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-deferred-nan-'));
    const run = await RunDirectory.create(root, 'nan', {});
    const w = tf.variable(tf.scalar(1), true, 'w_deferred_nan');
    let calls = 0;
    // Step 6 (1-based) is NaN, the steps after it finite again: only the device-side flag remembers it.
    const losses = () => ({ total: (++calls === 6 ? tf.mul(tf.div(w, 0), 0) : tf.square(w)) as tf.Scalar });
    const error = await train({ run, totalSteps: 20, variables: { w }, optimizer: tf.train.sgd(0), losses, readLossesEvery: 4, logEvery: 100, checkpointEvery: 100, progressStream: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(8);
    expect((error as NonFiniteLossError).since).toBe(5);
    expect((error as Error).message).toMatch(/at a step between 5 and 8 .*readLossesEvery: 1 finds the step/);
    w.dispose();
  });

  it("'alternating' runs the phases in order: the adversary sees the w the model just updated", async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-alt-'));
    const run = await RunDirectory.create(root, 'alt', {});
    const chase = makeChase();
    await train({ run, totalSteps: 2, update: 'alternating', phases: chase.phases, variables: chase.variables, logEvery: 1, progressStream: quiet });
    // Step 1: w 1 → 3, then v 0 → (0+3)/2 = 1.5. Step 2: w → 4, v → (1.5+4)/2 = 2.75.
    expect(await scalarOf(chase.w)).toBeCloseTo(4, 6);
    expect(await scalarOf(chase.v)).toBeCloseTo(2.75, 6);
    const [first] = await run.readMetrics();
    expect(first.total).toBeCloseTo(16, 5); // (1-5)², before the model's update
    expect(first['adversary.read']).toBeCloseTo(3, 6);
    expect(first['adversary.total']).toBeCloseTo(9, 5); // (0-3)²
    expect(chase.calls).toEqual({ model: [0, 1], adversary: [0, 1] });
    chase.dispose();
  });

  it('runs each phase only in its stage (activeFrom ≤ step < activeUntil), keeping its logged names', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-stages-'));
    const run = await RunDirectory.create(root, 'stages', {});
    const chase = makeChase();
    chase.phases[0].activeUntil = 2;
    chase.phases[1].activeFrom = 2;
    await train({ run, totalSteps: 4, update: 'alternating', phases: chase.phases, variables: chase.variables, logEvery: 1, progressStream: quiet });
    expect(chase.calls).toEqual({ model: [0, 1], adversary: [2, 3] });
    // Stage 1: w 1 → 3 → 4 while v stays 0; stage 2: v → 2 → 3 while w stays 4.
    expect(await scalarOf(chase.w)).toBeCloseTo(4, 6);
    expect(await scalarOf(chase.v)).toBeCloseTo(3, 6);
    const metrics = await run.readMetrics();
    expect(Object.keys(metrics[0]).sort()).toEqual(['step', 'time', 'total']);
    expect(metrics[3]['adversary.total']).toBeCloseTo(4, 5); // (2-4)², before the last update
    chase.dispose();
  });

  it("'coupled' takes every phase's gradient at the same weights, then applies them all", async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-coupled-'));
    const run = await RunDirectory.create(root, 'coupled', {});
    const chase = makeChase();
    await train({ run, totalSteps: 2, update: 'coupled', phases: chase.phases, variables: chase.variables, logEvery: 1, progressStream: quiet });
    // Step 1: w 1 → 3 and v 0 → (0+1)/2 = 0.5 from the old w. Step 2: w → 4, v → (0.5+3)/2 = 1.75.
    expect(await scalarOf(chase.w)).toBeCloseTo(4, 6);
    expect(await scalarOf(chase.v)).toBeCloseTo(1.75, 6);
    const [first] = await run.readMetrics();
    expect(first.total).toBeCloseTo(16, 5);
    expect(first['adversary.read']).toBeCloseTo(1, 6);
    expect(first['adversary.total']).toBeCloseTo(1, 5); // (0-1)²
    expect(chase.calls).toEqual({ model: [0, 1], adversary: [0, 1] });
    chase.dispose();
  });

  it('resumes a two-optimiser run where an uninterrupted one ends, restoring both optimizers', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-two-'));
    const common = { update: 'coupled' as const, checkpointEvery: 100, logEvery: 1, progressStream: quiet };
    const straight = makeTwoPlayerProblem(11);
    const runA = await RunDirectory.create(root, 'straight', { seed: 11 });
    await train({ run: runA, totalSteps: 40, ...straight, ...common });
    const metrics = await runA.readMetrics();
    // Both players learn: the model fits y, the adversary catches up with the moving w.
    const mean = (key: string, xs: typeof metrics) => xs.reduce((t, m) => t + m[key], 0) / xs.length;
    expect(mean('total', metrics.slice(-5))).toBeLessThan(0.1 * mean('total', metrics.slice(0, 5)));
    expect(mean('adversary.total', metrics.slice(-5))).toBeLessThan(0.3 * mean('adversary.total', metrics.slice(0, 5)));

    const runB = await RunDirectory.create(root, 'resumed', { seed: 11 });
    const first = makeTwoPlayerProblem(11);
    await train({ run: runB, totalSteps: 5, ...first, ...common });
    first.dispose();
    const saved = await loadLatestCheckpoint(runB);
    const names = Object.keys(saved!.tensors);
    tf.dispose(saved!.tensors);
    // Adam's iteration count, one moment pair per variable and β₁ᵗ, β₂ᵗ, for each phase under its own name.
    expect(names.filter((n) => n.startsWith('optimizer/model/'))).toHaveLength(1 + 2 * 2 + 2);
    expect(names.filter((n) => n.startsWith('optimizer/adversary/'))).toHaveLength(1 + 2 * 1 + 2);

    const second = makeTwoPlayerProblem(11); // fresh weights, optimizers and stream
    const resumed = await train({ run: await RunDirectory.create(root, 'resumed', { seed: 11 }), totalSteps: 40, ...second, ...common });
    expect(resumed.resumedFrom).toBe(5);
    // An optimizer left fresh would count 35 steps, not 40, and restart its moments.
    expect(second.model.iterations).toBe(40);
    expect(second.adversary.iterations).toBe(40);
    for (const key of ['w', 'c'] as const) {
      const expected = Array.from(await straight[key].data());
      const actual = Array.from(await second[key].data());
      for (let i = 0; i < 3; i++) expect(actual[i]).toBeCloseTo(expected[i], 5);
    }
    straight.dispose();
    second.dispose();
  });

  it('logs later phases as <phase>.<term> and names them when a loss is not finite', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-names-'));
    const chase = makeChase();
    const run = await RunDirectory.create(root, 'names', {});
    await train({ run, totalSteps: 1, update: 'alternating', phases: chase.phases, variables: chase.variables, progressStream: quiet });
    expect(Object.keys((await run.readMetrics())[0]).sort()).toEqual(['adversary.read', 'adversary.total', 'step', 'time', 'total']);

    const nanRun = await RunDirectory.create(root, 'nan', {});
    const [model, adversary] = chase.phases;
    const poisoned = { ...adversary, losses: (step: number) => {
      const losses = adversary.losses(step);
      return step < 2 ? losses : { ...losses, total: tf.mul(losses.total, NaN) as tf.Scalar };
    } };
    const error = await train({ run: nanRun, totalSteps: 10, update: 'coupled', phases: [model, poisoned], variables: chase.variables, progressStream: quiet })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/step 3 \(total=[0-9.]+, adversary\.total=NaN, adversary\.read=[0-9.]+\)/);
    chase.dispose();
  });

  it('rejects phases that could not train or checkpoint correctly, naming the field', async () => {
    const root = await mkdtemp(join(os.tmpdir(), 'trainer-invalid-'));
    const run = await RunDirectory.create(root, 'invalid', {});
    const chase = makeChase();
    const [model, adversary] = chase.phases;
    const base = { run, totalSteps: 1, variables: chase.variables, progressStream: quiet };
    const attempt = (phases: TrainingPhase[], update: 'single' | 'alternating' | 'coupled' = 'coupled', variables: Record<string, tf.Variable> = chase.variables) =>
      train({ ...base, phases, update, variables });

    await expect(attempt([model, adversary], 'coupled', { w: chase.w })).rejects.toThrow(/phase "adversary" .*"chase_v_\d+".*missing from `variables`/);
    await expect(attempt([model, { ...adversary, name: 'model' }])).rejects.toThrow(/two phases are named "model"/);
    await expect(attempt([model, { ...adversary, variables: [chase.v, chase.w] }])).rejects.toThrow(/both phase "model" and phase "adversary"/);
    await expect(attempt([model, { ...adversary, optimizer: model.optimizer }])).rejects.toThrow(/share one `optimizer`/);
    await expect(train({ ...base, phases: [model, adversary], update: 'coupled', readLossesEvery: 0 })).rejects.toThrow(/`readLossesEvery` must be a positive integer, got 0/);
    await expect(attempt([model, { ...adversary, variables: [] }])).rejects.toThrow(/phase "adversary" has no `variables`/);
    await expect(attempt([])).rejects.toThrow(/`phases` is empty/);
    await expect(attempt([model, adversary], 'single')).rejects.toThrow(/'single' takes exactly one phase, got 2/);
    // Nothing ran: the weights are untouched and no checkpoint was written.
    expect(await scalarOf(chase.w)).toBe(1);
    expect(await loadLatestCheckpoint(run)).toBeNull();
    chase.dispose();
  });
});
