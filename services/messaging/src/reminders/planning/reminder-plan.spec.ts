import fc from 'fast-check';
import { DateTime } from 'luxon';

import { type Cadence, type CadenceStep } from './cadence';
import { DEFAULT_QUIET_HOURS, isWithinAllowedHours } from './quiet-hours';
import {
  DEFAULT_REMINDER_LIMITS,
  type PlannedReminder,
  type PlanningInput,
  planReminders,
  ReminderSuppressionReason,
} from './reminder-plan';

const NEW_YORK = 'America/New_York';
const HOUR = 60;

function at(localIso: string, zone = NEW_YORK): Date {
  return DateTime.fromISO(localIso, { zone }).toJSDate();
}

function local(instant: Date, zone = NEW_YORK): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-LL-dd'T'HH:mm");
}

const emailBefore = (minutes: number, key = `email-${minutes}`): CadenceStep => ({
  key,
  channel: 'email',
  timing: { kind: 'before', minutes },
  template: 'reminder',
});
const smsBefore = (minutes: number, key = `sms-${minutes}`): CadenceStep => ({
  key,
  channel: 'sms',
  timing: { kind: 'before', minutes },
  template: 'reminder',
});
const smsAt = (daysBefore: number, time: string): CadenceStep => ({
  key: `sms-${daysBefore}d-${time}`,
  channel: 'sms',
  timing: { kind: 'local-time', daysBefore, time },
  template: 'reminder',
});

function input(
  start: Date,
  steps: CadenceStep[],
  overrides: Partial<PlanningInput> = {},
): PlanningInput {
  return {
    appointment: { start, timeZone: NEW_YORK },
    cadence: { steps },
    patient: {
      language: 'en',
      timeZone: null,
      sms: { address: '+15555550100', consented: true },
      email: { address: 'pat@example.test', consented: true },
    },
    otherSmsReminders: [],
    limits: DEFAULT_REMINDER_LIMITS,
    quietHours: DEFAULT_QUIET_HOURS,
    now: at('2030-06-01T09:00'),
    ...overrides,
  };
}

function sent(plan: PlannedReminder[]): Record<string, string> {
  return Object.fromEntries(
    plan.flatMap((send) => (send.outcome === 'send' ? [[send.stepKey, local(send.dueAt)]] : [])),
  );
}

function suppressed(plan: PlannedReminder[]): Record<string, ReminderSuppressionReason> {
  return Object.fromEntries(
    plan.flatMap((send) => (send.outcome === 'suppress' ? [[send.stepKey, send.reason]] : [])),
  );
}

