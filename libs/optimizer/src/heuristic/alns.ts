import { ElitePool } from './elite-pool';
import { LocalSearch } from './local-search';
import { greedyInsertionWithBlinks, regretInsertion } from './recreate';
import { RecreateCandidates } from './recreate-candidates';
import {
  randomRemoval,
  relatedRemoval,
  routeRemoval,
  splitRemoval,
  stringRemoval,
  transplantRemoval,
  worstRemoval,
} from './ruin';

import type { RecreateOperator } from './recreate';
import type { RoutePlan } from './route-plan';
import type { RuinOperator } from './ruin';
import type { SeededRandom } from './seeded-random';
import type { SharedBest } from './shared-best';

export interface SearchLimits {
  readonly timeLimitMs: number;
  readonly maxIterations: number;
}

export interface SearchOutcome {
  readonly best: number[][];
  readonly bestCost: number;
  readonly iterations: number;
  readonly bestFoundAtIteration: number;
  readonly bestFoundAtMs: number;
  readonly stopReason: 'time-limit' | 'iteration-limit' | 'no-work';
}

interface Operator<T> {
  readonly name: string;
  readonly run: T;
  weight: number;
  score: number;
  uses: number;
}

const SCORE_NEW_BEST = 10;
const SCORE_IMPROVED = 4;
const SCORE_ACCEPTED = 1;
const SEGMENT_LENGTH = 200;
const REACTION = 0.2;
/** SISR's c̄: visits removed per ruin on average. */
const AVERAGE_REMOVED = 10;
/**
 * Annealing temperatures in units of a typical short arc, so one setting fits Solomon units and seconds alike.
 * Tuned on Solomon R1/R2/RC hard cases at a fixed iteration count (hotter than SISR's 100→1 served better).
 */
const START_TEMPERATURE_ARCS = 10;
const END_TEMPERATURE_ARCS = 0.1;
/**
 * Local search after every recreate, on the routes it touched. A small granular neighbourhood (8 nearest, runs of
 * ≤ 2 visits) was the best trade-off between iterations and descent depth on all 56 Solomon instances at a fixed
 * iteration budget (0.8 % mean gap at 1,000 iterations, against 1.3 % at 5,000 iterations without local search).
 */
/** Servable visits above which ALNS insertion is granular (`RoutePlan.granularInsertion`); construction never is. */
const GRANULAR_INSERTION_THRESHOLD = 800;
const LOCAL_SEARCH = { neighborCount: 8, maxSegmentLength: 2 };
/** Distinct accepted plans kept for the route-transplant (crossover) ruin. */
const ELITE_POOL_SIZE = 8;

/**
 * Adaptive large neighbourhood search: ruin (string/random/worst/related) then recreate (greedy with blinks or
 * regret-2), accepted by simulated annealing whose temperature falls exponentially with progress (time or
 * iterations, whichever is further along). Operator weights adapt every segment (Ropke & Pisinger 2006).
 * Unserved visits are re-offered on every recreate, so coverage can only be lost for a cheaper but equally
 * prioritized plan — never, since one unserved priority unit outweighs any cost.
 */
