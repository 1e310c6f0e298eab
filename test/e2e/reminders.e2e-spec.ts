import { randomUUID } from 'node:crypto';

import {
  daytimeZone,
  eventually,
  FhirAppointmentBuilder,
  newWebhookSecret,
  nighttimeZone,
  Stack,
} from '@caredispatch/testing';

import {
  auditTrailWith,
  emailsTo,
  messagesOfBooking,
  postBooking,
  type Sms,
  smsTo,
  type TenantCredentials,
  uniquePhone,
  waitForEmailsTo,
  waitForPipelineToSettle,
  waitForSmsTo,
} from './support/flow';

jest.setTimeout(300_000);

const MINUTE = 60_000;
/**
 * Cadence steps are whole minutes before the visit; a visit this much later than two minutes
 * from now has its steps fall due this long after the booking: room for the pipeline, and
 * short enough to run in real time without fake clocks.
 */
const DUE_AFTER_BOOKING_MS = 30_000;
// The cases run side by side (it.concurrent): each has patients of its own, and most of their
// time is waiting for due times. A Twilio fault is aimed at one case's number only.

/** `e2e-short`: an email and a text 2 minutes before; `e2e-text`: only the text. */
const SHORT_CADENCES = {
  limits: { smsPerDay: 1, smsPerWeek: 3 },
  typeMappings: [
    { code: 'e2e-short', cadence: 'short' },
    { code: 'e2e-text', cadence: 'text-only' },
  ],
  cadences: {
    default: { steps: [] },
    short: {
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
    },
    'text-only': {
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

/** What each kind of text says (see reminder-templates.ts and reply-texts.ts). */
const TEXT_KINDS = {
  reminder: /Reply 1 confirm, 2 reschedule, 3 cancel/,
  reminderEs: /Responda 1 confirmar, 2 cambiar, 3 anular/,
  optedOut: /You are unsubscribed|Ya no recibira/,
  optedIn: /You are resubscribed/,
} as const;

interface Patient {
  readonly phone: { display: string; e164: string };
  readonly email: string;
  /** The FHIR Patient id and MRN: ehr-gateway identifies a contained Patient by its MRN. */
  readonly fhirId: string;
  readonly mrn: string;
  /** BCP-47 `Patient.communication` language the EHR sends; none when absent. */
  readonly language?: string;
}

interface ReminderRow {
  channel: string;
  state: string;
  revision: number;
  purpose: string;
}

describe('reminders end to end: signed EHR booking → email and texts at their due times (real Kafka, PostgreSQL, service processes, Twilio and SMTP stand-ins)', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const sut = new Stack({
    tenants: { [tenant.tenantId]: tenant.secret },
    overrides: {
      messaging: {
        REMINDER_SETTINGS: JSON.stringify({ [tenant.tenantId]: SHORT_CADENCES }),
        // A send whose outcome is unknown is reconciled within seconds (lease 5 s + this).
        TWILIO_LIST_LAG_GRACE_MS: '3000',
      },
    },
  });
  const zone = daytimeZone(10);

  beforeAll(async () => {
    await sut.start();
    // The first booking after start-up crosses three fresh consumer groups, which can take
    // longer than the steps' lead: one booking without reminders warms the pipeline up.
    const warmUp = newPatient();
    await book(booking(warmUp, { type: 'no-reminders', startInMs: 60 * MINUTE }));
    await waitForSmsTo(sut, warmUp.phone.e164, 1);
  }, 300_000);
  afterAll(() => sut.stop());

  function newPatient(language?: string): Patient {
    const id = randomUUID().slice(0, 8);
    return {
      phone: uniquePhone(),
      email: `pat.${id}@example.test`,
      fhirId: `pat-${id}`,
      mrn: `MRN-${id}`,
      ...(language === undefined ? {} : { language }),
    };
  }

  function booking(
    patient: Patient,
    options: { type?: string; startInMs?: number; timeZone?: string } = {},
  ): FhirAppointmentBuilder {
    const start = new Date(
      Math.ceil((Date.now() + (options.startInMs ?? 2 * MINUTE + DUE_AFTER_BOOKING_MS)) / 1000) *
        1000,
    );
    return FhirAppointmentBuilder.booking({
      patientId: patient.fhirId,
      patientMrn: patient.mrn,
      patientPhone: patient.phone.display,
      patientEmail: patient.email,
      appointmentTypeCode: options.type ?? 'e2e-short',
      locationTimeZone: options.timeZone ?? zone,
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * MINUTE).toISOString(),
      organizationName: 'Harbor Family Practice',
      patientCommunication:
        patient.language === undefined
          ? []
          : [{ code: 'en' }, { code: patient.language, preferred: true }],
    });
  }

  /** Reschedules to a new start that has the steps fall due shortly. */
  function movedSoon(original: FhirAppointmentBuilder, versionId: string): FhirAppointmentBuilder {
    const start = new Date(
      Math.ceil((Date.now() + 2 * MINUTE + DUE_AFTER_BOOKING_MS) / 1000) * 1000,
    );
    return original.with({
      versionId,
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * MINUTE).toISOString(),
    });
  }

  async function book(appointment: FhirAppointmentBuilder): Promise<void> {
    expect((await postBooking(sut, tenant, appointment)).status).toBe(202);
  }

  function startOf(appointment: FhirAppointmentBuilder): Date {
    return new Date((JSON.parse(appointment.toJson()) as { start: string }).start);
  }

  function reminderRows(appointment: FhirAppointmentBuilder): Promise<ReminderRow[]> {
    return messagesOfBooking<ReminderRow>(
      sut,
      tenant.tenantId,
      appointment.appointmentId,
      'channel, state, revision, purpose',
    ).then((rows) =>
      rows
        .filter((row) => row.purpose === 'reminder')
        .sort((a, b) => a.revision - b.revision || a.channel.localeCompare(b.channel)),
    );
  }

  function inbound(from: string, body: string, authToken?: string) {
    return sut.twilio.sendInboundSms(`${sut.service('messaging').baseUrl}/v1/twilio/inbound`, {
      from,
      body,
      ...(authToken ? { signWithAuthToken: authToken } : {}),
    });
  }

  /**
   * Texts of one kind to a number, whichever appointment they were recorded on. Other stacks on
   * the shared broker consume this run's EHR events and publish their own copies of its
   * appointments, which this messaging then plans too (see `SmsFilter`); the per-number caps
   * hold across those copies, so reminder texts are counted for the number, not the row.
   */
  async function textsOfKind(patient: Patient, kind: keyof typeof TEXT_KINDS): Promise<Sms[]> {
    const texts = await smsTo(sut, patient.phone.e164, { onlyThisStacksAppointments: false });
    return texts.filter((text) => TEXT_KINDS[kind].test(text.body));
  }

  function waitForTextsOfKind(
    patient: Patient,
    kind: keyof typeof TEXT_KINDS,
    count: number,
  ): Promise<Sms[]> {
    return eventually(
      async () => {
        const texts = await textsOfKind(patient, kind);
        return texts.length >= count ? texts : undefined;
      },
      120_000,
      `${count} ${kind} texts`,
    );
  }

  it.concurrent(
    'should send the email and the text at their due time, and nothing else',
    async () => {
      const patient = newPatient();
      const visit = booking(patient);
      const dueAt = startOf(visit).getTime() - 2 * MINUTE;

      await book(visit);

      const [email] = await waitForEmailsTo(sut, patient.email, 1);
      const [reminder] = await waitForTextsOfKind(patient, 'reminder', 1);
      await waitForPipelineToSettle(sut);
      expect(reminder.body).toMatch(
        // The practice name gives way to keep the text and its link in one GSM-7 segment.
        /^Hi Maria Elena, Harbor[A-Za-z ]* visit .* Reply 1 confirm.* http\S+\/a\/[\w-]{22} /,
      );
      // Never early (the scanner may be late by its interval, which is not asserted).
      expect(reminder.dateCreated.getTime()).toBeGreaterThanOrEqual(dueAt);
      expect(email.receivedAt.getTime()).toBeGreaterThanOrEqual(dueAt);
      expect(email.subject).toMatch(/^Reminder: your visit at Harbor Family Practice on /);
      expect(email.text).toContain('Hi Maria Elena,');
      expect(email.html).toContain('<b>Harbor Family Practice</b>');
      // RFC 8058 one-click: a signed https (here http on loopback) URL first, then the mailbox.
      expect(email.headers['list-unsubscribe']).toMatch(
        /^<http\S+\/v1\/email\/unsubscribe\/[\w-]+\.[\w-]+>,\s+<mailto:reminders@practice\.test\?/,
      );
      expect(email.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(await textsOfKind(patient, 'reminder')).toHaveLength(1);
      expect(await emailsTo(sut, patient.email)).toHaveLength(1);
      const ours = await smsTo(sut, patient.phone.e164);
      expect(ours.filter((text) => !TEXT_KINDS.reminder.test(text.body))).toHaveLength(1);
      // The booking's confirmation, with its own one-tap link.
      expect(ours[0].body).toMatch(/your visit is .* http\S+\/a\/[\w-]{22} /);
    },
  );

  it.concurrent(
    'should write to a Spanish-speaking patient (FHIR Patient.communication) in Spanish: confirmation, reminder text and email',
    async () => {
      const patient = newPatient('es-MX');
      const visit = booking(patient);
      const dueAt = startOf(visit).getTime() - 2 * MINUTE;

      await book(visit);

      const [email] = await waitForEmailsTo(sut, patient.email, 1);
      const [reminder] = await waitForTextsOfKind(patient, 'reminderEs', 1);
      await waitForPipelineToSettle(sut);
      expect(reminder.body).toMatch(
        /^Hola Mari[^,]*, cita en Harbor[^.]* el .* Responda 1 confirmar, 2 cambiar, 3 anular\. http\S+\/a\/[\w-]{22} STOP=baja$/,
      );
      expect(reminder.dateCreated.getTime()).toBeGreaterThanOrEqual(dueAt);
      expect(email.subject).toMatch(/^Recordatorio: su cita en Harbor Family Practice el /);
      expect(email.text).toContain('Hola Maria Elena:');
      expect(email.html).toContain('Le recordamos su cita en <b>Harbor Family Practice</b>');
      const ours = await smsTo(sut, patient.phone.e164);
      expect(ours[0].body).toMatch(
        /^Harbor[^:]*: su cita es el .* Confirme o cambie: http\S+\/a\/[\w-]{22} Responda STOP para baja\.$/,
      );
      expect(await textsOfKind(patient, 'reminderEs')).toHaveLength(1);
      expect(await textsOfKind(patient, 'reminder')).toEqual([]);
      expect(await emailsTo(sut, patient.email)).toHaveLength(1);
    },
  );

  it.concurrent(
    'should move every pending reminder on a reschedule and send nothing for a cancelled visit',
    async () => {
      const moved = newPatient();
      const cancelled = newPatient();
      const movedVisit = booking(moved, { startInMs: 30 * MINUTE });
      const cancelledVisit = booking(cancelled);
      await book(movedVisit);
      await book(cancelledVisit);
      await waitForSmsTo(sut, moved.phone.e164, 1);
      await waitForSmsTo(sut, cancelled.phone.e164, 1);

      const rescheduled = movedSoon(movedVisit, '2');
      await book(rescheduled);
      await book(cancelledVisit.with({ versionId: '2', status: 'cancelled' }));

      await waitForEmailsTo(sut, moved.email, 1);
      const [reminder] = await waitForTextsOfKind(moved, 'reminder', 1);
      await waitForPipelineToSettle(sut);
      expect(reminder.dateCreated.getTime()).toBeGreaterThanOrEqual(
        startOf(rescheduled).getTime() - 2 * MINUTE,
      );
      expect(await textsOfKind(moved, 'reminder')).toHaveLength(1);
      const rows = await reminderRows(movedVisit);
      expect(rows.filter((row) => row.revision === 1)).toEqual([
        { purpose: 'reminder', channel: 'email', state: 'cancelled', revision: 1 },
        { purpose: 'reminder', channel: 'sms', state: 'cancelled', revision: 1 },
      ]);
      expect(rows.filter((row) => row.revision === 2 && row.channel === 'email')).toEqual([
        { purpose: 'reminder', channel: 'email', state: 'sent', revision: 2 },
      ]);
      // The cancelled visit's steps fell due with the moved one's: they would have arrived by now.
      expect(await textsOfKind(cancelled, 'reminder')).toHaveLength(0);
      expect(
        sut.smtp.messages().filter((email) => email.to.includes(cancelled.email)),
      ).toHaveLength(0);
      expect((await reminderRows(cancelledVisit)).map((row) => row.state)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    },
  );

  it.concurrent(
    'should withdraw a reminder text that is being sent when the visit is cancelled',
    async () => {
      const patient = newPatient();
      const visit = booking(patient, { type: 'e2e-text' });
      await book(visit);
      await waitForSmsTo(sut, patient.phone.e164, 1);
      await waitForPipelineToSettle(sut);
      // The reminder's send is held past the client's timeout and never accepted: its outcome is
      // unknown to messaging, which must not send it again once the visit is cancelled.
      sut.twilio.timeoutNext(1, { holdMs: 4_000, accept: false, to: patient.phone.e164 });
      await eventually(
        async () =>
          (await reminderRows(visit)).some((row) => row.state === 'sending') ? true : undefined,
        60_000,
        'the reminder claimed for sending',
      );

      await book(visit.with({ versionId: '2', status: 'cancelled' }));

      await eventually(
        async () => ((await reminderRows(visit)).at(0)?.state === 'cancelled' ? true : undefined),
        60_000,
        'the reminder withdrawn after reconciliation',
      );
      await waitForPipelineToSettle(sut);
      expect(await textsOfKind(patient, 'reminder')).toHaveLength(0);
      const trail = await auditTrailWith(sut, tenant.tenantId, visit.appointmentId, [
        'ReminderWithdrawnV1',
      ]);
      expect(trail.map((entry) => entry.eventType)).not.toContain('ReminderSentV1');
    },
  );

  it.concurrent(
    'should answer STOP, a plain-language revocation and PARAR with one confirmation each, text nothing more but keep emailing, and text again after START',
    async () => {
      const replies = ['STOP', 'Please stop texting me', 'PARAR'];
      const patients = replies.map(() => newPatient());
      const visits = patients.map((patient) => booking(patient));
      for (const visit of visits) await book(visit);
      await Promise.all(patients.map((patient) => waitForSmsTo(sut, patient.phone.e164, 1)));

      const answers = await Promise.all(
        patients.map((patient, index) => inbound(patient.phone.e164, replies[index])),
      );

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      await Promise.all(patients.map((patient) => waitForEmailsTo(sut, patient.email, 1)));
      await waitForPipelineToSettle(sut);
      for (const [index, patient] of patients.entries()) {
        const optedOut = await textsOfKind(patient, 'optedOut');
        expect(optedOut).toHaveLength(1);
        expect(optedOut[0].body).toMatch(index === 2 ? /Ya no recibira/ : /You are unsubscribed/);
        expect(await textsOfKind(patient, 'reminder')).toHaveLength(0);
        expect(await emailsTo(sut, patient.email)).toHaveLength(1);
        expect(
          (await reminderRows(visits[index])).map((row) => `${row.channel}:${row.state}`),
        ).toEqual(['email:sent', 'sms:cancelled']);
      }

      const [stopped] = patients;
      expect((await inbound(stopped.phone.e164, 'START')).status).toBe(200);
      await waitForTextsOfKind(stopped, 'optedIn', 1);
      await book(movedSoon(visits[0], '2'));
      await waitForTextsOfKind(stopped, 'reminder', 1);
      await waitForPipelineToSettle(sut);
      expect(await textsOfKind(stopped, 'optedIn')).toHaveLength(1);
      expect(await textsOfKind(stopped, 'reminder')).toHaveLength(1);
    },
  );

  it.concurrent(
    'should hold the per-day cap across one patient’s appointments and keep quiet hours',
    async () => {
      const patient = newPatient();
      const first = booking(patient, { type: 'e2e-text' });
      const second = booking(patient, {
        type: 'e2e-text',
        startInMs: 2 * MINUTE + DUE_AFTER_BOOKING_MS + 5_000,
      });
      const sleeper = newPatient();
      const atNight = booking(sleeper, { timeZone: nighttimeZone(10) });

      await book(first);
      await waitForSmsTo(sut, patient.phone.e164, 1);
      await book(second);
      await book(atNight);

      await waitForTextsOfKind(patient, 'reminder', 1);
      await auditTrailWith(sut, tenant.tenantId, second.appointmentId, ['ReminderSuppressedV1']);
      await auditTrailWith(sut, tenant.tenantId, atNight.appointmentId, ['ReminderSuppressedV1']);
      await waitForPipelineToSettle(sut);
      // One reminder text a day for the number: the second visit's step is suppressed.
      expect(await textsOfKind(patient, 'reminder')).toHaveLength(1);
      expect(await reminderRows(second)).toEqual([]);
      // At night both steps could only move before the visit into quiet hours: suppressed.
      expect(await reminderRows(atNight)).toEqual([]);
      expect(await textsOfKind(sleeper, 'reminder')).toHaveLength(0);
      expect(sut.smtp.messages().filter((email) => email.to.includes(sleeper.email))).toHaveLength(
        0,
      );
    },
  );

  it.concurrent(
    'should reject an inbound reply with a bad signature and change nothing',
    async () => {
      const patient = newPatient();
      const visit = booking(patient, { startInMs: 60 * MINUTE });
      await book(visit);
      await waitForSmsTo(sut, patient.phone.e164, 1);
      await waitForPipelineToSettle(sut);
      const [{ id: patientId }] = await sut
        .database('scheduling')
        .query<{ id: string }>(
          'SELECT id FROM patient WHERE tenant_id = $1 AND ehr_patient_id = $2',
          [tenant.tenantId, patient.mrn],
        );
      const snapshot = () =>
        Promise.all([
          sut
            .database('messaging')
            .query(
              'SELECT id, intent FROM inbound_message WHERE patient_id = $1 OR patient_id IS NULL ORDER BY id',
              [patientId],
            ),
          sut
            .database('messaging')
            .query('SELECT channel, state, source FROM consent WHERE patient_id = $1 ORDER BY 1', [
              patientId,
            ]),
        ]);
      const before = await snapshot();

      const answer = await inbound(patient.phone.e164, 'STOP', 'not-the-auth-token');

      expect(answer.status).toBe(403);
      await waitForPipelineToSettle(sut);
      expect(await snapshot()).toEqual(before);
      expect(before[1]).toEqual([
        { channel: 'email', state: 'granted', source: 'ehr' },
        { channel: 'sms', state: 'granted', source: 'ehr' },
      ]);
      expect(await textsOfKind(patient, 'optedOut')).toHaveLength(0);
      expect((await reminderRows(visit)).map((row) => row.state)).toEqual(['queued', 'queued']);
    },
  );
});
