import {
  buildNgShiftGraph,
  earliestStart,
  priceNgRoutes,
  type CompletionBound,
  type NgPrice,
  type NgRoute,
  type NgShiftGraph,
} from './ng-route-pricing';

import type { CompiledProblem } from '../model';

/**
 * Exact-arc ng-route pricing of one shift restricted to the visits that can
 * still lie on a route of negative reduced cost, with a completion bound that
 * drops labels unable to end below zero. The Lagrangian only uses
 * min(0, least reduced cost), so these cuts keep it valid:
 *
 *  - radius pruning: the radius relaxation proves every route holding a visit
 *    farther than `keptRadius` (round trip from the provider's home) prices at
 *    ≥ 0 — those visits are left out of the graph;
 *  - completion bound: after leaving a visit at time t, the rest of an
 *    elementary route enters each further visit j at most once, from another
 *    visit of the graph, by a leg ≥ entry_j = max(inbound(j), the graph's
 *    shortest leg into j from a visit that can precede it), starting no later
 *    than j's latest start, and returns home from a visit of the graph; so it
 *    costs ≥ min(leg home, least return + fractional knapsack of
 *    (π_j + entry_j) with weights duration_j + entry_j within the time left,
 *    over visits still startable at t); and it costs ≥ the least reduced cost
 *    of a walk (repeats allowed) from the visit to the shift end leaving at the
 *    grid point below t (`backwardCompletion`, real legs and time windows) —
 *    the larger of the two is taken (home-100, 10 s: 13 → 26 iterations of
 *    the column generation; labels far fewer, the table costs O(grid · n²));
 *  - visits no route below zero can pass through (a forward table of the
 *    cheapest way to reach each visit, plus its π, plus the walk table from
 *    it, stays ≥ 0) are left out of the labelled graph on large shifts.
 *
 * When the labelling gives up or is skipped, the walk table's least walks are
 * returned as well: columns for a master where no route was priced.
 */

/** The per-shift data the pruned pricing reads (a subset of the route bound's shift data). */
export interface PrunableShift {
  readonly vehicle: number;
  readonly items: Int32Array;
  readonly duration: Float64Array;
  readonly inbound: Float64Array;
  readonly radius: Float64Array;
  /** Latest start of each item within its windows and the shift. */
  readonly latestStart: Float64Array;
  readonly minReturn: number;
  readonly shiftStart: number;
  readonly shiftEnd: number;
}

/** The graph of the last kept set of a shift small enough to label, rebuilt only when the set changes (multipliers move slowly). */
export interface PrunedGraphCache {
  key: string;
  graph: NgShiftGraph | undefined;
}

/**
 * Shifts keeping more than `maxItems` visits (too many to label) and up to this many times that still get the
 * bound at their first visit: the graph and the walk table, without labels.
 */
const BOUND_ONLY_ITEMS_FACTOR = 3;

/** Time points of the completion bound (visits still startable after each point). */
const TIME_POINTS = 24;
/**
 * Departure times per shift of the backward completion table (fewer when the shortest visit is longer; home-100,
 * 10 s: 48 → 19.9 h, 96 → 20.0 h, 192 → 19.9 h; home-500 at equal iterations: 48 → 22.2 h, 96 → 24.4 h).
 */
const BACKWARD_BUCKETS = 96;
/**
 * Graphs with more visits than this are first cut down to the visits a route below zero may pass through
 * (`nodesOnNegativeWalks`; home-1000, one thread: 85 % of the visits go in a 15 s run, 65 % over a 30 s one). Below
 * it the cut costs more than it saves (home-100 converged later).
 */
const REDUCE_ABOVE_NODES = 160;
/**
 * Departure times of the walk table that cuts a graph down (the fine one is then built on what is left).
 * Home-2000 and home-1000, 30 s, two threads, three runs each: without the cut 40.7–40.8 h (8 iterations) and
 * 38.6–39.3 h; with 32: 42.1–42.2 h (9 iterations) and 39.3–39.4 h; with 24 (and the fine table rebuilt when nothing
 * is cut): 40.7–42.0 h and 39.3–39.7 h.
 */
