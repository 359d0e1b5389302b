/**
 * The small convolutional networks inside flow layers, written with tfjs-core ops and
 * explicit variables:
 *  - `ZeroConv2d`: Glow's `conv2d_zeros`, y = (conv(x, W) + b) ⊙ exp(3 · log s) with W, b and
 *    log s all starting at zero, so a coupling starts as the identity and a learned prior
 *    starts as N(0, I).
 *  - `CouplingNetwork`: conv 3×3 → ReLU → conv 1×1 → ReLU → ZeroConv2d 3×3 (Glow's `f`,
 *    which uses ActNorm instead of a bias after the first two convolutions; here they have
 *    a bias). Weights start N(0, 0.05²) as in Glow's code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createVariable, shapeString } from './variables';

function mathRandomNormal(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

export function normalTensor(shape: number[], std: number, normal: () => number = mathRandomNormal): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = normal() * std;
  return tf.tensor(values, shape);
}

export class ZeroConv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly logScale: tf.Variable;
  constructor(readonly name: string, readonly inChannels: number, readonly outChannels: number, readonly kernelSize = 3, readonly logScaleFactor = 3) {
    this.weight = createVariable(`${name}/kernel`, tf.zeros([kernelSize, kernelSize, inChannels, outChannels]));
    this.bias = createVariable(`${name}/bias`, tf.zeros([outChannels]));
    this.logScale = createVariable(`${name}/log_scale`, tf.zeros([outChannels]));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() =>
      tf.mul(tf.add(tf.conv2d(x, this.weight as tf.Tensor4D, 1, 'same'), this.bias), tf.exp(tf.mul(this.logScale, this.logScaleFactor))),
    );
  }
  variables(): Record<string, tf.Variable> {
    return { [`${this.name}/kernel`]: this.weight, [`${this.name}/bias`]: this.bias, [`${this.name}/log_scale`]: this.logScale };
  }
  dispose(): void {
    tf.dispose([this.weight, this.bias, this.logScale]);
  }
}

export class CouplingNetwork {
  private readonly vars: Record<string, tf.Variable>;
  readonly output: ZeroConv2d;
  constructor(readonly name: string, readonly inChannels: number, readonly hiddenChannels: number, readonly outChannels: number, normal?: () => number) {
    const key = (w: string) => `${name}/${w}`;
    this.vars = {
      [key('conv1/kernel')]: createVariable(key('conv1/kernel'), normalTensor([3, 3, inChannels, hiddenChannels], 0.05, normal)),
      [key('conv1/bias')]: createVariable(key('conv1/bias'), tf.zeros([hiddenChannels])),
      [key('conv2/kernel')]: createVariable(key('conv2/kernel'), normalTensor([1, 1, hiddenChannels, hiddenChannels], 0.05, normal)),
      [key('conv2/bias')]: createVariable(key('conv2/bias'), tf.zeros([hiddenChannels])),
    };
    this.output = new ZeroConv2d(key('conv_out'), hiddenChannels, outChannels);
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (x.shape[3] !== this.inChannels) {
      throw new Error(`CouplingNetwork ${this.name}: input has shape ${shapeString(x.shape)}, expected ${this.inChannels} channels`);
    }
    return tf.tidy(() => {
      const v = (w: string) => this.vars[`${this.name}/${w}`];
      let h = tf.relu(tf.add(tf.conv2d(x, v('conv1/kernel') as tf.Tensor4D, 1, 'same'), v('conv1/bias'))) as tf.Tensor4D;
      h = tf.relu(tf.add(tf.conv2d(h, v('conv2/kernel') as tf.Tensor4D, 1, 'same'), v('conv2/bias'))) as tf.Tensor4D;
      return this.output.apply(h);
    });
  }
  variables(): Record<string, tf.Variable> {
    return { ...this.vars, ...this.output.variables() };
  }
  dispose(): void {
    tf.dispose(Object.values(this.vars));
    this.output.dispose();
  }
}

/**
 * Brings a conditioning input to [N, H, W, C_cond]: a rank-4 tensor must match the spatial
 * size; a rank-2 tensor [N, C_cond] (a label or embedding) is tiled over every pixel.
 */
export function spatialCondition(fn: string, cond: tf.Tensor, batch: number, height: number, width: number, channels: number): tf.Tensor4D {
  if (cond.rank === 2) {
    if (cond.shape[0] !== batch || cond.shape[1] !== channels) {
      throw new Error(`${fn}: cond has shape ${shapeString(cond.shape)}, expected [${batch},${channels}] or [${batch},${height},${width},${channels}]`);
    }
    return tf.tidy(() => tf.tile(tf.reshape(cond, [batch, 1, 1, channels]), [1, height, width, 1]));
  }
  if (cond.rank !== 4 || cond.shape[0] !== batch || cond.shape[1] !== height || cond.shape[2] !== width || cond.shape[3] !== channels) {
    throw new Error(`${fn}: cond has shape ${shapeString(cond.shape)}, expected [${batch},${height},${width},${channels}] or [${batch},${channels}]`);
  }
  return cond as tf.Tensor4D;
}
