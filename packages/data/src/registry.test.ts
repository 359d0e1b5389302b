import { describe, expect, it } from 'vitest';
import { datasetNames, loadDataset } from './load-dataset';
import { createDatasetRegistry } from './registry';
import { makeTestGenerator } from './test-generator';

describe('dataset registry', () => {
  const registry = createDatasetRegistry({ 'test-squares': makeTestGenerator(), chairs: makeTestGenerator('chairs') });

  it('lists procedural and real names and loads a procedural set by name', async () => {
    expect(registry.names()).toEqual(['3d-chairs', 'celeba', 'chairs', 'fashion-mnist', 'folder', 'idx', 'mnist', 'swiss-roll', 'test-squares']);
    const ds = await registry.load('test-squares', { count: 10, size: 16, seed: 2 });
    expect([ds.count, ds.height]).toEqual([10, 16]);
    const defaults = await registry.load('test-squares');
    expect([defaults.count, defaults.height]).toEqual([1000, 8]);
  });

  it('picks the real chairs with a directory and the procedural stand-in without', () => {
    expect(registry.resolve('chairs').kind).toBe('procedural');
    expect(registry.resolve('chairs', { dir: '/data/chairs' }).kind).toBe('real');
    expect(registry.resolve('3d-chairs').kind).toBe('real');
  });

  it('gives clear errors for unknown names, missing directories and unsupported sizes', async () => {
    await expect(registry.load('cifar10')).rejects.toThrow(/unknown dataset 'cifar10'; known datasets: 3d-chairs, celeba, chairs, fashion-mnist, folder, idx, mnist, swiss-roll, test-squares/);
    await expect(registry.load('celeba')).rejects.toThrow(/dataset 'celeba' needs a directory/);
    await expect(registry.load('mnist', { size: 32 })).rejects.toThrow(/dataset 'mnist': unsupported image size 32; its images are 28×28/);
    await expect(registry.load('test-squares', { size: 64 })).rejects.toThrow(/does not support size 64; supported sizes: 8, 16/);
  });

  it('loadDataset knows the procedural generators and the real loaders', async () => {
    expect(datasetNames()).toEqual(expect.arrayContaining(['sprites', 'faces', 'chairs', 'coloured-digits', 'mnist', 'fashion-mnist', 'celeba', 'folder', 'idx']));
    const sprites = await loadDataset('sprites', { count: 6, size: 32, seed: 1 });
    expect([sprites.count, sprites.height, sprites.channels]).toEqual([6, 32, 3]);
    expect(sprites.factors!.length).toBe(6 * sprites.factorSpecs!.length);
    await expect(loadDataset('nope')).rejects.toThrow(/unknown dataset 'nope'; known datasets: 3d-chairs, celeba, chairs/);
  });
});
