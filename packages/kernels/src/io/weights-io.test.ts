import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../testing/no-leak';
import { assignVariables, WEIGHTS_DATA_FILE, WEIGHTS_MANIFEST_FILE } from './weights-format';
import { loadWeights, readWeightsManifest, restoreVariables, saveWeights, writeFileAtomic } from './weights-io';

/** A pid that cannot be alive on Linux (above the kernel's pid_max ceiling of 2^22). */
const DEAD_PID = 99_999_999;

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'weights-io-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('saveWeights / loadWeights', () => {
  it('round-trips float32, int32 and bool tensors with their metadata, in the tf.io layout', async () => {
    const dir = path.join(root, 'ckpt');
    const a = tf.tensor2d([[1.5, -2.25, 3], [4, 5e-8, -6e7]]);
    const b = tf.tensor1d([7, -8, 2 ** 30], 'int32');
    const c = tf.tensor([true, false, true], [3], 'bool');
    const s = tf.scalar(0.125);
    const metadata = { step: 12, rng: { seed: 3, counter: [1, 2] }, note: 'hello' };
    await saveWeights(dir, { 'encoder/dense/kernel': a, counts: b, mask: c, scale: s }, { metadata });

    const manifest = JSON.parse(await fs.readFile(path.join(dir, WEIGHTS_MANIFEST_FILE), 'utf8'));
    expect(manifest.format).toBe('disentangle-weights');
    expect(manifest.weightsManifest).toEqual([
      {
        paths: [WEIGHTS_DATA_FILE],
        weights: [
          { name: 'encoder/dense/kernel', shape: [2, 3], dtype: 'float32' },
          { name: 'counts', shape: [3], dtype: 'int32' },
          { name: 'mask', shape: [3], dtype: 'bool' },
          { name: 'scale', shape: [], dtype: 'float32' },
        ],
      },
    ]);
    expect((await fs.stat(path.join(dir, WEIGHTS_DATA_FILE))).size).toBe(6 * 4 + 3 * 4 + 3 + 4);

    const loaded = await loadWeights(dir);
    expect(loaded.metadata).toEqual(metadata);
    expect(Object.keys(loaded.tensors)).toEqual(['encoder/dense/kernel', 'counts', 'mask', 'scale']);
    const t = loaded.tensors;
    expect(t['encoder/dense/kernel'].shape).toEqual([2, 3]);
    expect(t['encoder/dense/kernel'].dtype).toBe('float32');
    expect(await values(t['encoder/dense/kernel'])).toEqual(await values(a));
    expect(t.counts.dtype).toBe('int32');
    expect(await values(t.counts)).toEqual([7, -8, 2 ** 30]);
    expect(t.mask.dtype).toBe('bool');
    expect(await values(t.mask)).toEqual([1, 0, 1]);
    expect(t.scale.shape).toEqual([]);
    expect(await values(t.scale)).toEqual([0.125]);

    // The manifest is what tf.io itself decodes.
    const bytes = await fs.readFile(path.join(dir, WEIGHTS_DATA_FILE));
    const viaTfIo = tf.io.decodeWeights(new Uint8Array(bytes).buffer, tf.io.getWeightSpecs(manifest.weightsManifest));
    expect(await values(viaTfIo.counts)).toEqual([7, -8, 2 ** 30]);
    tf.dispose([a, b, c, s, loaded.tensors, viaTfIo]);
  });

  it('saves variables under their names and overwrites an existing checkpoint', async () => {
    const dir = path.join(root, 'nested', 'ckpt');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'weights-io-test/w1');
    await saveWeights(dir, [w]);
    w.assign(tf.tensor1d([4, 5, 6]));
    await saveWeights(dir, [w], { metadata: { version: 2 } });
    const { tensors, metadata } = await loadWeights(dir);
    expect(metadata).toEqual({ version: 2 });
    expect(await values(tensors['weights-io-test/w1'])).toEqual([4, 5, 6]);
    // No temporary or set-aside directories remain after successful saves.
    expect(await fs.readdir(path.dirname(dir))).toEqual(['ckpt']);
    tf.dispose([w, tensors]);
  });

  it('rejects unsupported input before writing anything', async () => {
    const dir = path.join(root, 'ckpt');
    const disposed = tf.scalar(1);
    disposed.dispose();
    await expect(saveWeights(dir, { gone: disposed })).rejects.toThrow(/"gone" is disposed/);
    const str = tf.tensor(['a']);
    await expect(saveWeights(dir, { names: str })).rejects.toThrow(/"names" has dtype string/);
    str.dispose();
    const x = tf.scalar(1);
    await expect(saveWeights(dir, { x }, { metadata: { big: 1n } as never })).rejects.toThrow(/metadata is not JSON/);
    x.dispose();
    await expect(fs.stat(dir)).rejects.toThrow();
  });

  it('leaks no tensors on save, load and restore', async () => {
    const dir = path.join(root, 'ckpt');
    const w = tf.variable(tf.ones([4, 3]), true, 'weights-io-test/leak');
    const bias = tf.zeros([3], 'int32');
    await expectNoLeak(async () => {
      await saveWeights(dir, { w, bias });
      const { tensors } = await loadWeights(dir);
      tf.dispose(tensors);
      await restoreVariables(dir, { w }, { allowExtra: true });
    }, 'save/load/restore');
    tf.dispose([w, bias]);
  });
});

