/**
 * @disentangle/normalization: parameter-free instance / batch norm, AdaIN, SPADE, paper 000's
 * SPADE + AdaIN block and residual block, and paper 001's learned class tokens — each as a
 * serialisable tfjs-layers Layer (registered on import) and, where it has one, a plain function.
 */
export { instanceNormalize, InstanceNormalization, instanceNormalization, DEFAULT_EPSILON } from './instance-normalization';
export type { InstanceNormalizationArgs } from './instance-normalization';
export { batchNormalize, ParameterFreeBatchNormalization, parameterFreeBatchNormalization } from './batch-normalization';
export type { ParameterFreeBatchNormalizationArgs } from './batch-normalization';
export { adain, AdaptiveInstanceNormalization, adaptiveInstanceNormalization } from './adain';
export type { AdaptiveInstanceNormalizationArgs } from './adain';
export { spade, resizeSpatialCode, SpatiallyAdaptiveNormalization, spatiallyAdaptiveNormalization } from './spade';
export type { SpatiallyAdaptiveNormalizationArgs } from './spade';
export { SpadeAdainBlock, spadeAdainBlock } from './spade-adain-block';
export type { SpadeAdainBlockArgs } from './spade-adain-block';
export { SpadeAdainResidualBlock, spadeAdainResidualBlock } from './spade-adain-residual-block';
export type { SpadeAdainResidualBlockArgs } from './spade-adain-residual-block';
export { LearnedTokens, learnedTokens, concatenateToken, mixTokens } from './learned-tokens';
export type { LearnedTokensArgs } from './learned-tokens';
export { CompositeLayer } from './composite-layer';
export type { LayerArgs } from './composite-layer';
