import { HighsBackend } from './highs-backend';
import { relativeGap, solveMip, type MipBackend, type MipResult } from './mip-solver';
import { buildSolution, type VehicleRoute } from './plan-builder';

import type { CompiledProblem, Solution } from '../model';
import type { MipModel } from './mip-model';

/**
 * Lexicographic solve of an exact model: stage 1 maximizes the served
 * priority, stage 2 minimizes cost while keeping stage 1's served priority.
 * Two stages instead of one folded objective because the folding weight
 * (`lexicographicWeight`) is large enough to swamp the cost in a MIP's
 * relative-gap test.
 */

export interface LexicographicModel {
  readonly servedModel: MipModel;
  costModel(minServedPriority: number): MipModel;
  decode(values: ArrayLike<number>): VehicleRoute[];
}

export type ExactStatus = MipResult['status'];

export interface StageSummary {
  readonly status: MipResult['status'];
  readonly objective?: number;
  readonly bound?: number;
  readonly timeMs: number;
  readonly message?: string;
}

export interface ExactResult {
  readonly status: ExactStatus;
  readonly backend: MipBackend['name'];
  readonly solution?: Solution;
  readonly servedPriority?: number;
  /** Proven upper bound on the served priority of any plan. */
  readonly servedPriorityBound?: number;
  readonly cost?: number;
  /** Proven lower bound on the cost of any plan serving at least `servedPriority`. */
  readonly costBound?: number;
  /** Relative gap of `cost` to `costBound` (0 when proven optimal). */
  readonly gap?: number;
  readonly stages: readonly StageSummary[];
  readonly timeMs: number;
}

export interface ExactSolveOptions {
  readonly backend?: MipBackend;
  /** Split evenly-ish: stage 1 may use up to half, stage 2 the rest. */
  readonly timeLimitMs?: number;
  readonly relativeGap?: number;
  /**
   * Stage 2 keeps at least this served priority instead of stage 1's optimum:
   * pass a heuristic plan's served priority to bound the cost of every plan
   * that is at least as good as it on the first objective level.
   */
  readonly servedFloor?: number;
}

export async function solveLexicographic(
  compiled: CompiledProblem,
  formulation: LexicographicModel,
  solverName: string,
  options: ExactSolveOptions = {},
): Promise<ExactResult> {
  const backend = options.backend ?? new HighsBackend();
  const started = performance.now();
  const budget = options.timeLimitMs;
  const summarize = (result: MipResult): StageSummary => ({
    status: result.status,
    timeMs: result.timeMs,
    ...(result.objective === undefined ? {} : { objective: result.objective }),
    ...(result.bound === undefined ? {} : { bound: result.bound }),
    ...(result.message === undefined ? {} : { message: result.message }),
  });
  const mipOptions = (share: number) => ({
    ...(budget === undefined
      ? {}
      : { timeLimitMs: Math.max(1, budget * share - (performance.now() - started)) }),
    ...(options.relativeGap === undefined ? {} : { relativeGap: options.relativeGap }),
  });

  const first = await solveMip(backend, formulation.servedModel, mipOptions(0.5));
  if (first.status !== 'optimal' && first.status !== 'feasible') {
    return {
      status: first.status,
      backend: backend.name,
      stages: [summarize(first)],
      timeMs: performance.now() - started,
    };
  }
  const servedPriority = options.servedFloor ?? first.objective ?? 0;
  const second = await solveMip(backend, formulation.costModel(servedPriority), mipOptions(1));
  const stages = [summarize(first), summarize(second)];
  if (
    (second.status !== 'optimal' && second.status !== 'feasible') ||
    second.values === undefined
  ) {
    return {
      status: second.status,
      backend: backend.name,
      ...(first.bound === undefined ? {} : { servedPriorityBound: first.bound }),
      ...(second.bound === undefined ? {} : { costBound: second.bound }),
      stages,
      timeMs: performance.now() - started,
    };
  }

  const timeMs = performance.now() - started;
  const routes = formulation.decode(second.values);
  const bothOptimal = first.status === 'optimal' && second.status === 'optimal';
  const solution = buildSolution(compiled, routes, {
    solver: `exact-${backend.name}-${solverName}`,
    seed: 0,
    threads: 1,
    iterations: 0,
    elapsedMs: timeMs,
    bestFoundAtIteration: 0,
    bestFoundAtMs: timeMs,
    stopReason: bothOptimal ? 'optimal' : 'time-limit',
    initialCost: second.objective ?? 0,
  });
  const cost = solution.objective.cost;
  const costBound = second.bound;
  return {
    status: bothOptimal ? 'optimal' : 'feasible',
    backend: backend.name,
    solution,
    servedPriority: solution.objective.servedPriority,
    ...(first.bound === undefined ? {} : { servedPriorityBound: first.bound }),
    cost,
    ...(costBound === undefined ? {} : { costBound, gap: relativeGap(cost, costBound) }),
    stages,
    timeMs,
  };
}