describe('restoreVariables', () => {
  it('assigns saved values into existing variables by name', async () => {
    const dir = path.join(root, 'ckpt');
    const src = { 'enc/w': tf.tensor2d([[1, 2], [3, 4]]), 'enc/b': tf.tensor1d([5, 6]), steps: tf.scalar(9, 'int32') };
    await saveWeights(dir, src);
    const w = tf.variable(tf.zeros([2, 2]), true, 'restore-test/w');
    const b = tf.variable(tf.zeros([2]), true, 'restore-test/b');
    const steps = tf.variable(tf.scalar(0, 'int32'), false, 'restore-test/steps');
    const restored = await restoreVariables(dir, { 'enc/w': w, 'enc/b': b, steps });
    expect(restored.sort()).toEqual(['enc/b', 'enc/w', 'steps']);
    expect(await values(w)).toEqual([1, 2, 3, 4]);
    expect(await values(b)).toEqual([5, 6]);
    expect(await values(steps)).toEqual([9]);
    tf.dispose([Object.values(src), w, b, steps]);
  });

  it('restores an array of variables by variable.name', async () => {
    const dir = path.join(root, 'ckpt');
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'restore-array/a');
    await saveWeights(dir, [a]);
    a.assign(tf.tensor1d([0, 0]));
    expect(await restoreVariables(dir, [a])).toEqual(['restore-array/a']);
    expect(await values(a)).toEqual([1, 2]);
    a.dispose();
  });

  it('names the variable and both shapes on a shape mismatch, and assigns nothing', async () => {
    const dir = path.join(root, 'ckpt');
    const saved = { w: tf.zeros([2, 3]), b: tf.ones([3]) };
    await saveWeights(dir, saved);
    const w = tf.variable(tf.fill([3, 2], 7), true, 'mismatch/w');
    const b = tf.variable(tf.fill([3], 7), true, 'mismatch/b');
    const error = await restoreVariables(dir, { w, b }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('variable "w"');
    expect((error as Error).message).toContain('[3,2]');
    expect((error as Error).message).toContain('[2,3]');
    // Validation happens before any assignment: b keeps its value.
    expect(await values(b)).toEqual([7, 7, 7]);
    tf.dispose([Object.values(saved), w, b]);
  });

  it('names a dtype mismatch', async () => {
    const dir = path.join(root, 'ckpt');
    const saved = tf.tensor1d([1, 2], 'int32');
    await saveWeights(dir, { n: saved });
    const n = tf.variable(tf.zeros([2]), false, 'dtype/n');
    await expect(restoreVariables(dir, { n })).rejects.toThrow(/variable "n": dtype float32 in the model, int32/);
    tf.dispose([saved, n]);
  });

  it('names a variable missing from the checkpoint unless allowMissing', async () => {
    const dir = path.join(root, 'ckpt');
    const saved = tf.ones([2]);
    await saveWeights(dir, { a: saved });
    const a = tf.variable(tf.zeros([2]), true, 'missing/a');
    const extraVariable = tf.variable(tf.fill([1], 3), true, 'missing/b');
    await expect(restoreVariables(dir, { a, decoder: extraVariable })).rejects.toThrow(
      /variable "decoder" is missing from checkpoint/,
    );
    expect(await values(a)).toEqual([0, 0]);
    expect(await restoreVariables(dir, { a, decoder: extraVariable }, { allowMissing: true })).toEqual(['a']);
    expect(await values(a)).toEqual([1, 1]);
    expect(await values(extraVariable)).toEqual([3]);
    tf.dispose([saved, a, extraVariable]);
  });

  it('names an unexpected extra entry unless allowExtra', async () => {
    const dir = path.join(root, 'ckpt');
    const saved = { a: tf.ones([1]), 'optimizer/iter': tf.scalar(3, 'int32') };
    await saveWeights(dir, saved);
    const a = tf.variable(tf.zeros([1]), true, 'extra/a');
    await expect(restoreVariables(dir, { a })).rejects.toThrow(/"optimizer\/iter" in checkpoint .* matches no variable/);
    expect(await restoreVariables(dir, { a }, { allowExtra: true })).toEqual(['a']);
    tf.dispose([Object.values(saved), a]);
  });

  it('assignVariables works on in-memory tensors', () => {
    const t = { v: tf.tensor1d([2, 4]) };
    const v = tf.variable(tf.zeros([2]), true, 'assign/v');
    expect(assignVariables(t, { v })).toEqual(['v']);
    expect(Array.from(v.dataSync())).toEqual([2, 4]);
    tf.dispose([t.v, v]);
  });
});

