import type { CompiledProblem } from '../model';

/**
 * Exact-arc pricing for one shift by an ng-route labelling (Baldacci,
 * Mingozzi & Roberti): a relaxation of the elementary shortest path with
 * resource constraints that keeps the real travel of every arc and the time
 * windows, and forbids only the cycles the ng-memory can see (each visit's
 * NG nearest visits). Every elementary, time-feasible route is an ng-route,
 * so the least reduced cost found is ≤ the least over real routes: a valid
 * pricing for the Lagrangian bound.
 *
 * Resources: the time a visit ends (earliest start in its windows after
 * leaving at the shift start; waiting allowed, so the earliest is dominant)
 * and the return by the shift end. The working-time cap and load are
 * dropped (relaxations). Labels are dominated on (time ≤, cost ≤, memory ⊆).
 * The labelling gives up (undefined) past `labelCap` labels; the caller then
 * falls back to a cheaper relaxation, so a cut-short search never yields a
 * bound.
 */

export interface NgShiftGraph {
  readonly vehicle: number;
  readonly size: number;
  /** Appointment of each node. */
  readonly appointment: Int32Array;
  /** leg[i * size + j]: travel seconds node i → node j. */
  readonly leg: Float64Array;
  readonly fromStart: Float64Array;
  readonly toEnd: Float64Array;
  readonly duration: Float64Array;
  /** Start windows of node j: windowStart[j] … windowStart[j + 1]). */
  readonly windowStart: Int32Array;
  readonly ready: Float64Array;
  readonly due: Float64Array;
  /**
   * The ng-memory frame of node j: memoryNodes[j * MEMORY_SLOTS + b] is the node of bit b (bit 0 is j,
   * then N(j); −1 when unused). A label at j keeps its memory as a bit mask in j's frame, since the
   * memory of a route ending at j lies within N(j) ∪ {j}.
   */
  readonly memoryNodes: Int32Array;
  /** memorySlot[j * size + k]: the bit of node k in j's frame, or −1 when k ∉ N(j) ∪ {j}. */
  readonly memorySlot: Int8Array;
  readonly shiftStart: number;
  readonly shiftEnd: number;
  /** Latest start of each node over its windows (before the shift's end less its duration). */
  readonly lastStart: Float64Array;
  /** Nodes by latest start, descending: a label at time t need only try the prefix with lastStart ≥ t. */
  readonly byLastStart: Int32Array;
  /**
   * Shortest leg into each node from another node that can precede it (earliest finish + leg ≤ its latest
   * start); Infinity when none can. Every visit after the first of a route in this graph is entered so.
   */
  readonly inLeg: Float64Array;
}

const NG_SIZE = 8;
const MEMORY_SLOTS = NG_SIZE + 1;
const EPS = 1e-6;

