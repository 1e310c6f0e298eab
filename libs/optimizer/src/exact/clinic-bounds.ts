import { HighsBackend, highsRuntime } from './highs-backend';
import { MipModelBuilder, type LinearTerm } from './mip-model';
import { solveMip } from './mip-solver';
import { buildSolution, type VehicleRoute } from './plan-builder';
import { MasterLp, type MasterColumn as Column, type MasterShape } from './route-master';
import { buildShiftChains, ChainScratch, cheapestChain, type ShiftChains } from './shift-chains';

import type { CompiledProblem, Solution } from '../model';

/**
 * Valid bounds for the clinic week on both levels of the objective, by
 * Lagrangian relaxation priced with column generation.
 *
 * Relaxing "each appointment at most once" (multipliers λ ≥ 0) splits the week
 * into independent shifts, each a cheapest-chain problem on a small DAG
 * (`shift-chains.ts`). For ANY λ ≥ 0, μ ≥ 0 the relaxed value bounds the
 * optimum, so the loop may stop at any time and report the best value seen:
 *
 *  - served priority: max Σ p·y  ≤  U(λ) = Σ_a λ_a + Σ_shifts max_chain Σ (p_a − λ_a);
 *  - cost of plans serving ≥ F: min cost  ≥  L(λ, μ) =
 *      Σ_shifts min(0, min_chain [cost + Σ (λ_a − μ·p_a)]) − Σ_a λ_a + μ·F.
 *
 * The multipliers come from the duals of a restricted master LP over the
 * chains priced so far (Dantzig–Wolfe): it converges in tens of iterations
 * where plain subgradient steps needed hundreds and stalled far from the
 * optimum once F made the served-priority row nearly tight. At convergence
 * the bound equals the LP over the per-shift convex hulls, which is much
 * stronger than the compact clinic MIP's LP (fractional clinic patterns pay a
 * fraction of the travel there).
 */

export interface BoundOptions {
  /** Wall-clock budget (ms); the bound is valid whenever it stops. */
  readonly timeLimitMs?: number;
  readonly maxIterations?: number;
  /**
   * A known plan whose itineraries seed the master as columns: its duals are
   * then meaningful from the first iteration. Only speeds convergence — the
   * bound comes from pricing, so a plan that is off cannot make it invalid.
   */
  readonly warmStart?: Solution;
}

export interface ClinicBound {
  readonly bound: number;
  readonly iterations: number;
  /** The master LP found no improving chain: the bound is the Lagrangian dual itself. */
  readonly converged: boolean;
  readonly timeMs: number;
}

const DEFAULT_ITERATIONS = 200;
const REDUCED_COST_EPS = 1e-7;
/** HiGHS stops the restricted-master MIP at this relative gap (to its own LP, which the proven bound is checked against). */
const RESTRICTED_MASTER_GAP = 0.01;

export class ClinicBounds {
  private readonly shifts: readonly ShiftChains[];
  private readonly scratch = new ChainScratch();
  private readonly appointmentCount: number;
  /** Cost of a unit of missing priority in the master: more than any plan's cost, as in the objective. */
  private readonly shortfallCost: number;
  /** Columns of the last cost-level master (chains with their tasks), for `restrictedMasterPlan`. */
  private pool: Column[] = [];
  private warmCount = 0;

  constructor(private readonly compiled: CompiledProblem) {
    this.shifts = buildShiftChains(compiled);
    this.appointmentCount = compiled.appointmentCount;
    this.shortfallCost = compiled.lexicographicWeight;
  }

  /** Upper bound on the served priority of any plan. */
  servedPriorityBound(options: BoundOptions = {}): Promise<ClinicBound> {
    return this.generate(options, 'served', 0);
  }

  /** Lower bound on the cost of any plan serving at least `servedFloor` priority. */
  costBound(servedFloor: number, options: BoundOptions = {}): Promise<ClinicBound> {
    return this.generate(options, 'cost', servedFloor);
  }

  private async generate(
    options: BoundOptions,
    level: 'served' | 'cost',
    servedFloor: number,
  ): Promise<ClinicBound> {
    const started = performance.now();
    const highs = await highsRuntime();
    const master = new MasterLp(highs, this.masterShape(level, servedFloor));
    try {
      return this.iterate(master, options, level, servedFloor, started);
    } finally {
      master.dispose();
    }
  }