describe('loading validates the checkpoint', () => {
  it('names the manifest path when it is missing', async () => {
    const dir = path.join(root, 'nothing-here');
    await expect(loadWeights(dir)).rejects.toThrow(`no weights manifest at ${path.join(dir, 'model.json')}`);
  });

  it('reports a truncated binary as corrupt with the file and both byte counts', async () => {
    const dir = path.join(root, 'ckpt');
    const t = tf.ones([10]);
    await saveWeights(dir, { t });
    const bin = path.join(dir, WEIGHTS_DATA_FILE);
    await fs.truncate(bin, 37);
    const error = (await loadWeights(dir).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^corrupt weights file/);
    expect(error.message).toContain(bin);
    expect(error.message).toContain('40 bytes');
    expect(error.message).toContain('37 bytes');
    t.dispose();
  });

  it('reports a binary of the right length but other bytes (random, zeros) as corrupt, by its SHA-256', async () => {
    const dir = path.join(root, 'ckpt');
    const t = tf.tensor1d([1, 2, 3, 4]);
    await saveWeights(dir, { t });
    const bin = path.join(dir, WEIGHTS_DATA_FILE);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, WEIGHTS_MANIFEST_FILE), 'utf8'));
    expect(manifest.checksums[WEIGHTS_DATA_FILE]).toMatch(/^[0-9a-f]{64}$/);
    for (const bytes of [Buffer.alloc(16), Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 37 + 11) % 256))]) {
      await fs.writeFile(bin, bytes);
      const error = (await loadWeights(dir).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/^corrupt weights file/);
      expect(error.message).toContain(bin);
      expect(error.message).toContain('SHA-256');
    }
    // A manifest from before checksums (none stored) still loads, checked by length only.
    delete manifest.checksums;
    await fs.writeFile(path.join(dir, WEIGHTS_MANIFEST_FILE), JSON.stringify(manifest));
    const { tensors } = await loadWeights(dir);
    expect(tensors.t.shape).toEqual([4]);
    tf.dispose([t, tensors]);
  });

  it('reports a binary longer than the manifest says as corrupt', async () => {
    const dir = path.join(root, 'ckpt');
    const t = tf.ones([2], 'int32');
    await saveWeights(dir, { t });
    await fs.appendFile(path.join(dir, WEIGHTS_DATA_FILE), Buffer.from([1, 2, 3]));
    await expect(loadWeights(dir)).rejects.toThrow(/corrupt weights file .*weights\.bin.* 8 bytes .* 11 bytes/);
    t.dispose();
  });

  it('names the manifest file when it is not JSON', async () => {
    const dir = path.join(root, 'ckpt');
    const t = tf.ones([2]);
    await saveWeights(dir, { t });
    const manifest = path.join(dir, WEIGHTS_MANIFEST_FILE);
    await fs.writeFile(manifest, '{"format": "disentangle-weights", "weightsMan');
    await expect(loadWeights(dir)).rejects.toThrow(`cannot parse weights manifest ${manifest}`);
    t.dispose();
  });

  it('rejects a well-formed JSON manifest with the wrong structure or an escaping path', async () => {
    const dir = path.join(root, 'ckpt');
    await fs.mkdir(dir);
    const manifest = path.join(dir, WEIGHTS_MANIFEST_FILE);
    await fs.writeFile(manifest, JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [-1], dtype: 'float32' }] }] }));
    await expect(loadWeights(dir)).rejects.toThrow(/invalid weights manifest .*model\.json.*"x".*shape \[-1\]/);
    await fs.writeFile(manifest, JSON.stringify({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }));
    await expect(readWeightsManifest(dir)).rejects.toThrow(/expected a file name inside the checkpoint directory/);
    await fs.writeFile(manifest, JSON.stringify([1, 2]));
    await expect(readWeightsManifest(dir)).rejects.toThrow(/expected a JSON object/);
  });
});