const COARSE_BUCKETS = 32;
/** Below this shortest visit (s) the backward table would need too many buckets: the knapsack bound alone. */
const BACKWARD_MIN_WIDTH = 60;

export function pricePrunedShift(
  compiled: CompiledProblem,
  shift: PrunableShift,
  pi: Float64Array,
  keptRadius: number,
  limits: {
    readonly maxItems: number;
    /** 0: no labelling, only the bound at the route's first visit (`PrunedBoundOnly`). */
    readonly labelCap: number;
    /** Wall-clock budget of the labelling (ms), counted from when its completion bound is ready. */
    readonly labelMs: number;
    /** Cheapest negative routes to return (column generation); default 1. */
    readonly keepRoutes?: number;
    /** Clock of the walk table (default none); past it, the knapsack completion bound alone. */
    readonly tableUntil?: number;
    /** Neighbours in each visit's ng-memory (default the labelling's 8; fewer: weaker, far fewer labels). */
    readonly ngSize?: number;
    /** Graphs with more visits than this are cut down first (default `REDUCE_ABOVE_NODES`). */
    readonly reduceAbove?: number;
  },
  cache: PrunedGraphCache,
): NgPrice | 'too many visits' | PrunedBoundOnly {
  const kept: number[] = [];
  for (let j = 0; j < shift.items.length; j += 1) if (shift.radius[j] <= keptRadius) kept.push(j);
  // No route can price below zero: min(0, ·) is 0.
  if (kept.length === 0) return { value: 0, routes: [] };
  if (kept.length > BOUND_ONLY_ITEMS_FACTOR * limits.maxItems) return 'too many visits';
  const boundOnly = kept.length > limits.maxItems;
  // A graph too large to label is rebuilt when needed rather than cached: n² legs of up to 3,000 visits per shift
  // and thread would add up to gigabytes on the largest days.
  let graph: NgShiftGraph;
  if (boundOnly) graph = buildGraph(compiled, shift, kept, limits.ngSize);
  else {
    const key = `${limits.ngSize ?? 'default'}:${kept.join(',')}`;
    if (cache.key !== key || cache.graph === undefined) {
      cache.key = key;
      cache.graph = buildGraph(compiled, shift, kept, limits.ngSize);
    }
    graph = cache.graph;
  }
  const until = limits.tableUntil ?? Infinity;
  // A large graph is first cut down to the visits a route below zero may pass through, with a coarse walk
  // table; a graph that shrinks gets the fine table, one that does not keeps the coarse one (rebuilding the fine
  // table there measured level). The cut is worth it only where the tables or the labelling are costly. A graph
  // too large to label may become small enough.
  const reduce = graph.size > (limits.reduceAbove ?? REDUCE_ABOVE_NODES);
  const table = backwardCompletion(graph, pi, until, reduce ? COARSE_BUCKETS : BACKWARD_BUCKETS);
  let completion = withWalkTable(knapsackCompletion(shift, kept, graph, pi), table);
  let walkTable = table;
  if (reduce && table !== undefined) {
    const through = nodesOnNegativeWalks(graph, pi, table);
    // No route below zero: min(0, ·) is 0.
    if (through.length === 0) return { value: 0, routes: [] };
    if (through.length < graph.size) {
      // Every route below zero lies within these visits: the labelling, the fine walk table and the knapsack
      // bound (tighter on fewer visits) work on them alone, and the coarse table holds for their routes too.
      const remaining = Array.from(through, (node) => kept[node]);
      graph = buildGraph(compiled, shift, remaining, limits.ngSize);
      const fine = backwardCompletion(graph, pi, until, BACKWARD_BUCKETS);
      completion = tablesThenKnapsack(
        (node, time) => Math.max(fine?.at(node, time) ?? -Infinity, table.at(through[node], time)),
        knapsackCompletion(shift, remaining, graph, pi),
      );
      walkTable = fine;
    }
  }
  // On large shifts the walk table takes most of a labelling's budget (1,000 visits: ~0.45 s), so the
  // labelling's clock starts after it.
  const labelled = limits.labelCap > 0 && graph.size <= limits.maxItems;
  const price = labelled
    ? priceNgRoutes(graph, pi, {
        labelCap: limits.labelCap,
        keepRoutes: limits.keepRoutes,
        giveUpAt: performance.now() + limits.labelMs,
        completion,
      })
    : undefined;
  if (price !== undefined) return price;
  return {
    gaveUp: labelled,
    value: firstVisitBound(graph, pi, completion),
    walks:
      walkTable === undefined ? [] : cheapestWalks(graph, pi, walkTable, limits.keepRoutes ?? 1),
  };
}

