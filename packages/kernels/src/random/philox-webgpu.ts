/**
 * Philox draws as a WebGPU kernel: one thread per element computes philox4x32((i, 0, 0, 0),
 * key) and its transform (philox.ts gives the formulas and the JS twin). The key and the
 * distribution's parameters travel as uniforms, so a draw uploads nothing. The kernel is
 * registered under the name `DisentanglePhilox` the first time a draw runs on WebGPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { flatProgram, type WebgpuBackendInternals } from '../backend/webgpu-program';
import type { PhiloxDistribution, PhiloxKey } from './philox';

const KERNEL = 'DisentanglePhilox';

/** 32×32 → high 32 bits, and ten Philox4x32 rounds (the module comment of philox.ts). */
const PHILOX_WGSL = `
  fn philoxMulhi(a : u32, b : u32) -> u32 {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let middle = ((a0 * b0) >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
    return a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (middle >> 16u);
  }
  fn philox4x32(counter : vec4<u32>, key : vec2<u32>) -> vec4<u32> {
    var c = counter;
    var k = key;
    for (var round = 0; round < 10; round++) {
      let hi0 = philoxMulhi(0xd2511f53u, c.x);
      let lo0 = 0xd2511f53u * c.x;
      let hi1 = philoxMulhi(0xcd9e8d57u, c.z);
      let lo1 = 0xcd9e8d57u * c.z;
      c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
      k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
    }
    return c;
  }
  // −ln v for v ∈ (0, 1). WGSL's log is accurate to 2⁻²¹ absolute near 1, where −ln v is tiny:
  // there the series of −ln(1 − w), w = 1 − v (exact), keeps it accurate relative to its size.
  fn philoxNegLog(v : f32) -> f32 {
    let w = 1.0 - v;
    if (w < 0.015625) {
      return w * (1.0 + w * (0.5 + w * (0.33333334 + w * 0.25)));
    }
    return -log(v);
  }
`;

const DRAW = 'let r = philox4x32(vec4<u32>(u32(index), 0u, 0u, 0u), vec2<u32>(uniforms.key0, uniforms.key1));';
const OPEN = 'let v = (f32(r.x >> 9u) + 0.5) * 1.1920928955078125e-7;';
const BODIES: Record<PhiloxDistribution, string> = {
  uniform: `${DRAW} let u = f32(r.x >> 8u) * 5.9604644775390625e-8; setOutputAtIndex(index, uniforms.a + (uniforms.b - uniforms.a) * u);`,
  normal: `${DRAW} ${OPEN} let angle = 6.2831855 * (f32(r.y >> 8u) * 5.9604644775390625e-8 - 0.5);
    setOutputAtIndex(index, uniforms.a + uniforms.b * (sqrt(2.0 * philoxNegLog(v)) * cos(angle)));`,
  gumbel: `${DRAW} ${OPEN} setOutputAtIndex(index, -log(philoxNegLog(v)));`,
};
const DISTRIBUTIONS = Object.keys(BODIES) as PhiloxDistribution[];

interface PhiloxAttrs {
  shape: number[];
  distribution: number;
  key0: number;
  key1: number;
  a: number;
  b: number;
}

function registerOnce(): void {
  if (tf.getKernel(KERNEL, 'webgpu')) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ backend, attrs }) => {
      const { shape, distribution, key0, key1, a, b } = attrs as unknown as PhiloxAttrs;
      const name = DISTRIBUTIONS[distribution];
      const program = flatProgram(`disentangle-philox-${name}`, shape, BODIES[name], 'key0 : u32, key1 : u32, a : f32, b : f32,', PHILOX_WGSL);
      return (backend as unknown as WebgpuBackendInternals).runWebGPUProgram(program, [], 'float32', [
        { type: 'uint32', data: [key0 >>> 0] },
        { type: 'uint32', data: [key1 >>> 0] },
        { type: 'float32', data: [a] },
        { type: 'float32', data: [b] },
      ]) as unknown as tf.TensorInfo;
    },
  });
}

export function drawPhiloxOnWebgpu(distribution: PhiloxDistribution, shape: number[], key: PhiloxKey, a: number, b: number): tf.Tensor {
  registerOnce();
  const attrs = { shape, distribution: DISTRIBUTIONS.indexOf(distribution), key0: key[0] >>> 0, key1: key[1] >>> 0, a, b };
  return tf.engine().runKernel(KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
