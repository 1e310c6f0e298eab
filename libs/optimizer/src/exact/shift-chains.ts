import { clinicShiftTasks } from './clinic-mip';

import type { CompiledProblem } from '../model';

/**
 * A clinic shift as a DAG of its possible visits, for the Lagrangian bounds.
 *
 * With fixed starts a shift's day is a chain of visits in start order: an arc
 * i → j exists when j can follow i (travel fits, and two visits of one block
 * are at the same clinic — consecutive equality suffices because a block's
 * visits are contiguous in a chain). Its cost is exactly the plan's cost
 * terms for that shift: travel home → … → home, assignment penalties and
 * overtime on the span from leaving home for the first visit to coming back
 * from the last. Capacity and visit caps are not modelled: dropping a
 * constraint only lowers the minimum, so the bound stays valid.
 */

const EPS = 1e-6;

export interface ShiftChains {
  readonly vehicle: number;
  readonly size: number;
  readonly appointment: Int32Array;
  /** Compiled task of each node (its fixed start), to turn a chain back into a route. */
  readonly task: Int32Array;
  readonly priority: Float64Array;
  /** Assignment penalty of this shift taking the visit (preference violations, changes). */
  readonly penalty: Float64Array;
  readonly leave: Float64Array;
  readonly back: Float64Array;
  readonly fromHome: Float64Array;
  readonly toHome: Float64Array;
  /** Predecessors of node j: predIndex[predStart[j] … predStart[j+1]), with arc cost predCost. */
  readonly predStart: Int32Array;
  readonly predIndex: Int32Array;
  readonly predCost: Float64Array;
  readonly maxWorking: number;
  readonly regularWorking: number;
  readonly overtimeWeight: number;
}

export function buildShiftChains(compiled: CompiledProblem): ShiftChains[] {
  const L = compiled.locationCount;
  const A = compiled.appointmentCount;
  const distance = compiled.mode === 'distance';
  const travel = (from: number, to: number): number => compiled.travelSeconds[from * L + to] ?? 0;
  return clinicShiftTasks(compiled).map((tasks, vehicle) => {
    // Mirrors how a plan is costed (plan-builder): distance mode counts metres only.
    const weight = distance ? 1 : (compiled.vehicleTravelWeight[vehicle] ?? 1);
    const arc = (from: number, to: number): number =>
      (distance ? compiled.travelMeters : compiled.arcCost)[from * L + to] ?? 0;
    const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
    const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
    const n = tasks.length;
    const predStart = new Int32Array(n + 1);
    const predIndex: number[] = [];
    const predCost: number[] = [];
    tasks.forEach((next, j) => {
      for (let i = 0; i < j; i += 1) {
        const before = tasks[i];
        if (before.end + travel(before.location, next.location) > next.start + EPS) continue;
        if (before.block === next.block && before.clinic !== next.clinic) continue;
        predIndex.push(i);
        predCost.push(arc(before.location, next.location) * weight);
      }
      predStart[j + 1] = predIndex.length;
    });
    return {
      vehicle,
      size: n,
      appointment: Int32Array.from(tasks, (task) => task.appointment),
      task: Int32Array.from(tasks, (task) => task.task),
      priority: Float64Array.from(
        tasks,
        (task) => compiled.appointmentPriority[task.appointment] ?? 1,
      ),
      penalty: Float64Array.from(tasks, (task) =>
        distance ? 0 : (compiled.assignmentPenalty[vehicle * A + task.appointment] ?? 0),
      ),
      leave: Float64Array.from(tasks, (task) => task.start - travel(origin, task.location)),
      back: Float64Array.from(tasks, (task) => task.end + travel(task.location, destination)),
      fromHome: Float64Array.from(tasks, (task) => arc(origin, task.location) * weight),
      toHome: Float64Array.from(tasks, (task) => arc(task.location, destination) * weight),
      predStart,
      predIndex: Int32Array.from(predIndex),
      predCost: Float64Array.from(predCost),
      maxWorking: compiled.vehicleMaxWorking[vehicle] ?? Infinity,
      regularWorking: compiled.vehicleRegularWorking[vehicle] ?? Infinity,
      overtimeWeight: distance ? 0 : (compiled.vehicleOvertimeWeight[vehicle] ?? 0),
    };
  });
}

export interface ChainPricing {
  /** Added to each node's cost: e.g. λ_a − μ·priority_a (indexed by node). */
  readonly nodeWeight: Float64Array;
  /** Count the plan costs (travel, penalties, overtime); false for the served-priority bound. */
  readonly withCost: boolean;
  /**
   * `exact`: enumerate the first visit so the working-time cap and overtime are
   * exact (O(n·arcs)); `relaxed`: drop both (O(arcs)), a valid lower bound.
   */
  readonly mode: 'exact' | 'relaxed';
}

export interface ChainAnswer {
  /** Minimum over this shift's feasible days (the empty day included, value 0). */
  readonly value: number;
  /** Nodes of a minimizing chain. */
  readonly nodes: readonly number[];
}

/** Minimum-cost chain of a shift under node weights: one pricing step of the Lagrangian. */
export function cheapestChain(
  chains: ShiftChains,
  pricing: ChainPricing,
  scratch: ChainScratch,
): ChainAnswer {
  const n = chains.size;
  scratch.ensure(n);
  const { best, from } = scratch;
  const costScale = pricing.withCost ? 1 : 0;
  let bestValue = 0;
  let bestLast = -1;
  let bestFirstFrom: Int32Array | null = null;
  const firsts = pricing.mode === 'exact' ? n : 1;
  for (let first = 0; first < firsts; first += 1) {
    const exact = pricing.mode === 'exact';
    for (let j = exact ? first : 0; j < n; j += 1) {
      let value = exact
        ? j === first
          ? costScale * chains.fromHome[j]
          : Infinity
        : costScale * chains.fromHome[j];
      let previous = -1;
      if (!(exact && j === first)) {
        for (let k = chains.predStart[j]; k < chains.predStart[j + 1]; k += 1) {
          const i = chains.predIndex[k];
          if (exact && i < first) continue;
          const candidate = best[i] + costScale * chains.predCost[k];
          if (candidate < value) {
            value = candidate;
            previous = i;
          }
        }
      }
      best[j] = value + chains.penalty[j] * costScale + pricing.nodeWeight[j];
      from[j] = previous;
      if (!Number.isFinite(best[j])) continue;
      let closing = best[j] + costScale * chains.toHome[j];
      if (exact) {
        const span = chains.back[j] - chains.leave[first];
        if (span > chains.maxWorking + EPS) continue;
        closing += costScale * chains.overtimeWeight * Math.max(0, span - chains.regularWorking);
      }
      if (closing < bestValue) {
        bestValue = closing;
        bestLast = j;
        bestFirstFrom = Int32Array.from(from.subarray(0, n));
      }
    }
  }
  const nodes: number[] = [];
  if (bestFirstFrom !== null) {
    for (let node = bestLast; node >= 0; node = bestFirstFrom[node] ?? -1) nodes.push(node);
    nodes.reverse();
  }
  return { value: bestValue, nodes };
}

/** Reused buffers: the Lagrangian prices every shift hundreds of times. */
export class ChainScratch {
  best = new Float64Array(0);
  from = new Int32Array(0);

  ensure(size: number): void {
    if (this.best.length >= size) return;
    this.best = new Float64Array(size);
    this.from = new Int32Array(size);
  }
}