function buildGraph(
  compiled: CompiledProblem,
  shift: PrunableShift,
  kept: readonly number[],
  ngSize: number | undefined,
): NgShiftGraph {
  return buildNgShiftGraph(
    compiled,
    shift.vehicle,
    Int32Array.from(kept, (j) => shift.items[j]),
    ngSize,
  );
}

/** What is left when the labelling gives up or is skipped: a lower bound on min(0, least reduced cost). */
export interface PrunedBoundOnly {
  /** The labelling ran and hit its label cap or clock. */
  readonly gaveUp: boolean;
  readonly value: number;
  /**
   * The cheapest walks of the walk table below zero (visits may repeat; legs and π real, times on its grid), from
   * distinct first visits, cheapest first: columns that tell a master what the shift could still cover, where no
   * route was priced.
   */
  readonly walks: NgRoute[];
}

/** The earliest finish of node j as a route's first visit (Infinity when no window can be met). */
function firstVisitFinish(graph: NgShiftGraph, j: number): number {
  return earliestStart(graph, j, graph.shiftStart + graph.fromStart[j]) + graph.duration[j];
}

/** Up to `count` least walks of the table with a negative value, one per first visit, as routes with real travel. */
function cheapestWalks(
  graph: NgShiftGraph,
  pi: Float64Array,
  table: BackwardTable,
  count: number,
): NgRoute[] {
  const starts: { node: number; time: number; value: number }[] = [];
  for (let j = 0; j < graph.size; j += 1) {
    const time = firstVisitFinish(graph, j);
    if (!Number.isFinite(time)) continue;
    const value = graph.fromStart[j] + pi[graph.appointment[j]] + table.at(j, time);
    if (value < 0) starts.push({ node: j, time, value });
  }
  starts.sort((x, y) => x.value - y.value);
  return starts.slice(0, Math.max(1, count)).map(({ node, time }) => {
    const nodes = table.walkFrom(node, time);
    let travel = graph.fromStart[nodes[0]] + graph.toEnd[nodes[nodes.length - 1]];
    let value = travel;
    nodes.forEach((j, index) => {
      value += pi[graph.appointment[j]];
      if (index === 0) return;
      const leg = graph.leg[nodes[index - 1] * graph.size + j];
      travel += leg;
      value += leg;
    });
    return { appointments: nodes.map((j) => graph.appointment[j]), travel, value };
  });
}

/**
 * min(0, least over the graph's first visits j of leg out + π_j + the completion bound after j at its earliest
 * finish): every route starts with some j, no earlier than that, and the completion bound only grows with the
 * time (fewer visits still startable, less time left; the walk table leaves later) — so it is ≤ every route's
 * reduced cost. This is the labelling's first step alone.
 */
function firstVisitBound(
  graph: NgShiftGraph,
  pi: Float64Array,
  completion: CompletionBound,
): number {
  let best = 0;
  for (let j = 0; j < graph.size; j += 1) {
    const time = firstVisitFinish(graph, j);
    if (!Number.isFinite(time)) continue;
    if (time + graph.toEnd[j] > graph.shiftEnd + 1e-6) continue;
    best = Math.min(best, graph.fromStart[j] + pi[graph.appointment[j]] + completion(j, time));
  }
  return best;
}

/**
 * The completion bound of the kept visits' graph: a lower bound on the reduced cost of the rest of any
 * elementary route of the graph (later visits' π and legs, and the leg home) after finishing `node` at `time`.
 */
