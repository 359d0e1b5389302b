import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ParameterStore, SeededRandom } from '@disentangle/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { discriminatorHingeLoss, freeCodeKl, generatorHingeLoss, reconstructionError } from './losses';
import { SpectralNorm } from './networks/spectral-norm';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scores = () => ({
  real: tf.tensor1d([2, 0.5]),
  reconstructed: tf.tensor1d([-2, 0]),
  exchanged: tf.tensor1d([0.5, -0.5]),
  prior: tf.tensor1d([-1, 5]),
});

describe('paper 000 losses', () => {
  it("eq. 3: D's four hinge terms, against hand-computed values", () => {
    // real: mean(relu(1 − [2, 0.5])) = mean(0, 0.5) = 0.25
    // rec:  mean(relu(1 + [−2, 0])) = mean(0, 1) = 0.5
    // exc:  mean(relu(1 + [0.5, −0.5])) = mean(1.5, 0.5) = 1
    // prior: mean(relu(1 + [−1, 5])) = mean(0, 6) = 3
    expect(discriminatorHingeLoss(scores()).dataSync()[0]).toBeCloseTo(4.75, 6);
  });

  it("the generator's hinge terms: −(E D(rec) + E D(exc) + E D(prior))", () => {
    // −(−1 + 0 + 2) = −1
    expect(generatorHingeLoss(scores()).dataSync()[0]).toBeCloseTo(-1, 6);
  });

  it('reconstruction error is Σ_pixels (x − x̂)² per image, averaged over the batch', () => {
    const x = tf.zeros([2, 2, 2, 1]);
    const xHat = tf.concat([tf.fill([1, 2, 2, 1], 0.5), tf.fill([1, 2, 2, 1], 1)]);
    // image 1: 4 × 0.25 = 1; image 2: 4 × 1 = 4; mean 2.5
    expect(reconstructionError(x, xHat).dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(() => reconstructionError(x, tf.zeros([2, 2, 2, 3]))).toThrow(/x is \[2,2,2,1\] but the reconstruction is \[2,2,2,3\]/);
  });

  it('KL(q(z_u|x,c) ‖ N(0, I)) sums over every value of a spatial code and averages over the batch', () => {
    const mu = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 2], [2, 2, 2, 1]);
    const logVar = tf.zeros([2, 2, 2, 1]);
    // σ² = 1: KL = ½ Σ μ² → image 1: 0.5, image 2: 2; mean 1.25
    expect(freeCodeKl(mu, logVar).dataSync()[0]).toBeCloseTo(1.25, 6);
  });

  it('spectral norm: the power iteration finds the top singular value, and W_SN = W / σ', () => {
    const store = new ParameterStore(new SeededRandom(0), 'sn-test');
    // Singular values 3 and 1 (columns are orthogonal).
    const weight = store.glorot('w', [3, 2], 3, 2);
    weight.assign(tf.tensor2d([[3, 0], [0, 1], [0, 0]]));
    const norm = new SpectralNorm(store, 'w', weight, tf.tensor1d([0.6, 0.8]));
    for (let i = 0; i < 30; i++) tf.dispose(norm.apply(true));
    const normalized = norm.apply(false);
    expect(Array.from(normalized.dataSync())).toEqual([1, 0, 0, 1 / 3, 0, 0].map((v) => expect.closeTo(v, 4)));
    // Reading without `update` leaves u where it was: the same result twice.
    expect(Array.from(norm.apply(false).dataSync())).toEqual(Array.from(normalized.dataSync()));
  });

  it('spectral norm: the gradient of σ flows into W, u and v carry none (∂σ/∂W = v uᵀ at convergence)', () => {
    const store = new ParameterStore(new SeededRandom(0), 'sn-grad');
    const weight = store.glorot('w', [2, 2], 2, 2);
    weight.assign(tf.tensor2d([[2, 0], [0, 1]]));
    const norm = new SpectralNorm(store, 'w', weight, tf.tensor1d([1, 0]));
    // L = Σ W_SN = Σ W / σ with σ = 2 (u = v = e₁): ∂L/∂W = 1/σ − (Σ W / σ²) e₁e₁ᵀ = 0.5 − 0.75·e₁e₁ᵀ
    const grads = tf.variableGrads(() => tf.sum(norm.apply(false)) as tf.Scalar, [weight]);
    expect(Array.from(grads.grads[weight.name].dataSync())).toEqual([-0.25, 0.5, 0.5, 0.5].map((v) => expect.closeTo(v, 5)));
  });
});
