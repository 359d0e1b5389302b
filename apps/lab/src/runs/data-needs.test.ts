import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { prepareData } from '@disentangle/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelRegistry } from '../registry/model-registry';
import { checkDataNeeds } from './data-needs';

describe('checkDataNeeds', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a model that needs labels on unlabelled faces: names the attributes and a few of the many identity classes', async () => {
    const registry = await loadModelRegistry();
    const data = await prepareData({ dataset: 'faces', count: 40, size: 16, seed: 0 });
    const entry = registry.entries().find((e) => e.needs.labels === 'required' && e.needs.inputs.includes('image'))!;
    let message = '';
    try {
      checkDataNeeds(entry, data);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/needs labels; give --labels \(attributes Eyeglasses, Beard, Smiling, Young, Male, or 'one-hot' for its classes \(id0, id1, id2, id3, id4, id5, … \d+ in all\)\)/);
    expect(message.length).toBeLessThan(400);
  });
});