export function completionBound(
  shift: PrunableShift,
  kept: readonly number[],
  graph: NgShiftGraph,
  pi: Float64Array,
  tableUntil = Infinity,
): CompletionBound {
  return withWalkTable(
    knapsackCompletion(shift, kept, graph, pi),
    backwardCompletion(graph, pi, tableUntil, BACKWARD_BUCKETS),
  );
}

/** The larger of the knapsack completion bound and the walk table's, when there is one. */
function withWalkTable(
  knapsack: CompletionBound,
  table: BackwardTable | undefined,
): CompletionBound {
  if (table === undefined) return knapsack;
  return tablesThenKnapsack((node, time) => table.at(node, time), knapsack);
}

/**
 * max(walk tables, knapsack), reading the tables first: they are the cheaper part and usually the larger, so the
 * knapsack is computed only when they stay below `enough`.
 */
function tablesThenKnapsack(
  walk: (node: number, time: number) => number,
  knapsack: CompletionBound,
): CompletionBound {
  return (node, time, enough = Infinity) => {
    const tables = walk(node, time);
    return tables >= enough ? tables : Math.max(tables, knapsack(node, time));
  };
}

/** The completion bound without the walk table: min(leg home, least return + fractional knapsack). */
function knapsackCompletion(
  shift: PrunableShift,
  kept: readonly number[],
  graph: NgShiftGraph,
  pi: Float64Array,
): CompletionBound {
  const value = new Float64Array(kept.length);
  const weight = new Float64Array(kept.length);
  const candidates: number[] = [];
  // The rest of a route in this graph ends from one of its nodes.
  let keptReturn = Infinity;
  kept.forEach((j, node) => {
    keptReturn = Math.min(keptReturn, graph.toEnd[node]);
    // Entered from another kept visit that can precede it (never from the start): no cheaper leg.
    const entry = Math.max(shift.inbound[j], graph.inLeg[node]);
    if (!Number.isFinite(entry)) return;
    value[node] = pi[shift.items[j]] + entry;
    weight[node] = shift.duration[j] + entry;
    if (value[node] < 0) candidates.push(node);
  });
  const minReturn = Math.max(shift.minReturn, keptReturn);
  const ratio = (node: number): number =>
    weight[node] > 0 ? value[node] / weight[node] : -Infinity;
  candidates.sort((x, y) => ratio(x) - ratio(y));
  const step = Math.max(1, (shift.shiftEnd - shift.shiftStart) / TIME_POINTS);
  const width = candidates.length + 1;
  // Per time point, prefix sums of the candidates still startable then, in ratio order.
  const cumWeight = new Float64Array(TIME_POINTS * width);
  const cumValue = new Float64Array(TIME_POINTS * width);
  const count = new Int32Array(TIME_POINTS);
  for (let point = 0; point < TIME_POINTS; point += 1) {
    const at = shift.shiftStart + point * step;
    const base = point * width;
    let size = 0;
    for (const node of candidates) {
      // (A margin for round-off: keeping a visit too many only lowers the bound.)
      if (shift.latestStart[kept[node]] < at - 1e-6) continue;
      cumWeight[base + size + 1] = cumWeight[base + size] + weight[node];
      cumValue[base + size + 1] = cumValue[base + size] + value[node];
      size += 1;
    }
    count[point] = size;
  }
  return (node, time) => {
    const back = graph.toEnd[node];
    const capacity = shift.shiftEnd - time - minReturn;
    if (capacity <= 0) return back;
    const point = Math.min(
      TIME_POINTS - 1,
      Math.max(0, Math.floor((time - shift.shiftStart) / step)),
    );
    const base = point * width;
    // Largest prefix whose weight fits, then a fraction of the next candidate.
    let low = 0;
    let high = count[point];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (cumWeight[base + middle] <= capacity) low = middle;
      else high = middle - 1;
    }
    let knapsack = cumValue[base + low];
    if (low < count[point]) {
      const nextWeight = cumWeight[base + low + 1] - cumWeight[base + low];
      const nextValue = cumValue[base + low + 1] - cumValue[base + low];
      knapsack += (nextValue * (capacity - cumWeight[base + low])) / nextWeight;
    }
    return Math.min(back, minReturn + knapsack);
  };
}

