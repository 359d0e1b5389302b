import { describe, expect, it } from 'vitest';
import { checkDataDecidedFields, entryOverrides, nestConfigOverrides, overrideList, overrideNumber } from './config-overrides';

const fail = (field: string, message: string): never => {
  throw new Error(`test config: ${field} ${message}`);
};
const SPEC = {
  fields: ['model', 'zDim', 'stages', 'fine', 'weights', 'priors', 'name'],
  decided: ['model'],
  numbers: ['zDim'],
  lists: ['stages'],
  booleans: ['fine'],
  groups: ['weights', 'priors'],
  owner: 'toy',
};

describe('nestConfigOverrides', () => {
  it('coerces command-line strings and nests dotted names to any depth', () => {
    expect(nestConfigOverrides({ zDim: '6', stages: '8,16', fine: 'true', name: '12', 'weights.gan': '5', 'priors.present.mean': '2', 'priors.present.std': 1 }, SPEC, fail)).toEqual({
      zDim: 6,
      stages: [8, 16],
      fine: true,
      name: '12', // not a number field: left as given
      weights: { gan: 5 },
      priors: { present: { mean: 2, std: 1 } },
    });
    expect(nestConfigOverrides({ weights: { gan: '3', kl: 1 }, 'weights.info': 2, stages: '[4]' }, SPEC, fail)).toEqual({ weights: { gan: 3, kl: 1, info: 2 }, stages: [4] });
    expect([overrideNumber(' '), overrideNumber('x'), overrideList(16), overrideList(''), overrideList(['1', 2])]).toEqual([' ', 'x', [16], [], [1, 2]]);
  });

  it('names the field at fault, listing the options but not the fields the data decide', () => {
    expect(() => nestConfigOverrides({ zdim: 4 }, SPEC, fail)).toThrow("test config: 'zdim' is not an option of toy (known: zDim, stages, fine, weights, priors, name)");
    expect(() => nestConfigOverrides({ 'zDim.x': 1 }, SPEC, fail)).toThrow(/'zDim.x' has a dotted name, but only weights.<field>, priors.<field> take one/);
    expect(() => nestConfigOverrides({ weights: 3 }, SPEC, fail)).toThrow(/weights must be an object of numbers/);
    expect(() => nestConfigOverrides({ priors: { present: 1 }, 'priors.present.mean': 2 }, SPEC, fail)).toThrow(/present is given both as a value and by dotted names/);
    expect(() => nestConfigOverrides([] as never, SPEC, fail)).toThrow(/overrides must be an object/);
    expect(nestConfigOverrides({ model: 'toy' }, SPEC, fail)).toEqual({ model: 'toy' }); // accepted: the entry checks it against the data
  });
});

describe('checkDataDecidedFields', () => {
  const environment = { input: { kind: 'image' as const, size: 8, channels: 1 as const }, labels: ['A'], exclusive: false, seed: 0 };
  it('accepts a config that repeats what the data decide, and names the field that disagrees', () => {
    expect(() => checkDataDecidedFields({ model: 'toy', input: environment.input, labels: ['A'] }, 'toy', environment, fail)).not.toThrow();
    expect(() => checkDataDecidedFields({ model: 'other' }, 'toy', environment, fail)).toThrow(/model is 'other', but this entry builds 'toy'/);
    expect(() => checkDataDecidedFields({ input: { kind: 'vector', dim: 3 } }, 'toy', environment, fail)).toThrow(/input is .*but the data is/);
    expect(() => checkDataDecidedFields({ labels: ['B'] }, 'toy', environment, fail)).toThrow(/labels are \["B"\], but the data has \["A"\]/);
  });
});

describe('entryOverrides', () => {
  const environment = { input: { kind: 'vector' as const, dim: 3 }, labels: ['A'], exclusive: false, seed: 0 };
  it('nests the overrides, checks what the data decide, and names the package and model in every error', () => {
    const { nested, fail } = entryOverrides('toy-zoo', 'toy', { zDim: '4', 'weights.gan': '2' }, environment, SPEC);
    expect(nested).toEqual({ zDim: 4, weights: { gan: 2 } });
    expect(() => fail('zDim', 'must be odd')).toThrow('toy-zoo config (toy): zDim must be odd');
    expect(() => entryOverrides('toy-zoo', 'toy', { model: 'other' }, environment, SPEC)).toThrow(/^toy-zoo config \(toy\): model is 'other'/);
    expect(() => entryOverrides('toy-zoo', 'toy', {}, environment, SPEC, { images: 'a conv net' })).toThrow('toy-zoo config (toy): input must be images (a conv net), but the data are vectors');
  });
});
