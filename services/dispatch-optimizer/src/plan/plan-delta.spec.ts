import { changedProviderDays, changedProviders } from './plan-delta';

import type { PlanStop, PlanVersion, ProviderDayPlan } from './plan.model';

function stop(appointmentId: string, start: string): PlanStop {
  return {
    appointmentId,
    patientDisplayName: 'Ana R.',
    address: { line: '1 Main St', coordinates: { lat: 40, lon: -75 } },
    visitType: 'wound-check',
    visitMode: 'home',
    clinicId: null,
    arrival: start,
    start,
    end: start,
    travelSecondsFromPrevious: 600,
    travelMetersFromPrevious: 5000,
    frozen: false,
  };
}

function day(providerId: string, date: string, stops: PlanStop[]): ProviderDayPlan {
  const address = { line: 'base', coordinates: { lat: 40, lon: -75 } };
  return {
    providerId,
    day: date,
    departure: `${date}T08:00:00.000Z`,
    returnArrival: `${date}T17:00:00.000Z`,
    startAddress: address,
    endAddress: address,
    stops,
    travelSecondsToEnd: 0,
    clinicSessions: [],
    totals: {
      visits: stops.length,
      driveSeconds: 0,
      driveMeters: 0,
      workingSeconds: 0,
      overtimeSeconds: 0,
    },
  };
}

function plan(version: number, providerDays: ProviderDayPlan[]): PlanVersion {
  return { version, providerDays } as unknown as PlanVersion;
}

describe(changedProviderDays.name, () => {
  const monday = '2026-12-07';
  const tuesday = '2026-12-08';
  const base = [
    day('p1', monday, [stop('a1', `${monday}T09:00:00.000Z`)]),
    day('p1', tuesday, [stop('a2', `${tuesday}T09:00:00.000Z`)]),
    day('p2', monday, [stop('a3', `${monday}T10:00:00.000Z`)]),
    day('p3', monday, []),
  ];

  it('should list every rostered provider-day, with visits or not, for a first version', () => {
    const sut = changedProviderDays(null, plan(1, base));

    expect(sut).toEqual([
      { providerId: 'p1', day: monday },
      { providerId: 'p1', day: tuesday },
      { providerId: 'p2', day: monday },
      { providerId: 'p3', day: monday },
    ]);
  });

  it('should list nothing when the itineraries are the same', () => {
    expect(changedProviderDays(plan(1, base), plan(2, structuredClone(base)))).toEqual([]);
  });

  it('should list the days a visit moved between, and only those', () => {
    const next = [
      day('p1', monday, [stop('a1', `${monday}T09:00:00.000Z`)]),
      day('p1', tuesday, []),
      day('p2', monday, [stop('a3', `${monday}T10:00:00.000Z`)]),
      day('p3', monday, [stop('a2', `${monday}T11:00:00.000Z`)]),
    ];

    const sut = changedProviderDays(plan(1, base), plan(2, next));

    expect(sut).toEqual([
      { providerId: 'p1', day: tuesday },
      { providerId: 'p3', day: monday },
    ]);
    expect(changedProviders(plan(1, base), plan(2, next))).toEqual(['p1', 'p3']);
  });

  it('should see a retimed visit as a change', () => {
    const next = base.map((d) =>
      d.providerId === 'p2' ? day('p2', monday, [stop('a3', `${monday}T10:30:00.000Z`)]) : d,
    );

    expect(changedProviders(plan(1, base), plan(2, next))).toEqual(['p2']);
  });

  it('should see the same clinic sessions as unchanged whatever order their keys were stored in', () => {
    const session = {
      clinicId: 'c1',
      clinicName: 'Clinic 1',
      block: 'AM',
      start: `${monday}T13:00:00.000Z`,
      end: `${monday}T17:00:00.000Z`,
      appointmentIds: ['a1'],
    };
    const readBack = {
      appointmentIds: ['a1'],
      end: session.end,
      start: session.start,
      block: 'AM',
      clinicName: 'Clinic 1',
      clinicId: 'c1',
    };
    const withSession = (s: typeof session) =>
      base.map((d) =>
        d.providerId === 'p1' && d.day === monday ? { ...d, clinicSessions: [s] } : d,
      );

    expect(
      changedProviderDays(plan(1, withSession(session)), plan(2, withSession(readBack))),
    ).toEqual([]);
    expect(
      changedProviderDays(
        plan(1, withSession(session)),
        plan(2, withSession({ ...session, appointmentIds: ['a1', 'a9'] })),
      ),
    ).toEqual([{ providerId: 'p1', day: monday }]);
  });
});