export function buildNgShiftGraph(
  compiled: CompiledProblem,
  vehicle: number,
  items: Int32Array,
  ngSize = NG_SIZE,
): NgShiftGraph {
  const neighbours = Math.max(0, Math.min(ngSize, NG_SIZE));
  const L = compiled.locationCount;
  const n = items.length;
  const seconds = compiled.travelSeconds;
  const location = (j: number): number => compiled.appointmentLocation[items[j] ?? 0] ?? 0;
  const leg = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1) leg[i * n + j] = seconds[location(i) * L + location(j)] ?? 0;
  const start = compiled.vehicleStartLocation[vehicle] ?? 0;
  const end = compiled.vehicleEndLocation[vehicle] ?? 0;
  const windowStart = new Int32Array(n + 1);
  const ready: number[] = [];
  const due: number[] = [];
  items.forEach((a, j) => {
    for (
      let task = compiled.appointmentFirstTask[a] ?? 0;
      task < (compiled.appointmentFirstTask[a + 1] ?? 0);
      task += 1
    ) {
      ready.push(compiled.taskReady[task] ?? 0);
      due.push(compiled.taskDue[task] ?? 0);
    }
    windowStart[j + 1] = ready.length;
  });
  const memoryNodes = new Int32Array(n * MEMORY_SLOTS).fill(-1);
  const memorySlot = new Int8Array(n * n).fill(-1);
  // The `neighbours` nearest by round trip, by insertion into a short sorted list (no full sort per node).
  const nearest = new Int32Array(neighbours);
  const distance = new Float64Array(neighbours);
  for (let j = 0; j < n; j += 1) {
    memoryNodes[j * MEMORY_SLOTS] = j;
    memorySlot[j * n + j] = 0;
    let size = 0;
    for (let k = 0; k < n; k += 1) {
      if (k === j) continue;
      const value = leg[k * n + j] + leg[j * n + k];
      if (size === neighbours && (neighbours === 0 || value >= distance[size - 1])) continue;
      let position = size === neighbours ? size - 1 : size;
      while (position > 0 && distance[position - 1] > value) {
        distance[position] = distance[position - 1];
        nearest[position] = nearest[position - 1];
        position -= 1;
      }
      distance[position] = value;
      nearest[position] = k;
      if (size < neighbours) size += 1;
    }
    for (let index = 0; index < size; index += 1) {
      memoryNodes[j * MEMORY_SLOTS + index + 1] = nearest[index];
      memorySlot[j * n + nearest[index]] = index + 1;
    }
  }
  const shiftEnd = compiled.vehicleShiftEnd[vehicle] ?? 0;
  const lastStart = new Float64Array(n).fill(-Infinity);
  for (let j = 0; j < n; j += 1) {
    for (let w = windowStart[j]; w < windowStart[j + 1]; w += 1)
      lastStart[j] = Math.max(lastStart[j], due[w] ?? -Infinity);
    lastStart[j] = Math.min(lastStart[j], shiftEnd - (compiled.appointmentDuration[items[j]] ?? 0));
  }
  const byLastStart = Int32Array.from({ length: n }, (_, j) => j).sort(
    (x, y) => lastStart[y] - lastStart[x],
  );
  const graphSoFar = { windowStart, ready: Float64Array.from(ready), due: Float64Array.from(due) };
  const shiftStart = compiled.vehicleShiftStart[vehicle] ?? 0;
  const earliestFinish = Float64Array.from(
    items,
    (a, j) =>
      earliestStart(graphSoFar, j, shiftStart + (seconds[start * L + location(j)] ?? 0)) +
      (compiled.appointmentDuration[a] ?? 0),
  );
  const inLeg = new Float64Array(n).fill(Infinity);
  for (let k = 0; k < n; k += 1) {
    if (!Number.isFinite(earliestFinish[k])) continue;
    for (let j = 0; j < n; j += 1) {
      const value = leg[k * n + j];
      if (j !== k && value < inLeg[j] && earliestFinish[k] + value <= lastStart[j] + EPS)
        inLeg[j] = value;
    }
  }
  return {
    vehicle,
    size: n,
    appointment: Int32Array.from(items),
    leg,
    fromStart: Float64Array.from(
      items,
      (a) => seconds[start * L + (compiled.appointmentLocation[a] ?? 0)] ?? 0,
    ),
    toEnd: Float64Array.from(
      items,
      (a) => seconds[(compiled.appointmentLocation[a] ?? 0) * L + end] ?? 0,
    ),
    duration: Float64Array.from(items, (a) => compiled.appointmentDuration[a] ?? 0),
    windowStart,
    ready: graphSoFar.ready,
    due: graphSoFar.due,
    memoryNodes,
    memorySlot,
    shiftStart,
    shiftEnd,
    lastStart,
    byLastStart,
    inLeg,
  };
}

interface Label {
  readonly node: number;
  readonly time: number;
  readonly cost: number;
  /** The ng-memory, as bits of the node's memory frame. */
  readonly memory: number;
  readonly parent: Label | null;
  dead: boolean;
}

export interface NgRoute {
  /** Appointments in visiting order (an ng-route may repeat a visit outside its memory). */
  readonly appointments: number[];
  /** Travel seconds of the route. */
  readonly travel: number;
  /** Its reduced cost: travel + Σ π over its visits. */
  readonly value: number;
}

export interface NgPrice {
  /** Least reduced cost (travel + Σ π) over non-empty ng-routes; Infinity when none is feasible. */
  readonly value: number;
  /**
   * The cheapest routes closed while labelling (below zero when a completion bound prunes), cheapest
   * first, at most `keepRoutes` of them (the first is the minimizer): more than one column per pricing
   * for column generation.
   */
  readonly routes: NgRoute[];
}

