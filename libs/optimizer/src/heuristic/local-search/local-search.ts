import { IntraRouteMoves } from './intra-route-moves';
import { SegmentExchangeMoves } from './segment-exchange';
import { SwapStarMoves } from './swap-star';
import { TailExchangeMoves } from './tail-exchange';

import type { RoutePlan } from '../route-plan';
import type { SeededRandom } from '../seeded-random';
import type { SegmentExchange } from './segment-exchange';
import type { SwapStar } from './swap-star';
import type { TailExchange } from './tail-exchange';

export interface LocalSearchOptions {
  /** Granular neighbourhood: only moves that put a visit next to one of its nearest neighbours are tried. */
  readonly neighborCount?: number;
  /** Longest run of visits moved or exchanged between routes (or-opt / cross-exchange). */
  readonly maxSegmentLength?: number;
  /** Safety cap on improving moves per call; a bound on time for very large plans. */
  readonly maxMoves?: number;
  /**
   * SWAP* between a changed route and the routes serving its visits' nearest neighbours (default off: on the
   * Gehring & Homberger type-2 development runs it found no gain per iteration and halved the iterations, see
   * docs/benchmarks/optimizer-2026-12-01b-long-routes.md). A plain swap puts each visit where the other was.
   */
  readonly swapStar?: boolean;
  /** Nearest neighbours per visit whose routes count as SWAP* partners (a granular stand-in for polar sectors). */
  readonly swapStarNeighbors?: number;
  /** SWAP* runs only on plans whose cost after the other moves is within this fraction of the best seen. */
  readonly swapStarGate?: number;
}

/**
 * Variable-neighbourhood descent on a `RoutePlan`: inter-route relocate, swap, or-opt, cross-exchange and 2-opt*
 * around each visit's nearest neighbours (first improvement), plus intra-route or-opt and 2-opt (best improvement)
 * on every changed route. Only visits of the routes it is given are explored at first; a route changed by a move
 * is explored again. Every move keeps the set of served visits and all hard constraints, and is applied only when
 * it lowers the plan's cost, so the served priority never drops. Deterministic for the random stream it is given.
 */
export class LocalSearch {
  private readonly exchanges: SegmentExchangeMoves;
  private readonly tails: TailExchangeMoves;
  private readonly intra: IntraRouteMoves;
  private readonly swapStar: SwapStarMoves | null;
  private readonly swapStarNeighbors: number;
  private readonly swapStarGate: number;
  /** Lowest plan cost at the end of an `improve` call. */
  private lowestCost = Infinity;
  /** Routes changed since their last SWAP* pass. */
  private readonly swapDue: Uint8Array;
  private readonly swapDueRoutes: number[] = [];
  private readonly partnerSeen: Int32Array;
  private partnerStamp = 0;
  private readonly partners: number[] = [];
  private readonly swapMove: SwapStar = { v1: 0, first: 0, slot1: 0, v2: 0, second: 0, slot2: 0 };
  private readonly neighborCount: number;
  private readonly maxSegmentLength: number;
  private readonly maxMoves: number;
  private readonly epsilon: number;
  private readonly queued: Uint8Array;
  private readonly dirty: Uint8Array;
  private readonly queue: number[] = [];
  private queueHead = 0;
  private readonly dirtyRoutes: number[] = [];
  /** Scratch for `enqueueRelinked`: each visit's neighbours (task ids, -1 = depot) in the route before a move. */
  private readonly previousLink: Int32Array;
  private readonly nextLink: Int32Array;
  private readonly linkSeen: Int32Array;
  private linkStamp = 0;
  private readonly exchange: SegmentExchange = {
    v1: 0,
    first: 0,
    length: 0,
    v2: 0,
    secondFirst: 0,
    secondLength: 0,
  };
  private readonly tail: TailExchange = { v1: 0, cut1: 0, v2: 0, cut2: 0 };

