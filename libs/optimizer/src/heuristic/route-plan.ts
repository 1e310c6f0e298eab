import { fitsBefore, fitsCapacity } from '../model/tolerance';

import { Route } from './route';
import { GRANULAR_NEIGHBOR_COUNT } from './solver-context';

import type { SolverContext } from './solver-context';

/** Result slot of `findBestInsertion`, reused to keep the hot loop allocation-free. */
export interface InsertionChoice {
  vehicle: number;
  task: number;
  position: number;
  delta: number;
}

/**
 * The solver's mutable plan: routes per vehicle, which task serves each appointment, and the total scalar cost
 * (level-2 cost + unserved priority × lexicographic weight). Supports cheap rollback of a ruin-and-recreate step
 * by copy-on-write of the routes it touches.
 */
export class RoutePlan {
  readonly routes: Route[];
  readonly taskOf: Int32Array;
  readonly vehicleOf: Int32Array;
  /** 1-based position of a served appointment in its route (valid only while `vehicleOf[a] >= 0`). */
  readonly positionOf: Int32Array;
  routeCostSum = 0;
  unservedPenaltySum = 0;
  /**
   * Try insertions only into vehicles serving one of the visit's nearest neighbours (and empty ones). Scanning every
   * route for every visit made an ALNS iteration O(V·n) per visit, which dominated large plans.
   */
  granularInsertion = false;
  private readonly backup = new Map<number, Route>();
  private readonly assignmentLog: number[] = [];
  private inTransaction = false;
  private savedRouteCostSum = 0;
  private savedUnservedPenaltySum = 0;
  private readonly classSeen: Int32Array;
  private classStamp = 0;
  private readonly candidateSeen: Int32Array;
  private candidateStamp = 0;
  private readonly candidates: number[] = [];
  private readonly allVehicles: readonly number[];

  constructor(readonly ctx: SolverContext) {
    this.routes = Array.from({ length: ctx.V }, () => new Route());
    this.taskOf = new Int32Array(ctx.A).fill(-1);
    this.vehicleOf = new Int32Array(ctx.A).fill(-1);
    this.positionOf = new Int32Array(ctx.A);
    this.classSeen = new Int32Array(ctx.V);
    this.candidateSeen = new Int32Array(ctx.V);
    this.allVehicles = Array.from({ length: ctx.V }, (_, v) => v);
    for (let v = 0; v < ctx.V; v++) this.refresh(v);
    for (let a = 0; a < ctx.A; a++)
      this.unservedPenaltySum += ctx.compiled.appointmentUnservedPenalty[a];
  }

  get cost(): number {
    return this.routeCostSum + this.unservedPenaltySum;
  }

  beginTransaction(): void {
    this.inTransaction = true;
    this.backup.clear();
    this.assignmentLog.length = 0;
    this.savedRouteCostSum = this.routeCostSum;
    this.savedUnservedPenaltySum = this.unservedPenaltySum;
  }

  commit(): void {
    this.inTransaction = false;
    this.backup.clear();
    this.assignmentLog.length = 0;
  }

  rollback(): void {
    const taskAppointment = this.ctx.compiled.taskAppointment;
    for (const [v, route] of this.backup) {
      this.routes[v] = route;
      route.tasks.forEach((t, i) => (this.positionOf[taskAppointment[t]] = i + 1));
    }
    for (let i = this.assignmentLog.length - 3; i >= 0; i -= 3) {
      const a = this.assignmentLog[i];
      this.taskOf[a] = this.assignmentLog[i + 1];
      this.vehicleOf[a] = this.assignmentLog[i + 2];
    }
    this.routeCostSum = this.savedRouteCostSum;
    this.unservedPenaltySum = this.savedUnservedPenaltySum;
    this.commit();
  }

  /** Vehicles modified since `beginTransaction`. */
  touchedVehicles(): number[] {
    return [...this.backup.keys()];
  }

  private touch(v: number): Route {
    if (this.inTransaction && !this.backup.has(v)) {
      this.backup.set(v, this.routes[v]);
      this.routes[v] = this.routes[v].clone();
    }
    return this.routes[v];
  }

  private logAssignment(a: number): void {
    if (this.inTransaction) this.assignmentLog.push(a, this.taskOf[a], this.vehicleOf[a]);
  }

  insert(v: number, position: number, task: number): void {
    const route = this.touch(v);
    const a = this.ctx.compiled.taskAppointment[task];
    this.logAssignment(a);
    route.tasks.splice(position - 1, 0, task);
    this.taskOf[a] = task;
    this.vehicleOf[a] = v;
    this.unservedPenaltySum -= this.ctx.compiled.appointmentUnservedPenalty[a];
    this.refresh(v);
  }

