import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemHandler, registerFileSystemRouter } from './layers-file-handler';
import { serveDirectory, type ServedDirectory } from './serve-directory.test-support';

let root: string;
let server: ServedDirectory;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFileSystemRouter();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'layers-file-'));
  server = await serveDirectory(root);
});

afterAll(async () => {
  await server.close();
  await fs.rm(root, { recursive: true, force: true });
});

function smallModel(): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }), tfl.layers.dense({ units: 2 })] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

const input = () => tf.tensor2d([[0.1, -0.2, 0.3], [1, 2, -3]]);

async function outputs(model: tfl.LayersModel): Promise<number[]> {
  return Array.from(await (model.predict(input()) as tf.Tensor).data());
}

describe('a tfjs-layers model saved and loaded on disk without tfjs-node', () => {
  it("model.save('file://…') writes the standard model.json + weights.bin that tf.loadLayersModel reads back", async () => {
    const model = smallModel();
    await model.fit(input(), tf.tensor2d([[1, 0], [0, 1]]), { epochs: 2, verbose: 0 });
    const dir = path.join(root, 'seq');
    await model.save(`file://${dir}`);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toHaveLength(4);
    expect(json.checksums['weights.bin']).toMatch(/^[0-9a-f]{64}$/);

    const fromFolder = await tfl.loadLayersModel(`file://${dir}`);
    const fromManifest = await tfl.loadLayersModel(`file://${dir}/model.json`);
    const fromHandler = await tfl.loadLayersModel(fileSystemHandler(dir));
    const expected = await outputs(model);
    for (const again of [fromFolder, fromManifest, fromHandler]) expect(await outputs(again)).toEqual(expected);
  });

  it('the same files load over HTTP, as a browser would fetch them', async () => {
    const model = smallModel();
    await model.save(fileSystemHandler(path.join(root, 'served')));
    const again = await tfl.loadLayersModel(`${server.url}/served/model.json`);
    expect(await outputs(again)).toEqual(await outputs(model));
  });

  it('refuses a corrupted weights file, naming it', async () => {
    const dir = path.join(root, 'corrupt');
    await smallModel().save(`file://${dir}`);
    const file = path.join(dir, 'weights.bin');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, Buffer.alloc(bytes.length));
    await expect(tfl.loadLayersModel(`file://${dir}`)).rejects.toThrow(/corrupt weights file .*corrupt\/weights\.bin: its SHA-256 differs/);
    await fs.rm(path.join(dir, 'model.json'));
    await expect(tfl.loadLayersModel(`file://${dir}`)).rejects.toThrow(/no weights manifest at .*corrupt\/model\.json/);
  });

  it('saves atomically: a failed save leaves the previous model loadable', async () => {
    const dir = path.join(root, 'atomic');
    const first = smallModel();
    await first.save(`file://${dir}`);
    const broken = smallModel();
    const handler = fileSystemHandler(dir);
    await expect(broken.save({ save: (artifacts) => handler.save!({ ...artifacts, modelTopology: new ArrayBuffer(4) }) })).rejects.toThrow(/binary model topologies/);
    expect(await outputs(await tfl.loadLayersModel(`file://${dir}`))).toEqual(await outputs(first));
  });

  it('two copies of the package in one process register one file:// router between them, so a URL still has exactly one handler', async () => {
    const before = tf.io.getSaveHandlers('file://twice').length;
    // A second evaluation of the module, as a second install of the package would be.
    await import(`./layers-file-handler?copy=${Date.now()}`);
    expect(before).toBe(1);
    expect(tf.io.getSaveHandlers('file://twice')).toHaveLength(1);
  });

  it('defers to another file:// handler (tfjs-node) instead of making tf.io refuse an ambiguous URL', () => {
    expect(tf.io.getSaveHandlers('file://somewhere')).toHaveLength(1);
    const other: tf.io.IOHandler = { save: async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) };
    tf.io.registerSaveRouter(((url: string) => (url.startsWith('file://') ? other : null)) as Parameters<typeof tf.io.registerSaveRouter>[0]);
    const handlers = tf.io.getSaveHandlers('file://somewhere');
    expect(handlers).toEqual([other]);
  });
});

