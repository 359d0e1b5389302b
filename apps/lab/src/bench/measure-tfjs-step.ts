/**
 * Times the demo conv VAE's Adam training step on the active tfjs backend: a fixed
 * batch, fresh reparameterisation noise every step (drawn on the GPU on WebGPU), and a read of the loss so that
 * asynchronous backends (WebGPU) finish the step before the clock stops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConvVae, DEFAULT_CONV_VAE } from './conv-vae';
import { makeShapesDataset } from './shapes';
import { SeededRandom } from '@disentangle/kernels';
import { adam } from '@disentangle/training';

export interface StepTiming {
  msPerStep: number[];
  finalLoss: number;
}

/** `afterStep(i)` runs after each step, warm-up ones included (i counts from 0): the bench's overhead counters. */
export async function measureConvVaeStep({ batch, steps, warmup, afterStep }: { batch: number; steps: number; warmup: number; afterStep?: (i: number) => void }): Promise<StepTiming> {
  const rng = new SeededRandom(1);
  const random = () => rng.uniformNumber();
  const model = new ConvVae(DEFAULT_CONV_VAE, random);
  const size = DEFAULT_CONV_VAE.imageSize;
  const { images } = makeShapesDataset(batch, size, random);
  const x = tf.tensor4d(images, [batch, size, size, 1]);
  // As the trainer does: on WebGPU the noise is drawn on the GPU (Philox), not uploaded.
  rng.deviceDraws = tf.getBackend() === 'webgpu';
  // The trainer's Adam (tfjs' update with its scalar constants cached), so the bench times what training runs.
  const optimizer = adam(1e-3);
  const variables = Object.values(model.variables);
  const times: number[] = [];
  let finalLoss = NaN;
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    const noise = rng.normal([batch, DEFAULT_CONV_VAE.latentDim]) as tf.Tensor2D;
    const loss = optimizer.minimize(() => model.loss(x, noise).total, true, variables);
    finalLoss = (await loss!.data())[0];
    loss!.dispose();
    noise.dispose();
    if (i >= warmup) times.push(performance.now() - start);
    afterStep?.(i);
  }
  x.dispose();
  optimizer.dispose();
  model.dispose();
  return { msPerStep: times, finalLoss };
}
