import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBatchSource, prepareData } from './prepared-data';

describe('resident batch source', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the batches of the copying source, across epochs and after a resume, and frees its device copies', async () => {
    // 90 sprites, 72 for training: 4 batches of 16 per epoch (dropLast), so 10 steps cross two epoch boundaries.
    const data = await prepareData({ dataset: 'sprites', count: 90, labels: 'one-hot', supervision: 0.5 });
    const before = tf.memory().numTensors;
    const copying = createBatchSource(data, { batchSize: 16, seed: 5, resident: false });
    const resident = createBatchSource(data, { batchSize: 16, seed: 5, resident: true });
    for (let step = 0; step < 10; step++) {
      const a = copying.next();
      const b = resident.next();
      expect(resident.getState(), `step ${step}`).toEqual(copying.getState());
      expect(b.x.shape).toEqual(a.x.shape);
      expect(Array.from(b.x.dataSync()), `x of step ${step}`).toEqual(Array.from(a.x.dataSync()));
      expect(Array.from(b.y!.dataSync()), `y of step ${step}`).toEqual(Array.from(a.y!.dataSync()));
      expect(Array.from(b.labelled!.dataSync()), `labelled of step ${step}`).toEqual(Array.from(a.labelled!.dataSync()));
      tf.dispose([...Object.values(a), ...Object.values(b)]);
    }
    // A resumed resident source continues with the batch the copying one gives next.
    const resumed = createBatchSource(data, { batchSize: 16, seed: 5, resident: true });
    resumed.setState(JSON.parse(JSON.stringify(copying.getState())));
    const expected = copying.next();
    const got = resumed.next();
    expect(Array.from(got.x.dataSync())).toEqual(Array.from(expected.x.dataSync()));
    tf.dispose([...Object.values(expected), ...Object.values(got)]);
    for (const source of [copying, resident, resumed]) source.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createBatchSource(data, { batchSize: 16, resident: 'yes' as never })).toThrow(/resident must be true, false or 'auto', got "yes"/);
  });
});
