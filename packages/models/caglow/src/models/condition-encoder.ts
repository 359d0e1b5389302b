/**
 * CAGlow's condition encoder E_θ(c̃, ε) → z (paper 003 §3.1–3.2): c̃ = [c_s, c_u] joins the
 * supervised conditions (one-hot class, binary attributes) and the unsupervised codes
 * (c_u ~ U(−1, 1) continuous, Bernoulli(½) discrete), ε ~ N(0, I) gives diversity; the output
 * is a latent of the flow (its flattened standardised ε-space, D = H·W·C), decoded by F⁻¹.
 * §4.1's MNIST encoder is fully connected; we use the same for faces (its CelebA encoder is
 * deconvolutional on 64×64 latents; ours are 16×16×3 = 768 values, see the README).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom, UnsupervisedCode } from '@disentangle/kernels';
import { Mlp } from '../networks/mlp';

export class ConditionEncoder {
  readonly net: Mlp;
  readonly codes: UnsupervisedCode[];

  constructor(name: string, readonly conditions: number, continuousCodes: number, discreteCodes: number, readonly noiseDim: number, hidden: number[], latentDim: number, random: SeededRandom) {
    this.codes = [
      ...Array.from({ length: continuousCodes }, (_, i): UnsupervisedCode => ({ name: `c${i + 1}`, kind: 'continuous', range: [-1, 1] })),
      ...Array.from({ length: discreteCodes }, (_, i): UnsupervisedCode => ({ name: `d${i + 1}`, kind: 'discrete', range: [0, 1] })),
    ];
    this.net = new Mlp(`${name}/encoder`, [conditions + this.codes.length + noiseDim, ...hidden, latentDim], 'relu', random);
  }

  /** c_u ~ p(c_u): uniform on each continuous code's range, Bernoulli(½) for discrete ones; [n, U]. */
  drawCodes(n: number, random: SeededRandom): tf.Tensor2D {
    if (this.codes.length === 0) return tf.zeros([n, 0]);
    return tf.tidy(() => {
      const u = random.uniform([n, this.codes.length]);
      const columns = this.codes.map((code, j) => {
        const col = tf.slice(u, [0, j], [n, 1]);
        return code.kind === 'continuous' ? tf.add(tf.mul(col, code.range[1] - code.range[0]), code.range[0]) : tf.cast(tf.less(col, 0.5), 'float32');
      });
      return tf.concat(columns, 1) as tf.Tensor2D;
    });
  }

  /** Errors name a code out of its range (or a discrete code that is not 0/1). */
  checkCodes(codes: tf.Tensor2D, rows: number, where: string): void {
    if (codes.rank !== 2 || codes.shape[0] !== rows || codes.shape[1] !== this.codes.length) {
      throw new Error(`${where}: codes have shape [${codes.shape}], expected [${rows}, ${this.codes.length}] (${this.codes.map((c) => c.name).join(', ') || 'this model has no unsupervised codes'})`);
    }
    const values = codes.dataSync();
    for (let i = 0; i < values.length; i++) {
      const code = this.codes[i % this.codes.length];
      const v = values[i];
      const ok = code.kind === 'discrete' ? v === 0 || v === 1 : v >= code.range[0] && v <= code.range[1];
      if (!ok) throw new Error(`${where}: code '${code.name}' of row ${Math.floor(i / this.codes.length)} is ${v}, outside its ${code.kind === 'discrete' ? 'values {0, 1}' : `range [${code.range.join(', ')}]`}`);
    }
  }

  /** z = E([c_s, c_u, ε]). */
  apply(conditions: tf.Tensor2D, codes: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.net.apply(tf.concat([conditions, codes, noise], 1) as tf.Tensor2D));
  }
}
