/**
 * Squeeze (RealNVP, Dinh et al. 2017, §3.6; Glow's `squeeze2d`): every 2×2 spatial block
 * becomes 4 channels, [N, H, W, C] → [N, H/2, W/2, 4C], with channel index
 * c·4 + 2·dy + dx (Glow's layout: reshape [N, H/2, 2, W/2, 2, C], transpose to
 * [N, H/2, W/2, C, 2, 2]). A permutation, so log|det| = 0. Built from reshape and transpose
 * (rank ≤ 5), not depthToSpace, which has no gradient in tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { zeroLogDet } from './bijector';
import { registerLayerClass } from './serialization';
import { assertRank4, defaultName, shapeString } from './variables';

/** [N, H, W, C] → [N, H/2, W/2, 4C]; throws on an odd height or width. */
export function squeeze2d(x: tf.Tensor, factor = 2): tf.Tensor4D {
  assertRank4('squeeze2d', 'x', x);
  const [n, h, w, c] = x.shape;
  if (h % factor !== 0 || w % factor !== 0) {
    throw new Error(`squeeze2d: height and width must be multiples of ${factor}, got shape ${shapeString(x.shape)}`);
  }
  return tf.tidy(() => {
    const hs = h / factor;
    const ws = w / factor;
    // [N·H/f, f, W/f, f, C] → [N·H/f, W/f, C, f, f] → [N, H/f, W/f, C·f·f]
    const t = tf.transpose(tf.reshape(x, [n * hs, factor, ws, factor, c]), [0, 2, 4, 1, 3]);
    return tf.reshape(t, [n, hs, ws, c * factor * factor]);
  });
}

/** The inverse of squeeze2d: [N, H, W, 4C] → [N, 2H, 2W, C]; throws unless C divides by 4. */
export function unsqueeze2d(x: tf.Tensor, factor = 2): tf.Tensor4D {
  assertRank4('unsqueeze2d', 'x', x);
  const [n, h, w, c] = x.shape;
  const f2 = factor * factor;
  if (c % f2 !== 0) throw new Error(`unsqueeze2d: channels must be a multiple of ${f2}, got shape ${shapeString(x.shape)}`);
  return tf.tidy(() => {
    const t = tf.transpose(tf.reshape(x, [n * h, w, c / f2, factor, factor]), [0, 3, 1, 4, 2]);
    return tf.reshape(t, [n, h * factor, w * factor, c / f2]);
  });
}

export class Squeeze implements Bijector {
  static readonly className = 'Squeeze';
  readonly name: string;
  constructor(args: { name?: string } = {}) {
    this.name = args.name ?? defaultName('squeeze');
  }
  forward(x: tf.Tensor): ForwardResult {
    const y = squeeze2d(x);
    return { y, logDet: zeroLogDet(x.shape[0]) };
  }
  inverse(y: tf.Tensor): InverseResult {
    const x = unsqueeze2d(y);
    return { x, logDet: zeroLogDet(y.shape[0]) };
  }
  variables(): Record<string, tf.Variable> {
    return {};
  }
  getConfig(): { name: string } {
    return { name: this.name };
  }
  static fromConfig(config: { name?: string }): Squeeze {
    return new Squeeze(config);
  }
  dispose(): void {}
}

registerLayerClass(Squeeze);