  /** Removes the appointment from its route; no-op when it is unserved. */
  remove(a: number): void {
    const v = this.vehicleOf[a];
    if (v < 0) return;
    const route = this.touch(v);
    this.logAssignment(a);
    route.tasks.splice(this.positionOf[a] - 1, 1);
    this.taskOf[a] = -1;
    this.vehicleOf[a] = -1;
    this.unservedPenaltySum += this.ctx.compiled.appointmentUnservedPenalty[a];
    this.refresh(v);
  }

  /** Replaces a whole route (local search moves); appointments leaving/entering must be consistent overall. */
  setRouteTasks(v: number, tasks: number[]): void {
    const route = this.touch(v);
    for (const t of tasks) {
      const a = this.ctx.compiled.taskAppointment[t];
      this.logAssignment(a);
      this.taskOf[a] = t;
      this.vehicleOf[a] = v;
    }
    route.tasks = tasks;
    this.refresh(v);
  }

  /** Recomputes the cached concatenation data and cost of one route in O(route length). */
  refresh(v: number): void {
    const ctx = this.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const route = this.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const seconds = c.travelSeconds;
    const arc = c.arcCost;
    const fwdD = route.fwdD;
    const fwdE = route.fwdE;
    const fwdL = route.fwdL;
    const bwdD = route.bwdD;
    const bwdE = route.bwdE;
    const bwdL = route.bwdL;
    const fwdArc = route.fwdArc;
    const fwdLoad = route.fwdLoad;
    const fwdPenalty = route.fwdPenalty;
    fwdD.length = fwdE.length = fwdL.length = bwdD.length = bwdE.length = bwdL.length = n + 2;
    fwdArc.length = fwdLoad.length = fwdPenalty.length = n + 2;
    fwdArc[0] = fwdLoad[0] = fwdPenalty[0] = 0;
    const s0 = ctx.shiftStart[v];
    const s1 = ctx.shiftEnd[v];
    fwdD[0] = 0;
    fwdE[0] = s0;
    fwdL[0] = s1;
    let prev = c.vehicleStartLocation[v];
    let travel = 0;
    let load = 0;
    let penalty = 0;
    const rowOffset = v * ctx.A;
    for (let p = 1; p <= n + 1; p++) {
      const isEnd = p === n + 1;
      const t = isEnd ? -1 : tasks[p - 1];
      const loc = isEnd ? c.vehicleEndLocation[v] : ctx.taskLocation[t];
      const nodeD = isEnd ? 0 : ctx.taskService[t];
      const nodeE = isEnd ? s0 : ctx.taskReady[t];
      const nodeL = isEnd ? s1 : ctx.taskDue[t];
      const tt = seconds[prev * L + loc];
      const delta = fwdD[p - 1] + tt;
      const wait = Math.max(nodeE - delta - fwdL[p - 1], 0);
      fwdD[p] = fwdD[p - 1] + nodeD + tt + wait;
      fwdE[p] = Math.max(nodeE - delta, fwdE[p - 1]) - wait;
      fwdL[p] = Math.min(nodeL - delta, fwdL[p - 1]);
      travel += arc[prev * L + loc];
      if (!isEnd) {
        const a = c.taskAppointment[t];
        load += c.appointmentLoad[a];
        penalty += c.assignmentPenalty[rowOffset + a];
        this.positionOf[a] = p;
      }
      fwdArc[p] = travel;
      fwdLoad[p] = load;
      fwdPenalty[p] = penalty;
      prev = loc;
    }
    bwdD[n + 1] = 0;
    bwdE[n + 1] = s0;
    bwdL[n + 1] = s1;
    let next = c.vehicleEndLocation[v];
    for (let p = n; p >= 0; p--) {
      const isStart = p === 0;
      const t = isStart ? -1 : tasks[p - 1];
      const loc = isStart ? c.vehicleStartLocation[v] : ctx.taskLocation[t];
      const nodeD = isStart ? 0 : ctx.taskService[t];
      const nodeE = isStart ? s0 : ctx.taskReady[t];
      const nodeL = isStart ? s1 : ctx.taskDue[t];
      const delta = nodeD + seconds[loc * L + next];
      const wait = Math.max(bwdE[p + 1] - delta - nodeL, 0);
      bwdD[p] = nodeD + bwdD[p + 1] + seconds[loc * L + next] + wait;
      bwdE[p] = Math.max(bwdE[p + 1] - delta, nodeE) - wait;
      bwdL[p] = Math.min(bwdL[p + 1] - delta, nodeL);
      next = loc;
    }
    const old = route.cost;
    route.load = load;
    route.penalty = penalty;
    route.duration = n === 0 ? 0 : fwdD[n + 1];
    route.travelCost = n === 0 ? 0 : travel * c.vehicleTravelWeight[v];
    route.overtimeCost =
      n === 0
        ? 0
        : Math.max(0, route.duration - c.vehicleRegularWorking[v]) * c.vehicleOvertimeWeight[v];
    route.cost = route.travelCost + route.overtimeCost + route.penalty;
    this.routeCostSum += route.cost - old;
  }

