/**
 * getConfig / fromConfig round trips (DESIGN.md convention 6d), for every layer class:
 * build → run a batch (ActNorm initialises) → saveWeights → fromConfig(JSON of getConfig())
 * → loadWeights into the copy → identical forward y and logDet on a fresh batch with other
 * statistics (so a copy whose ActNorm re-initialised would differ), and the same again
 * through the registry (`layerToConfig` / `layerFromConfig`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariables, loadWeights, saveWeights, SeededRandom } from '@disentangle/kernels';
import { ActNorm } from './act-norm';
import { Chain, type Bijector } from './bijector';
import { randomizeTrainable } from './bijector-checks';
import { Coupling } from './coupling';
import { Glow, GlowStep } from './glow';
import { InvertibleConv1x1 } from './invertible-conv';
import { SplitPrior, TopPrior } from './priors';
import { layerFromConfig, layerToConfig, registeredLayerClassNames, registerLayerClass } from './serialization';
import { Squeeze } from './squeeze';

let root = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(os.tmpdir(), 'flows-config-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Configurable extends Bijector {
  getConfig(): object;
}

interface Case {
  label: string;
  /** Builds the layer; `normal` seeds its random initial weights. */
  build: (normal: () => number) => Configurable;
  /** The class's own fromConfig. */
  fromConfig: (config: never) => Configurable;
  /** Input shape [N, …] for the batches. */
  inputShape: number[];
  /** Conditioning input for a batch of n, if the layer takes one. */
  cond?: (n: number, random: SeededRandom) => tf.Tensor;
}

const oneHot = (n: number, classes: number, random: SeededRandom) =>
  tf.oneHot(tf.tensor1d(Array.from({ length: n }, () => random.int(classes)), 'int32'), classes);

const CASES: Case[] = [
  { label: 'ActNorm', build: () => new ActNorm({ channels: 3, name: 'cfg/actnorm', scale: 0.8 }), fromConfig: ActNorm.fromConfig, inputShape: [3, 2, 2, 3] },
  { label: 'InvertibleConv1x1 (lu)', build: (normal) => new InvertibleConv1x1({ channels: 4, name: 'cfg/invconv_lu', normal }), fromConfig: InvertibleConv1x1.fromConfig, inputShape: [2, 2, 2, 4] },
  {
    label: 'InvertibleConv1x1 (plain)',
    build: (normal) => new InvertibleConv1x1({ channels: 4, parameterization: 'plain', name: 'cfg/invconv_plain', normal }),
    fromConfig: InvertibleConv1x1.fromConfig,
    inputShape: [2, 2, 2, 4],
  },
  {
    label: 'Coupling (affine exp, rank-2 cond)',
    build: (normal) => new Coupling({ channels: 4, kind: 'affine', scale: 'exp', hiddenChannels: 5, condChannels: 2, name: 'cfg/coupling_affine', normal }),
    fromConfig: Coupling.fromConfig,
    inputShape: [2, 2, 2, 4],
    cond: (n, random) => random.normal([n, 2]),
  },
  {
    label: 'Coupling (additive)',
    build: (normal) => new Coupling({ channels: 3, kind: 'additive', hiddenChannels: 4, name: 'cfg/coupling_additive', normal }),
    fromConfig: Coupling.fromConfig,
    inputShape: [2, 2, 2, 3],
  },
  { label: 'Squeeze', build: () => new Squeeze({ name: 'cfg/squeeze' }), fromConfig: Squeeze.fromConfig, inputShape: [2, 4, 2, 2] },
  {
    label: 'SplitPrior (rank-4 cond)',
    build: () => new SplitPrior({ channels: 5, condChannels: 1, name: 'cfg/split' }),
    fromConfig: SplitPrior.fromConfig,
    inputShape: [2, 2, 2, 5],
    cond: (n, random) => random.normal([n, 2, 2, 1]),
  },
  {
    label: 'TopPrior (class-conditional, classifier)',
    build: () => new TopPrior({ shape: [2, 1, 3], numClasses: 3, name: 'cfg/top' }),
    fromConfig: TopPrior.fromConfig,
    inputShape: [2, 2, 1, 3],
    cond: (n, random) => oneHot(n, 3, random),
  },
  {
    label: 'GlowStep (additive, plain 1×1 conv, conditioned coupling)',
    build: (normal) => new GlowStep({ channels: 4, name: 'cfg/step', hiddenChannels: 4, coupling: 'additive', permutation: 'plain', couplingCondChannels: 2, normal }),
    fromConfig: GlowStep.fromConfig,
    inputShape: [2, 2, 2, 4],
    cond: (n, random) => random.normal([n, 2]),
  },
  {
    label: 'Chain (ActNorm → 1×1 conv → coupling → squeeze)',
    build: (normal) => new Chain([
      new ActNorm({ channels: 2, name: 'cfg/chain/actnorm' }),
      new InvertibleConv1x1({ channels: 2, name: 'cfg/chain/invconv', normal }),
      new Coupling({ channels: 2, hiddenChannels: 3, name: 'cfg/chain/coupling', normal }),
      new Squeeze({ name: 'cfg/chain/squeeze' }),
    ], 'cfg/chain'),
    fromConfig: Chain.fromConfig,
    inputShape: [2, 2, 2, 2],
  },
  {
    label: 'Glow (L=2, K=1, affine exp, class-conditional)',
    build: (normal) => new Glow({ imageShape: [4, 4, 1], levels: 2, stepsPerLevel: 1, hiddenChannels: 4, affineScale: 'exp', numClasses: 2, nBits: 5, name: 'cfg/glow' }, normal),
    fromConfig: Glow.fromConfig,
    inputShape: [2, 4, 4, 1],
    cond: (n, random) => oneHot(n, 2, random),
  },
];

