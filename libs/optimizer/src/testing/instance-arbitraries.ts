import fc from 'fast-check';

import { generateClinicWeek, generateTinyInstance } from '../scenarios';

import type { Problem } from '../model';

/**
 * Seeded instances small enough for the exact solvers and brute force, shared
 * by the bound properties (bound ≤ exact optimum, bound ≤ every heuristic plan).
 */

export interface TinyDay {
  readonly seed: number;
  readonly appointments: number;
  readonly providers: number;
  readonly problem: Problem;
}

/** A tiny home-visit day (`generateTinyInstance`) of 3–7 visits and 1–2 providers unless narrowed. */
export function tinyDayArbitrary(
  sizes: {
    readonly appointments?: readonly [number, number];
    readonly providers?: readonly [number, number];
  } = {},
): fc.Arbitrary<TinyDay> {
  const [minAppointments, maxAppointments] = sizes.appointments ?? [3, 7];
  const [minProviders, maxProviders] = sizes.providers ?? [1, 2];
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 10_000 }),
      appointments: fc.integer({ min: minAppointments, max: maxAppointments }),
      providers: fc.integer({ min: minProviders, max: maxProviders }),
    })
    .map((inputs) => ({ ...inputs, problem: generateTinyInstance(inputs) }));
}

/** The clinic week of 4 providers the clinic bound properties use. */
export function smallClinicWeek(seed: number, appointments: number): Problem {
  return generateClinicWeek({ seed, appointments, providers: 4 });
}

/** A small clinic week of 8–24 appointments. */
export function smallClinicWeekArbitrary(): fc.Arbitrary<Omit<TinyDay, 'providers'>> {
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 10_000 }),
      appointments: fc.integer({ min: 8, max: 24 }),
    })
    .map((inputs) => ({ ...inputs, problem: smallClinicWeek(inputs.seed, inputs.appointments) }));
}