/** `nodesOnNegativeWalks` with its own walk table of `buckets` departure times (undefined without a table). */
export function nodesOnNegativeRoutes(
  graph: NgShiftGraph,
  pi: Float64Array,
  buckets = COARSE_BUCKETS,
): Int32Array | undefined {
  const table = backwardCompletion(graph, pi, Infinity, buckets);
  return table === undefined ? undefined : nodesOnNegativeWalks(graph, pi, table);
}

/**
 * The nodes some walk of reduced cost below zero may pass through (ascending). A forward table on the walk table's
 * grid bounds the cost of reaching each node: prefix[c][j] ≤ the least leg from the start plus legs and π of the
 * visits before j over walks whose j finishes in cell c or earlier (each step leaves at the start of its cell: no
 * later than the real finish, so no later a finish downstream). A route through j finishing in cell c costs at least
 * prefix[c][j] + π_j + the walk table at c, and only nodes where that can fall below zero are kept. A node whose
 * prefix does not improve on the cell before pushes nothing: its earlier self reaches every successor sooner.
 */
function nodesOnNegativeWalks(
  graph: NgShiftGraph,
  pi: Float64Array,
  table: BackwardTable,
): Int32Array {
  const { size: n, leg, lastStart, duration, shiftStart, fromStart } = graph;
  const { cells, width } = table;
  const prefix = new Float64Array(cells * n).fill(Infinity);
  const cellOfFinish = (node: number, arrival: number): number =>
    Math.floor((earliestStart(graph, node, arrival) + duration[node] - shiftStart) / width);
  for (let j = 0; j < n; j += 1) {
    const cell = cellOfFinish(j, shiftStart + fromStart[j]);
    if (cell < cells) prefix[cell * n + j] = fromStart[j];
  }
  for (let cell = 0; cell < cells; cell += 1) {
    const leave = shiftStart + cell * width;
    for (let i = 0; i < n; i += 1) {
      const here = cell * n + i;
      if (cell > 0 && prefix[here - n] <= prefix[here]) {
        prefix[here] = prefix[here - n];
        continue;
      }
      const reached = prefix[here] + pi[graph.appointment[i]];
      // No route through i finishing here goes below zero: nothing it reaches needs this prefix.
      if (!(reached + table.atCell(i, cell) < 0)) continue;
      for (let j = 0; j < n; j += 1) {
        if (j === i) continue;
        const legIJ = leg[i * n + j];
        const value = reached + legIJ;
        // j finishes in this cell or a later one, where its walk table is no lower: if even that cannot go below
        // zero, this prefix neither keeps j nor is pushed on from it. (It is a later one whenever every visit lasts
        // a whole cell; `cell` rather than `cell + 1` leaves round-off no way to drop a visit.)
        if (!(value + pi[graph.appointment[j]] + table.soonest(j, cell) < 0)) continue;
        const arrival = leave + legIJ;
        if (arrival > lastStart[j] + 1e-6) continue;
        const next = cellOfFinish(j, arrival);
        if (!(next < cells)) continue;
        if (value < prefix[next * n + j]) prefix[next * n + j] = value;
      }
    }
  }
  const kept: number[] = [];
  for (let j = 0; j < n; j += 1) {
    const price = pi[graph.appointment[j]];
    for (let cell = 0; cell < cells; cell += 1)
      if (prefix[cell * n + j] + price + table.atCell(j, cell) < 0) {
        kept.push(j);
        break;
      }
  }
  return Int32Array.from(kept);
}

