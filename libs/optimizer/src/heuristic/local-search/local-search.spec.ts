import fc from 'fast-check';

import { generateClinicWeek } from '../../scenarios';
import { problemArbitrary } from '../../testing/random-problem';
import { SeededRandom } from '../seeded-random';

import { LocalSearch } from './local-search';
import { constructedPlan, servedSet, violationsOf } from './plan-fixture';

const allVehicles = (count: number) => Array.from({ length: count }, (_, v) => v);

describe(LocalSearch.name, () => {
  it.each([
    ['without SWAP*', { neighborCount: 6, maxSegmentLength: 3 }],
    ['with SWAP*', { neighborCount: 6, maxSegmentLength: 3, swapStar: true, swapStarNeighbors: 6 }],
  ] as const)(
    'should keep every plan feasible, keep the served visits and never raise the cost (%s)',
    (_, options) => {
      fc.assert(
        fc.property(
          problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
          fc.nat(10_000),
          (problem, seed) => {
            const fixture = constructedPlan(problem, seed);
            const before = fixture.plan.cost;
            const served = servedSet(fixture.plan);
            const sut = new LocalSearch(fixture.plan, options);
            sut.improve(allVehicles(fixture.compiled.vehicleCount), new SeededRandom(seed));
            expect(fixture.plan.cost).toBeLessThanOrEqual(before + 1e-9);
            expect(servedSet(fixture.plan)).toEqual(served);
            expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it('should keep pinned visits with their pinned provider', () => {
    let servedPinned = 0;
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
        fc.nat(10_000),
        (problem, seed) => {
          const fixture = constructedPlan(problem, seed);
          const sut = new LocalSearch(fixture.plan);
          sut.improve(allVehicles(fixture.compiled.vehicleCount), new SeededRandom(seed));
          const c = fixture.compiled;
          for (let a = 0; a < c.appointmentCount; a++) {
            const v = fixture.plan.vehicleOf[a];
            if (v >= 0 && c.appointmentPinnedProvider[a] >= 0) {
              expect(c.vehicleProvider[v]).toBe(c.appointmentPinnedProvider[a]);
              servedPinned++;
            }
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(servedPinned).toBeGreaterThanOrEqual(5);
  });

  it('should return the same plan for the same seed', () => {
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
        fc.nat(10_000),
        (problem, seed) => {
          const runs = [0, 1].map(() => {
            const fixture = constructedPlan(problem, seed);
            new LocalSearch(fixture.plan).improve(
              allVehicles(fixture.compiled.vehicleCount),
              new SeededRandom(seed),
            );
            return fixture.plan.snapshot();
          });
          expect(runs[1]).toEqual(runs[0]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each([
    ['without SWAP*', {}],
    ['with SWAP*', { swapStar: true }],
  ] as const)('should respect clinic blocks and hours on a clinic week (%s)', (_, options) => {
    const fixture = constructedPlan(generateClinicWeek({ seed: 3 }), 3);
    const before = fixture.plan.cost;
    const sut = new LocalSearch(fixture.plan, options);
    sut.improve(allVehicles(fixture.compiled.vehicleCount), new SeededRandom(3));
    expect(fixture.plan.cost).toBeLessThanOrEqual(before);
    expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
  });

  it('should stop after the move cap', () => {
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 14, maxProviders: 4 }),
        fc.nat(10_000),
        (problem, seed) => {
          const fixture = constructedPlan(problem, seed);
          const sut = new LocalSearch(fixture.plan, { maxMoves: 1 });
          const moves = sut.improve(
            allVehicles(fixture.compiled.vehicleCount),
            new SeededRandom(seed),
          );
          expect(moves).toBeLessThanOrEqual(1);
          expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
