import loadHighs, { type Highs } from 'highs';

import { columnName, writeLpFormat } from './lp-format';
import { isIntegral, type MipModel } from './mip-model';
import type { MipBackend, MipSolveOptions, RawMipAnswer } from './mip-solver';

/**
 * HiGHS (WebAssembly) behind the solver port. The model goes in as CPLEX LP
 * text; the persistent API is used (not the one-shot `solve`) because only it
 * exposes `mip_dual_bound`, which turns a time-limited run into a proven gap.
 */

let runtime: Promise<Highs> | undefined;

/** The Wasm module is instantiated once per process; every solve gets a fresh native instance. */
function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

const DEFAULT_RELATIVE_GAP = 1e-6;
/** `primal_solution_status` value meaning "a feasible primal point is stored". */
const PRIMAL_FEASIBLE = 2;

export class HighsBackend implements MipBackend {
  readonly name = 'highs' as const;

  async solveRaw(model: MipModel, options: MipSolveOptions): Promise<RawMipAnswer> {
    const highs = await highsRuntime();
    const instance = highs.createModel({ format: 'lp', data: writeLpFormat(model) });
    try {
      instance.options.set({
        output_flag: false,
        mip_rel_gap: options.relativeGap ?? DEFAULT_RELATIVE_GAP,
        ...(options.timeLimitMs === undefined ? {} : { time_limit: options.timeLimitMs / 1000 }),
      });
      instance.run();
      const codes = highs.constants.modelStatus;
      const status = instance.getModelStatus();
      const hasIntegers = model.variables.some((variable) => isIntegral(variable.kind));
      const hasPrimal = Number(instance.info.get('primal_solution_status')) === PRIMAL_FEASIBLE;
      const readValues = (): Float64Array => {
        const columnValues = instance.getSolution().colValue;
        const values = new Float64Array(model.variables.length);
        for (let index = 0; index < values.length; index += 1) {
          values[index] = columnValues[instance.getColByName(columnName(index))] ?? NaN;
        }
        return values;
      };
      const objective = (): number => instance.getObjectiveValue() + model.objective.constant;
      const bound = (): number | undefined => {
        if (!hasIntegers) return status === codes.optimal ? objective() : undefined;
        const dual = Number(instance.info.get('mip_dual_bound'));
        return Number.isFinite(dual) ? dual + model.objective.constant : undefined;
      };

      switch (status) {
        case codes.optimal:
          return withBound({ status: 'optimal', values: readValues(), objective: objective() }, bound());
        case codes.infeasible:
          return { status: 'infeasible' };
        case codes.unbounded:
          return { status: 'unbounded' };
        case codes.unboundedOrInfeasible:
          return { status: 'infeasible', message: 'HiGHS: infeasible or unbounded' };
        case codes.timeLimit:
        case codes.iterationLimit:
        case codes.interrupted:
        case codes.solutionLimit:
        case codes.objectiveTarget:
        case codes.objectiveBound:
          return hasPrimal
            ? withBound({ status: 'feasible', values: readValues(), objective: objective() }, bound())
            : withBound({ status: 'no-solution', message: `HiGHS stopped: status ${status}` }, bound());
        case codes.empty:
          return { status: 'optimal', values: new Float64Array(model.variables.length), objective: model.objective.constant };
        default:
          return { status: 'error', message: `HiGHS model status ${status}` };
      }
    } finally {
      instance.dispose();
    }
  }
}

function withBound(answer: RawMipAnswer, bound: number | undefined): RawMipAnswer {
  return bound === undefined ? answer : { ...answer, bound };
}
