import { solveOnThread } from './lp-solver-thread';
import { isIntegral, type MipModel } from './mip-model';

import type { MipBackend, MipSolveOptions, RawMipAnswer } from './mip-solver';
import type { Model as LpSolverModel } from 'javascript-lp-solver';

/**
 * javascript-lp-solver (the project's named solver) behind the solver port.
 *
 * Its JSON format has no variable bounds (every variable is >= 0 unless marked
 * unrestricted), so finite bounds other than `>= 0` become one-variable rows.
 * It reports no bound and no "stopped at the time limit" flag: a run that ends
 * at or past its time limit is therefore only `feasible`, never `optimal`.
 *
 * With a time limit the solve runs on a worker thread killed at the limit
 * (`lp-solver-thread.ts`): the solver's own `timeout` is only a soft request,
 * passed at 90 % of the limit so that a well-behaved run can still answer.
 */

/** Share of the wall-clock limit handed to the solver's own (soft) timeout. */
const SOFT_TIMEOUT_SHARE = 0.9;

const OBJECTIVE_KEY = '__objective';

export class LpSolverBackend implements MipBackend {
  readonly name = 'javascript-lp-solver' as const;

  async solveRaw(model: MipModel, options: MipSolveOptions): Promise<RawMipAnswer> {
    const limit = options.timeLimitMs;
    const json = toJsonModel(model, {
      ...options,
      ...(limit === undefined ? {} : { timeLimitMs: limit * SOFT_TIMEOUT_SHARE }),
    });
    const started = performance.now();
    const outcome = await solveOnThread(json, limit);
    if (outcome.kind === 'killed') {
      return {
        status: 'time-limit',
        message: `javascript-lp-solver killed at its ${limit ?? '?'} ms wall-clock limit`,
      };
    }
    const result = outcome.result;
    const elapsedMs = performance.now() - started;
    // javascript-lp-solver 1.0.3 has been seen to answer "infeasible" for a feasible MIP
    // (n10-p3-s2, where HiGHS proves an optimum of 16), and no verifier can check a
    // claim of infeasibility, so it is reported as "nothing found", never as a proof.
    if (!result.feasible) {
      return {
        status: 'no-solution',
        message: 'javascript-lp-solver reported infeasible (unverifiable; not taken as proof)',
      };
    }
    if (result.bounded === false) return { status: 'unbounded' };

    const values = new Float64Array(model.variables.length);
    model.variables.forEach((_variable, index) => {
      const value = result[key(index)];
      // Zero-valued variables are left out of the result object.
      values[index] = typeof value === 'number' ? value : 0;
    });
    const softLimit = limit === undefined ? undefined : limit * SOFT_TIMEOUT_SHARE;
    const hitTimeLimit = softLimit !== undefined && elapsedMs >= softLimit;
    const objective = result.result + model.objective.constant;
    return {
      status: hitTimeLimit ? 'feasible' : 'optimal',
      values,
      objective,
      ...(hitTimeLimit
        ? { message: `javascript-lp-solver stopped at its ${softLimit} ms soft limit` }
        : {}),
    };
  }
}

function key(index: number): string {
  return `x${index}`;
}

function toJsonModel(model: MipModel, options: MipSolveOptions): LpSolverModel {
  const variables: Record<string, Record<string, number>> = {};
  const constraints: LpSolverModel['constraints'] = {};
  const ints: Record<string, 1> = {};
  const binaries: Record<string, 1> = {};
  const unrestricted: Record<string, 1> = {};

  model.variables.forEach((variable, index) => {
    const id = key(index);
    variables[id] = {};
    if (variable.kind === 'binary') binaries[id] = 1;
    else if (isIntegral(variable.kind)) ints[id] = 1;
    if (variable.lower < 0) unrestricted[id] = 1;
    const boundRow = `b${index}`;
    const needsLower = variable.lower !== 0 && variable.lower !== -Infinity;
    const needsUpper = variable.upper !== Infinity && variable.kind !== 'binary';
    if (needsLower || needsUpper) {
      variables[id][boundRow] = 1;
      constraints[boundRow] = {
        ...(needsLower ? { min: variable.lower } : {}),
        ...(needsUpper ? { max: variable.upper } : {}),
      };
    }
  });
  for (const term of model.objective.terms) {
    // Every variable got an entry above.
    const entry = variables[key(term.variable)];
    entry[OBJECTIVE_KEY] = term.coefficient;
  }
  model.constraints.forEach((constraint, index) => {
    const row = `c${index}`;
    if (constraint.terms.length === 0) return;
    for (const term of constraint.terms) {
      const entry = variables[key(term.variable)];
      entry[row] = term.coefficient;
    }
    constraints[row] =
      constraint.lower === constraint.upper
        ? { equal: constraint.lower }
        : {
            ...(constraint.lower === -Infinity ? {} : { min: constraint.lower }),
            ...(constraint.upper === Infinity ? {} : { max: constraint.upper }),
          };
  });

  return {
    name: model.name,
    optimize: OBJECTIVE_KEY,
    opType: model.objective.sense === 'minimize' ? 'min' : 'max',
    constraints,
    variables,
    ints,
    binaries,
    unrestricted,
    ...(options.timeLimitMs === undefined ? {} : { timeout: options.timeLimitMs }),
    ...(options.relativeGap === undefined ? {} : { tolerance: options.relativeGap }),
  };
}
