import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@disentangle/kernels';
import { it, expect } from 'vitest';

class Parent extends tfl.layers.Layer {
  static className = 'SpikeParent';
  conv = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'inner' });
  constructor(args?: any) { super(args ?? {}); }
  override build(s: any) { this.conv.apply(tfl.input({ batchShape: s })); this.built = true; }
  override get trainableWeights() { return [...super.trainableWeights, ...this.conv.trainableWeights]; }
  override set trainableWeights(w) { super.trainableWeights = w; }
  override call(x: any) { return tf.tidy(() => this.conv.apply(Array.isArray(x) ? x[0] : x) as tf.Tensor); }
  override computeOutputShape(s: any) { return [...s.slice(0, 3), 2]; }
}
tf.serialization.registerClass(Parent);

it('spike', async () => {
  await tf.setBackend('cpu');
  const p = new Parent({});
  const inp = tfl.input({ shape: [3, 3, 2] });
  const out = p.apply(inp) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: inp, outputs: out });
  console.log(m.weights.map((w) => w.name), p.weights.map(w=>w.originalName), tf.getBackend());
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [4, 4])))(tf.ones([1, 2, 2, 1]));
  console.log(await g.data());
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const h = await m.fit(tf.ones([2, 3, 3, 2]), tf.zeros([2, 3, 3, 2]), { epochs: 3, verbose: 0 });
  console.log(h.history.loss);
  expect(1).toBe(1);
});