  /**
   * Cost change of inserting `task` into vehicle `v` between positions `p` and `p + 1`, or Infinity when it breaks a
   * time window, the shift, the working-time cap or the clinic-block rule. Capacity/eligibility are checked by callers.
   */
  insertionDelta(v: number, task: number, p: number, bestSoFar = Infinity): number {
    const ctx = this.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const route = this.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const seconds = c.travelSeconds;
    const prevLoc = p === 0 ? c.vehicleStartLocation[v] : ctx.taskLocation[tasks[p - 1]];
    const nextLoc = p === n ? c.vehicleEndLocation[v] : ctx.taskLocation[tasks[p]];
    const loc = ctx.taskLocation[task];
    const arc = c.arcCost;
    // Lower bound first: overtime can only grow, so a detour already worse than the best is rejected cheaply.
    const travelDelta =
      (arc[prevLoc * L + loc] + arc[loc * L + nextLoc] - arc[prevLoc * L + nextLoc]) *
        c.vehicleTravelWeight[v] +
      c.assignmentPenalty[v * ctx.A + c.taskAppointment[task]];
    if (travelDelta >= bestSoFar) return Infinity;
    const t1 = seconds[prevLoc * L + loc];
    const d1 = route.fwdD[p] + t1;
    const ready = ctx.taskReady[task];
    const due = ctx.taskDue[task];
    if (!fitsBefore(route.fwdE[p] + d1, due)) return Infinity;
    const wait1 = Math.max(ready - d1 - route.fwdL[p], 0);
    const dU = route.fwdD[p] + ctx.taskService[task] + t1 + wait1;
    const eU = Math.max(ready - d1, route.fwdE[p]) - wait1;
    const lU = Math.min(due - d1, route.fwdL[p]);
    const t2 = seconds[loc * L + nextLoc];
    const d2 = dU + t2;
    if (!fitsBefore(eU + d2, route.bwdL[p + 1])) return Infinity;
    const wait2 = Math.max(route.bwdE[p + 1] - d2 - lU, 0);
    const duration = dU + route.bwdD[p + 1] + t2 + wait2;
    if (!fitsBefore(duration, c.vehicleMaxWorking[v])) return Infinity;
    if (c.hasClinicBlocks && !this.clinicBlockAllows(v, task)) return Infinity;
    const regular = c.vehicleRegularWorking[v];
    const overtimeDelta =
      n === 0
        ? Math.max(0, duration - regular) * c.vehicleOvertimeWeight[v]
        : (Math.max(0, duration - regular) - Math.max(0, route.duration - regular)) *
          c.vehicleOvertimeWeight[v];
    return travelDelta + overtimeDelta;
  }

  /**
   * Whether a visit due to start by `due` can no longer follow position p, nor any later one: the earliest completion
   * of the first p stops (E + D) never decreases along a route, and travel only adds to it.
   */
  startsTooLate(route: Route, p: number, due: number): boolean {
    return !fitsBefore(route.fwdE[p] + route.fwdD[p], due);
  }

  private clinicBlockAllows(v: number, task: number): boolean {
    const c = this.ctx.compiled;
    const clinic = c.taskClinic[task];
    const block = c.taskBlock[task];
    if (clinic < 0 || block < 0) return true;
    for (const other of this.routes[v].tasks) {
      if (
        c.taskBlock[other] === block &&
        c.taskClinic[other] >= 0 &&
        c.taskClinic[other] !== clinic
      )
        return false;
    }
    return true;
  }

  /** Whether vehicle v can take one more visit of appointment a (capacity, max visits, eligibility). */
  canTake(v: number, a: number): boolean {
    const c = this.ctx.compiled;
    const route = this.routes[v];
    return (
      c.eligible[v * this.ctx.A + a] === 1 &&
      fitsCapacity(route.load + c.appointmentLoad[a], c.vehicleCapacity[v]) &&
      route.tasks.length + 1 <= c.vehicleMaxVisits[v]
    );
  }