  constructor(
    private readonly plan: RoutePlan,
    options: LocalSearchOptions = {},
  ) {
    this.exchanges = new SegmentExchangeMoves(plan);
    this.tails = new TailExchangeMoves(plan);
    this.intra = new IntraRouteMoves(plan);
    this.swapStar = options.swapStar === true ? new SwapStarMoves(plan) : null;
    this.swapStarNeighbors = options.swapStarNeighbors ?? 8;
    this.swapStarGate = options.swapStarGate ?? 0.01;
    this.swapDue = new Uint8Array(plan.ctx.V);
    this.partnerSeen = new Int32Array(plan.ctx.V);
    this.neighborCount = options.neighborCount ?? 20;
    this.maxSegmentLength = options.maxSegmentLength ?? 3;
    this.maxMoves = options.maxMoves ?? 10_000;
    // Relative to a typical arc, so rounding noise in any unit never counts as an improvement.
    this.epsilon = 1e-7 * Math.max(1, plan.ctx.typicalArcCost);
    this.queued = new Uint8Array(plan.ctx.A);
    this.dirty = new Uint8Array(plan.ctx.V);
    this.previousLink = new Int32Array(plan.ctx.A);
    this.nextLink = new Int32Array(plan.ctx.A);
    this.linkSeen = new Int32Array(plan.ctx.A);
  }

  /** Improves the plan starting from the visits of `vehicles`; returns the number of moves applied. */
  improve(vehicles: Iterable<number>, random: SeededRandom): number {
    const plan = this.plan;
    for (const v of vehicles) this.markChanged(v);
    random.shuffle(this.queue);
    let moves = 0;
    while (moves < this.maxMoves) {
      // Intra-route descent waits until the inter-route queue is empty, so a route hit by several inter-route
      // moves is rescanned (O(n²)) once, not after each of them.
      if (this.queueHead >= this.queue.length) {
        if (this.dirtyRoutes.length > 0) moves += this.improveDirtyRoutes(this.maxMoves - moves);
        else if (this.swapDueRoutes.length > 0 && this.swapStarWorthwhile()) {
          if (this.improveBySwapStar(this.swapDueRoutes.pop() as number)) moves++;
        } else break;
        continue;
      }
      const a = this.queue[this.queueHead++];
      this.queued[a] = 0;
      if (plan.vehicleOf[a] < 0) continue;
      if (this.improveAround(a)) {
        moves++;
        this.enqueue(a);
      }
    }
    for (let k = this.queueHead; k < this.queue.length; k++) this.queued[this.queue[k]] = 0;
    this.queue.length = 0;
    this.queueHead = 0;
    for (const v of this.dirtyRoutes) this.dirty[v] = 0;
    this.dirtyRoutes.length = 0;
    for (const v of this.swapDueRoutes) this.swapDue[v] = 0;
    this.swapDueRoutes.length = 0;
    this.lowestCost = Math.min(this.lowestCost, plan.cost);
    return moves;
  }

  /**
   * SWAP* costs O(n1·n2) per route pair, several times the rest of a descent on long routes, so it only polishes
   * plans that the cheaper moves left within `swapStarGate` of the best plan this search has produced.
   */
  private swapStarWorthwhile(): boolean {
    return this.plan.cost <= this.lowestCost * (1 + this.swapStarGate) + this.epsilon;
  }

  /**
   * Like `improve`, but the inter-route neighbourhoods start only from `visits` and their route neighbours (the
   * visits a ruin-and-recreate step moved), while every route in `vehicles` still gets its intra-route descent.
   * On long routes this is most of the saving: enqueuing every visit of each touched route explored hundreds of
   * unchanged visits per step.
   */
  improveVisits(
    vehicles: Iterable<number>,
    visits: readonly number[],
    random: SeededRandom,
  ): number {
    const plan = this.plan;
    const taskAppointment = plan.ctx.compiled.taskAppointment;
    for (const v of vehicles) this.markDirty(v);
    for (const a of visits) {
      const v = plan.vehicleOf[a];
      if (v < 0) continue;
      this.enqueue(a);
      const tasks = plan.routes[v].tasks;
      const p = plan.positionOf[a];
      if (p > 1) this.enqueue(taskAppointment[tasks[p - 2]]);
      if (p < tasks.length) this.enqueue(taskAppointment[tasks[p]]);
    }
    return this.improve([], random);
  }

