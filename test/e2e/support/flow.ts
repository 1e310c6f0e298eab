import { randomInt } from 'node:crypto';

import { Role } from '@caredispatch/auth';
import {
  eventually,
  type FhirAppointmentBuilder,
  signedWebhookHeaders,
  type ServiceName,
  type SignedDeliveryOptions,
  type Stack,
} from '@caredispatch/testing';

/** A valid US number nobody else in the run uses, so each test finds only its own SMS. */
export function uniquePhone(): { display: string; e164: string } {
  const exchange = String(randomInt(200, 1000));
  const line = String(randomInt(0, 10_000)).padStart(4, '0');
  return { display: `(646) ${exchange}-${line}`, e164: `+1646${exchange}${line}` };
}

export interface TenantCredentials {
  readonly tenantId: string;
  readonly secret: string;
}

export async function postFhir(
  stack: Stack,
  tenant: TenantCredentials,
  body: string,
  options: SignedDeliveryOptions & { headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(
    `${stack.service('ehr-gateway').baseUrl}/v1/tenants/${tenant.tenantId}/webhooks/fhir`,
    {
      method: 'POST',
      headers: { ...signedWebhookHeaders(tenant.secret, body, options), ...options.headers },
      body,
    },
  );
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export function postBooking(
  stack: Stack,
  tenant: TenantCredentials,
  booking: FhirAppointmentBuilder,
  options: SignedDeliveryOptions = {},
): Promise<{ status: number; body: unknown }> {
  return postFhir(stack, tenant, booking.toJson(), options);
}

export interface AuditEntry {
  eventId: string;
  eventType: string;
  /** The Kafka key: the appointment, or the reader of an access event. */
  aggregateId: string;
  producer: string;
  correlationId: string;
  causationId: string | null;
  traceId: string | null;
}

export async function auditTrail(
  stack: Stack,
  tenantId: string,
  appointmentId: string,
): Promise<AuditEntry[]> {
  const url = new URL('/v1/audit-events', stack.service('audit-log').baseUrl);
  url.searchParams.set('appointmentId', appointmentId);
  const response = await fetch(url, {
    headers: await stack.identity.authorization({ tenantId, roles: [Role.ComplianceOfficer] }),
  });
  if (!response.ok) throw new Error(`audit query answered ${response.status}`);
  const body = (await response.json()) as { events: AuditEntry[] };
  return body.events;
}

/** Waits until the trail holds every listed event type, then returns it. */
export function auditTrailWith(
  stack: Stack,
  tenantId: string,
  appointmentId: string,
  eventTypes: readonly string[],
  timeoutMs = 120_000,
): Promise<AuditEntry[]> {
  return eventually(
    async () => {
      const trail = await auditTrail(stack, tenantId, appointmentId);
      const present = new Set(trail.map((entry) => entry.eventType));
      return eventTypes.every((type) => present.has(type)) ? trail : undefined;
    },
    timeoutMs,
    `audit trail with ${eventTypes.join(', ')}`,
    250,
  );
}

export type Sms = ReturnType<Stack['twilio']['messages']>[number];

export interface SmsFilter {
  /**
   * Drop SMS provably caused by another run (true). Other engineers' stacks share the topics:
   * their scheduling consumes this run's EHR events too and publishes its own appointments,
   * which this stack's messaging then texts. Such an SMS is recorded on a message row whose
   * appointment this stack's scheduling never created. Any SMS not provably foreign (e.g. a
   * duplicate whose send was never recorded) still counts.
   */
  onlyThisStacksAppointments?: boolean;
}

/** SMS the stand-in accepted for one number. */
export async function smsTo(
  stack: Stack,
  e164: string,
  { onlyThisStacksAppointments = true }: SmsFilter = {},
): Promise<Sms[]> {
  const accepted = stack.twilio.messages().filter((message) => message.to === e164);
  if (!onlyThisStacksAppointments || accepted.length === 0) return accepted;
  const ours = await thisStacksAppointmentIds(stack);
  // By Twilio SID: the phone number is stored encrypted and cannot be matched in SQL.
  const foreignSids = new Set(
    (
      await stack
        .database('messaging')
        .query<{ sid: string; appointment_id: string }>(
          'SELECT provider_message_id AS sid, appointment_id FROM message WHERE provider_message_id = ANY($1::text[])',
          [accepted.map((message) => message.sid)],
        )
    )
      .filter((row) => !ours.has(row.appointment_id))
      .map((row) => row.sid),
  );
  return accepted.filter((message) => !foreignSids.has(message.sid));
}

/**
 * The message rows of one EHR booking in this stack (found through scheduling's id for it,
 * since phone numbers are stored encrypted).
 */
export async function messagesOfBooking<Row extends object>(
  stack: Stack,
  tenantId: string,
  ehrAppointmentId: string,
  columns: string,
): Promise<Row[]> {
  const appointments = await stack
    .database('scheduling')
    .query<{ id: string }>(
      'SELECT id FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
      [tenantId, ehrAppointmentId],
    );
  if (appointments.length === 0) return [];
  return stack
    .database('messaging')
    .query<Row>(
      `SELECT ${columns} FROM message WHERE tenant_id = $1 AND appointment_id = ANY($2::uuid[])`,
      [tenantId, appointments.map((row) => row.id)],
    );
}

export type Email = ReturnType<Stack['smtp']['messages']>[number];

/**
 * Emails the SMTP stand-in accepted for one address, without those provably caused by another
 * run (see `SmsFilter`): the Message-ID names the message row, whose appointment must be ours.
 */
export async function emailsTo(stack: Stack, address: string): Promise<Email[]> {
  const accepted = stack.smtp.messages().filter((email) => email.to.includes(address));
  if (accepted.length === 0) return accepted;
  const ours = await thisStacksAppointmentIds(stack);
  const messageIdOf = (email: Email): string =>
    /^<([0-9a-f-]{36})@/.exec(email.messageId ?? '')?.[1] ?? '';
  const foreign = new Set(
    (
      await stack
        .database('messaging')
        .query<{ id: string; appointment_id: string }>(
          'SELECT id, appointment_id FROM message WHERE id = ANY($1::uuid[])',
          [accepted.map(messageIdOf).filter((id) => id !== '')],
        )
    )
      .filter((row) => !ours.has(row.appointment_id))
      .map((row) => row.id),
  );
  return accepted.filter((email) => !foreign.has(messageIdOf(email)));
}

/** Waits until at least `count` emails to `address` arrived, and returns them. */
export function waitForEmailsTo(
  stack: Stack,
  address: string,
  count: number,
  timeoutMs = 120_000,
): Promise<Email[]> {
  return eventually(
    async () => {
      const emails = await emailsTo(stack, address);
      return emails.length >= count ? emails : undefined;
    },
    timeoutMs,
    `${count} emails to the test patient`,
    100,
  );
}

/** Appointments this stack's scheduling created (see `SmsFilter`). */
export async function thisStacksAppointmentIds(stack: Stack): Promise<Set<string>> {
  const rows = await stack
    .database('scheduling')
    .query<{ id: string }>('SELECT id FROM appointment');
  return new Set(rows.map((row) => row.id));
}

/** Waits until at least `count` SMS to `e164` arrived, and returns them. */
export async function waitForSmsTo(
  stack: Stack,
  e164: string,
  count: number,
  timeoutMs = 120_000,
  filter: SmsFilter = {},
): Promise<Sms[]> {
  return eventually(
    async () => {
      const messages = await smsTo(stack, e164, filter);
      return messages.length >= count ? messages : undefined;
    },
    timeoutMs,
    `${count} SMS to the test patient`,
    50,
  );
}

/**
 * Waits for `count` SMS to `e164`, then until the pipeline has nothing left in flight, and
 * returns every SMS to that number: a duplicate would have arrived by then.
 */
export async function settledSmsTo(
  stack: Stack,
  e164: string,
  count: number,
  timeoutMs = 120_000,
  filter: SmsFilter = {},
): Promise<Sms[]> {
  await waitForSmsTo(stack, e164, count, timeoutMs, filter);
  await waitForPipelineToSettle(stack);
  return smsTo(stack, e164, filter);
}

/**
 * Waits until nothing is in flight between the webhook and Twilio: every outbox published,
 * scheduling and messaging caught up with their topics' ends, and no confirmation queued or
 * being sent (nor a reminder that is due). Checked in pipeline order, so whatever an upstream step published is seen by
 * the downstream check. Deadlines are generous bounds against a stuck pipeline, not timings.
 */
export async function waitForPipelineToSettle(stack: Stack, timeoutMs = 60_000): Promise<void> {
  await waitForOutboxToDrain(stack, 'ehr-gateway', timeoutMs);
  await stack.waitForConsumerToCatchUp('scheduling', timeoutMs);
  await waitForOutboxToDrain(stack, 'scheduling', timeoutMs);
  await stack.waitForConsumerToCatchUp('messaging', timeoutMs);
  await eventually(
    async () => {
      const [pending] = await stack.database('messaging').query<{ count: string }>(
        // A reminder queued for a later due time is planned, not in flight.
        `SELECT count(*) FROM message
            WHERE state = 'sending'
               OR (state = 'queued' AND (purpose <> 'reminder' OR next_attempt_at <= now()))`,
      );
      return pending.count === '0' ? true : undefined;
    },
    timeoutMs,
    'messaging to have no confirmation queued or being sent',
    100,
  );
  await waitForOutboxToDrain(stack, 'messaging', timeoutMs);
}

export async function waitForOutboxToDrain(
  stack: Stack,
  service: ServiceName,
  timeoutMs: number,
): Promise<void> {
  await eventually(
    async () => {
      const [unpublished] = await stack
        .database(service)
        .query<{ count: string }>('SELECT count(*) FROM outbox_message WHERE published_at IS NULL');
      return unpublished.count === '0' ? true : undefined;
    },
    timeoutMs,
    `${service} to publish its whole outbox`,
    100,
  );
}