  /**
   * Cheapest feasible insertion of appointment a over all its tasks, vehicles and positions. Each position is skipped
   * with probability `blinkRate` (SISR "blinks", diversification). Empty vehicles identical to one already scanned
   * are skipped. Returns false when nothing fits.
   */
  findBestInsertion(
    a: number,
    blinkRate: number,
    random: () => number,
    out: InsertionChoice,
  ): boolean {
    const ctx = this.ctx;
    const c = ctx.compiled;
    out.delta = Infinity;
    out.vehicle = -1;
    const firstTask = c.appointmentFirstTask[a];
    const lastTask = c.appointmentFirstTask[a + 1];
    this.classStamp++;
    for (const v of this.candidateVehicles(a)) {
      if (!this.canTake(v, a)) continue;
      const route = this.routes[v];
      const n = route.tasks.length;
      if (n === 0) {
        const cls = ctx.vehicleClass[v];
        if (this.classSeen[cls] === this.classStamp) continue;
        this.classSeen[cls] = this.classStamp;
      }
      for (let task = firstTask; task < lastTask; task++) {
        const due = ctx.taskDue[task];
        for (let p = 0; p <= n; p++) {
          if (this.startsTooLate(route, p, due)) break;
          if (blinkRate > 0 && random() < blinkRate) continue;
          const delta = this.insertionDelta(v, task, p, out.delta);
          if (delta < out.delta) {
            out.delta = delta;
            out.vehicle = v;
            out.task = task;
            out.position = p + 1;
          }
        }
      }
    }
    return out.vehicle >= 0;
  }

  /**
   * Vehicles worth trying for appointment a: all of them, or in granular mode those serving one of a's nearest
   * neighbours plus every empty one. The returned array is reused by the next call.
   */
  candidateVehicles(a: number): readonly number[] {
    const ctx = this.ctx;
    if (!this.granularInsertion) return this.allVehicles;
    const list = this.candidates;
    list.length = 0;
    this.candidateStamp++;
    const near = ctx.neighbors[a];
    for (let k = 0; k < Math.min(GRANULAR_NEIGHBOR_COUNT, near.length); k++) {
      const v = this.vehicleOf[near[k]];
      if (v >= 0 && this.candidateSeen[v] !== this.candidateStamp) {
        this.candidateSeen[v] = this.candidateStamp;
        list.push(v);
      }
    }
    for (let v = 0; v < ctx.V; v++)
      if (this.routes[v].tasks.length === 0 && this.candidateSeen[v] !== this.candidateStamp)
        list.push(v);
    return list;
  }

  /** Travel-cost saving of removing the appointment (ignores overtime; used to rank removals). */
  removalSaving(a: number): number {
    const v = this.vehicleOf[a];
    if (v < 0) return 0;
    const ctx = this.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const tasks = this.routes[v].tasks;
    const i = this.positionOf[a] - 1;
    const prevLoc = i === 0 ? c.vehicleStartLocation[v] : ctx.taskLocation[tasks[i - 1]];
    const nextLoc =
      i === tasks.length - 1 ? c.vehicleEndLocation[v] : ctx.taskLocation[tasks[i + 1]];
    const loc = ctx.taskLocation[tasks[i]];
    const arc = c.arcCost;
    return (
      (arc[prevLoc * L + loc] + arc[loc * L + nextLoc] - arc[prevLoc * L + nextLoc]) *
        c.vehicleTravelWeight[v] +
      c.assignmentPenalty[v * ctx.A + a]
    );
  }

  /** Plain copy of the routes (task ids per vehicle) for remembering the best plan. */
  snapshot(): number[][] {
    return this.routes.map((r) => r.tasks.slice());
  }

  /** Rebuilds the plan from a snapshot. */
  restore(snapshot: readonly (readonly number[])[]): void {
    const c = this.ctx.compiled;
    this.taskOf.fill(-1);
    this.vehicleOf.fill(-1);
    this.routeCostSum = 0;
    this.unservedPenaltySum = 0;
    for (let a = 0; a < this.ctx.A; a++) this.unservedPenaltySum += c.appointmentUnservedPenalty[a];
    for (let v = 0; v < this.ctx.V; v++) {
      const route = new Route();
      route.tasks = snapshot[v].slice();
      this.routes[v] = route;
      for (const t of route.tasks) {
        const a = c.taskAppointment[t];
        this.taskOf[a] = t;
        this.vehicleOf[a] = v;
        this.unservedPenaltySum -= c.appointmentUnservedPenalty[a];
      }
      this.refresh(v);
    }
  }
}
