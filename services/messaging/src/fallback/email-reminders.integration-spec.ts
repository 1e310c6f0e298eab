import { randomUUID } from 'node:crypto';

import { timestampFromDate } from '@caredispatch/contracts';
import {
  aScheduledAppointment,
  type AppointmentSpec,
  daytimeZone,
  TwilioFailures,
} from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { PLAYBOOK_SETTINGS, type ReminderSettings } from '../reminders/planning/cadence-settings';

const MINUTE = 60_000;
/** Steps are whole minutes before the visit: a visit this much later than that is due at once. */
const DUE_SOON_MS = 4_000;

/** Type `email-2m`: one email 2 minutes before; anything else: one text 2 minutes before. */
const settings: ReminderSettings = {
  ...PLAYBOOK_SETTINGS,
  typeMappings: [{ code: 'email-2m', cadence: 'email-2m' }],
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
    'email-2m': {
      steps: [
        {
          key: 'email-2m',
          channel: 'email',
          timing: { kind: 'before', minutes: 2 },
          template: 'reminder',
        },
      ],
    },
  },
};

interface MessageRow {
  id: string;
  purpose: string;
  channel: string;
  state: string;
  revision: number;
  step_key: string;
  to_e164: string | null;
  provider_message_id: string | null;
}

describe('email reminders and the SMS → email fallback (PostgreSQL + Kafka + Twilio and SMTP stand-ins)', () => {
  const harness = new MessagingHarness((tenantId) => ({
    REMINDER_SETTINGS: JSON.stringify({ [tenantId]: settings }),
  }));
  const zone = daytimeZone();
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let seq = 0;
  const uniquePhone = (): string => `+1502${runPrefix}${String((seq += 1)).padStart(4, '0')}`;
  const uniqueEmail = (): string => `ana.${runPrefix}.${(seq += 1)}@example.test`;

  beforeAll(async () => {
    await harness.start();
    const phone = uniquePhone();
    await harness.waitUntilConsuming(phone, () => appointment({ phoneE164: phone }));
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function appointment(spec: AppointmentSpec) {
    return aScheduledAppointment({
      timeZone: zone,
      givenName: 'Ana',
      start: new Date(Date.now() + 2 * MINUTE + DUE_SOON_MS),
      addressLines: ['12 Main St'],
      locationName: 'Main Street Clinic',
      ...spec,
    });
  }

  async function book(spec: AppointmentSpec & { appointmentId: string }): Promise<void> {
    await harness.waitConsumed(
      await harness.produce(
        harness.envelope(
          'AppointmentBookedV1',
          { appointment: appointment(spec) },
          spec.appointmentId,
        ),
      ),
    );
  }

  function rows(appointmentId: string): Promise<MessageRow[]> {
    return harness.query<MessageRow>(
      `SELECT id, purpose, channel, state, revision, step_key, to_e164, provider_message_id
         FROM message WHERE appointment_id = $1 ORDER BY revision, created_at, step_key`,
      [appointmentId],
    );
  }

  async function sentReminderText(appointmentId: string, revision: number): Promise<MessageRow> {
    let found: MessageRow | undefined;
    await waitFor('the reminder text sent', 30_000, async () => {
      found = (await rows(appointmentId)).find(
        (row) =>
          row.purpose === 'reminder' &&
          row.channel === 'sms' &&
          row.revision === revision &&
          row.state === 'sent',
      );
      return found !== undefined;
    });
    if (!found) throw new Error('unreachable');
    return found;
  }

  it('should send an email step over SMTP with HTML, plain text and List-Unsubscribe, its address encrypted at rest', async () => {
    const appointmentId = randomUUID();
    const email = uniqueEmail();

    await book({ appointmentId, email, phoneE164: uniquePhone(), appointmentTypeCode: 'email-2m' });

    const [received] = await harness.smtp.waitForMessages(1, 30_000, (mail) =>
      mail.to.includes(email),
    );
    expect(received.from).toBe('reminders@practice.test');
    expect(received.subject).toMatch(/^Reminder: your visit at Acme Family Practice on /);
    expect(received.text).toContain('Hi Ana,');
    expect(received.text).toContain('Main Street Clinic');
    expect(received.text).toContain('12 Main St');
    expect(received.html).toContain('<b>Acme Family Practice</b>');
    expect(received.headers['list-unsubscribe']).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/v1\/email\/unsubscribe\/[\w-]+\.[\w-]+>,\s+<mailto:reminders@practice\.test\?subject=unsubscribe%20[0-9a-f-]{36}>/,
    );
    expect(received.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    await waitFor('the email recorded as sent', 10_000, async () =>
      (await rows(appointmentId)).some((row) => row.channel === 'email' && row.state === 'sent'),
    );
    const emailRow = (await rows(appointmentId)).find((row) => row.channel === 'email');
    expect(emailRow?.to_e164).toMatch(/^phi1\./);
    expect(received.messageId).toBe(`<${emailRow?.id}@practice.test>`);
    expect(harness.smtp.messages().filter((mail) => mail.to.includes(email))).toHaveLength(1);
  });

  it('should withdraw the patient’s email consent on a one-click unsubscribe POST (RFC 8058), once, and ignore a forged link', async () => {
    const appointmentId = randomUUID();
    const patientId = randomUUID();
    const email = uniqueEmail();
    await book({
      appointmentId,
      patientId,
      email,
      phoneE164: uniquePhone(),
      appointmentTypeCode: 'email-2m',
    });
    const [received] = await harness.smtp.waitForMessages(1, 30_000, (mail) =>
      mail.to.includes(email),
    );
    const url = /^<([^>]+)>/.exec(received.headers['list-unsubscribe'] ?? '')?.[1] ?? '';
    const consent = () =>
      harness.query<{ state: string; source: string; evidence_id: string }>(
        `SELECT state, source, evidence_id FROM consent WHERE patient_id = $1 AND channel = 'email'`,
        [patientId],
      );
    const post = (target: string) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    const consentChanges = async (): Promise<number> => {
      const [row] = await harness.query<{ n: string }>(
        `SELECT count(*) AS n FROM outbox_message WHERE event_type = 'ConsentChangedV1' AND message_key = $1`,
        [patientId],
      );
      return Number(row.n);
    };
    const before = await consent();
    const changesBefore = await consentChanges();

    const page = await fetch(url);
    const forged = await post(`${url.slice(0, -3)}AAA`);
    const afterGetAndForgery = await consent();
    const first = await post(url);
    const second = await post(url);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(forged.status).toBe(404);
    expect(afterGetAndForgery).toEqual(before);
    expect([first.status, second.status]).toEqual([200, 200]);
    const emailRow = (await rows(appointmentId)).find((row) => row.channel === 'email');
    expect(await consent()).toEqual([
      { state: 'withdrawn', source: 'unsubscribe_link', evidence_id: emailRow?.id },
    ]);
    // One consent change event for the two POSTs (the audit trail's record of the opt-out).
    expect(await consentChanges()).toBe(changesBefore + 1);
  });

  it('should send the step by email when Twilio reports 30006, and send later texts to that number by email directly', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    const email = uniqueEmail();
    await book({ appointmentId, phoneE164: phone, email });
    const text = await sentReminderText(appointmentId, 1);

    await harness.twilio.sendStatusCallback(text.provider_message_id ?? '', 'undelivered', {
      errorCode: 30006,
    });

    const [fallback] = await harness.smtp.waitForMessages(1, 30_000, (mail) =>
      mail.to.includes(email),
    );
    expect(fallback.subject).toMatch(/^Reminder: your visit at Acme Family Practice/);
    const marked = await harness.query<{ error_code: string }>(
      `SELECT error_code FROM undeliverable_number WHERE tenant_id = $1`,
      [harness.tenantId],
    );
    expect(marked.map((row) => row.error_code)).toContain('30006');

    // A reschedule plans the step for the marked number by email: no text is planned at all.
    const textsBefore = harness.twilio.messages().filter((sms) => sms.to === phone).length;
    await harness.waitConsumed(
      await harness.produce(
        harness.envelope(
          'AppointmentRescheduledV1',
          {
            appointment: appointment({ appointmentId, phoneE164: phone, email, revision: 2 }),
            previousStart: timestampFromDate(new Date()),
            previousEnd: timestampFromDate(new Date()),
          },
          appointmentId,
        ),
      ),
    );
    await harness.smtp.waitForMessages(2, 30_000, (mail) => mail.to.includes(email));
    await waitFor('the revision-2 steps settled', 10_000, async () =>
      (await rows(appointmentId)).some(
        (row) => row.revision === 2 && row.channel === 'email' && row.state === 'sent',
      ),
    );
    expect(
      (await rows(appointmentId))
        .filter((row) => row.purpose === 'reminder')
        .map(({ channel, state, revision, step_key }) => ({ channel, state, revision, step_key })),
    ).toEqual([
      { channel: 'sms', state: 'undelivered', revision: 1, step_key: 'sms-2m' },
      { channel: 'email', state: 'sent', revision: 1, step_key: 'sms-2m~email-fallback' },
      { channel: 'email', state: 'sent', revision: 2, step_key: 'sms-2m~email-fallback' },
    ]);
    // Only the reschedule's confirmation went to the number: no reminder text.
    const textsAfter = harness.twilio.messages().filter((sms) => sms.to === phone);
    expect(textsAfter).toHaveLength(textsBefore + 1);
    expect(textsAfter.at(-1)?.body).toContain('moved');
  });

  it('should send the step by email when Twilio refuses the text with 30006 in its answer', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    const email = uniqueEmail();
    await book({ appointmentId, phoneE164: phone, email });
    await harness.twilio.waitForMessages(1, 10_000, (sms) => sms.to === phone);
    harness.twilio.failNext(1, TwilioFailures.landlineOrUnreachableCarrier);

    await harness.smtp.waitForMessages(1, 30_000, (mail) => mail.to.includes(email));

    await waitFor('the fallback recorded as sent', 10_000, async () =>
      (await rows(appointmentId)).some((row) => row.channel === 'email' && row.state === 'sent'),
    );
    expect(
      (await rows(appointmentId))
        .filter((row) => row.purpose === 'reminder')
        .map(({ channel, state }) => `${channel}:${state}`),
    ).toEqual(['sms:failed', 'email:sent']);
  });

  it('should not fall back for a patient without an email address', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await book({ appointmentId, phoneE164: phone });
    const text = await sentReminderText(appointmentId, 1);
    const emailsBefore = harness.smtp.messages().length;

    await harness.twilio.sendStatusCallback(text.provider_message_id ?? '', 'undelivered', {
      errorCode: 30003,
    });

    await waitFor('the text recorded as undelivered', 10_000, async () =>
      (await rows(appointmentId)).some((row) => row.state === 'undelivered'),
    );
    expect(
      (await rows(appointmentId))
        .filter((row) => row.purpose === 'reminder')
        .map((row) => row.channel),
    ).toEqual(['sms']);
    expect(harness.smtp.messages()).toHaveLength(emailsBefore);
  });
});
