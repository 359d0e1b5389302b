/**
 * @disentangle/caglow: paper 003 (Liu et al., CVPR 2019) — CAGlow and the baselines it
 * compares, Glow and CGlow, over @disentangle/flows. `models` holds their registry entries.
 */
export * from './config';
export * from './labels';
export * from './losses';
export * from './registry';
export { FlowModel, conditionSteps } from './models/flow-model';
export { CaglowModel } from './models/caglow-model';
export { ConditionEncoder } from './models/condition-encoder';
export { SupervisionBlock, type SupervisionOutputs } from './networks/supervision-block';
export { Mlp } from './networks/mlp';
export { toFlowSpace, fromFlowSpace } from './models/flow-space';
export { meanCodesByLabel } from '@disentangle/kernels';