/** Earliest start in node j's windows at or after `arrival`, or Infinity. */
export function earliestStart(
  graph: Pick<NgShiftGraph, 'windowStart' | 'ready' | 'due'>,
  j: number,
  arrival: number,
): number {
  let best = Infinity;
  for (let w = graph.windowStart[j] ?? 0; w < (graph.windowStart[j + 1] ?? 0); w += 1) {
    const begin = Math.max(arrival, graph.ready[w] ?? 0);
    if (begin <= (graph.due[w] ?? 0) + EPS && begin < best) best = begin;
  }
  return best;
}

/** A binary min-heap of labels by time. */
class LabelHeap {
  private readonly items: Label[] = [];

  get size(): number {
    return this.items.length;
  }

  push(label: Label): void {
    const items = this.items;
    items.push(label);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if ((items[parent]?.time ?? 0) <= label.time) break;
      items[child] = items[parent];
      child = parent;
    }
    items[child] = label;
  }

  pop(): Label | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child =
          right < items.length && (items[right]?.time ?? 0) < (items[left]?.time ?? 0)
            ? right
            : left;
        if ((items[child]?.time ?? 0) >= last.time) break;
        items[parent] = items[child];
        parent = child;
      }
      items[parent] = last;
    }
    return top;
  }
}

/**
 * A lower bound on the reduced cost still to come (further distinct visits
 * and the return) after leaving `node` at `time`. Only suffixes of elementary
 * routes need to respect it: those are the routes the pricing must bound.
 * Given `enough`, a bound made of several parts may return any value ≥ `enough`
 * as soon as one part reaches it (the labelling only asks whether it does).
 */
export type CompletionBound = (node: number, time: number, enough?: number) => number;

/** How far `priceNgRoutes` may go, and what it keeps. */
export interface NgLabelling {
  /** Labels created before giving up. */
  readonly labelCap: number;
  readonly completion?: CompletionBound;
  /** `performance.now()` past which it gives up (default never). */
  readonly giveUpAt?: number;
  /** Cheapest negative routes to return, cheapest first (default 1). */
  readonly keepRoutes?: number;
}

/**
 * ng-route pricing of one shift at node prices π (indexed by appointment);
 * undefined past `labelCap` labels or the clock's `giveUpAt`. With a completion bound, labels that
 * cannot end below min(0, best so far) are dropped and the value is
 * min(0, least reduced cost): enough for the Lagrangian, which only uses
 * min(0, ·), and far fewer labels at good multipliers.
 */
