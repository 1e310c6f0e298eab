import { highsRuntime } from './highs-backend';
import { buildShiftChains, ChainScratch, cheapestChain, type ShiftChains } from './shift-chains';

import type { CompiledProblem, Solution } from '../model';
import type { Highs } from 'highs';

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

interface Column {
  readonly shift: number;
  readonly appointments: readonly number[];
  readonly cost: number;
  readonly priority: number;
}

const DEFAULT_ITERATIONS = 200;
const REDUCED_COST_EPS = 1e-7;

export class ClinicBounds {
  private readonly shifts: readonly ShiftChains[];
  private readonly scratch = new ChainScratch();
  private readonly appointmentCount: number;
  /** Cost of a unit of missing priority in the master: more than any plan's cost, as in the objective. */
  private readonly shortfallCost: number;

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
      const cost = level === 'cost' ? answer.value - weights : -priority;
      return { reducedValue: answer.value, column: { shift: index, appointments, cost, priority } };
    });
    return { bound, chains };
  }
}

interface MasterShape {
  readonly shiftCount: number;
  readonly appointmentCount: number;
  readonly level: 'served' | 'cost';
  readonly servedFloor: number;
  readonly shortfallCost: number;
}

/**
 * Restricted master LP: min Σ cost·z over the chains so far, ≤ 1 chain per
 * shift, each appointment ≤ once and (cost level) served priority ≥ F with a
 * costly slack so the master is feasible from the first iteration. Kept alive
 * across iterations: new chains are appended as columns and HiGHS re-solves
 * from the previous basis (rebuilding it each time cost ~15 ms an iteration).
 * Duals are projected onto λ ≥ 0, μ ≥ 0: any such point gives a valid bound;
 * the projection only guards against round-off signs.
 */
interface MasterDuals {
  readonly lambda: Float64Array;
  readonly mu: number;
  readonly convexity: Float64Array;
}

class MasterLp {
  private readonly instance: ReturnType<Highs['createModel']>;
  private readonly floorRow: number;
  private readonly infinity: number;

  constructor(
    highs: Highs,
    private readonly shape: MasterShape,
  ) {
    const withFloor = shape.level === 'cost';
    this.infinity = highs.infinity;
    this.floorRow = shape.shiftCount + shape.appointmentCount;
    const numRows = this.floorRow + (withFloor ? 1 : 0);
    const rowLower = new Float64Array(numRows).fill(-highs.infinity);
    const rowUpper = new Float64Array(numRows).fill(1);
    if (withFloor) {
      rowLower[this.floorRow] = shape.servedFloor;
      rowUpper[this.floorRow] = highs.infinity;
    }
    // One column from the start (HiGHS wants a non-empty model): the floor's slack, or an idle column.
    // Its cost must exceed the true price of priority, or the LP settles on the slack (valid but weak).
    this.instance = highs.createModel({
      numCols: 1,
      numRows,
      sense: highs.constants.objectiveSense.minimize,
      colCost: [withFloor ? shape.shortfallCost : 0],
      colLower: [0],
      colUpper: [highs.infinity],
      rowLower,
      rowUpper,
      matrix: {
        format: 'csc',
        numRows,
        numCols: 1,
        starts: Int32Array.from([0, withFloor ? 1 : 0]),
        indices: Int32Array.from(withFloor ? [this.floorRow] : []),
        values: Float64Array.from(withFloor ? [1] : []),
      },
    });
    this.instance.options.set({ output_flag: false });
  }

  add(column: Column): void {
    const indices = [column.shift, ...column.appointments.map((a) => this.shape.shiftCount + a)];
    const values = indices.map(() => 1);
    if (this.shape.level === 'cost') {
      indices.push(this.floorRow);
      values.push(column.priority);
    }
    // Rows in increasing order with no repeats, as HiGHS requires.
    const order = indices
      .map((_, position) => position)
      .sort((a, b) => (indices[a] ?? 0) - (indices[b] ?? 0));
    this.instance.addCol(column.cost, 0, this.infinity, {
      indices: Int32Array.from(order, (position) => indices[position] ?? 0),
      values: Float64Array.from(order, (position) => values[position] ?? 0),
    });
  }

  duals(): MasterDuals {
    const { shiftCount, appointmentCount } = this.shape;
    this.instance.run();
    const rowDual = this.instance.getSolution().rowDual;
    const lambda = new Float64Array(appointmentCount);
    for (let appointment = 0; appointment < appointmentCount; appointment += 1)
      lambda[appointment] = Math.max(0, -(rowDual[shiftCount + appointment] ?? 0));
    const convexity = new Float64Array(shiftCount);
    for (let shift = 0; shift < shiftCount; shift += 1)
      convexity[shift] = Math.min(0, rowDual[shift] ?? 0);
    const mu = this.shape.level === 'cost' ? Math.max(0, rowDual[this.floorRow] ?? 0) : 0;
    return { lambda, mu, convexity };
  }

  dispose(): void {
    this.instance.dispose();
  }
}
