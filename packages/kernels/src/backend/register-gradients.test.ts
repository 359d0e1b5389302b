// This package first, tfjs-core after: the order a user's script (or the lab's commands) may
// import them in. Gradients must still work (register-gradients.ts).
import { SeededRandom } from '../node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';

describe('gradients after importing @disentangle/kernels first', () => {
  it('tensors the engine makes can clone, and a gradient through addN (whose backprop clones dy) is computed', async () => {
    await tf.setBackend('cpu');
    expect(new SeededRandom(1).uniformNumber()).toBeGreaterThanOrEqual(0);
    expect(tf.scalar(2).clone().dataSync()[0]).toBe(2);
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.addN([tf.square(x), x])) as tf.Scalar, [x]);
    expect([...grads[x.name].dataSync()]).toEqual([3, 5, 7]);
    x.dispose();
  });
});

describe('gradients in a fresh Node process that imports only tfjs-core and this package', () => {
  it("requires the installed tfjs-layers to register them (the user's own tfjs), and says so", async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const packageDir = fileURLToPath(new URL('../..', import.meta.url));
    // The built Node entry, as a user's script loads it (turbo builds before it tests).
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      const before = tf.getGradient('Conv2D') !== undefined;
      const { gradientSource } = await import('./dist/node.js');
      await tf.setBackend('cpu');
      const g = tf.grad((x) => tf.sum(tf.conv2d(x, tf.ones([3, 3, 1, 2]), 1, 'same')))(tf.ones([1, 4, 4, 1]));
      console.log(JSON.stringify({ before, source: gradientSource().source, sum: tf.sum(g).dataSync()[0] }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
    // Each input pixel's gradient: how many 3×3 windows of the 4×4 map cover it (corner 4, edge 6, inside 9), × 2 filters.
    expect(result).toEqual({ before: false, source: '@tensorflow/tfjs-layers', sum: 2 * (4 * 4 + 8 * 6 + 4 * 9) });
  });
});