  private improveDirtyRoutes(budget: number): number {
    let moves = 0;
    while (this.dirtyRoutes.length > 0 && moves < budget) {
      const v = this.dirtyRoutes.pop() as number;
      this.dirty[v] = 0;
      const before = this.plan.routes[v].tasks;
      const applied = this.intra.improve(v, this.epsilon, budget - moves);
      if (applied > 0) {
        moves += applied;
        this.enqueueRelinked(before, this.plan.routes[v].tasks);
      }
    }
    return moves;
  }

  /**
   * After a move replaced route tasks `before` by `after`, queues the visits of `after` whose predecessor or
   * successor changed, and their new neighbours. Visits whose both neighbours stayed only see a shift in time slack;
   * re-queuing every visit of both routes made one move on a 50-visit route cost ~100 neighbourhood scans.
   * (Route arrays are replaced, never edited in place, by `RoutePlan.setRouteTasks`, so `before` is intact.)
   */
  private enqueueRelinked(before: readonly number[], after: readonly number[]): void {
    const taskAppointment = this.plan.ctx.compiled.taskAppointment;
    const previous = this.previousLink;
    const next = this.nextLink;
    this.linkStamp++;
    const stamp = this.linkStamp;
    for (let p = 0; p < before.length; p++) {
      const a = taskAppointment[before[p]];
      this.linkSeen[a] = stamp;
      previous[a] = p > 0 ? before[p - 1] : -1;
      next[a] = p + 1 < before.length ? before[p + 1] : -1;
    }
    for (let p = 0; p < after.length; p++) {
      const a = taskAppointment[after[p]];
      const previousTask = p > 0 ? after[p - 1] : -1;
      const nextTask = p + 1 < after.length ? after[p + 1] : -1;
      if (this.linkSeen[a] === stamp && previous[a] === previousTask && next[a] === nextTask)
        continue;
      this.enqueue(a);
      if (previousTask >= 0) this.enqueue(taskAppointment[previousTask]);
      if (nextTask >= 0) this.enqueue(taskAppointment[nextTask]);
    }
  }

  /** A route changed by an inter-route move: its intra-route descent is due and the relinked visits are queued. */
  private routeChanged(v: number, before: readonly number[]): void {
    this.markDirty(v);
    this.enqueueRelinked(before, this.plan.routes[v].tasks);
  }

  /** Due for intra-route descent and for a SWAP* pass. */
  private markDirty(v: number): void {
    if (this.dirty[v] === 0) {
      this.dirty[v] = 1;
      this.dirtyRoutes.push(v);
    }
    if (this.swapStar !== null && this.swapDue[v] === 0) {
      this.swapDue[v] = 1;
      this.swapDueRoutes.push(v);
    }
  }

  /**
   * Tries SWAP* between route v and each route serving one of its visits' nearest neighbours; applies the first
   * improving move (the best one of that pair).
   */
  private improveBySwapStar(v: number): boolean {
    this.swapDue[v] = 0;
    const swapStar = this.swapStar;
    if (swapStar === null || this.plan.routes[v].tasks.length === 0) return false;
    for (const v2 of this.partnersOf(v)) {
      const move = this.swapMove;
      if (swapStar.findBest(v, v2, -this.epsilon, move) < -this.epsilon) {
        const before1 = this.plan.routes[move.v1].tasks;
        const before2 = this.plan.routes[move.v2].tasks;
        swapStar.apply(move);
        this.routeChanged(move.v1, before1);
        this.routeChanged(move.v2, before2);
        return true;
      }
    }
    return false;
  }