/** Every ActNorm inside a layer (to check that loaded ones stay initialised). */
function actNormsOf(layer: Bijector): ActNorm[] {
  if (layer instanceof ActNorm) return [layer];
  if (layer instanceof Glow) return layer.actNorms();
  if (layer instanceof Chain) return layer.bijectors.flatMap(actNormsOf);
  return [];
}

async function expectSameForward(a: Bijector, b: Bijector, x: tf.Tensor, cond?: tf.Tensor): Promise<void> {
  const fa = a.forward(x, cond);
  const fb = b.forward(x, cond);
  expect(fb.y.shape).toEqual(fa.y.shape);
  expect(Array.from(await fb.y.data())).toEqual(Array.from(await fa.y.data()));
  expect(Array.from(await fb.logDet.data())).toEqual(Array.from(await fa.logDet.data()));
  tf.dispose([fa.y, fa.logDet, fb.y, fb.logDet]);
}

describe.each(CASES.map((c, i) => [c.label, c, i] as const))('config round trip: %s', (_label, c, i) => {
  it('fromConfig(JSON of getConfig()) + the saved weights gives identical forward y and logDet on a fresh batch', async () => {
    const random = new SeededRandom(100 + i);
    const layer = c.build(() => random.normalNumber());
    randomizeTrainable(layer.variables(), () => random.normalNumber(), 0.2); // zero-initialised paths carry signal
    const n = c.inputShape[0];
    // The first batch initialises any ActNorm (data-dependent) ...
    const first = tf.add(tf.mul(random.normal(c.inputShape), 2), 1.5);
    const firstCond = c.cond?.(n, random);
    tf.dispose(layer.forward(first, firstCond) as unknown as tf.Tensor[]);
    for (const an of actNormsOf(layer)) expect(an.isInitialized()).toBe(true);
    const dir = join(root, `case${i}`);
    await saveWeights(dir, layer.variables());

    // ... the config, through JSON, builds an equivalent layer with different random weights.
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as never;
    const other = new SeededRandom(900 + i);
    const copy = c.fromConfig === Glow.fromConfig
      ? Glow.fromConfig(config, () => other.normalNumber())
      : c.fromConfig(config);
    expect(copy.constructor).toBe(layer.constructor);
    expect(copy.name).toBe(layer.name);
    expect(copy.getConfig()).toEqual(layer.getConfig());
    expect(Object.keys(copy.variables()).sort()).toEqual(Object.keys(layer.variables()).sort());
    for (const an of actNormsOf(copy)) expect(an.isInitialized()).toBe(false);

    const { tensors } = await loadWeights(dir);
    assignVariables(tensors, copy.variables()); // throws on a missing, extra or misshapen variable
    for (const an of actNormsOf(copy)) expect(an.isInitialized()).toBe(true);
    const biases = await Promise.all(actNormsOf(copy).map((an) => an.bias.data()));

    // A fresh batch with other statistics: a re-initialising ActNorm would change the outputs.
    const x = tf.sub(tf.mul(random.normal(c.inputShape), 0.5), 3);
    const cond = c.cond?.(n, random);
    await expectSameForward(layer, copy, x, cond);
    const after = await Promise.all(actNormsOf(copy).map((an) => an.bias.data()));
    expect(after.map((b) => Array.from(b))).toEqual(biases.map((b) => Array.from(b)));

    // The registry form rebuilds the same class with the same config.
    const serialized = JSON.parse(JSON.stringify(layerToConfig(layer)));
    expect(serialized.className).toBe((layer.constructor as unknown as { className: string }).className);
    const viaRegistry = layerFromConfig(serialized) as Configurable;
    expect(viaRegistry.constructor).toBe(layer.constructor);
    expect(viaRegistry.getConfig()).toEqual(layer.getConfig());
    assignVariables(tensors, viaRegistry.variables());
    await expectSameForward(layer, viaRegistry, x, cond);

    tf.dispose([first, x, firstCond, cond, ...Object.values(tensors)].filter((t): t is tf.Tensor => t !== undefined));
    layer.dispose();
    copy.dispose();
    viaRegistry.dispose();
  });
});

describe('layer registry', () => {
  it('knows every layer class', () => {
    expect(registeredLayerClassNames()).toEqual(
      ['ActNorm', 'Chain', 'Coupling', 'Glow', 'GlowStep', 'InvertibleConv1x1', 'SplitPrior', 'Squeeze', 'TopPrior'],
    );
  });

  it('names unknown classes, malformed input and layers without a config', () => {
    expect(() => layerFromConfig({ className: 'Nope', config: {} })).toThrow(/unknown className "Nope".*ActNorm/);
    expect(() => layerFromConfig({ className: 'ActNorm' } as never)).toThrow(/expected \{ className, config \}/);
    expect(() => Chain.fromConfig({ name: 'c' })).toThrow(/config.layers must be an array/);
    const bare: Bijector = {
      name: 'bare',
      forward: (x) => ({ y: x, logDet: tf.zeros([x.shape[0]]) }),
      inverse: (y) => ({ x: y, logDet: tf.zeros([y.shape[0]]) }),
      variables: () => ({}),
      dispose: () => {},
    };
    expect(() => layerToConfig(bare)).toThrow(/"bare".*no static className or no getConfig/);
    expect(() => registerLayerClass({} as never)).toThrow(/static className/);
  });
});
