/**
 * Float64 references of the composite blocks, written from the formulas in the blocks' doc
 * comments. `weights` holds a layer's weights keyed by their path below the layer
 * (`weightsOf`), `prefix` selects a child's (e.g. 'norm_0/spade/').
 */
import {
  add64,
  instanceNorm64,
  batchNorm64,
  concatLast64,
  conv2dSame64,
  dense64,
  leakyRelu64,
  modulate64,
  normalizeWith64,
  relu64,
  resizeNearest64,
  type Array64,
} from '@disentangle/kernels/testing';

export type Weights = Record<string, Array64>;

export function adainReference64(x: Array64, style: Array64, weights: Weights, prefix = '', epsilon = 1e-5): Array64 {
  let s = style;
  for (let k = 0; weights[`${prefix}mapping_${k}/kernel`] != null; k++) {
    s = leakyRelu64(dense64(s, weights[`${prefix}mapping_${k}/kernel`], weights[`${prefix}mapping_${k}/bias`]), 0.2);
  }
  const gamma = dense64(s, weights[`${prefix}gamma/kernel`], weights[`${prefix}gamma/bias`]);
  const beta = dense64(s, weights[`${prefix}beta/kernel`], weights[`${prefix}beta/bias`]);
  return modulate64(instanceNorm64(x, epsilon), gamma, beta);
}

/** SPADE with batch statistics (training) unless `inference`, which uses the saved moving statistics. */
export function spadeReference64(
  x: Array64,
  code: Array64,
  weights: Weights,
  prefix = '',
  { epsilon = 1e-5, inference = false } = {},
): Array64 {
  const [, h, w] = x.shape;
  const resized = code.shape[1] === h && code.shape[2] === w ? code : resizeNearest64(code, h, w);
  const hidden = relu64(conv2dSame64(resized, weights[`${prefix}shared/kernel`], weights[`${prefix}shared/bias`]));
  const gamma = conv2dSame64(hidden, weights[`${prefix}gamma/kernel`], weights[`${prefix}gamma/bias`]);
  const beta = conv2dSame64(hidden, weights[`${prefix}beta/kernel`], weights[`${prefix}beta/bias`]);
  const normalized = inference
    ? normalizeWith64(
        x,
        weights[`${prefix}normalization/moving_mean`].data,
        weights[`${prefix}normalization/moving_variance`].data,
        epsilon,
      )
    : batchNorm64(x, epsilon);
  return modulate64(normalized, gamma, beta);
}

export function spadeAdainReference64(
  x: Array64,
  spatial: Array64,
  style: Array64,
  weights: Weights,
  prefix = '',
  options: { epsilon?: number; inference?: boolean } = {},
): Array64 {
  const a = spadeReference64(x, spatial, weights, `${prefix}spade/`, options);
  const b = adainReference64(x, style, weights, `${prefix}adain/`, options.epsilon);
  return conv2dSame64(concatLast64(a, b), weights[`${prefix}fuse/kernel`], weights[`${prefix}fuse/bias`]);
}

export function residualReference64(
  x: Array64,
  spatial: Array64,
  style: Array64,
  weights: Weights,
  { slope = 0.2, epsilon = 1e-5 } = {},
): Array64 {
  const block = (input: Array64, name: string) => spadeAdainReference64(input, spatial, style, weights, `${name}/`, { epsilon });
  let dx = conv2dSame64(leakyRelu64(block(x, 'norm_0'), slope), weights['conv_0/kernel'], weights['conv_0/bias']);
  dx = conv2dSame64(leakyRelu64(block(dx, 'norm_1'), slope), weights['conv_1/kernel'], weights['conv_1/bias']);
  const shortcut = weights['shortcut_conv/kernel'] ? conv2dSame64(block(x, 'shortcut_norm'), weights['shortcut_conv/kernel'], null) : x;
  return add64(shortcut, dx);
}
