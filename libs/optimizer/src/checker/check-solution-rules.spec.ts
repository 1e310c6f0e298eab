import { handBuiltPlan } from '../testing/hand-built-plan';

import { checkSolution } from './check-solution';

import type { Appointment, Problem, Provider, Solution } from '../model';
import type { RouteSketch } from '../testing/hand-built-plan';
import type { ViolationCode } from './violation';

/**
 * The checker is the oracle every optimizer test trusts, so each of its rules has a plan that breaks exactly that
 * rule and nothing else: the checker must name that code, and only that code. The table is keyed by
 * `ViolationCode`, so a new code does not compile until it has its case.
 */
const H = 3600;

// Five places on a line, 5 minutes and 1 km apart (distinct figures so a seconds/meters mix-up shows).
const LINE = [0, 1, 2, 3, 4];
const base: Problem = {
  locations: LINE.map((i) => ({ id: `place-${i}` })),
  travel: {
    kind: 'matrix',
    seconds: LINE.map((i) => LINE.map((j) => 300 * Math.abs(i - j))),
    meters: LINE.map((i) => LINE.map((j) => 1000 * Math.abs(i - j))),
  },
  providers: [
    {
      id: 'rn',
      credentials: ['RN'],
      startLocation: 0,
      endLocation: 0,
      availability: [{ start: 8 * H, end: 16 * H }],
    },
    {
      id: 'md',
      credentials: ['RN', 'MD'],
      startLocation: 0,
      endLocation: 0,
      availability: [{ start: 8 * H, end: 16 * H }],
    },
  ],
  clinics: [
    {
      id: 'clinic-x',
      location: 3,
      openingHours: [
        { start: 8 * H, end: 12 * H },
        { start: 13 * H, end: 17 * H },
      ],
    },
    { id: 'clinic-y', location: 4, openingHours: [{ start: 8 * H, end: 17 * H }] },
  ],
  clinicBlocks: [
    { start: 8 * H, end: 12 * H },
    { start: 12 * H, end: 17 * H },
  ],
  appointments: [
    {
      id: 'home-1',
      location: 1,
      durationSeconds: 1800,
      requiredCredentials: ['RN'],
      timeWindows: [{ start: 9 * H, end: 10 * H }],
    },
    { id: 'home-2', location: 2, durationSeconds: 2700, requiredCredentials: ['RN'] },
    {
      id: 'at-x',
      location: 3,
      durationSeconds: 1800,
      requiredCredentials: ['RN'],
      clinicId: 'clinic-x',
    },
    {
      id: 'at-y',
      location: 4,
      durationSeconds: 1800,
      requiredCredentials: ['RN'],
      clinicId: 'clinic-y',
    },
  ],
};

/** Every appointment served, every rule kept: the rn does the home visits, the md one clinic per block. */
const homeRound: RouteSketch = { providerId: 'rn', visits: ['home-1', 'home-2'] };
const clinicRound: RouteSketch = {
  providerId: 'md',
  visits: ['at-x', { id: 'at-y', start: 13 * H }],
};
const validPlan = handBuiltPlan(base, [homeRound, clinicRound]);

function withProvider(id: string, change: Partial<Provider>): Problem {
  return { ...base, providers: base.providers.map((p) => (p.id === id ? { ...p, ...change } : p)) };
}

function withAppointment(id: string, change: Partial<Appointment>): Problem {
  return {
    ...base,
    appointments: base.appointments.map((a) => (a.id === id ? { ...a, ...change } : a)),
  };
}

function emptyShift(providerId: string, shiftIndex: number) {
  return {
    ...handBuiltPlan(base, [{ providerId: 'rn', visits: [] }]).itineraries[0],
    providerId,
    shiftIndex,
  };
}

function editStop(
  plan: Solution,
  appointmentId: string,
  change: (stop: Solution['itineraries'][number]['stops'][number]) => object,
): Solution {
  return {
    ...plan,
    itineraries: plan.itineraries.map((i) => ({
      ...i,
      stops: i.stops.map((s) => (s.appointmentId === appointmentId ? { ...s, ...change(s) } : s)),
    })),
  };
}

interface BrokenPlan {
  readonly problem: Problem;
  readonly plan: Solution;
}

