import { compileProblem } from '../model';

import {
  generateClinicWeek,
  generateHomeVisitDay,
  generateTinyInstance,
  SeededRandom,
  STANDARD_SCENARIOS,
} from './index';

describe(generateClinicWeek.name, () => {
  it('should produce the same week for the same seed and a different one for another seed', () => {
    const sut = JSON.stringify(generateClinicWeek({ seed: 11 }));

    expect(JSON.stringify(generateClinicWeek({ seed: 11 }))).toBe(sut);
    expect(JSON.stringify(generateClinicWeek({ seed: 12 }))).not.toBe(sut);
  });

  it('should book about 220 fixed-time clinic appointments for 12 providers within opening hours', () => {
    const sut = generateClinicWeek({ seed: 1 });

    expect(sut.providers).toHaveLength(12);
    expect(sut.clinics).toHaveLength(3);
    expect(sut.appointments).toHaveLength(220);
    for (const appointment of sut.appointments) {
      const clinic = sut.clinics?.find((candidate) => candidate.id === appointment.clinicId);
      const start = appointment.fixedStart ?? Number.NaN;
      const open = clinic?.openingHours.some(
        (hours) => hours.start <= start && start + appointment.durationSeconds <= hours.end,
      );
      expect(open).toBe(true);
    }
    const credentials = new Set(sut.providers.flatMap((provider) => provider.credentials));
    expect([...credentials].sort()).toEqual(['LPN', 'MD', 'NP', 'RN', 'phlebotomy', 'wound-care']);
  });
});

describe(generateHomeVisitDay.name, () => {
  it('should be deterministic per seed and sized as asked', () => {
    const sut = generateHomeVisitDay({ appointments: 150, providers: 12, seed: 4 });

    expect(
      JSON.stringify(generateHomeVisitDay({ appointments: 150, providers: 12, seed: 4 })),
    ).toBe(JSON.stringify(sut));
    expect(sut.appointments).toHaveLength(150);
    expect(sut.providers).toHaveLength(12);
    expect(sut.locations).toHaveLength(162);
  });

  it('should give every visit type a credentialed provider once the staff has every role', () => {
    const sut = compileProblem(generateHomeVisitDay({ appointments: 200, providers: 15, seed: 2 }));

    expect(sut.appointmentInfeasibleReason).not.toContain('NO_CREDENTIALED_PROVIDER');
  });
});

describe(generateTinyInstance.name, () => {
  it('should refuse sizes beyond the exact model', () => {
    expect(() => generateTinyInstance({ seed: 1, appointments: 13, providers: 1 })).toThrow(
      RangeError,
    );
    expect(() => generateTinyInstance({ seed: 1, appointments: 5, providers: 4 })).toThrow(
      RangeError,
    );
  });
});

describe('STANDARD_SCENARIOS', () => {
  it('should list the clinic week and the five home-visit sizes of the issue', () => {
    expect(
      STANDARD_SCENARIOS.map((scenario) => [
        scenario.name,
        scenario.appointments,
        scenario.providers,
      ]),
    ).toEqual([
      ['clinic-week', 220, 12],
      ['home-100', 100, 10],
      ['home-500', 500, 40],
      ['home-1000', 1000, 60],
      ['home-2000', 2000, 100],
      ['home-5000', 5000, 200],
    ]);
  });
});

describe(SeededRandom.name, () => {
  it('should repeat its sequence for a seed and stay in [0, 1)', () => {
    const sut = new SeededRandom(99);
    const again = new SeededRandom(99);

    const draws = Array.from({ length: 1000 }, () => sut.next());

    expect(draws).toEqual(Array.from({ length: 1000 }, () => again.next()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