describe('atomic writes', () => {
  it('keeps the previous checkpoint intact when a save dies before the rename', async () => {
    const dir = path.join(root, 'ckpt');
    const oldValue = tf.tensor1d([1, 2, 3]);
    await saveWeights(dir, { w: oldValue }, { metadata: { step: 1 } });

    const newValue = tf.tensor1d([9, 9, 9]);
    let tempSeen = '';
    const crash = saveWeights(dir, { w: newValue }, {
      metadata: { step: 2 },
      beforeCommit: async (temp) => {
        tempSeen = temp;
        // The temporary directory is a complete sibling checkpoint at this point...
        expect(path.dirname(temp)).toBe(path.dirname(path.resolve(dir)));
        expect((await fs.readdir(temp)).sort()).toEqual([WEIGHTS_MANIFEST_FILE, WEIGHTS_DATA_FILE].sort());
        // ...and the old one is still in place, loadable.
        const during = await loadWeights(dir);
        expect(during.metadata).toEqual({ step: 1 });
        tf.dispose(during.tensors);
        throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(tempSeen).not.toBe('');

    const after = await loadWeights(dir);
    expect(after.metadata).toEqual({ step: 1 });
    expect(await values(after.tensors.w)).toEqual([1, 2, 3]);
    // The aborted save removed its temporary directory.
    expect(await fs.readdir(root)).toEqual(['ckpt']);
    tf.dispose([oldValue, newValue, after.tensors]);
  });

  it('ignores stale temporary directories left by a crashed process and cleans them on the next save', async () => {
    const dir = path.join(root, 'ckpt');
    const first = tf.tensor1d([1, 2]);
    await saveWeights(dir, { w: first }, { metadata: { step: 1 } });
    // A writer that died after writing part of its temporary directory (binary, no manifest)...
    const partial = path.join(root, `.ckpt.tmp-${DEAD_PID}-abc123`);
    await fs.mkdir(partial);
    await fs.writeFile(path.join(partial, WEIGHTS_DATA_FILE), Buffer.alloc(3));
    // ...and one that died with a complete temporary directory, never renamed (never committed).
    const complete = path.join(root, `.ckpt.tmp-${DEAD_PID}-def456`);
    await fs.cp(dir, complete, { recursive: true });
    await fs.writeFile(path.join(complete, WEIGHTS_MANIFEST_FILE), (await fs.readFile(path.join(dir, WEIGHTS_MANIFEST_FILE), 'utf8')).replace('"step": 1', '"step": 99'));

    const loaded = await loadWeights(dir);
    expect(loaded.metadata).toEqual({ step: 1 });
    expect(await values(loaded.tensors.w)).toEqual([1, 2]);
    tf.dispose(loaded.tensors);

    const second = tf.tensor1d([3, 4]);
    await saveWeights(dir, { w: second }, { metadata: { step: 2 } });
    expect(await fs.readdir(root)).toEqual(['ckpt']);
    const reloaded = await loadWeights(dir);
    expect(reloaded.metadata).toEqual({ step: 2 });
    tf.dispose([first, second, reloaded.tensors]);
  });

  it('leaves a temporary directory of a live writer alone', async () => {
    const dir = path.join(root, 'ckpt');
    const live = path.join(root, `.ckpt.tmp-${process.ppid}-0a0b0c`);
    await fs.mkdir(live);
    const t = tf.ones([1]);
    await saveWeights(dir, { t });
    expect((await fs.readdir(root)).sort()).toEqual([path.basename(live), 'ckpt'].sort());
    t.dispose();
  });

  it('loads the set-aside old checkpoint when a writer died between its two renames', async () => {
    const dir = path.join(root, 'ckpt');
    const t = tf.tensor1d([5, 6]);
    await saveWeights(dir, { t }, { metadata: { step: 5 } });
    // The state right after `rename(dir, aside)` and before `rename(temp, dir)`:
    const aside = path.join(root, `.ckpt.old-${DEAD_PID}-123abc`);
    await fs.rename(dir, aside);
    const temp = path.join(root, `.ckpt.tmp-${DEAD_PID}-456def`);
    await fs.mkdir(temp);

    const loaded = await loadWeights(dir);
    expect(loaded.metadata).toEqual({ step: 5 });
    expect(await values(loaded.tensors.t)).toEqual([5, 6]);
    tf.dispose(loaded.tensors);

    const next = tf.tensor1d([7, 8]);
    await saveWeights(dir, { t: next }, { metadata: { step: 6 } });
    expect(await fs.readdir(root)).toEqual(['ckpt']);
    tf.dispose([t, next]);
  });

  it('writeFileAtomic replaces a file and leaves no temporary file', async () => {
    const file = path.join(root, 'latest.json');
    await writeFileAtomic(file, '{"step":1}');
    await writeFileAtomic(file, '{"step":2}');
    expect(await fs.readFile(file, 'utf8')).toBe('{"step":2}');
    expect(await fs.readdir(root)).toEqual(['latest.json']);
  });
});
