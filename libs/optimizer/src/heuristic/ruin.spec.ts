import { join } from 'node:path';

import fc from 'fast-check';

import { readSolomonFile, solomonToProblem } from '../benchmarks/solomon';
import { problemArbitrary } from '../testing/random-problem';

import { ElitePool } from './elite-pool';
import { constructedPlan, violationsOf } from './local-search/plan-fixture';
import { greedyInsertionWithBlinks } from './recreate';
import { routeRemoval, transplantRemoval } from './ruin';
import { SeededRandom } from './seeded-random';

import type { Problem } from '../model';
import type { PlanFixture } from './local-search/plan-fixture';

// Least number of cases that must reach each assertion (seeded runs reach far more; room for other FAST_CHECK_SEEDs).
const MIN_EMPTIED_ROUTES = 20;
const MIN_TRANSPLANTED_ROUTES = 20;

function solomonExcerpt(name: string, customers: number, vehicles: number) {
  const full = readSolomonFile(join(__dirname, '../../bench/data/solomon', `${name}.txt`));
  return solomonToProblem({
    ...full,
    vehicleCount: vehicles,
    customers: full.customers.slice(0, customers),
  });
}

const usedRoutes = (fixture: PlanFixture) =>
  fixture.plan.routes.filter((r) => r.tasks.length > 0).length;

/** Another feasible plan of the problem: constructed, then reshuffled by a few route-closing steps. */
function differentPlan(problem: Problem, seed: number): number[][] {
  const { plan } = constructedPlan(problem, seed);
  const random = new SeededRandom(seed);
  for (let i = 0; i < 3; i++)
    greedyInsertionWithBlinks(plan, random, routeRemoval(plan, random, 3));
  return plan.snapshot();
}

/** Whether `after` is `before` with some elements left out, order kept. */
function isSubsequence(after: readonly number[], before: readonly number[]): boolean {
  let i = 0;
  for (const t of before) if (i < after.length && after[i] === t) i++;
  return i === after.length;
}

describe(routeRemoval.name, () => {
  it('should empty one route but for its pinned visits, return exactly the visits it unserved, and leave a plan the recreate keeps checker-valid', () => {
    let emptied = 0;
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
        fc.nat(10_000),
        (problem, seed) => {
          const fixture = constructedPlan(problem, seed);
          const { plan, compiled } = fixture;
          const before = plan.snapshot();
          const servedBefore = Array.from(plan.vehicleOf);
          const random = new SeededRandom(seed);

          const removed = routeRemoval(plan, random, 3);

          for (const a of removed) {
            expect(servedBefore[a]).toBeGreaterThanOrEqual(0);
            expect(plan.vehicleOf[a]).toBe(-1);
            expect(compiled.appointmentPinnedProvider[a]).toBe(-1);
          }
          for (let a = 0; a < compiled.appointmentCount; a++)
            if (servedBefore[a] >= 0 && !removed.includes(a))
              expect(plan.vehicleOf[a]).toBe(servedBefore[a]);
          const unpinnedLeft = (v: number) =>
            plan.routes[v].tasks.filter(
              (t) => compiled.appointmentPinnedProvider[compiled.taskAppointment[t]] < 0,
            ).length;
          const emptiedVehicle = before.findIndex(
            (tasks, v) =>
              tasks.some(
                (t) => compiled.appointmentPinnedProvider[compiled.taskAppointment[t]] < 0,
              ) && unpinnedLeft(v) === 0,
          );
          if (removed.length > 0 && emptiedVehicle >= 0) emptied++;

          greedyInsertionWithBlinks(plan, random, removed);
          expect(violationsOf(fixture, plan.snapshot())).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    expect(emptied).toBeGreaterThanOrEqual(MIN_EMPTIED_ROUTES);
  });

  it('should close a surplus route when its visits fit elsewhere (R201, 25 visits on 25 one-visit routes)', () => {
    const problem = solomonExcerpt('R201', 25, 25);
    for (const seed of [1, 2, 3]) {
      const fixture = constructedPlan(problem, seed);
      const { plan } = fixture;
      // One visit per route: the plan a search without a route-closing move could never leave.
      const appointments = plan.ctx.servableAppointments.slice();
      for (const a of appointments) plan.remove(a);
      appointments.forEach((a, v) => plan.insert(v, 1, plan.ctx.compiled.appointmentFirstTask[a]));
      expect(usedRoutes(fixture)).toBe(25);
      const random = new SeededRandom(seed);

      const removed = routeRemoval(plan, random, 1);
      greedyInsertionWithBlinks(plan, random, removed);

      expect(usedRoutes(fixture)).toBeLessThan(25);
      expect(plan.vehicleOf.every((v) => v >= 0)).toBe(true);
      expect(violationsOf(fixture, plan.snapshot())).toEqual([]);
    }
  });
});

describe(transplantRemoval.name, () => {
  it('should copy whole routes of the elite plan onto the same vehicles, only take visits out of the others, and leave a plan the recreate keeps checker-valid', () => {
    let transplanted = 0;
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
        fc.nat(10_000),
        (problem, seed) => {
          const fixture = constructedPlan(problem, seed);
          const { plan, compiled } = fixture;
          const eliteRoutes = differentPlan(problem, seed + 1);
          const pool = new ElitePool(2, 1e-9);
          pool.offer(1, eliteRoutes);
          const before = plan.snapshot();
          const random = new SeededRandom(seed);

          const removed = transplantRemoval(pool)(plan, random, 3);

          const after = plan.snapshot();
          after.forEach((tasks, v) => {
            const copied = tasks.length > 0 && tasks.join() === eliteRoutes[v].join();
            if (copied && tasks.join() !== before[v].join()) transplanted++;
            if (!copied) expect(isSubsequence(tasks, before[v])).toBe(true);
          });
          for (const a of removed) expect(plan.vehicleOf[a]).toBe(-1);
          for (let a = 0; a < compiled.appointmentCount; a++)
            if (compiled.appointmentPinnedProvider[a] >= 0 && plan.vehicleOf[a] >= 0)
              expect(compiled.vehicleProvider[plan.vehicleOf[a]]).toBe(
                compiled.appointmentPinnedProvider[a],
              );
          expect(violationsOf(fixture, after)).toEqual([]);

          greedyInsertionWithBlinks(plan, random, removed);
          expect(violationsOf(fixture, plan.snapshot())).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    expect(transplanted).toBeGreaterThanOrEqual(MIN_TRANSPLANTED_ROUTES);
  });

  it('should fall back to string removal when the pool is empty', () => {
    const fixture = constructedPlan(solomonExcerpt('RC208', 30, 4), 1);
    const served = fixture.plan.vehicleOf.filter((v) => v >= 0).length;

    const removed = transplantRemoval(new ElitePool(4, 1e-9))(fixture.plan, new SeededRandom(1), 5);

    expect(removed.length).toBeGreaterThan(0);
    expect(fixture.plan.vehicleOf.filter((v) => v >= 0).length).toBe(served - removed.length);
  });
});
