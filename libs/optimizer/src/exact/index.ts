export * from './mip-model';
export * from './mip-verifier';
export * from './mip-solver';
export { writeLpFormat } from './lp-format';
export { HighsBackend } from './highs-backend';
export { LpSolverBackend } from './lp-solver-backend';