/** The walk table of `backwardCompletion`. */
interface BackwardTable {
  /** Departure times of the grid: shiftStart + cell · width for cell < cells. */
  readonly cells: number;
  readonly width: number;
  /** The least reduced cost of a walk from `node`, left at the grid point below `time`, to the shift end. */
  at(node: number, time: number): number;
  /** `at` for a departure at the start of `cell`. */
  atCell(node: number, cell: number): number;
  /**
   * The least of `atCell(node, c)` over cells c ≥ `cell` the node can be left in (from its earliest finish on):
   * the table only grows with the departure time there.
   */
  soonest(node: number, cell: number): number;
  /** The nodes of such a least walk starting at `first` (left at `time`), `first` included. */
  walkFrom(first: number, time: number): number[];
}

/**
 * A second completion bound, with real legs: the least reduced cost of any walk (visits may repeat, but never
 * straight back to the visit just left) from a node to the shift end, by backward dynamic programming over departure
 * times on a grid of width w ≤ the shortest visit.
 * Leaving at the grid point below the real time only adds options (a walk leaving later can leave earlier and
 * wait), so the table is ≤ the true value; every visit lasts ≥ w, so each step lands in a later grid cell and the
 * recursion has no cycles. Elementary suffixes are such walks, so it bounds them too.
 */