export function priceNgRoutes(
  graph: NgShiftGraph,
  pi: Float64Array,
  labelling: NgLabelling,
): NgPrice | undefined {
  const { labelCap, completion, giveUpAt = Infinity, keepRoutes = 1 } = labelling;
  const n = graph.size;
  const buckets: Label[][] = Array.from({ length: n }, () => []);
  const heap = new LabelHeap();
  let created = 0;
  let bestValue = completion === undefined ? Infinity : 0;
  // The cheapest closings so far, ascending (insertion into a short list).
  const kept = Math.max(1, keepRoutes);
  const closed: { label: Label; value: number }[] = [];
  const keepClosing = (label: Label, value: number): void => {
    if (closed.length === kept && value >= (closed[kept - 1]?.value ?? Infinity)) return;
    let position = closed.length;
    while (position > 0 && (closed[position - 1]?.value ?? 0) > value) position -= 1;
    closed.splice(position, 0, { label, value });
    if (closed.length > kept) closed.pop();
  };

  // Checked before a label (and its memory) is built: most candidates fail it at good multipliers.
  const hopeless = (node: number, time: number, cost: number): boolean =>
    completion !== undefined && cost + completion(node, time, bestValue - cost) >= bestValue;

  const offer = (candidate: Label): boolean => {
    const bucket = buckets[candidate.node];
    for (const other of bucket) {
      if (other.dead) continue;
      if (
        other.time <= candidate.time + EPS &&
        other.cost <= candidate.cost + EPS &&
        (other.memory & ~candidate.memory) === 0
      )
        return true;
    }
    // Mark the labels the candidate dominates and compact the dead ones away.
    let live = 0;
    for (const other of bucket) {
      if (other.dead) continue;
      if (
        candidate.time <= other.time + EPS &&
        candidate.cost <= other.cost + EPS &&
        (candidate.memory & ~other.memory) === 0
      ) {
        other.dead = true;
        continue;
      }
      bucket[live] = other;
      live += 1;
    }
    bucket.length = live;
    bucket.push(candidate);
    heap.push(candidate);
    created += 1;
    // The clock is read every 1,024 labels.
    return created <= labelCap && ((created & 1023) !== 0 || performance.now() < giveUpAt);
  };

  for (let j = 0; j < n; j += 1) {
    const start = earliestStart(graph, j, graph.shiftStart + (graph.fromStart[j] ?? 0));
    if (!Number.isFinite(start)) continue;
    const time = start + (graph.duration[j] ?? 0);
    if (time + (graph.toEnd[j] ?? 0) > graph.shiftEnd + EPS) continue;
    const cost = (graph.fromStart[j] ?? 0) + (pi[graph.appointment[j] ?? 0] ?? 0);
    if (hopeless(j, time, cost)) continue;
    const label: Label = {
      node: j,
      time,
      cost,
      memory: 1,
      parent: null,
      dead: false,
    };
    if (!offer(label)) return undefined;
  }
  while (heap.size > 0) {
    const label = heap.pop() as Label;
    if (label.dead) continue;
    // The best may have improved since the label was stored.
    if (hopeless(label.node, label.time, label.cost)) continue;
    const i = label.node;
    const closing = label.cost + (graph.toEnd[i] ?? 0);
    if (closing < bestValue) bestValue = closing;
    if (closing < (completion === undefined ? Infinity : 0)) keepClosing(label, closing);
    for (let position = 0; position < n; position += 1) {
      const j = graph.byLastStart[position] ?? 0;
      // Every later node must start before this label ends: none can follow it.
      if ((graph.lastStart[j] ?? 0) < label.time - EPS) break;
      if (j === i) continue;
      const slot = graph.memorySlot[i * n + j];
      if (slot >= 0 && (label.memory >> slot) & 1) continue;
      const leg = graph.leg[i * n + j] ?? 0;
      if (label.time + leg > (graph.lastStart[j] ?? 0) + EPS) continue;
      const start = earliestStart(graph, j, label.time + leg);
      if (!Number.isFinite(start)) continue;
      const time = start + (graph.duration[j] ?? 0);
      if (time + (graph.toEnd[j] ?? 0) > graph.shiftEnd + EPS) continue;
      const cost = label.cost + leg + (pi[graph.appointment[j] ?? 0] ?? 0);
      if (hopeless(j, time, cost)) continue;
      // j itself, and whatever of i's memory lies in N(j).
      let memory = 1;
      for (let bits = label.memory, bit = 0; bits !== 0; bits >>= 1, bit += 1) {
        if ((bits & 1) === 0) continue;
        const kept = graph.memorySlot[j * n + graph.memoryNodes[i * MEMORY_SLOTS + bit]];
        if (kept >= 0) memory |= 1 << kept;
      }
      const next: Label = {
        node: j,
        time,
        cost,
        memory,
        parent: label,
        dead: false,
      };
      if (!offer(next)) return undefined;
    }
  }
  return { value: bestValue, routes: closed.map(({ label }) => routeOf(graph, label, pi)) };
}

/** The route a label closes, from the shift start to the shift end. */
function routeOf(graph: NgShiftGraph, last: Label, pi: Float64Array): NgRoute {
  const n = graph.size;
  const appointments: number[] = [];
  let travel = graph.toEnd[last.node] ?? 0;
  let value = travel;
  for (let label: Label | null = last; label !== null; label = label.parent) {
    const appointment = graph.appointment[label.node] ?? 0;
    appointments.push(appointment);
    value += pi[appointment] ?? 0;
    const leg =
      label.parent === null
        ? (graph.fromStart[label.node] ?? 0)
        : (graph.leg[label.parent.node * n + label.node] ?? 0);
    travel += leg;
    value += leg;
  }
  return { appointments: appointments.reverse(), travel, value };
}
