export { closeSolverThreads, prepareSolverThreads, solve } from './parallel-solve';
export { SeededRandom } from './seeded-random';
export type { SolveOptions, WarmStartRoute } from './solve';
export { DEFAULT_TIME_LIMIT_MS, solveCompiled, solveSync } from './solve';
