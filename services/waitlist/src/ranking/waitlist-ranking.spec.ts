import fc from 'fast-check';
import { DateTime } from 'luxon';

import {
  type AppointmentTypeRule,
  type FreedSlot,
  rankCandidates,
  type TimeOfDayWindow,
  type Urgency,
  type WaitlistCandidate,
} from './waitlist-ranking';

const NOW = new Date('2026-12-01T15:00:00Z');
const ZONE = 'America/New_York';

const TYPE_RULES: ReadonlyMap<string, AppointmentTypeRule> = new Map([
  ['follow-up', { requiredCredentials: ['MD'], durationMinutes: 20 }],
  ['wound-check', { requiredCredentials: ['RN', 'wound-care'], durationMinutes: 30 }],
  ['new-patient', { requiredCredentials: ['MD'], durationMinutes: 60 }],
]);

/** Wednesday 2 December 2026, 10:00–10:30 in New York. */
function slotFactory(overrides: Partial<FreedSlot> = {}): FreedSlot {
  return {
    start: new Date('2026-12-02T15:00:00Z'),
    end: new Date('2026-12-02T15:30:00Z'),
    timeZone: ZONE,
    appointmentTypeCode: 'follow-up',
    providerId: 'prov-a',
    providerCredentials: ['MD', 'RN', 'wound-care'],
    locationId: 'loc-1',
    visitMode: 'clinic',
    ...overrides,
  };
}

function candidateFactory(overrides: Partial<WaitlistCandidate> = {}): WaitlistCandidate {
  return {
    entryId: 'entry-1',
    patientId: 'patient-1',
    appointmentTypeCode: 'follow-up',
    providerIds: [],
    locationIds: [],
    earliestDate: '2026-12-01',
    latestDate: '2026-12-31',
    weekdays: [],
    timesOfDay: [],
    urgency: 'routine',
    waitingSince: new Date('2026-11-20T12:00:00Z'),
    contactable: true,
    holdsOffer: false,
    declines: 0,
    ...overrides,
  };
}