  /** Other routes serving one of the first `swapStarNeighbors` neighbours of a visit of v (reused array). */
  private partnersOf(v: number): readonly number[] {
    const plan = this.plan;
    const list = this.partners;
    list.length = 0;
    this.partnerStamp++;
    this.partnerSeen[v] = this.partnerStamp;
    const taskAppointment = plan.ctx.compiled.taskAppointment;
    for (const t of plan.routes[v].tasks) {
      const near = plan.ctx.neighbors[taskAppointment[t]];
      const count = Math.min(this.swapStarNeighbors, near.length);
      for (let k = 0; k < count; k++) {
        const other = plan.vehicleOf[near[k]];
        if (other >= 0 && this.partnerSeen[other] !== this.partnerStamp) {
          this.partnerSeen[other] = this.partnerStamp;
          list.push(other);
        }
      }
    }
    return list;
  }

  private markChanged(v: number): void {
    this.markDirty(v);
    for (const t of this.plan.routes[v].tasks)
      this.enqueue(this.plan.ctx.compiled.taskAppointment[t]);
  }

  private enqueue(a: number): void {
    if (this.queued[a] === 0) {
      this.queued[a] = 1;
      this.queue.push(a);
    }
  }

  /** Tries moves that bring visit `a` next to one of its neighbours; applies the first improving one. */
  private improveAround(a: number): boolean {
    const plan = this.plan;
    const neighbors = plan.ctx.neighbors[a];
    const count = Math.min(this.neighborCount, neighbors.length);
    for (let k = 0; k < count; k++) {
      const b = neighbors[k];
      const v2 = plan.vehicleOf[b];
      const v1 = plan.vehicleOf[a];
      if (v2 < 0 || v2 === v1) continue;
      if (this.tryExchanges(v1, plan.positionOf[a], v2, plan.positionOf[b])) return true;
      if (this.tryTailExchanges(v1, plan.positionOf[a], v2, plan.positionOf[b])) return true;
    }
    return false;
  }

  /**
   * Runs of 1..maxSegmentLength visits starting at position i of v1 go after, before or in place of a run at
   * position j of v2 (run lengths 0..maxSegmentLength there).
   */
  private tryExchanges(v1: number, i: number, v2: number, j: number): boolean {
    const move = this.exchange;
    move.v1 = v1;
    move.v2 = v2;
    move.first = i;
    const max = this.maxSegmentLength;
    for (let length = 1; length <= max; length++) {
      move.length = length;
      for (let secondLength = 0; secondLength <= max; secondLength++) {
        move.secondLength = secondLength;
        // After b, before b, and (for a non-empty run) starting at b.
        for (let variant = 0; variant < 3; variant++) {
          if (variant === 2 && secondLength === 0) break;
          move.secondFirst = variant === 0 ? j + 1 : variant === 1 ? j - secondLength : j;
          const delta = this.exchanges.evaluate(move, -this.epsilon);
          if (delta < -this.epsilon) {
            const before1 = this.plan.routes[v1].tasks;
            const before2 = this.plan.routes[v2].tasks;
            this.exchanges.apply(move);
            this.routeChanged(v1, before1);
            this.routeChanged(v2, before2);
            return true;
          }
        }
      }
    }
    return false;
  }

  /** 2-opt*: link a → b (a's tail swapped for b's) or b → a. */
  private tryTailExchanges(v1: number, i: number, v2: number, j: number): boolean {
    const move = this.tail;
    move.v1 = v1;
    move.v2 = v2;
    for (let variant = 0; variant < 2; variant++) {
      move.cut1 = variant === 0 ? i : i - 1;
      move.cut2 = variant === 0 ? j - 1 : j;
      const delta = this.tails.evaluate(move, -this.epsilon);
      if (delta < -this.epsilon) {
        const before1 = this.plan.routes[v1].tasks;
        const before2 = this.plan.routes[v2].tasks;
        this.tails.apply(move);
        this.routeChanged(v1, before1);
        this.routeChanged(v2, before2);
        return true;
      }
    }
    return false;
  }
}