export function runAlns(
  plan: RoutePlan,
  random: SeededRandom,
  limits: SearchLimits,
  now: () => number,
  shared?: SharedBest,
): SearchOutcome {
  const ctx = plan.ctx;
  const startMs = now();
  const elite = new ElitePool(ELITE_POOL_SIZE, 1e-7 * Math.max(1, ctx.typicalArcCost));
  const ruins: Operator<RuinOperator>[] = [
    { name: 'string', run: stringRemoval, weight: 4, score: 0, uses: 0 },
    { name: 'random', run: randomRemoval, weight: 1, score: 0, uses: 0 },
    { name: 'worst', run: worstRemoval, weight: 1, score: 0, uses: 0 },
    { name: 'related', run: relatedRemoval, weight: 1, score: 0, uses: 0 },
    { name: 'split', run: splitRemoval, weight: 1, score: 0, uses: 0 },
    { name: 'route', run: routeRemoval, weight: 1, score: 0, uses: 0 },
    { name: 'transplant', run: transplantRemoval(elite), weight: 1, score: 0, uses: 0 },
  ];
  const recreates: Operator<RecreateOperator>[] = [
    { name: 'greedy-blinks', run: greedyInsertionWithBlinks, weight: 4, score: 0, uses: 0 },
    { name: 'regret', run: regretInsertion, weight: 1, score: 0, uses: 0 },
  ];
  const localSearch = new LocalSearch(plan, LOCAL_SEARCH);
  const offered = new RecreateCandidates(ctx.A);
  plan.granularInsertion = ctx.servableAppointments.length > GRANULAR_INSERTION_THRESHOLD;
  localSearch.improve(plan.routes.keys(), random);
  let best = plan.snapshot();
  let bestCost = plan.cost;
  let currentCost = plan.cost;
  let bestFoundAtIteration = 0;
  let bestFoundAtMs = 0;
  const servable = ctx.servableAppointments.length;
  if (servable === 0 || limits.maxIterations <= 0) {
    return {
      best,
      bestCost,
      iterations: 0,
      bestFoundAtIteration,
      bestFoundAtMs,
      stopReason: 'no-work',
    };
  }
  const averageRemoved = Math.max(1, Math.min(AVERAGE_REMOVED, Math.ceil(servable / 4)));
  const startTemperature = START_TEMPERATURE_ARCS * ctx.typicalArcCost;
  const endTemperature = END_TEMPERATURE_ARCS * ctx.typicalArcCost;
  let iteration = 0;
  let stopReason: SearchOutcome['stopReason'] = 'iteration-limit';
  for (;;) {
    if (iteration >= limits.maxIterations) break;
    const elapsed = now() - startMs;
    if (elapsed >= limits.timeLimitMs) {
      stopReason = 'time-limit';
      break;
    }
    const progress = Math.max(iteration / limits.maxIterations, elapsed / limits.timeLimitMs);
    const temperature = startTemperature * Math.pow(endTemperature / startTemperature, progress);
    iteration++;

    const ruin = pick(ruins, random);
    const recreate = pick(recreates, random);
    plan.beginTransaction();
    const size =
      ruin.name === 'string' || ruin.name === 'split' || ruin.name === 'route'
        ? averageRemoved
        : 1 + random.nextInt(Math.min(servable, 2 * averageRemoved));
    const removed = ruin.run(plan, random, size);
    const inserted = offered.select(plan, removed, random);
    recreate.run(plan, random, inserted);
    localSearch.improveVisits(plan.touchedVehicles(), inserted, random);
    const candidate = plan.cost;
    // SISR-style threshold acceptance: accept if better than current + T·ln(U) worsening allowance. A route closing
    // gets no allowance: one that lengthens the plan was often accepted while hot, and on long-route instances
    // (Solomon R2) the few route openings of a short run rarely undid it (plans ended with too few routes).
    const uniform = random.next();
    const threshold =
      ruin.name === 'route' ? currentCost : currentCost - temperature * Math.log(uniform + 1e-300);
    ruin.uses++;
    recreate.uses++;
    if (candidate < threshold) {
      plan.commit();
      let reward = SCORE_ACCEPTED;
      if (candidate < currentCost - 1e-9) reward = SCORE_IMPROVED;
      currentCost = candidate;
      if (elite.admits(candidate)) elite.offer(candidate, plan.snapshot());
      if (candidate < bestCost - 1e-9) {
        best = plan.snapshot();
        bestCost = candidate;
        bestFoundAtIteration = iteration;
        bestFoundAtMs = now() - startMs;
        reward = SCORE_NEW_BEST;
      }
      ruin.score += reward;
      recreate.score += reward;
    } else {
      plan.rollback();
    }
    const restart = shared?.exchange(iteration, progress, bestCost, best, random);
    if (restart) {
      // Stagnated: continue from a plan of the threads' elite pool (ours or another's) at the current temperature.
      plan.restore(restart);
      currentCost = plan.cost;
      if (currentCost < bestCost - 1e-9) [best, bestCost] = [plan.snapshot(), currentCost];
    }
    if (iteration % SEGMENT_LENGTH === 0) {
      adapt(ruins);
      adapt(recreates);
    }
  }
  shared?.offer(bestCost, best);
  return { best, bestCost, iterations: iteration, bestFoundAtIteration, bestFoundAtMs, stopReason };
}

function pick<T>(operators: Operator<T>[], random: SeededRandom): Operator<T> {
  let total = 0;
  for (const o of operators) total += o.weight;
  let r = random.next() * total;
  for (const o of operators) {
    r -= o.weight;
    if (r <= 0) return o;
  }
  return operators[operators.length - 1];
}

function adapt<T>(operators: Operator<T>[]): void {
  for (const o of operators) {
    if (o.uses > 0)
      o.weight = Math.max(0.1, (1 - REACTION) * o.weight + (REACTION * o.score) / o.uses);
    o.score = 0;
    o.uses = 0;
  }
}
