import type { CompiledProblem } from '../model';

/** Times beyond this are "unbounded"; keeps the concatenation arithmetic free of Infinity − Infinity. */
export const UNBOUNDED_TIME = 1e12;

/** Nearest neighbours whose vehicles are insertion candidates in granular mode. */
export const GRANULAR_NEIGHBOR_COUNT = 24;

const clampTime = (t: number) => Math.max(-UNBOUNDED_TIME, Math.min(UNBOUNDED_TIME, t));

/** Per-task and per-vehicle arrays derived once from the compiled problem for the hot loops. */
export class SolverContext {
  readonly A: number;
  readonly V: number;
  readonly L: number;
  readonly taskLocation: Int32Array;
  readonly taskService: Float64Array;
  readonly taskReady: Float64Array;
  readonly taskDue: Float64Array;
  readonly shiftStart: Float64Array;
  readonly shiftEnd: Float64Array;
  /** Representative vehicle of each vehicle's interchangeability class (for skipping duplicate empty routes). */
  readonly vehicleClass: Int32Array;
  /** Appointments that some vehicle can serve alone, i.e. worth trying to insert. */
  readonly servableAppointments: number[];
  /** K nearest servable appointments per appointment (by arc cost, either direction). */
  readonly neighbors: Int32Array[];
  /** Mean cost of an arc to a near neighbour; the scale for annealing temperatures. */
  readonly typicalArcCost: number;

  constructor(
    readonly compiled: CompiledProblem,
    neighborCount = 64,
  ) {
    const c = compiled;
    this.A = c.appointmentCount;
    this.V = c.vehicleCount;
    this.L = c.locationCount;
    this.taskLocation = Int32Array.from(c.taskAppointment, (a) => c.appointmentLocation[a]);
    this.taskService = Float64Array.from(c.taskAppointment, (a) => c.appointmentDuration[a]);
    this.taskReady = c.taskReady.map(clampTime);
    this.taskDue = c.taskDue.map(clampTime);
    this.shiftStart = c.vehicleShiftStart.map(clampTime);
    this.shiftEnd = c.vehicleShiftEnd.map(clampTime);
    this.vehicleClass = interchangeableClasses(c);
    this.servableAppointments = [];
    for (let a = 0; a < this.A; a++)
      if (c.appointmentInfeasibleReason[a] === null) this.servableAppointments.push(a);
    const near = nearestNeighbors(c, this.servableAppointments, neighborCount);
    this.neighbors = near.lists;
    this.typicalArcCost = near.typicalCost;
  }
}

function interchangeableClasses(c: CompiledProblem): Int32Array {
  const classes = new Int32Array(c.vehicleCount);
  const bySignature = new Map<string, number>();
  for (let v = 0; v < c.vehicleCount; v++) {
    const row = c.eligible.subarray(v * c.appointmentCount, (v + 1) * c.appointmentCount).join('');
    const penalties = c.assignmentPenalty
      .subarray(v * c.appointmentCount, (v + 1) * c.appointmentCount)
      .join(',');
    const signature = [
      c.vehicleStartLocation[v],
      c.vehicleEndLocation[v],
      c.vehicleShiftStart[v],
      c.vehicleShiftEnd[v],
      c.vehicleMaxWorking[v],
      c.vehicleRegularWorking[v],
      c.vehicleCapacity[v],
      c.vehicleMaxVisits[v],
      c.vehicleTravelWeight[v],
      c.vehicleOvertimeWeight[v],
      row,
      penalties,
    ].join('|');
    const existing = bySignature.get(signature);
    if (existing === undefined) bySignature.set(signature, v);
    classes[v] = existing ?? v;
  }
  return classes;
}

function nearestNeighbors(
  c: CompiledProblem,
  servable: number[],
  k: number,
): { lists: Int32Array[]; typicalCost: number } {
  const L = c.locationCount;
  const lists: Int32Array[] = new Array<Int32Array>(c.appointmentCount).fill(new Int32Array(0));
  let sum = 0;
  let count = 0;
  const size = Math.min(k, servable.length);
  // Bounded insertion into a sorted top-k (ties keep index order): O(n·k) worst case instead of a full O(n log n)
  // sort per appointment, which dominated start-up at 5,000 appointments.
  const nearest = new Int32Array(size);
  const nearestDistance = new Float64Array(size);
  for (const a of servable) {
    const la = c.appointmentLocation[a];
    let filled = 0;
    for (let i = 0; i < servable.length; i++) {
      const b = servable[i];
      const lb = c.appointmentLocation[b];
      const distance = b === a ? -1 : Math.min(c.arcCost[la * L + lb], c.arcCost[lb * L + la]);
      if (filled === size && distance >= nearestDistance[size - 1]) continue;
      let at = filled < size ? filled++ : size - 1;
      while (at > 0 && nearestDistance[at - 1] > distance) {
        nearestDistance[at] = nearestDistance[at - 1];
        nearest[at] = nearest[at - 1];
        at--;
      }
      nearestDistance[at] = distance;
      nearest[at] = b;
    }
    lists[a] = nearest.slice(0, size);
    for (let i = 1; i < Math.min(size, 6); i++) {
      sum += nearestDistance[i];
      count++;
    }
  }
  return { lists, typicalCost: count > 0 && sum > 0 ? sum / count : 1 };
}
