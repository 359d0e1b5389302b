import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDirectory, type ServedDirectory } from './serve-directory.test-support';
import { WEIGHTS_DATA_FILE } from './weights-format';
import { loadModelWithConfig, loadWeights, restoreVariables, saveModelWithConfig, saveWeights } from './weights-io';
import { loadWeightsFromUrl, manifestUrlOf } from './weights-url';
import * as browser from './browser-weights';

let root: string;
let server: ServedDirectory;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'weights-url-'));
  server = await serveDirectory(root);
});

afterAll(async () => {
  await server.close();
  await fs.rm(root, { recursive: true, force: true });
});

const kernel = () => tf.tensor2d([[1.5, -2.25, 3], [4, 5e-8, -6e7]]);

describe('loading a checkpoint over HTTP', () => {
  it('gives the tensors and metadata the directory loader gives, from the folder or its model.json', async () => {
    await saveWeights(path.join(root, 'a'), { 'enc/kernel': kernel(), steps: tf.tensor1d([3, 4], 'int32') }, { metadata: { step: 7 } });
    for (const url of [`${server.url}/a`, `${server.url}/a/`, `${server.url}/a/model.json`]) {
      const loaded = await loadWeightsFromUrl(url);
      expect(loaded.metadata).toEqual({ step: 7 });
      expect(Array.from(await loaded.tensors['enc/kernel'].data())).toEqual(Array.from(await kernel().data()));
      expect(loaded.tensors.steps.dtype).toBe('int32');
      tf.dispose(loaded.tensors);
    }
    // Node's loadWeights fetches an http(s) address too.
    const viaNode = await loadWeights(`${server.url}/a`);
    expect(viaNode.tensors['enc/kernel'].shape).toEqual([2, 3]);
    tf.dispose(viaNode.tensors);
  });

  it('is a standard tfjs weights manifest: tf.io.http reads it', async () => {
    await saveWeights(path.join(root, 'std'), { w: tf.tensor1d([1, 2, 3]) });
    const artifacts = await tf.io.http(`${server.url}/std/model.json`).load!();
    expect(artifacts.weightSpecs).toEqual([{ name: 'w', shape: [3], dtype: 'float32' }]);
    const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    expect(Array.from(await decoded.w.data())).toEqual([1, 2, 3]);
    tf.dispose(decoded);
  });

  it('rebuilds a model saved with its config, and restores variables, from a URL', async () => {
    const create = (config: { n: number }) => {
      const variables = { w: tf.variable(tf.zeros([config.n]), true, `url-model-w-${Math.random()}`) };
      return { config, variables, dispose: () => tf.dispose(Object.values(variables)) };
    };
    const saved = create({ n: 4 });
    saved.variables.w.assign(tf.tensor1d([1, -1, 2, -2]));
    await saveModelWithConfig(path.join(root, 'model'), saved.variables, 'toy', saved.config);
    for (const load of [loadModelWithConfig, browser.loadModelWithConfig]) {
      const again = await load(`${server.url}/model`, 'toy', create);
      expect(again.config).toEqual({ n: 4 });
      expect(Array.from(await again.variables.w.data())).toEqual([1, -1, 2, -2]);
      again.dispose();
    }
    const target = create({ n: 4 });
    expect(await restoreVariables(`${server.url}/model`, target.variables)).toEqual(['w']);
    expect(await browser.restoreVariables(`${server.url}/model`, target.variables)).toEqual(['w']);
    expect(Array.from(await target.variables.w.data())).toEqual([1, -1, 2, -2]);
    saved.dispose();
    target.dispose();
  });

  it('refuses changed bytes (checksum), a truncated file and a missing one, naming the URL', async () => {
    const dir = path.join(root, 'bad');
    await saveWeights(dir, { w: tf.tensor1d([1, 2, 3, 4]) });
    const file = path.join(dir, WEIGHTS_DATA_FILE);
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, Buffer.alloc(bytes.length, 7));
    await expect(loadWeightsFromUrl(`${server.url}/bad`)).rejects.toThrow(/corrupt weights file .*bad\/weights\.bin: its SHA-256 differs/);
    await fs.writeFile(file, bytes.subarray(0, 10));
    await expect(loadWeightsFromUrl(`${server.url}/bad`)).rejects.toThrow(/describes 16 bytes but the server sent 10 bytes \(truncated\)/);
    await fs.rm(file);
    await expect(loadWeightsFromUrl(`${server.url}/bad`)).rejects.toThrow(/cannot fetch weights file .*bad\/weights\.bin: HTTP 404/);
    await expect(loadWeightsFromUrl(`${server.url}/nothing-here`)).rejects.toThrow(/cannot fetch weights manifest .*nothing-here\/model\.json: HTTP 404/);
  });

  it('refuses a manifest that is not JSON or names a path outside its folder', async () => {
    await fs.mkdir(path.join(root, 'odd'), { recursive: true });
    await fs.writeFile(path.join(root, 'odd', 'model.json'), '{ not json');
    await expect(loadWeightsFromUrl(`${server.url}/odd`)).rejects.toThrow(/cannot parse weights manifest .*odd\/model\.json/);
    await fs.writeFile(path.join(root, 'odd', 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../a/weights.bin'], weights: [] }] }));
    await expect(loadWeightsFromUrl(`${server.url}/odd`)).rejects.toThrow(/expected a file name inside the checkpoint directory/);
  });

  it('resolves addresses: a .json URL is the manifest, anything else its folder; a bare path needs a page', () => {
    expect(manifestUrlOf('https://host/models/csvae').href).toBe('https://host/models/csvae/model.json');
    expect(manifestUrlOf('https://host/models/csvae/').href).toBe('https://host/models/csvae/model.json');
    expect(manifestUrlOf('https://host/m/custom.json').href).toBe('https://host/m/custom.json');
    expect(() => manifestUrlOf('/models/csvae')).toThrow(/not a URL \(outside a page/);
  });

  it("the browser entry's save functions throw and say what to use instead", async () => {
    await expect(browser.saveWeights('x', {})).rejects.toThrow(/saveWeights writes to a file system .* loadWeights\(url\)/);
    await expect(browser.saveModelWithConfig('x', {}, 'k', {})).rejects.toThrow(/only in @disentangle\/kernels' Node entry/);
  });
});
