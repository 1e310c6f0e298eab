import loadHighs, { type Highs, type ModelData } from 'highs';

import { columnName, writeLpFormat } from './lp-format';
import { isIntegral, type MipModel } from './mip-model';

import type { MipBackend, MipSolveOptions, RawMipAnswer } from './mip-solver';

/**
 * HiGHS (WebAssembly) behind the solver port. The persistent API is used (not
 * the one-shot `solve`) because only it exposes `mip_dual_bound`, which turns a
 * time-limited run into a proven gap.
 *
 * Input: `arrays` (default) passes the rows as CSR arrays; `lp-text` writes
 * CPLEX LP format and lets HiGHS parse it. Both load the same model (a spec
 * checks they agree); arrays skip ~0.4 s of parsing on the clinic-week model
 * and keep columns in the model's own order.
 */
export type HighsInput = 'arrays' | 'lp-text';

let runtime: Promise<Highs> | undefined;

/** The Wasm module is instantiated once per process; every solve gets a fresh native instance. */
export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

const DEFAULT_RELATIVE_GAP = 1e-6;
/** `primal_solution_status` value meaning "a feasible primal point is stored". */
const PRIMAL_FEASIBLE = 2;

export class HighsBackend implements MipBackend {
  readonly name = 'highs' as const;

  constructor(private readonly input: HighsInput = 'arrays') {}

  async solveRaw(model: MipModel, options: MipSolveOptions): Promise<RawMipAnswer> {
    const highs = await highsRuntime();
    const byText = this.input === 'lp-text';
    const instance = highs.createModel(
      byText ? { format: 'lp', data: writeLpFormat(model) } : toModelData(highs, model),
    );
    try {
      instance.options.set({
        output_flag: false,
        mip_rel_gap: options.relativeGap ?? DEFAULT_RELATIVE_GAP,
        ...(options.timeLimitMs === undefined ? {} : { time_limit: options.timeLimitMs / 1000 }),
      });
      if (options.start !== undefined && !byText) instance.setSolution({ colValue: options.start });
      instance.run();
      const codes = highs.constants.modelStatus;
      const status = instance.getModelStatus();
      const hasIntegers = model.variables.some((variable) => isIntegral(variable.kind));
      const hasPrimal = Number(instance.info.get('primal_solution_status')) === PRIMAL_FEASIBLE;
      const readValues = (): Float64Array => {
        const columnValues = instance.getSolution().colValue;
        const values = new Float64Array(model.variables.length);
        for (let index = 0; index < values.length; index += 1) {
          values[index] =
            columnValues[byText ? instance.getColByName(columnName(index)) : index] ?? NaN;
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
          return withBound(
            { status: 'optimal', values: readValues(), objective: objective() },
            bound(),
          );
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
            ? withBound(
                { status: 'feasible', values: readValues(), objective: objective() },
                bound(),
              )
            : withBound(
                { status: 'no-solution', message: `HiGHS stopped: status ${status}` },
                bound(),
              );
        case codes.empty:
          return {
            status: 'optimal',
            values: new Float64Array(model.variables.length),
            objective: model.objective.constant,
          };
        case codes.notSet:
        case codes.loadError:
        case codes.modelError:
        case codes.presolveError:
        case codes.solveError:
        case codes.postsolveError:
        case codes.unknown:
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

function toModelData(highs: Highs, model: MipModel): ModelData {
  const numCols = model.variables.length;
  const colCost = new Float64Array(numCols);
  for (const term of model.objective.terms) colCost[term.variable] = term.coefficient;
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (const constraint of model.constraints) {
    for (const term of constraint.terms) {
      indices.push(term.variable);
      values.push(term.coefficient);
    }
    starts.push(indices.length);
    rowLower.push(constraint.lower === -Infinity ? -highs.infinity : constraint.lower);
    rowUpper.push(constraint.upper === Infinity ? highs.infinity : constraint.upper);
  }
  const integer = highs.constants.variableType.integer;
  const continuous = highs.constants.variableType.continuous;
  return {
    numCols,
    numRows: model.constraints.length,
    sense:
      model.objective.sense === 'minimize'
        ? highs.constants.objectiveSense.minimize
        : highs.constants.objectiveSense.maximize,
    colCost,
    colLower: model.variables.map((variable) =>
      variable.lower === -Infinity ? -highs.infinity : variable.lower,
    ),
    colUpper: model.variables.map((variable) =>
      variable.upper === Infinity ? highs.infinity : variable.upper,
    ),
    rowLower,
    rowUpper,
    matrix: {
      format: 'csr',
      numRows: model.constraints.length,
      numCols,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
    integrality: model.variables.map((variable) =>
      isIntegral(variable.kind) ? integer : continuous,
    ),
  };
}