function backwardCompletion(
  graph: NgShiftGraph,
  pi: Float64Array,
  until: number,
  buckets: number,
): BackwardTable | undefined {
  const n = graph.size;
  const span = graph.shiftEnd - graph.shiftStart;
  let shortest = Infinity;
  for (let j = 0; j < n; j += 1) shortest = Math.min(shortest, graph.duration[j]);
  const width = Math.min(shortest, span / buckets);
  if (!(width >= BACKWARD_MIN_WIDTH)) return undefined;
  const cells = Math.floor(span / width) + 1;
  // Per (cell, node): the least walk value, its first successor (-1: straight home), and the least value over
  // walks whose first successor differs from that one. A walk entering k from j continues with the second when
  // the first would go straight back to j: no walk j → k → j is ever counted (2-cycle elimination).
  // One more row of +∞ (leaving after the last grid point) so that row cell + 1 always exists.
  const table = new Float64Array((cells + 1) * n).fill(Infinity);
  const second = new Float64Array((cells + 1) * n).fill(Infinity);
  const firstSuccessor = new Int32Array((cells + 1) * n).fill(-1);
  const onwards = (at: number, from: number): number =>
    firstSuccessor[at] === from ? second[at] : table[at];
  const price = Float64Array.from(graph.appointment, (a) => pi[a]);
  const { leg, toEnd, lastStart, byLastStart, duration, shiftStart, shiftEnd } = graph;
  // The shortest leg into each node from any other: with it, a successor's least possible contribution.
  const shortestIn = new Float64Array(n).fill(Infinity);
  for (let j = 0; j < n; j += 1)
    for (let k = 0; k < n; k += 1)
      if (k !== j) shortestIn[k] = Math.min(shortestIn[k], leg[j * n + k]);
  // The first cell each node can be left in (its earliest finish): the table is never read before it, so those
  // entries stay +∞ and are not computed (home-100, 30 iterations: the same values in 0.8 s instead of 1.4 s).
  const firstCell = new Int32Array(n);
  for (let j = 0; j < n; j += 1) {
    const finish = earliestStart(graph, j, shiftStart) + duration[j];
    firstCell[j] = Number.isFinite(finish)
      ? Math.min(cells, Math.max(0, Math.floor((finish - shiftStart) / width)))
      : cells;
  }
  // legInto[k * n + j] = leg[j * n + k].
  const legInto = new Float64Array(n * n);
  for (let j = 0; j < n; j += 1) for (let k = 0; k < n; k += 1) legInto[k * n + j] = leg[j * n + k];
  const active = new Int32Array(n);
  const successors = new Int32Array(n);
  const soonest = new Float64Array(n);
  const key = new Float64Array(n);
  for (let cell = cells - 1; cell >= 0; cell -= 1) {
    // Past its clock (a large shift priced at the end of the budget): the knapsack bound alone.
    if (performance.now() > until) return undefined;
    const leave = shiftStart + cell * width;
    // Successors still startable after `leave`, by the least they can add (the table only grows with the
    // departure time, and a successor ends in a later cell): each node's scan stops at the first that
    // cannot beat its second best.
    let count = 0;
    for (let position = 0; position < n; position += 1) {
      const k = byLastStart[position];
      if (lastStart[k] < leave - 1e-6) break;
      // (Read no earlier than k's first cell: a step into k always lands there or later.)
      soonest[k] = table[Math.max(cell + 1, firstCell[k]) * n + k];
      key[k] = shortestIn[k] + price[k] + soonest[k];
      if (key[k] < Infinity) successors[count++] = k;
    }
    const ordered = successors.subarray(0, count).sort((x, y) => key[x] - key[y]);
    // Every node leaving in this cell scans the successors in key order until one cannot beat its second best.
    // The scans run side by side, one successor at a time over the nodes still scanning, so that the legs into
    // that successor are read in sequence from the transposed matrix (row by row of `leg` was the table's main
    // cost: cache misses); each node sees the same successors in the same order, so the values are the same.
    const row = cell * n;
    let scanning = 0;
    for (let j = 0; j < n; j += 1) {
      if (cell < firstCell[j]) continue;
      table[row + j] = leave + toEnd[j] <= shiftEnd + 1e-6 ? toEnd[j] : Infinity;
      active[scanning++] = j;
    }
    for (let index = 0; index < count && scanning > 0; index += 1) {
      const k = ordered[index];
      const keyK = key[k];
      const priceK = price[k];
      const soonestK = soonest[k];
      const lastStartK = lastStart[k];
      const legsIntoK = k * n;
      let still = 0;
      for (let position = 0; position < scanning; position += 1) {
        const j = active[position];
        const runnerUp = second[row + j];
        if (keyK >= runnerUp) continue;
        active[still++] = j;
        if (k === j) continue;
        const legIn = legInto[legsIntoK + j];
        const step = legIn + priceK;
        if (step + soonestK >= runnerUp) continue;
        const arrival = leave + legIn;
        if (arrival > lastStartK + 1e-6) continue;
        const next = Math.floor(
          (earliestStart(graph, k, arrival) + duration[k] - shiftStart) / width,
        );
        if (!(next < cells)) continue;
        const value = step + onwards(next * n + k, j);
        const best = table[row + j];
        if (value < best) {
          second[row + j] = best;
          table[row + j] = value;
          firstSuccessor[row + j] = k;
        } else if (value < runnerUp) second[row + j] = value;
      }
      scanning = still;
    }
  }
  const cellOf = (time: number): number =>
    Math.min(cells - 1, Math.max(0, Math.floor((time - shiftStart) / width)));
  return {
    cells,
    width,
    at: (node, time) => table[cellOf(time) * n + node],
    atCell: (node, cell) => table[cell * n + node],
    soonest: (node, cell) => table[Math.max(cell, firstCell[node]) * n + node],
    walkFrom: (first, time) => {
      // Each step repeats the table's choice: the least option other than going straight back to the visit
      // before, which is the value the cell was read for (its first successor's or the second's).
      const nodes = [first];
      let cell = cellOf(time);
      let from = -1;
      for (let j = first; ;) {
        const leave = shiftStart + cell * width;
        let best = leave + toEnd[j] <= shiftEnd + 1e-6 ? toEnd[j] : Infinity;
        let bestNext = -1;
        let bestCell = cells;
        for (let k = 0; k < n; k += 1) {
          if (k === j || k === from) continue;
          const arrival = leave + leg[j * n + k];
          if (arrival > lastStart[k] + 1e-6) continue;
          const next = Math.floor(
            (earliestStart(graph, k, arrival) + duration[k] - shiftStart) / width,
          );
          if (!(next < cells)) continue;
          const value = leg[j * n + k] + price[k] + onwards(next * n + k, j);
          if (value < best) {
            best = value;
            bestNext = k;
            bestCell = next;
          }
        }
        if (bestNext < 0) return nodes;
        nodes.push(bestNext);
        from = j;
        j = bestNext;
        cell = bestCell;
      }
    },
  };
}
