export * from './plan-change';
export * from './replan';