describe(rankCandidates.name, () => {
  it('should leave out each entry for the first rule it fails and say which', () => {
    const sut = rankCandidates(
      slotFactory(),
      [
        candidateFactory({ entryId: 'ok' }),
        candidateFactory({ entryId: 'type', appointmentTypeCode: 'unknown-type' }),
        candidateFactory({ entryId: 'long', appointmentTypeCode: 'new-patient' }),
        candidateFactory({ entryId: 'prov', providerIds: ['prov-b'] }),
        candidateFactory({ entryId: 'loc', locationIds: ['loc-2'] }),
        candidateFactory({ entryId: 'late', earliestDate: '2026-12-03' }),
        candidateFactory({ entryId: 'day', weekdays: [1, 2, 4, 5] }),
        candidateFactory({ entryId: 'pm', timesOfDay: [{ from: '13:00', until: '17:00' }] }),
        candidateFactory({ entryId: 'stop', contactable: false }),
        candidateFactory({ entryId: 'held', holdsOffer: true }),
      ],
      TYPE_RULES,
      NOW,
    );

    expect(sut.ranked.map(({ entryId }) => entryId)).toEqual(['ok']);
    expect(Object.fromEntries(sut.ineligible)).toEqual({
      type: 'appointment-type-unknown',
      long: 'duration',
      prov: 'provider',
      loc: 'location',
      late: 'date-range',
      day: 'weekday',
      pm: 'time-of-day',
      stop: 'not-contactable',
      held: 'holds-offer',
    });
  });

  it('should refuse a visit type whose credentials the slot provider lacks', () => {
    const sut = rankCandidates(
      slotFactory({ providerCredentials: ['MD'] }),
      [candidateFactory({ appointmentTypeCode: 'wound-check' })],
      TYPE_RULES,
      NOW,
    );

    expect(sut.ranked).toEqual([]);
    expect(sut.ineligible.get('entry-1')).toBe('credentials');
  });

  it('should read times of day in the location zone, across the DST change', () => {
    // Sunday 8 March 2026, 09:00 in New York is 13:00Z (EDT); the day before, 09:00 was 14:00Z.
    const morning: TimeOfDayWindow[] = [{ from: '08:00', until: '12:00' }];
    const afterChange = slotFactory({
      start: new Date('2026-03-09T13:00:00Z'),
      end: new Date('2026-03-09T13:30:00Z'),
    });
    const beforeChange = slotFactory({
      start: new Date('2026-03-06T13:00:00Z'),
      end: new Date('2026-03-06T13:30:00Z'),
    });
    const entry = candidateFactory({
      earliestDate: '2026-03-01',
      latestDate: '2026-03-31',
      timesOfDay: morning,
    });

    expect(rankCandidates(afterChange, [entry], TYPE_RULES, NOW).ranked).toHaveLength(1);
    // 13:00Z on 6 March is 08:00 EST: inside; one hour earlier would not be.
    expect(rankCandidates(beforeChange, [entry], TYPE_RULES, NOW).ranked).toHaveLength(1);
    const tooEarly = slotFactory({
      start: new Date('2026-03-09T11:30:00Z'),
      end: new Date('2026-03-09T12:00:00Z'),
    });
    expect(rankCandidates(tooEarly, [entry], TYPE_RULES, NOW).ineligible.get('entry-1')).toBe(
      'time-of-day',
    );
  });

  it('should put urgency first, then waiting time, and explain the score', () => {
    const sut = rankCandidates(
      slotFactory(),
      [
        candidateFactory({ entryId: 'routine-long', waitingSince: new Date('2026-06-01') }),
        candidateFactory({
          entryId: 'urgent-new',
          urgency: 'urgent',
          waitingSince: new Date('2026-11-30'),
        }),
        candidateFactory({ entryId: 'routine-short', waitingSince: new Date('2026-11-25') }),
      ],
      TYPE_RULES,
      NOW,
    );

    expect(sut.ranked.map(({ entryId }) => entryId)).toEqual([
      'urgent-new',
      'routine-long',
      'routine-short',
    ]);
    expect(sut.ranked[1]?.explanation).toEqual({
      urgency: 'routine',
      daysWaited: 183,
      waitPoints: 90,
      fitPoints: 10,
      fitReasons: ['same-type'],
      distanceKm: null,
      distancePenalty: 0,
      declinePenalty: 0,
      score: 100,
    });
  });

  it('should rank a patient who declined before after one who did not', () => {
    const sut = rankCandidates(
      slotFactory(),
      [
        candidateFactory({ entryId: 'decliner', declines: 1 }),
        candidateFactory({ entryId: 'fresh' }),
      ],
      TYPE_RULES,
      NOW,
    );

    expect(sut.ranked.map(({ entryId }) => entryId)).toEqual(['fresh', 'decliner']);
  });

  it('should keep home visits within the travel limit and prefer the nearer patient', () => {
    const slot = slotFactory({
      visitMode: 'home',
      origin: { lat: 40.7128, lng: -74.006 },
      maxTravelKm: 30,
    });
    const sut = rankCandidates(
      slot,
      [
        candidateFactory({ entryId: 'far', home: { lat: 41.3083, lng: -72.9279 } }),
        candidateFactory({ entryId: 'near', home: { lat: 40.73, lng: -73.99 } }),
        candidateFactory({ entryId: 'mid', home: { lat: 40.85, lng: -73.9 } }),
        candidateFactory({ entryId: 'no-address' }),
      ],
      TYPE_RULES,
      NOW,
    );

    expect(sut.ranked.map(({ entryId }) => entryId)).toEqual(['near', 'mid']);
    expect(sut.ineligible.get('far')).toBe('too-far');
    expect(sut.ineligible.get('no-address')).toBe('no-home-address');
  });

  describe('over random waitlists', () => {
    const urgency = fc.constantFrom<Urgency>('routine', 'soon', 'urgent');
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const window = fc
      .tuple(hhmm, hhmm)
      .map(([a, b]) => (a <= b ? { from: a, until: b } : { from: b, until: a }));
    const day = fc
      .integer({ min: 0, max: 20 })
      .map((offset) =>
        DateTime.fromISO('2026-11-25', { zone: ZONE }).plus({ days: offset }).toISODate(),
      );
    const candidate = fc.record({
      entryId: fc.uuid(),
      patientId: fc.uuid(),
      appointmentTypeCode: fc.constantFrom('follow-up', 'wound-check', 'new-patient', 'x-ray'),
      providerIds: fc.subarray(['prov-a', 'prov-b', 'prov-c']),
      locationIds: fc.subarray(['loc-1', 'loc-2']),
      earliestDate: day,
      latestDate: day,
      weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7]),
      timesOfDay: fc.array(window, { maxLength: 2 }),
      urgency,
      waitingSince: fc.date({ min: new Date('2026-01-01'), max: NOW, noInvalidDate: true }),
      contactable: fc.boolean(),
      holdsOffer: fc.boolean(),
      declines: fc.integer({ min: 0, max: 3 }),
    }) as fc.Arbitrary<WaitlistCandidate>;
    const slot = fc
      .record({
        startOffsetMinutes: fc.integer({ min: 0, max: 14 * 24 * 4 }).map((n) => n * 15),
        minutes: fc.constantFrom(15, 20, 30, 60),
        appointmentTypeCode: fc.constantFrom('follow-up', 'wound-check', 'new-patient'),
        providerId: fc.constantFrom('prov-a', 'prov-b', 'prov-c'),
        providerCredentials: fc.subarray(['MD', 'RN', 'wound-care', 'NP']),
        locationId: fc.constantFrom('loc-1', 'loc-2'),
      })
      .map(({ startOffsetMinutes, minutes, ...rest }): FreedSlot => {
        const start = new Date(Date.parse('2026-11-26T05:00:00Z') + startOffsetMinutes * 60_000);
        return slotFactory({ ...rest, start, end: new Date(start.getTime() + minutes * 60_000) });
      });

    it('should never offer a slot to an ineligible entry (independent oracle)', () => {
      fc.assert(
        fc.property(slot, fc.array(candidate, { maxLength: 40 }), (freed, waitlist) => {
          const sut = rankCandidates(freed, waitlist, TYPE_RULES, NOW);
          const local = DateTime.fromJSDate(freed.start, { zone: freed.timeZone });
          const localEnd = local.plus({
            milliseconds: freed.end.getTime() - freed.start.getTime(),
          });
          for (const { entryId } of sut.ranked) {
            const entry = waitlist.find((c) => c.entryId === entryId);
            if (entry === undefined) throw new Error('ranked an entry that was not given');
            const rule = TYPE_RULES.get(entry.appointmentTypeCode);
            expect(rule).toBeDefined();
            for (const credential of rule?.requiredCredentials ?? []) {
              expect(freed.providerCredentials).toContain(credential);
            }
            expect(entry.contactable).toBe(true);
            expect(entry.holdsOffer).toBe(false);
            if (entry.providerIds.length > 0) expect(entry.providerIds).toContain(freed.providerId);
            if (entry.locationIds.length > 0) expect(entry.locationIds).toContain(freed.locationId);
            const date = local.toFormat('yyyy-MM-dd');
            expect(date >= entry.earliestDate && date <= entry.latestDate).toBe(true);
            if (entry.weekdays.length > 0) expect(entry.weekdays).toContain(local.weekday);
            if (entry.timesOfDay.length > 0) {
              const inside = entry.timesOfDay.some(
                (w) =>
                  local.toFormat('HH:mm') >= w.from &&
                  localEnd.hasSame(local, 'day') &&
                  localEnd.toFormat('HH:mm') <= w.until,
              );
              expect(inside).toBe(true);
            }
          }
          expect(sut.ranked.length + sut.ineligible.size).toBe(
            new Set(waitlist.map((c) => c.entryId)).size,
          );
        }),
        { numRuns: 300 },
      );
    });

    it('should rank the same whatever order the entries come in, urgent tiers first', () => {
      fc.assert(
        fc.property(
          slot,
          fc.uniqueArray(candidate, { maxLength: 40, selector: (c) => c.entryId }),
          fc.integer(),
          (freed, waitlist, seed) => {
            const shuffled = [...waitlist].sort(
              (a, b) => hash(a.entryId, seed) - hash(b.entryId, seed),
            );
            const sut = rankCandidates(freed, shuffled, TYPE_RULES, NOW).ranked;
            const reference = rankCandidates(freed, waitlist, TYPE_RULES, NOW).ranked;
            expect(sut).toEqual(reference);
            const tiers = sut.map(({ explanation }) => explanation.urgency);
            const order = { urgent: 0, soon: 1, routine: 2 };
            expect([...tiers].sort((a, b) => order[a] - order[b])).toEqual(tiers);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});

function hash(value: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < value.length; i += 1) h = Math.imul(h ^ value.charCodeAt(i), 16777619);
  return h;
}
