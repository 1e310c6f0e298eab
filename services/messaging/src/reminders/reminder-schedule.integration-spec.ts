import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { timestampFromDate } from '@caredispatch/contracts';
import { aScheduledAppointment, type AppointmentSpec, daytimeZone } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';

import { PLAYBOOK_SETTINGS, type ReminderSettings } from './planning/cadence-settings';

const MINUTE = 60_000;
/** One text 2 minutes before the visit: short enough to run in real time. */
const shortCadence: ReminderSettings = {
  ...PLAYBOOK_SETTINGS,
  typeMappings: [],
  cadences: {
    default: {
      steps: [
        {
          key: 'sms-2m',
          channel: 'sms',
          timing: { kind: 'before', minutes: 2 },
          template: 'reminder',
        },
      ],
    },
  },
};

describe('reminder schedule (PostgreSQL + Kafka + Twilio stand-in, real time)', () => {
  const harness = new MessagingHarness((tenantId) => ({
    REMINDER_SETTINGS: JSON.stringify({ [tenantId]: shortCadence }),
  }));
  const zone = daytimeZone();
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;
  const uniquePhone = (): string => `+1501${runPrefix}${String((phoneSeq += 1)).padStart(4, '0')}`;

  beforeAll(async () => {
    await harness.start();
    // A fresh group that skips history starts at the log end once it has its partitions.
    const phone = uniquePhone();
    await harness.waitUntilConsuming(phone, () => appointment({ phoneE164: phone }));
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function appointment(spec: AppointmentSpec) {
    return aScheduledAppointment({ timeZone: zone, givenName: 'Ana', ...spec });
  }

  async function rows(
    appointmentId: string,
  ): Promise<{ purpose: string; state: string; revision: number; next_attempt_at: Date }[]> {
    return harness.query(
      `SELECT purpose, state, revision, next_attempt_at FROM message WHERE appointment_id = $1 ORDER BY revision, purpose`,
      [appointmentId],
    );
  }

  it(
    'should text a reminder at its due time, move it on reschedule and withdraw it on cancellation',
    async () => {
      const movedId = randomUUID();
      const movedPhone = uniquePhone();
      const cancelledId = randomUUID();
      const cancelledPhone = uniquePhone();
      const bookedAt = Date.now();
      const firstStart = new Date(bookedAt + 3 * MINUTE);
      const movedStart = new Date(bookedAt + 3.5 * MINUTE);

      await harness.produce(
        harness.envelope(
          'AppointmentBookedV1',
          {
            appointment: appointment({
              appointmentId: movedId,
              phoneE164: movedPhone,
              start: firstStart,
            }),
          },
          movedId,
        ),
      );
      const cancelledBooking = await harness.produce(
        harness.envelope(
          'AppointmentBookedV1',
          {
            appointment: appointment({
              appointmentId: cancelledId,
              phoneE164: cancelledPhone,
              start: new Date(bookedAt + 2.5 * MINUTE),
            }),
          },
          cancelledId,
        ),
      );
      await harness.waitConsumed(cancelledBooking);
      await harness.produce(
        harness.envelope(
          'AppointmentRescheduledV1',
          {
            appointment: appointment({
              appointmentId: movedId,
              phoneE164: movedPhone,
              revision: 2,
              start: movedStart,
            }),
            previousStart: timestampFromDate(firstStart),
            previousEnd: timestampFromDate(new Date(firstStart.getTime() + 30 * MINUTE)),
          },
          movedId,
        ),
      );
      const cancellation = await harness.produce(
        harness.envelope(
          'AppointmentCancelledV1',
          {
            appointment: appointment({
              appointmentId: cancelledId,
              phoneE164: cancelledPhone,
              revision: 2,
            }),
            reasonCode: 'patient',
          },
          cancelledId,
        ),
      );
      await harness.waitConsumed(cancellation);

      // The moved visit's reminder is due 2 minutes before its new start, and the cancelled one's
      // was due before that: once the first has gone out, the second would have too.
      const texts = await harness.twilio.waitForMessages(
        3,
        4 * MINUTE,
        (sms) => sms.to === movedPhone,
      );
      expect(texts[0].body).toContain('your visit is');
      expect(texts[1].body).toContain('your visit moved to');
      const reminder = texts[2];
      expect(reminder.dateCreated.getTime()).toBeGreaterThanOrEqual(
        movedStart.getTime() - 2 * MINUTE,
      );
      // The reminder carries its own one-tap link (not the confirmation's).
      const when = DateTime.fromJSDate(movedStart, { zone })
        .setLocale('en-US')
        .toFormat('ccc, LLL d h:mm a');
      expect(reminder.body).toMatch(
        new RegExp(
          `^Hi Ana, Acme Family Practice visit ${when}\\. Reply 1 confirm, 2 reschedule, 3 cancel\\. ` +
            `${harness.baseUrl.replace(/[.]/g, '\\.')}/a/([A-Za-z0-9_-]{22}) STOP=opt out$`,
        ),
      );
      const linkOf = (body: string) => /\/a\/([A-Za-z0-9_-]{22})/.exec(body)?.[1];
      expect(linkOf(reminder.body)).not.toBe(linkOf(texts[1].body));
      await waitFor('the reminder recorded as sent', 10_000, async () =>
        (await rows(movedId)).some((row) => row.purpose === 'reminder' && row.state === 'sent'),
      );
      expect(
        (await rows(movedId)).map(({ purpose, state, revision }) => ({ purpose, state, revision })),
      ).toEqual([
        { purpose: 'confirmation', state: 'sent', revision: 1 },
        { purpose: 'reminder', state: 'cancelled', revision: 1 },
        { purpose: 'confirmation', state: 'sent', revision: 2 },
        { purpose: 'reminder', state: 'sent', revision: 2 },
      ]);
      expect(harness.twilio.messages().filter((sms) => sms.to === cancelledPhone)).toHaveLength(1);
      expect((await rows(cancelledId)).map(({ purpose, state }) => `${purpose}:${state}`)).toEqual([
        'confirmation:sent',
        'reminder:cancelled',
      ]);
    },
    6 * 60_000,
  );
});
