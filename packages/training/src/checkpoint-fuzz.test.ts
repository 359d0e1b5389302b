/**
 * A fuzz pass over the checkpoint reader (issue 15): the newest checkpoint's weights.bin,
 * model.json or latest.json is truncated, bit-flipped, zeroed, oversized, given other dtypes,
 * shapes or hostile paths, or replaced by a directory or a device. Every case either loads
 * exactly what was saved or falls back to the previous checkpoint with a warning naming the
 * broken one; nothing crashes, hangs (a device is never read), or is written outside the run.
 */
import { SeededRandom } from '@disentangle/kernels';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointDirName, loadLatestCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoints';
import { RunDirectory } from './run-directory';

const RANDOM_CASES = 45;

type Case = { name: string; apply: (dir: string, checkpoints: string) => Promise<void> };

const manifestEdit = (name: string, edit: (manifest: any) => void): Case => ({
  name,
  apply: async (dir) => {
    const file = path.join(dir, 'model.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
    edit(manifest);
    await fs.writeFile(file, JSON.stringify(manifest));
  },
});

function randomCases(random: SeededRandom): Case[] {
  const int = (n: number) => Math.floor(random.uniformNumber() * n);
  return Array.from({ length: RANDOM_CASES }, (_, i): Case => {
    const file = i % 3 === 2 ? 'model.json' : 'weights.bin';
    const at = random.uniformNumber();
    const bit = int(8);
    const kind = i % 5;
    return {
      name: `${file}: ${['truncated', 'bit flipped', 'zeroed', 'bytes appended', 'byte replaced'][kind]} at ${at.toFixed(3)}`,
      apply: async (dir) => {
        const target = path.join(dir, file);
        const bytes = Buffer.from(await fs.readFile(target));
        const offset = Math.floor(at * bytes.length);
        if (kind === 0) await fs.writeFile(target, bytes.subarray(0, offset));
        else if (kind === 1) { bytes[offset] ^= 1 << bit; await fs.writeFile(target, bytes); }
        else if (kind === 2) await fs.writeFile(target, Buffer.alloc(bytes.length));
        else if (kind === 3) await fs.writeFile(target, Buffer.concat([bytes, Buffer.alloc(1 + int(64), 0x41)]));
        else { bytes[offset] = int(256); await fs.writeFile(target, bytes); }
      },
    };
  });
}

const targetedCases: Case[] = [
  ...['float64', 'string', 'complex64', 'int64', 'uint8'].map((dtype) => manifestEdit(`dtype ${dtype}`, (m) => (m.weightsManifest[0].weights[0].dtype = dtype))),
  ...[[-1, 4], [1e12, 1e12], ['a'], 3].map((shape) => manifestEdit(`shape ${JSON.stringify(shape)}`, (m) => (m.weightsManifest[0].weights[0].shape = shape))),
  ...['../../outside.bin', '/etc/passwd', '..', ''].map((p) => manifestEdit(`path ${JSON.stringify(p)}`, (m) => (m.weightsManifest[0].paths = [p]))),
  manifestEdit('checksum of other bytes', (m) => (m.checksums['weights.bin'] = '0'.repeat(64))),
  manifestEdit('checksum not hex', (m) => (m.checksums['weights.bin'] = 'zz')),
  manifestEdit('a duplicated tensor name', (m) => m.weightsManifest[0].weights.push({ ...m.weightsManifest[0].weights[0] })),
  manifestEdit('metadata of another step', (m) => (m.userDefinedMetadata.checkpoint.step = 10)),
  manifestEdit('quantized', (m) => (m.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 })),
  { name: 'weights.bin is a directory', apply: async (dir) => { await fs.rm(path.join(dir, 'weights.bin')); await fs.mkdir(path.join(dir, 'weights.bin')); } },
  { name: 'weights.bin links to /dev/zero', apply: async (dir) => { await fs.rm(path.join(dir, 'weights.bin')); await fs.symlink('/dev/zero', path.join(dir, 'weights.bin')); } },
  { name: 'model.json links to /dev/urandom', apply: async (dir) => { await fs.rm(path.join(dir, 'model.json')); await fs.symlink('/dev/urandom', path.join(dir, 'model.json')); } },
  { name: 'model.json of 65 MiB', apply: async (dir) => { await fs.truncate(path.join(dir, 'model.json'), 65 * 1024 * 1024); } },
  { name: 'weights.bin of 3 GiB (sparse)', apply: async (dir) => { await fs.truncate(path.join(dir, 'weights.bin'), 3 * 2 ** 30); } },
  { name: 'latest.json names a directory outside', apply: async (_, checkpoints) => fs.writeFile(path.join(checkpoints, 'latest.json'), JSON.stringify({ step: 20, dir: '../../../tmp' })) },
  { name: 'latest.json is garbage', apply: async (_, checkpoints) => fs.writeFile(path.join(checkpoints, 'latest.json'), '\u0000\u0001{"st') },
  { name: 'model.json missing', apply: async (dir) => fs.rm(path.join(dir, 'model.json')) },
];

describe('fuzzing the checkpoint reader', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it(`${RANDOM_CASES} random and ${targetedCases.length} targeted corruptions of the newest checkpoint`, async () => {
    const cases = [...randomCases(new SeededRandom(154)), ...targetedCases];
    const outcomes = { exact: 0, fellBack: 0 };
    for (const c of cases) {
      const root = await fs.mkdtemp(path.join(os.tmpdir(), 'checkpoint-fuzz-'));
      const sentinel = path.join(root, 'outside.txt');
      await fs.writeFile(sentinel, 'untouched');
      const run = await RunDirectory.create(root, 'run', {});
      const saved = { 10: tf.tensor2d([[1, 2], [3, 4]]), 20: tf.tensor2d([[5, 6], [7, 8.5]]) };
      for (const step of [10, 20] as const) await saveCheckpoint(run, step, { w: saved[step] }, { note: 'fuzz' });
      await c.apply(path.join(run.checkpointsDir, checkpointDirName(20)), run.checkpointsDir);

      const warnings: string[] = [];
      const started = Date.now();
      const loaded = await loadLatestCheckpoint(run, { onWarning: (m) => warnings.push(m) });
      // No hang: a device or a huge file is refused from its stat, never read to the end.
      expect(Date.now() - started, `${c.name}: took too long`).toBeLessThan(3000);
      expect(loaded, c.name).not.toBeNull();
      const w = tf.variable(tf.zeros([2, 2]), true, `fuzz_w_${Math.random()}`);
      await restoreCheckpoint(loaded!, { w });
      tf.dispose(loaded!.tensors);
      const values = Array.from(await w.data());
      w.dispose();
      if (loaded!.step === 20) {
        expect(values, c.name).toEqual([5, 6, 7, 8.5]);
        outcomes.exact++;
      } else {
        expect(loaded!.step, c.name).toBe(10);
        expect(values, c.name).toEqual([1, 2, 3, 4]);
        expect(warnings.join('\n'), c.name).toMatch(/step-00000020|latest\.json/);
        outcomes.fellBack++;
      }
      // Nothing outside the run directory was written or removed.
      expect((await fs.readdir(root)).sort(), c.name).toEqual(['outside.txt', 'run']);
      expect(await fs.readFile(sentinel, 'utf8')).toBe('untouched');
      tf.dispose(Object.values(saved));
      await fs.rm(root, { recursive: true, force: true });
    }
    // Every corruption of weights.bin (random, zeroed, checksummed) and every targeted case is caught.
    expect(outcomes.fellBack).toBeGreaterThanOrEqual(cases.length - RANDOM_CASES / 3);
  }, 60_000);
});