const brokenRules: Record<ViolationCode, { readonly rule: string } & BrokenPlan> = {
  UNKNOWN_PROVIDER: {
    rule: 'an itinerary belongs to a provider the problem does not know',
    problem: base,
    plan: { ...validPlan, itineraries: [...validPlan.itineraries, emptyShift('ghost', 0)] },
  },
  UNKNOWN_SHIFT: {
    rule: 'an itinerary names a shift the provider does not have',
    problem: base,
    plan: { ...validPlan, itineraries: [...validPlan.itineraries, emptyShift('md', 3)] },
  },
  DUPLICATE_SHIFT: {
    rule: 'one shift is listed twice',
    problem: base,
    plan: { ...validPlan, itineraries: [...validPlan.itineraries, emptyShift('rn', 0)] },
  },
  UNKNOWN_APPOINTMENT: {
    rule: 'an unserved entry names an appointment the problem does not know',
    problem: base,
    plan: { ...validPlan, unserved: [{ appointmentId: 'ghost', reason: 'NO_ROOM_IN_PLAN' }] },
  },
  SERVED_TWICE: {
    rule: 'two providers visit the same appointment',
    problem: base,
    plan: handBuiltPlan(base, [
      homeRound,
      { ...clinicRound, visits: [...clinicRound.visits, 'home-2'] },
    ]),
  },
  WRONG_LOCATION: {
    rule: 'a stop is not at its appointment’s location',
    problem: base,
    plan: editStop(validPlan, 'home-2', () => ({ location: 3 })),
  },
  MISSING_CREDENTIAL: {
    rule: 'a provider without the required credential makes the visit',
    problem: withAppointment('home-2', { requiredCredentials: ['MD'] }),
    plan: handBuiltPlan(withAppointment('home-2', { requiredCredentials: ['MD'] }), [
      homeRound,
      clinicRound,
    ]),
  },
  PROVIDER_NOT_ALLOWED: {
    rule: 'an excluded provider makes the visit',
    problem: withAppointment('home-2', { excludedProviders: ['rn'] }),
    plan: validPlan,
  },
  PIN_VIOLATED: {
    rule: 'a visit pinned to one provider is made by another',
    problem: withAppointment('home-2', { pinnedProvider: 'md' }),
    plan: validPlan,
  },
  BEFORE_AVAILABILITY: {
    rule: 'a provider leaves before the shift starts',
    problem: base,
    plan: handBuiltPlan(base, [{ ...homeRound, departure: 7 * H }, clinicRound]),
  },
  AFTER_AVAILABILITY: {
    rule: 'a provider returns after the shift ends',
    problem: base,
    plan: handBuiltPlan(base, [
      { ...homeRound, visits: ['home-1', { id: 'home-2', start: 15.5 * H }] },
      clinicRound,
    ]),
  },
  INCONSISTENT_TIMES: {
    rule: 'a stop claims an arrival that travel from the previous stop does not give',
    problem: base,
    plan: editStop(validPlan, 'home-2', (s) => ({ arrival: s.arrival + 60, wait: s.wait - 60 })),
  },
  TIME_WINDOW: {
    rule: 'a home visit starts after its time window',
    problem: base,
    plan: handBuiltPlan(base, [
      { ...homeRound, visits: [{ id: 'home-1', start: 10.5 * H }, 'home-2'] },
      clinicRound,
    ]),
  },
  CLINIC_HOURS: {
    rule: 'a clinic visit starts while its clinic is closed (12:15, clinic-x closes 12–13)',
    problem: base,
    plan: handBuiltPlan(base, [
      homeRound,
      { providerId: 'md', visits: ['at-y', { id: 'at-x', start: 12.25 * H }] },
    ]),
  },
  CLINIC_BLOCK: {
    rule: 'one provider works at two clinics in one block',
    problem: base,
    plan: handBuiltPlan(base, [homeRound, { providerId: 'md', visits: ['at-x', 'at-y'] }]),
  },
  CAPACITY: {
    rule: 'a shift carries more load than its capacity',
    problem: {
      ...withProvider('rn', { capacity: 1 }),
      appointments: base.appointments.map((a) => (a.id.startsWith('home') ? { ...a, load: 1 } : a)),
    },
    plan: validPlan,
  },
  MAX_VISITS: {
    rule: 'a shift makes more visits than its maximum',
    problem: withProvider('rn', { maxVisits: 1 }),
    plan: validPlan,
  },
  MAX_WORKING_TIME: {
    rule: 'a shift works longer than its maximum working time (2.5 h of 2 h)',
    problem: withProvider('rn', { maxWorkingSeconds: 2 * H }),
    plan: validPlan,
  },
  NOT_ACCOUNTED: {
    rule: 'an appointment is neither visited nor listed unserved',
    problem: base,
    plan: {
      ...handBuiltPlan(base, [{ ...homeRound, visits: ['home-1'] }, clinicRound]),
      unserved: [],
    },
  },
  SERVED_AND_UNSERVED: {
    rule: 'a visited appointment is also listed unserved',
    problem: base,
    plan: { ...validPlan, unserved: [{ appointmentId: 'home-2', reason: 'NO_ROOM_IN_PLAN' }] },
  },
  WRONG_REASON: {
    rule: 'an unserved appointment carries a reason the problem does not imply',
    problem: base,
    plan: {
      ...handBuiltPlan(base, [{ ...homeRound, visits: ['home-1'] }, clinicRound]),
      unserved: [{ appointmentId: 'home-2', reason: 'NO_CREDENTIALED_PROVIDER' }],
    },
  },
  OBJECTIVE_MISMATCH: {
    rule: 'the plan under-reports its travel time',
    problem: base,
    plan: {
      ...validPlan,
      objective: { ...validPlan.objective, travelSeconds: validPlan.objective.travelSeconds - 1 },
    },
  },
};

describe(checkSolution.name, () => {
  it('should accept the hand-built plan every case below breaks in one place', () => {
    const sut = checkSolution(base, validPlan);

    expect(sut).toEqual([]);
    expect(validPlan.unserved).toEqual([]);
  });

  it.each(Object.entries(brokenRules).map(([code, c]) => ({ code, ...c })))(
    'should report only $code when $rule',
    ({ code, problem, plan }) => {
      const sut = checkSolution(problem, plan);

      expect(sut.map((v) => v.code)).toEqual([code]);
    },
  );
});
