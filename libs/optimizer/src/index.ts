export * from './checker';
export * from './heuristic';
export * from './model';
export * from './replan';
export * from './exact';
