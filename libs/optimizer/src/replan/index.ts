export * from './plan-change';
export * from './replan';
export * from './replan-types';
export { lexicographicChangeCost } from './residual-problem';
