import type { InsertionChoice, RoutePlan } from './route-plan';
import type { SeededRandom } from './seeded-random';

export type RecreateOperator = (
  plan: RoutePlan,
  random: SeededRandom,
  appointments: number[],
) => void;

const choice: InsertionChoice = { vehicle: -1, task: -1, position: -1, delta: Infinity };

/**
 * SISR recreate order: random, largest load, farthest from / closest to the first vehicle's start, weighted 4/4/2/1.
 * Higher priority always goes first, so a tight plan keeps the visits that count most.
 */
export function sortForInsertion(
  plan: RoutePlan,
  random: SeededRandom,
  appointments: number[],
): number[] {
  const c = plan.ctx.compiled;
  const L = plan.ctx.L;
  const depot = c.vehicleCount > 0 ? c.vehicleStartLocation[0] : 0;
  const roll = random.nextInt(11);
  const key = new Float64Array(c.appointmentCount);
  random.shuffle(appointments);
  for (const a of appointments) {
    const distance = c.arcCost[depot * L + c.appointmentLocation[a]];
    const secondary =
      roll < 4 ? 0 : roll < 8 ? -c.appointmentLoad[a] : roll < 10 ? -distance : distance;
    key[a] = secondary;
  }
  return appointments.sort(
    (x, y) => c.appointmentPriority[y] - c.appointmentPriority[x] || key[x] - key[y],
  );
}

/** Greedy cheapest insertion with blinks (SISR): skip each position with probability 1 %. */
export const greedyInsertionWithBlinks: RecreateOperator = (plan, random, appointments) => {
  const rand = () => random.next();
  for (const a of sortForInsertion(plan, random, appointments)) {
    if (plan.findBestInsertion(a, 0.01, rand, choice))
      plan.insert(choice.vehicle, choice.position, choice.task);
  }
};

/**
 * Regret-2 insertion: repeatedly insert the visit that would lose most by waiting (second-best minus best route).
 * Per-(appointment, vehicle) best insertions are cached; only the changed route's column is recomputed.
 */
export const regretInsertion: RecreateOperator = (plan, random, appointments) => {
  const ctx = plan.ctx;
  const c = ctx.compiled;
  const V = ctx.V;
  const pending = random.shuffle(appointments.slice());
  const m = pending.length;
  const cost = new Float64Array(m * V);
  const task = new Int32Array(m * V);
  const position = new Int32Array(m * V);
  // Vehicles each visit may go to (all, or the granular candidates at the start of this recreate).
  const allowed = new Uint8Array(m * V).fill(plan.granularInsertion ? 0 : 1);
  // Granular: each visit's candidates in vehicle order, so the regret scan below visits those few instead of all V
  // (an O(m²·V) recreate at 200 vehicles); same order as the full scan, so the same choices.
  const candidateStart = new Int32Array(m + 1);
  let candidateList = new Int32Array(0);
  if (plan.granularInsertion) {
    const lists: number[][] = [];
    let total = 0;
    for (let i = 0; i < m; i++) {
      const list = [...plan.candidateVehicles(pending[i])].sort((x, y) => x - y);
      for (const v of list) allowed[i * V + v] = 1;
      lists.push(list);
      total += list.length;
    }
    candidateList = new Int32Array(total);
    for (let i = 0; i < m; i++) {
      candidateList.set(lists[i], candidateStart[i]);
      candidateStart[i + 1] = candidateStart[i] + lists[i].length;
    }
  }
  const computeColumn = (v: number) => {
    const route = plan.routes[v];
    const n = route.tasks.length;
    for (let i = 0; i < m; i++) {
      const a = pending[i];
      let best = Infinity;
      if (a >= 0 && allowed[i * V + v] === 1 && plan.canTake(v, a)) {
        for (let t = c.appointmentFirstTask[a]; t < c.appointmentFirstTask[a + 1]; t++) {
          const due = ctx.taskDue[t];
          for (let p = 0; p <= n; p++) {
            if (plan.startsTooLate(route, p, due)) break;
            const delta = plan.insertionDelta(v, t, p, best);
            if (delta < best) {
              best = delta;
              task[i * V + v] = t;
              position[i * V + v] = p + 1;
            }
          }
        }
      }
      cost[i * V + v] = best;
    }
  };
  for (let v = 0; v < V; v++) computeColumn(v);
  const scanned = new Int32Array(V);
  const classSeen = new Int32Array(V).fill(-1);
  const scannedEmpty = new Int32Array(V).fill(-1);
  for (let step = 0; step < m; step++) {
    let chosen = -1;
    let chosenVehicle = -1;
    let chosenPriority = -Infinity;
    let chosenRegret = -Infinity;
    // Interchangeable empty vehicles count once: otherwise a visit best served by opening a route sees a second
    // identical empty vehicle as its runner-up, gets regret 0 and is inserted last, after every visit that can join
    // an existing route — which is how constructions ended with too few, long routes on wide-window instances.
    let scanCount = 0;
    for (let v = 0; v < V; v++) {
      if (plan.routes[v].tasks.length === 0) {
        const cls = ctx.vehicleClass[v];
        if (classSeen[cls] === step) continue;
        classSeen[cls] = step;
        scannedEmpty[v] = step;
      }
      scanned[scanCount++] = v;
    }
    for (let i = 0; i < m; i++) {
      const a = pending[i];
      if (a < 0) continue;
      let best = Infinity;
      let second = Infinity;
      let bestVehicle = -1;
      const granular = plan.granularInsertion;
      const count = granular ? candidateStart[i + 1] - candidateStart[i] : scanCount;
      for (let k = 0; k < count; k++) {
        const v = granular ? candidateList[candidateStart[i] + k] : scanned[k];
        // An empty vehicle stands for its class only where the full scan would have kept it.
        if (granular && plan.routes[v].tasks.length === 0 && scannedEmpty[v] !== step) continue;
        const x = cost[i * V + v];
        if (x < best) {
          second = best;
          best = x;
          bestVehicle = v;
        } else if (x < second) second = x;
      }
      if (bestVehicle < 0) continue;
      // Visits with a single option come first; priority dominates the regret.
      const regret = second === Infinity ? 1e15 : second - best;
      const priority = c.appointmentPriority[a];
      if (priority > chosenPriority || (priority === chosenPriority && regret > chosenRegret)) {
        chosenPriority = priority;
        chosenRegret = regret;
        chosen = i;
        chosenVehicle = bestVehicle;
      }
    }
    if (chosen < 0) break;
    plan.insert(
      chosenVehicle,
      position[chosen * V + chosenVehicle],
      task[chosen * V + chosenVehicle],
    );
    pending[chosen] = -1;
    computeColumn(chosenVehicle);
  }
};