describe(planReminders.name, () => {
  it('should plan the playbook email 72 h and text 24 h before a visit', () => {
    const sut = planReminders(
      input(at('2030-06-10T10:00'), [emailBefore(72 * HOUR), smsBefore(24 * HOUR)]),
    );

    expect(sent(sut)).toEqual({ 'email-4320': '2030-06-07T10:00', 'sms-1440': '2030-06-09T10:00' });
  });

  describe('given a number Twilio marked undeliverable (30003/30006)', () => {
    const marked = {
      language: 'en',
      timeZone: null,
      sms: { address: '+15555550100', consented: true, undeliverable: true },
      email: { address: 'pat@example.test', consented: true },
    } as const;

    it('should plan its text steps by email where the patient has an address', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [emailBefore(72 * HOUR), smsBefore(24 * HOUR)], {
          patient: marked,
        }),
      );

      expect(sut.map((send) => [send.stepKey, send.channel, send.outcome])).toEqual([
        ['email-4320', 'email', 'send'],
        ['sms-1440', 'email', 'send'],
      ]);
      expect(sut.find((send) => send.stepKey === 'sms-1440')?.replacesText).toBe(true);
      expect(sent(sut)).toEqual({
        'email-4320': '2030-06-07T10:00',
        'sms-1440': '2030-06-09T10:00',
      });
    });

    it('should suppress its text steps with the reason when there is no usable email', () => {
      const noEmail = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          patient: { ...marked, email: { address: null, consented: true } },
        }),
      );
      const noEmailConsent = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          patient: { ...marked, email: { address: 'pat@example.test', consented: false } },
        }),
      );

      expect(suppressed(noEmail)).toEqual({
        'sms-1440': ReminderSuppressionReason.NumberUndeliverable,
      });
      expect(suppressed(noEmailConsent)).toEqual({
        'sms-1440': ReminderSuppressionReason.NumberUndeliverable,
      });
    });

    it('should not count an emailed text step against the text caps', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          patient: marked,
          otherSmsReminders: [at('2030-06-09T12:00')],
        }),
      );

      expect(sent(sut)).toEqual({ 'sms-1440': '2030-06-09T10:00' });
    });
  });

  it('should skip a step already past at booking instead of sending it late', () => {
    const sut = planReminders(
      input(at('2030-06-02T05:00'), [emailBefore(72 * HOUR), smsBefore(2 * HOUR)], {
        now: at('2030-06-01T09:00'),
      }),
    );

    expect(suppressed(sut)).toEqual({ 'email-4320': ReminderSuppressionReason.PastDue });
    // 03:00 is in quiet hours; the nearest allowed time before the visit is 20:59 the evening before.
    expect(sent(sut)).toEqual({ 'sms-120': '2030-06-01T20:59' });
  });

  it('should move a text due before 08:00 to 08:00 when the visit is later that morning', () => {
    const sut = planReminders(input(at('2030-06-10T09:30'), [smsAt(0, '07:00')]));

    expect(sent(sut)).toEqual({ 'sms-0d-07:00': '2030-06-10T08:00' });
  });

  it('should drop a text when no allowed time remains between now and the visit', () => {
    const sut = planReminders(
      input(at('2030-06-10T07:45'), [smsAt(0, '07:00')], { now: at('2030-06-10T06:00') }),
    );

    expect(suppressed(sut)).toEqual({ 'sms-0d-07:00': ReminderSuppressionReason.QuietHours });
  });

  it('should apply quiet hours in the recipient zone when it differs from the location', () => {
    const sut = planReminders(
      input(at('2030-06-10T15:00'), [smsAt(0, '10:00')], {
        patient: { ...input(new Date(), []).patient, timeZone: 'America/Los_Angeles' },
      }),
    );

    // 10:00 in New York is 07:00 in Los Angeles → moved to 08:00 Pacific = 11:00 Eastern.
    expect(sent(sut)).toEqual({ 'sms-0d-10:00': '2030-06-10T11:00' });
  });

  it('should refuse a local-time step that falls after the visit starts', () => {
    const sut = planReminders(input(at('2030-06-10T09:00'), [smsAt(0, '10:00')]));

    expect(suppressed(sut)).toEqual({ 'sms-0d-10:00': ReminderSuppressionReason.NotBeforeVisit });
  });

  it('should add a slot-conditional step only for the slots it names (Monday mornings)', () => {
    const morning: CadenceStep = {
      ...smsAt(0, '07:30'),
      onlyWhen: { weekdays: [1], startsBefore: '12:00' },
    };
    const monday = planReminders(input(at('2030-06-10T09:30'), [morning]));
    const mondayAfternoon = planReminders(input(at('2030-06-10T14:00'), [morning]));
    const tuesday = planReminders(input(at('2030-06-11T09:30'), [morning]));

    expect(sent(monday)).toEqual({ 'sms-0d-07:30': '2030-06-10T08:00' });
    expect(mondayAfternoon).toEqual([]);
    expect(tuesday).toEqual([]);
  });

  describe('US daylight-saving transitions', () => {
    it('should keep 24 h as elapsed time and local times on the wall clock in spring (Mar 10 2030)', () => {
      const sut = planReminders(
        input(
          at('2030-03-10T09:00'),
          [smsBefore(24 * HOUR), emailBefore(26 * HOUR), smsAt(0, '07:30')],
          {
            now: at('2030-03-01T09:00'),
            limits: { smsPerDay: 2, smsPerWeek: 3 },
          },
        ),
      );

      expect(sent(sut)).toEqual({
        // 24 real hours before 09:00 EDT is 08:00 EST the day before: the clocks jumped in between.
        'sms-1440': '2030-03-09T08:00',
        // 26 h before is 06:00 EST, in quiet hours: moved to 08:00, the nearest allowed time.
        'email-1560': '2030-03-09T08:00',
        // 07:30 EDT is before 08:00: moved to 08:00 EDT on the day.
        'sms-0d-07:30': '2030-03-10T08:00',
      });
      const morning = sut.find((send) => send.stepKey === 'sms-0d-07:30');
      expect(morning?.outcome === 'send' && morning.dueAt.toISOString()).toBe(
        '2030-03-10T12:00:00.000Z',
      );
    });

    it('should keep 24 h as elapsed time and local times on the wall clock in autumn (Nov 3 2030)', () => {
      const sut = planReminders(
        input(
          at('2030-11-03T09:00'),
          [smsBefore(24 * HOUR), smsAt(1, '18:00'), smsAt(0, '07:30')],
          {
            now: at('2030-10-25T09:00'),
            limits: { smsPerDay: 2, smsPerWeek: 3 },
          },
        ),
      );

      expect(sent(sut)).toEqual({
        // 24 real hours before 09:00 EST is 10:00 EDT the day before (the night had 25 hours).
        'sms-1440': '2030-11-02T10:00',
        'sms-1d-18:00': '2030-11-02T18:00',
        'sms-0d-07:30': '2030-11-03T08:00',
      });
      const evening = sut.find((send) => send.stepKey === 'sms-1d-18:00');
      expect(evening?.outcome === 'send' && evening.dueAt.toISOString()).toBe(
        '2030-11-02T22:00:00.000Z',
      );
    });
  });

  describe('per-patient caps across appointments', () => {
    it('should allow one reminder text per local day by default', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          otherSmsReminders: [at('2030-06-09T18:00')],
        }),
      );

      expect(suppressed(sut)).toEqual({ 'sms-1440': ReminderSuppressionReason.DailyLimit });
    });

    it('should allow three reminder texts in any seven days by default', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          otherSmsReminders: [
            at('2030-06-04T10:00'),
            at('2030-06-06T10:00'),
            at('2030-06-08T10:00'),
          ],
        }),
      );

      expect(suppressed(sut)).toEqual({ 'sms-1440': ReminderSuppressionReason.WeeklyLimit });
    });

    it('should honour a tenant that allows two texts a day', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [smsBefore(24 * HOUR)], {
          otherSmsReminders: [at('2030-06-09T18:00')],
          limits: { smsPerDay: 2, smsPerWeek: 5 },
        }),
      );

      expect(sent(sut)).toEqual({ 'sms-1440': '2030-06-09T10:00' });
    });

    it('should never cap email', () => {
      const sut = planReminders(
        input(at('2030-06-10T10:00'), [emailBefore(24 * HOUR)], {
          otherSmsReminders: [at('2030-06-09T18:00')],
        }),
      );

      expect(sent(sut)).toEqual({ 'email-1440': '2030-06-09T10:00' });
    });
  });

  it('should suppress a channel without consent or without an address, naming which', () => {
    const base = input(new Date(), []);
    const sut = planReminders(
      input(at('2030-06-10T10:00'), [emailBefore(72 * HOUR), smsBefore(24 * HOUR)], {
        patient: {
          ...base.patient,
          sms: { address: '+15555550100', consented: false },
          email: { address: null, consented: true },
        },
      }),
    );

    expect(suppressed(sut)).toEqual({
      'email-4320': ReminderSuppressionReason.NoAddress,
      'sms-1440': ReminderSuppressionReason.NoConsent,
    });
  });

  describe('properties', () => {
    const zones = fc.constantFrom(
      NEW_YORK,
      'America/Chicago',
      'America/Denver',
      'America/Los_Angeles',
      'Pacific/Honolulu',
      'Europe/Madrid',
    );
    const step = fc.record<CadenceStep>({
      key: fc.uuid(),
      channel: fc.constantFrom('sms' as const, 'email' as const),
      timing: fc.oneof(
        fc.record({
          kind: fc.constant('before' as const),
          minutes: fc.integer({ min: 1, max: 10 * 24 * HOUR }),
        }),
        fc.record({
          kind: fc.constant('local-time' as const),
          daysBefore: fc.integer({ min: 0, max: 7 }),
          time: fc
            .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
            .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
        }),
      ),
      template: fc.constant('reminder'),
    });
    interface Scenario {
      start: Date;
      leadMinutes: number;
      zone: string;
      recipientZone: string | null;
      steps: CadenceStep[];
      perDay: number;
      perWeek: number;
    }
    const scenario: fc.Arbitrary<Scenario> = fc.record({
      start: fc.date({
        min: new Date('2030-01-01T00:00:00Z'),
        max: new Date('2031-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
      leadMinutes: fc.integer({ min: 0, max: 14 * 24 * HOUR }),
      zone: zones,
      recipientZone: fc.option(zones, { nil: null }),
      steps: fc.array(step, { maxLength: 6 }),
      perDay: fc.integer({ min: 1, max: 3 }),
      perWeek: fc.integer({ min: 1, max: 7 }),
    });

    function run(s: Scenario): {
      plan: PlannedReminder[];
      planning: PlanningInput;
    } {
      const now = new Date(s.start.getTime() - s.leadMinutes * 60_000);
      const cadence: Cadence = { steps: s.steps };
      const planning: PlanningInput = {
        ...input(s.start, []),
        appointment: { start: s.start, timeZone: s.zone },
        cadence,
        patient: { ...input(s.start, []).patient, timeZone: s.recipientZone },
        limits: { smsPerDay: s.perDay, smsPerWeek: s.perWeek },
        now,
      };
      return { plan: planReminders(planning), planning };
    }

    it('should send only between now and the visit, inside allowed hours of the recipient', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const { plan, planning } = run(s);
          const zone = s.recipientZone ?? s.zone;
          expect(plan).toHaveLength(s.steps.length);
          for (const send of plan) {
            if (send.outcome !== 'send') continue;
            expect(send.dueAt.getTime()).toBeGreaterThanOrEqual(planning.now.getTime());
            expect(send.dueAt.getTime()).toBeLessThan(s.start.getTime());
            expect(send.nominalDueAt.getTime()).toBeGreaterThanOrEqual(planning.now.getTime());
            expect(isWithinAllowedHours(send.dueAt, zone, DEFAULT_QUIET_HOURS)).toBe(true);
          }
        }),
      );
    });

    it('should keep texts within the daily and weekly caps of the recipient', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const { plan } = run(s);
          const zone = s.recipientZone ?? s.zone;
          const days = plan.flatMap((send) => {
            if (send.outcome !== 'send' || send.channel !== 'sms') return [];
            const day = DateTime.fromJSDate(send.dueAt, { zone });
            return [Math.round(Date.UTC(day.year, day.month - 1, day.day) / 86_400_000)];
          });
          for (const day of days) {
            expect(days.filter((other) => other === day).length).toBeLessThanOrEqual(s.perDay);
            expect(
              days.filter((other) => other >= day && other <= day + 6).length,
            ).toBeLessThanOrEqual(s.perWeek);
          }
        }),
      );
    });

    it('should be deterministic: the same input plans the same sends', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          expect(run(s).plan).toEqual(run(s).plan);
        }),
      );
    });
  });
});