  private iterate(
    master: MasterLp,
    options: BoundOptions,
    level: 'served' | 'cost',
    servedFloor: number,
    started: number,
  ): ClinicBound {
    const deadline = started + (options.timeLimitMs ?? Infinity);
    const maxIterations = options.maxIterations ?? DEFAULT_ITERATIONS;
    const warm = options.warmStart ? this.planColumns(options.warmStart, level) : [];
    for (const column of warm) master.add(column);
    if (level === 'cost') {
      this.pool = [...warm];
      this.warmCount = warm.length;
    }
    // Served level: bounds are minimized (U); cost level: maximized (L). Track in "higher is better" form.
    let best = -Infinity;
    let iterations = 0;
    let converged = false;
    let lambda: Float64Array = new Float64Array(this.appointmentCount);
    let mu = 0;
    let convexityDual: Float64Array = new Float64Array(this.shifts.length);
    if (warm.length > 0) ({ lambda, mu, convexity: convexityDual } = master.duals());
    while (iterations < maxIterations) {
      iterations += 1;
      const priced = this.price(level, lambda, mu, servedFloor);
      best = Math.max(best, level === 'served' ? -priced.bound : priced.bound);
      let added = 0;
      priced.chains.forEach((chain, shift) => {
        if (chain === undefined) return;
        if (chain.reducedValue - (convexityDual[shift] ?? 0) < -REDUCED_COST_EPS) {
          master.add(chain.column);
          if (level === 'cost') this.pool.push(chain.column);
          added += 1;
        }
      });
      if (added === 0 && (iterations > 1 || warm.length > 0)) {
        converged = true;
        break;
      }
      if (performance.now() >= deadline) break;
      const duals = master.duals();
      lambda = duals.lambda;
      mu = duals.mu;
      convexityDual = duals.convexity;
    }
    return {
      bound: level === 'served' ? -best : best,
      iterations,
      converged,
      timeMs: performance.now() - started,
    };
  }

  /**
   * Price-and-branch upper bound: the last cost-level master's columns (the
   * plan's days and every priced chain) as a set-partitioning MIP on HiGHS —
   * ≤ 1 day per shift, each appointment ≤ once, served priority ≥ the floor,
   * least cost. The chosen days become a plan through the plan builder; the
   * caller checks it (chains ignore load capacity and visit caps). Undefined
   * when the MIP found nothing within the limit.
   */
  async restrictedMasterPlan(
    servedFloor: number,
    options: { readonly timeLimitMs?: number; readonly relativeGap?: number } = {},
  ): Promise<Solution | undefined> {
    const started = performance.now();
    const columns = this.pool.filter((column) => column.tasks !== undefined);
    if (columns.length === 0) return undefined;
    const builder = new MipModelBuilder('clinic-restricted-master');
    const byShift: LinearTerm[][] = this.shifts.map(() => []);
    const byAppointment: LinearTerm[][] = Array.from({ length: this.appointmentCount }, () => []);
    const served: LinearTerm[] = [];
    const objective: LinearTerm[] = [];
    columns.forEach((column, index) => {
      const variable = builder.addBinary(`z${index}`);
      byShift[column.shift]?.push({ variable, coefficient: 1 });
      for (const appointment of column.appointments)
        byAppointment[appointment]?.push({ variable, coefficient: 1 });
      served.push({ variable, coefficient: column.priority });
      objective.push({ variable, coefficient: column.cost });
    });
    byShift.forEach((terms, shift) => {
      if (terms.length > 1) builder.addLessOrEqual(`shift${shift}`, terms, 1);
    });
    byAppointment.forEach((terms, appointment) => {
      if (terms.length > 1) builder.addLessOrEqual(`a${appointment}`, terms, 1);
    });
    // A soft floor (costly shortfall) so that packing nothing is feasible and HiGHS always has an incumbent.
    const shortfall = builder.addVariable('shortfall', { upper: Math.max(0, servedFloor) });
    served.push({ variable: shortfall, coefficient: 1 });
    objective.push({ variable: shortfall, coefficient: this.shortfallCost });
    builder.addGreaterOrEqual('served', served, servedFloor);
    builder.setObjective('minimize', objective);
    // The plan's own days (the first columns of the pool) as the MIP start.
    const warm = new Set(this.pool.slice(0, this.warmCount));
    const start = new Float64Array(columns.length + 1);
    let startPriority = 0;
    columns.forEach((column, index) => {
      if (!warm.has(column)) return;
      start[index] = 1;
      startPriority += column.priority;
    });
    start[columns.length] = Math.max(0, servedFloor - startPriority);
    const answer = await solveMip(new HighsBackend(), builder.build(), {
      start,
      relativeGap: options.relativeGap ?? RESTRICTED_MASTER_GAP,
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
    });
    if ((answer.status !== 'optimal' && answer.status !== 'feasible') || !answer.values)
      return undefined;
    const values = answer.values;
    const routes: VehicleRoute[] = columns.flatMap((column, index) =>
      (values[index] ?? 0) > 0.5 ? [{ vehicle: column.shift, tasks: column.tasks ?? [] }] : [],
    );
    const elapsedMs = performance.now() - started;
    return buildSolution(this.compiled, routes, {
      solver: 'clinic-restricted-master-highs',
      seed: 0,
      threads: 1,
      iterations: 0,
      elapsedMs,
      bestFoundAtIteration: 0,
      bestFoundAtMs: elapsedMs,
      stopReason: answer.status === 'optimal' ? 'optimal' : 'time-limit',
      initialCost: answer.objective ?? 0,
    });
  }

