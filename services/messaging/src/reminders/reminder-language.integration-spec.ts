import { randomUUID } from 'node:crypto';

import { aScheduledAppointment, type AppointmentSpec, daytimeZone } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { INBOUND_SMS_PATH } from '../inbound/inbound-sms.controller';

import { PLAYBOOK_SETTINGS, type ReminderSettings } from './planning/cadence-settings';

const MINUTE = 60_000;
/** Steps are whole minutes before the visit: a visit this much later than that is due at once. */
const DUE_SOON_MS = 4_000;

/** One email and one text, both 2 minutes before the visit. */
const emailAndText = {
  steps: [
    {
      key: 'email-2m',
      channel: 'email',
      timing: { kind: 'before', minutes: 2 },
      template: 'reminder',
    },
    {
      key: 'sms-2m',
      channel: 'sms',
      timing: { kind: 'before', minutes: 2 },
      template: 'reminder',
    },
  ],
} as const;

/** Every type gets `emailAndText`; type `custom-type` under its own name, for template overrides. */
const settings: ReminderSettings = {
  ...PLAYBOOK_SETTINGS,
  typeMappings: [{ code: 'custom-type', cadence: 'custom' }],
  cadences: { default: emailAndText, custom: emailAndText },
};

describe('messages in the patient language (PostgreSQL + Kafka + Twilio and SMTP stand-ins)', () => {
  const harness = new MessagingHarness((tenantId) => ({
    REMINDER_SETTINGS: JSON.stringify({ [tenantId]: settings }),
  }));
  const zone = daytimeZone();
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let seq = 0;
  const uniquePhone = (): string => `+1503${runPrefix}${String((seq += 1)).padStart(4, '0')}`;
  const uniqueEmail = (): string => `lucia.${runPrefix}.${(seq += 1)}@example.test`;

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
      givenName: 'Lucia',
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

  it('should send a Spanish-speaking patient the confirmation, the reminder text and the email in Spanish', async () => {
    const phone = uniquePhone();
    const email = uniqueEmail();

    await book({
      appointmentId: randomUUID(),
      phoneE164: phone,
      email,
      preferredLanguage: 'es-MX',
    });

    const [confirmation, reminder] = await harness.twilio.waitForMessages(
      2,
      30_000,
      (sms) => sms.to === phone,
    );
    const [mail] = await harness.smtp.waitForMessages(1, 30_000, (sent) => sent.to.includes(email));
    expect(confirmation.body).toMatch(/^Acme Family Practice: su cita es el /);
    expect(confirmation.body).toContain('Responda STOP para baja.');
    // The practice name gives way to keep the text and its link in one segment.
    expect(reminder.body).toMatch(/^Hola Lucia, cita en Acme/);
    expect(reminder.body).toContain('Responda 1 confirmar, 2 cambiar, 3 anular.');
    expect(mail.subject).toMatch(/^Recordatorio: su cita en Acme Family Practice el /);
    expect(mail.text).toContain('Hola Lucia:');
    expect(mail.html).toContain('Le recordamos su cita');
  });

  it('should write in English to a patient whose language is not shipped', async () => {
    const phone = uniquePhone();
    const email = uniqueEmail();

    await book({
      appointmentId: randomUUID(),
      phoneE164: phone,
      email,
      preferredLanguage: 'fr-CA',
    });

    const [confirmation, reminder] = await harness.twilio.waitForMessages(
      2,
      30_000,
      (sms) => sms.to === phone,
    );
    const [mail] = await harness.smtp.waitForMessages(1, 30_000, (sent) => sent.to.includes(email));
    expect(confirmation.body).toMatch(/^Acme Family Practice: your visit is /);
    expect(reminder.body).toMatch(/^Hi Lucia, Acme/);
    expect(reminder.body).toContain('Reply 1 confirm, 2 reschedule, 3 cancel.');
    expect(mail.subject).toMatch(/^Reminder: your visit at Acme Family Practice on /);
  });

  it("should render the tenant's override for the appointment type and language, and the shipped template for the rest", async () => {
    await harness.query(
      `INSERT INTO reminder_template_override
         (tenant_id, channel, appointment_type, language, name, template, updated_at, updated_by)
       VALUES ($1, 'sms', 'custom', 'es', 'reminder', $2::jsonb, now(), 'admin')`,
      [
        harness.tenantId,
        JSON.stringify({
          body: 'Hola {firstName}: le esperamos el {date} a las {time}. {link} STOP=baja',
        }),
      ],
    );
    const phone = uniquePhone();
    const email = uniqueEmail();

    await book({
      appointmentId: randomUUID(),
      phoneE164: phone,
      email,
      preferredLanguage: 'es',
      appointmentTypeCode: 'custom-type',
    });

    const [, reminder] = await harness.twilio.waitForMessages(2, 30_000, (sms) => sms.to === phone);
    const [mail] = await harness.smtp.waitForMessages(1, 30_000, (sent) => sent.to.includes(email));
    expect(reminder.body).toMatch(/^Hola Lucia: le esperamos el .* a las \d{1,2}:\d{2}\. http/);
    // No email override: the shipped Spanish email.
    expect(mail.subject).toMatch(/^Recordatorio: su cita en Acme Family Practice el /);
  });

  it('should answer an English STOP from a Spanish-speaking patient in Spanish', async () => {
    const phone = uniquePhone();
    await book({ appointmentId: randomUUID(), phoneE164: phone, preferredLanguage: 'es' });
    await harness.twilio.waitForMessages(1, 30_000, (sms) => sms.to === phone);

    await harness.twilio.sendInboundSms(`${harness.baseUrl}${INBOUND_SMS_PATH}`, {
      from: phone,
      body: 'STOP',
    });

    await waitFor('the opt-out confirmation', 30_000, () =>
      Promise.resolve(
        harness.twilio
          .messages()
          .some((sms) => sms.to === phone && /Ya no recibira/.test(sms.body)),
      ),
    );
    expect(
      harness.twilio.messages().filter((sms) => sms.to === phone && /unsubscribed/.test(sms.body)),
    ).toEqual([]);
  });
});
