export * from './mip-model';
export * from './mip-verifier';
export * from './mip-solver';
export { writeLpFormat } from './lp-format';
export { HighsBackend } from './highs-backend';
export { LpSolverBackend } from './lp-solver-backend';
export { solveSmallExact, SMALL_EXACT_LIMITS } from './small-exact';
export { solveClinicExact, clinicModelInapplicable } from './clinic-exact';
export type { ExactResult, ExactSolveOptions, ExactStatus, StageSummary } from './exact-solver';
export {
  minimalSpanSchedule,
  buildSolution as buildExactSolution,
  type VehicleRoute,
} from './plan-builder';
export {
  solveClinicBounded,
  type ClinicBoundedOptions,
  type ClinicBoundedResult,
} from './clinic-bounded';
export { ClinicBounds, type ClinicBound, type BoundOptions } from './clinic-bounds';
export {
  homeVisitBounds,
  type HomeVisitBounds,
  type HomeVisitBoundsOptions,
} from './home-visit-bounds';
export {
  homeVisitRouteBound,
  type HomeRouteBound,
  type HomeRouteBoundOptions,
} from './home-visit-route-bound';