  private masterShape(level: 'served' | 'cost', servedFloor: number): MasterShape {
    return {
      shiftCount: this.shifts.length,
      appointmentCount: this.appointmentCount,
      level,
      servedFloor,
      shortfallCost: this.shortfallCost,
    };
  }

  /** The plan's itineraries as master columns, costed from the plan's own totals. */
  private planColumns(plan: Solution, level: 'served' | 'cost'): Column[] {
    const compiled = this.compiled;
    const A = compiled.appointmentCount;
    const appointmentIndex = new Map(compiled.appointmentIds.map((id, index) => [id, index]));
    const vehicleIndex = new Map<string, number>();
    for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
      const provider = compiled.providerIds[compiled.vehicleProvider[vehicle] ?? 0] ?? '';
      vehicleIndex.set(`${provider}#${compiled.vehicleShift[vehicle] ?? 0}`, vehicle);
    }
    const columns: Column[] = [];
    for (const itinerary of plan.itineraries) {
      const vehicle = vehicleIndex.get(`${itinerary.providerId}#${itinerary.shiftIndex}`);
      if (vehicle === undefined || itinerary.stops.length === 0) continue;
      const appointments = itinerary.stops.flatMap((stop) => {
        const index = appointmentIndex.get(stop.appointmentId);
        return index === undefined ? [] : [index];
      });
      const tasks = itinerary.stops.flatMap((stop) => {
        const index = appointmentIndex.get(stop.appointmentId);
        if (index === undefined) return [];
        for (
          let task = compiled.appointmentFirstTask[index] ?? 0;
          task < (compiled.appointmentFirstTask[index + 1] ?? 0);
          task += 1
        )
          if (
            stop.start >= (compiled.taskReady[task] ?? 0) - 1e-6 &&
            stop.start <= (compiled.taskDue[task] ?? 0) + 1e-6
          )
            return [task];
        return [];
      });
      const priority = appointments.reduce(
        (sum, appointment) => sum + (compiled.appointmentPriority[appointment] ?? 1),
        0,
      );
      const penalties = appointments.reduce(
        (sum, appointment) => sum + (compiled.assignmentPenalty[vehicle * A + appointment] ?? 0),
        0,
      );
      const cost =
        itinerary.totals.travelSeconds * (compiled.vehicleTravelWeight[vehicle] ?? 1) +
        itinerary.totals.overtimeSeconds * (compiled.vehicleOvertimeWeight[vehicle] ?? 0) +
        penalties;
      columns.push({
        shift: vehicle,
        appointments,
        cost: level === 'cost' ? cost : -priority,
        priority,
        ...(tasks.length === appointments.length ? { tasks } : {}),
      });
    }
    return columns;
  }

  /** Prices every shift at (λ, μ): the Lagrangian value and each shift's best chain as a column. */
  private price(
    level: 'served' | 'cost',
    lambda: Float64Array,
    mu: number,
    servedFloor: number,
  ): { bound: number; chains: ({ reducedValue: number; column: Column } | undefined)[] } {
    let total = 0;
    for (const multiplier of lambda) total += multiplier;
    // served: U = Σλ − Σ_shifts min(...); cost: L = Σ_shifts min(...) − Σλ + μF.
    let bound = level === 'served' ? total : mu * servedFloor - total;
    const chains = this.shifts.map((shift, index) => {
      const weight = new Float64Array(shift.size);
      for (let node = 0; node < shift.size; node += 1) {
        const appointment = shift.appointment[node] ?? 0;
        const priority = shift.priority[node] ?? 0;
        weight[node] = (lambda[appointment] ?? 0) - (level === 'served' ? priority : mu * priority);
      }
      const answer = cheapestChain(
        shift,
        { nodeWeight: weight, withCost: level === 'cost', mode: 'exact' },
        this.scratch,
      );
      bound += level === 'served' ? -answer.value : answer.value;
      if (answer.nodes.length === 0) return undefined;
      let weights = 0;
      let priority = 0;
      for (const node of answer.nodes) {
        weights += weight[node] ?? 0;
        priority += shift.priority[node] ?? 0;
      }
      const appointments = answer.nodes.map((node) => shift.appointment[node] ?? 0);
      const tasks = answer.nodes.map((node) => shift.task[node] ?? 0);
      const cost = level === 'cost' ? answer.value - weights : -priority;
      return {
        reducedValue: answer.value,
        column: { shift: index, appointments, cost, priority, tasks },
      };
    });
    return { bound, chains };
  }
}
