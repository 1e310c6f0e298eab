import { randomBytes } from 'node:crypto';

import { type INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';

import { decodeEvent, type DecodedEvent, timestampDate, Topics } from '@caredispatch/contracts';
import { createHttpApp } from '@caredispatch/platform';
import {
  FhirAppointmentBuilder,
  freePort,
  newWebhookSecret,
  phiEnvironment,
  type RecordedMessage,
  signedWebhookHeaders,
  OFFLINE_OIDC_ENVIRONMENT,
  startGroupAtTopicEnds,
  ThrowawayDatabase,
  TopicRecorder,
} from '@caredispatch/testing';

import { fhirMutation, mutateFhir } from '../../test/fhir-mutations';
import { storageIssues } from '../../test/storage-rules';
import { AppModule, SERVICE_NAME } from '../app.module';
import { loadEhrGatewayConfig } from '../config';

import { EhrWebhookController } from './ehr-webhook.controller';
import { ehrWebhookErrors } from './ehr-webhook.errors';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

type EhrAppointmentEvent = DecodedEvent<
  'EhrAppointmentBookedV1' | 'EhrAppointmentRescheduledV1' | 'EhrAppointmentCancelledV1'
>;

function isEhrAppointmentEvent(event: DecodedEvent): event is EhrAppointmentEvent {
  return (
    event.type === 'EhrAppointmentBookedV1' ||
    event.type === 'EhrAppointmentRescheduledV1' ||
    event.type === 'EhrAppointmentCancelledV1'
  );
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

interface Counts {
  deliveries: number;
  states: number;
  outbox: number;
}

/**
 * Boots the real service (createHttpApp, so the raw-body wiring is the production one)
 * against a throwaway PostgreSQL database and the real broker, and drives it over HTTP.
 */
describe(EhrWebhookController.name, () => {
  // A fresh tenant per run: the topic is shared with other runs and services.
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const secret = newWebhookSecret();
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let baseUrl: string;
  const recorder = new TopicRecorder(brokers);

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('ehr_gateway_it');
    // ehr-gateway consumes patient responses: its fresh group starts at the topic's end so
    // other runs' responses never reach this database.
    const admin = new Kafka({
      clientId: `ehr-gateway-it-${tenantId}`,
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    // Every topic ehr-gateway consumes (patient responses, waitlist bookings, roster imports):
    // a fresh group at the beginning would answer other tests' requests into this outbox.
    await startGroupAtTopicEnds(admin, `ehr-gateway-it-${tenantId}`, [
      Topics.MessagingPatientResponseV1,
      Topics.WaitlistSlotV1,
      Topics.DispatchRosterImportV1,
      Topics.DispatchEhrAssignmentV1,
    ]);
    await admin.disconnect();
    const port = await freePort();
    const config = loadEhrGatewayConfig({
      // The runtime role under row-level security, migrated by the owner (as in production).
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: String(port),
      EHR_WEBHOOK_SECRETS: JSON.stringify({ [tenantId]: secret }),
      // ehr-gateway consumes patient responses; never share a group with another run.
      KAFKA_CONSUMER_GROUP: `ehr-gateway-it-${tenantId}`,
      ...phiEnvironment(),
      // The webhook is a signed public route; no token is ever verified.
      ...OFFLINE_OIDC_ENVIRONMENT,
    });
    await recorder.start([Topics.EhrAppointmentV1]);
    app = await createHttpApp(AppModule.forRoot(config), {
      serviceName: SERVICE_NAME,
      port,
      logLevel: 'error',
      shutdownTimeoutMs: 10_000,
      errors: ehrWebhookErrors,
    });
    baseUrl = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await recorder.stop(); // leaving the consumer group takes a few seconds
    await database.drop();
  }, 60_000);

  async function post(
    body: string | Buffer,
    headers: Record<string, string>,
    tenant = tenantId,
  ): Promise<Reply> {
    const response = await fetch(`${baseUrl}/v1/tenants/${tenant}/webhooks/fhir`, {
      method: 'POST',
      body,
      headers,
    });
    return { status: response.status, body: await response.json() };
  }

  function deliver(body: string, headers: Record<string, string> = {}): Promise<Reply> {
    return post(body, { ...signedWebhookHeaders(secret, body), ...headers });
  }

  async function counts(): Promise<Counts> {
    const [row] = await database.query<{ deliveries: number; states: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM ehr_webhook_delivery WHERE tenant_id = $1) AS deliveries,
              (SELECT count(*)::int FROM ehr_appointment_state WHERE tenant_id = $1) AS states,
              (SELECT count(*)::int FROM outbox_message WHERE tenant_id = $1) AS outbox`,
      [tenantId],
    );
    return row;
  }

  function tenantEvents(): DecodedEvent[] {
    return recorder
      .messages(Topics.EhrAppointmentV1)
      .filter((message) => message.headers['tenant-id'] === tenantId)
      .map((message: RecordedMessage) => decodeEvent(message.value));
  }

  async function waitForEvent(eventId: string): Promise<DecodedEvent> {
    for (;;) {
      const found = tenantEvents().find((event) => event.envelope.eventId === eventId);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  function acceptedEventId(reply: Reply): string {
    expect(reply).toMatchObject({ status: 202, body: { status: 'accepted' } });
    return (reply.body as { eventId: string }).eventId;
  }

  const booking = FhirAppointmentBuilder.booking();
  const bookingJson = booking.toJson();
  const bookingHeaders = signedWebhookHeaders(secret, bookingJson);
  let bookedEventId: string;

  it('should accept a signed booking, store it and publish exactly one EhrAppointmentBookedV1', async () => {
    const sut = await post(bookingJson, bookingHeaders);

    bookedEventId = acceptedEventId(sut);
    const event = await waitForEvent(bookedEventId);
    const [message] = recorder
      .messages(Topics.EhrAppointmentV1)
      .filter((recorded) => recorded.headers['event-id'] === bookedEventId);
    expect(tenantEvents()).toHaveLength(1);
    expect(message.key).toBe(`${tenantId}:${booking.appointmentId}`);
    expect(event.envelope).toMatchObject({
      eventType: 'EhrAppointmentBookedV1',
      tenantId,
      producer: 'ehr-gateway',
      causationId: '',
      aggregateId: `${tenantId}:${booking.appointmentId}`,
    });
    expect(event.envelope.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    if (event.type !== 'EhrAppointmentBookedV1') throw new Error(`unexpected ${event.type}`);
    expect(event.payload.appointment?.patient?.phoneE164).toBe('+14155552671');
    expect(event.payload.appointment?.location?.timeZone).toBe('America/New_York');
    expect(timestampDate(event.payload.appointment!.start!).toISOString()).toBe(
      '2030-03-14T13:30:00.000Z',
    );
    expect(await counts()).toEqual({ deliveries: 1, states: 1, outbox: 1 });
    const [delivery] = await database.query<{ outcome: string; event_id: string }>(
      'SELECT outcome, event_id FROM ehr_webhook_delivery WHERE tenant_id = $1 AND webhook_id = $2',
      [tenantId, bookingHeaders['webhook-id']],
    );
    expect(delivery).toEqual({ outcome: 'accepted', event_id: bookedEventId });
  });

  it('should answer 202 duplicate to a redelivered webhook-id and store nothing', async () => {
    const before = await counts();

    const sut = await post(bookingJson, bookingHeaders);

    expect(sut).toEqual({ status: 202, body: { status: 'duplicate' } });
    expect(await counts()).toEqual(before);
  });

  it('should answer duplicate to the same appointment version under a fresh webhook-id', async () => {
    const before = await counts();

    const sut = await deliver(bookingJson);

    expect(sut).toEqual({ status: 202, body: { status: 'duplicate' } });
    // The delivery is remembered (so its id cannot be replayed) but nothing is staged.
    expect(await counts()).toEqual({ ...before, deliveries: before.deliveries + 1 });
  });

  describe('rejections', () => {
    const valid = () => FhirAppointmentBuilder.booking();
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    const largeBody = Buffer.alloc(2 * 1024 * 1024, ' ');

    it.each<[string, () => Promise<Reply>, number, string]>([
      [
        'an unknown tenant',
        () => post(bookingJson, signedWebhookHeaders(secret, bookingJson), 'no-such-tenant'),
        404,
        'UNKNOWN_TENANT',
      ],
      [
        'missing signature headers',
        () => post(valid().toJson(), { 'content-type': 'application/fhir+json' }),
        401,
        'MISSING_SIGNATURE_HEADER',
      ],
      [
        'a malformed timestamp header',
        () => deliver(valid().toJson(), { 'webhook-timestamp': 'yesterday' }),
        401,
        'MALFORMED_SIGNATURE_HEADER',
      ],
      [
        'a signature made with another secret',
        () => {
          const body = valid().toJson();
          return post(body, signedWebhookHeaders(newWebhookSecret(), body));
        },
        401,
        'INVALID_SIGNATURE',
      ],
      [
        'a body changed after signing',
        () => {
          const body = valid().toJson();
          return post(body.replace('booked', 'cancelled'), signedWebhookHeaders(secret, body));
        },
        401,
        'INVALID_SIGNATURE',
      ],
      [
        'a stale timestamp',
        () => {
          const body = valid().toJson();
          return post(
            body,
            signedWebhookHeaders(secret, body, { timestampSeconds: nowSeconds() - 600 }),
          );
        },
        401,
        'STALE_TIMESTAMP',
      ],
      [
        'a timestamp from the future',
        () => {
          const body = valid().toJson();
          return post(
            body,
            signedWebhookHeaders(secret, body, { timestampSeconds: nowSeconds() + 600 }),
          );
        },
        401,
        'STALE_TIMESTAMP',
      ],
      ['malformed JSON', () => deliver('{"resourceType": "Appointment",'), 400, 'MALFORMED_JSON'],
      [
        'a resource that is not an Appointment',
        () => deliver(JSON.stringify({ resourceType: 'Patient', id: 'p' })),
        422,
        'NOT_AN_APPOINTMENT',
      ],
      [
        'an appointment without start',
        () => deliver(valid().with({ start: undefined }).toJson()),
        422,
        'MISSING_START',
      ],
      [
        'an appointment without a patient',
        () => deliver(valid().with({ includePatient: false }).toJson('bundle')),
        422,
        'MISSING_PATIENT',
      ],
      [
        'a patient without a phone',
        () => deliver(valid().with({ patientPhone: undefined }).toJson()),
        422,
        'MISSING_PATIENT_PHONE',
      ],
      [
        'a patient phone that is not a number',
        () => deliver(valid().with({ patientPhone: '555' }).toJson()),
        422,
        'INVALID_PATIENT_PHONE',
      ],
      [
        'a location time zone that is not IANA',
        () => deliver(valid().with({ locationTimeZone: 'Eastern Time' }).toJson()),
        422,
        'UNKNOWN_TIME_ZONE',
      ],
      [
        'a location without time zone and no default configured',
        () => deliver(valid().with({ locationTimeZone: undefined }).toJson()),
        422,
        'UNKNOWN_TIME_ZONE',
      ],
      [
        'a 2 MB body',
        () => post(largeBody, signedWebhookHeaders(secret, largeBody)),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'a non-JSON content type',
        () => deliver(valid().toJson(), { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
    ])(
      'should reject %s with its precise error and store nothing',
      async (_case, send, status, code) => {
        const before = await counts();

        const sut = await send();

        expect(sut.status).toBe(status);
        expect(sut.body).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
        expect(await counts()).toEqual(before);
      },
    );

    it('should name the FHIR path of a validation failure', async () => {
      const sut = await deliver(valid().with({ patientPhone: undefined }).toJson('bundle'));

      expect(sut.body).toMatchObject({
        error: {
          code: 'MISSING_PATIENT_PHONE',
          details: { path: 'Bundle.entry[1].resource.telecom' },
        },
      });
    });
  });

  it('should publish a reschedule with the previous times, then a cancellation', async () => {
    const moved = booking.with({
      versionId: '2',
      lastUpdated: '2030-03-02T09:00:00Z',
      start: '2030-03-15T14:00:00-04:00',
      end: '2030-03-15T14:30:00-04:00',
    });
    const cancelled = moved.with({
      versionId: '3',
      lastUpdated: '2030-03-03T09:00:00Z',
      status: 'cancelled',
    });

    const rescheduled = await waitForEvent(acceptedEventId(await deliver(moved.toJson('bundle'))));
    const cancellation = await waitForEvent(acceptedEventId(await deliver(cancelled.toJson())));

    if (rescheduled.type !== 'EhrAppointmentRescheduledV1') throw new Error(rescheduled.type);
    expect(timestampDate(rescheduled.payload.previousStart!).toISOString()).toBe(
      '2030-03-14T13:30:00.000Z',
    );
    expect(timestampDate(rescheduled.payload.appointment!.start!).toISOString()).toBe(
      '2030-03-15T18:00:00.000Z',
    );
    expect(cancellation.type).toBe('EhrAppointmentCancelledV1');
    expect(
      new Set([rescheduled.envelope.correlationId, cancellation.envelope.correlationId]).size,
    ).toBe(2);
  });

  it('should publish once when the same new appointment arrives concurrently under different ids', async () => {
    const concurrent = FhirAppointmentBuilder.booking().toJson();

    const replies = await Promise.all(Array.from({ length: 5 }, () => deliver(concurrent)));

    const statuses = replies.map((reply) => (reply.body as { status: string }).status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const accepted = replies.find(
      (reply) => (reply.body as { status: string }).status === 'accepted',
    )!;
    await waitForEvent(acceptedEventId(accepted));
  });

  it('should accept a webhook-id once when it is delivered concurrently', async () => {
    const body = FhirAppointmentBuilder.booking().toJson();
    const headers = signedWebhookHeaders(secret, body);

    const replies = await Promise.all(Array.from({ length: 5 }, () => post(body, headers)));

    expect(replies.map((reply) => reply.status)).toEqual([202, 202, 202, 202, 202]);
    const statuses = replies.map((reply) => (reply.body as { status: string }).status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const accepted = replies.find(
      (reply) => (reply.body as { status: string }).status === 'accepted',
    )!;
    await waitForEvent(acceptedEventId(accepted));
  });

  it('should have published exactly the accepted events, nothing for any rejection', () => {
    const sut = tenantEvents().map((event) => event.type);

    // By now every accepted event has been read; rejected deliveries never reached the outbox.
    expect(sut).toEqual([
      'EhrAppointmentBookedV1',
      'EhrAppointmentRescheduledV1',
      'EhrAppointmentCancelledV1',
      'EhrAppointmentBookedV1',
      'EhrAppointmentBookedV1',
    ]);
  });

  describe('versions', () => {
    const unversioned = (): FhirAppointmentBuilder =>
      FhirAppointmentBuilder.booking({ versionId: undefined, lastUpdated: undefined });

    async function publishedSequence(
      steps: readonly FhirAppointmentBuilder[],
    ): Promise<{ type: string; sequence: number | undefined }[]> {
      const published: { type: string; sequence: number | undefined }[] = [];
      // One after the other: the order of receipt is the order without meta.versionId.
      for (const step of steps) {
        const event = await waitForEvent(acceptedEventId(await deliver(step.toJson())));
        if (!isEhrAppointmentEvent(event)) throw new Error(`unexpected ${event.type}`);
        const appointment = event.payload.appointment;
        published.push({ type: event.type, sequence: appointment?.sequence });
      }
      return published;
    }

    it('should publish booked 9:00 → cancelled → booked 9:00 as three changes in sequence', async () => {
      const atNine = unversioned();

      const sut = await publishedSequence([atNine, atNine.with({ status: 'cancelled' }), atNine]);

      expect(sut).toEqual([
        { type: 'EhrAppointmentBookedV1', sequence: 1 },
        { type: 'EhrAppointmentCancelledV1', sequence: 2 },
        { type: 'EhrAppointmentBookedV1', sequence: 3 },
      ]);
    });

    it('should publish 9:00 → 10:00 → 9:00 as a booking and two reschedules in sequence', async () => {
      const atNine = unversioned();
      const atTen = atNine.with({
        start: '2030-03-14T10:00:00-04:00',
        end: '2030-03-14T10:30:00-04:00',
      });

      const sut = await publishedSequence([atNine, atTen, atNine]);

      expect(sut).toEqual([
        { type: 'EhrAppointmentBookedV1', sequence: 1 },
        { type: 'EhrAppointmentRescheduledV1', sequence: 2 },
        { type: 'EhrAppointmentRescheduledV1', sequence: 3 },
      ]);
    });

    it('should answer duplicate to unchanged unversioned content under a fresh webhook-id', async () => {
      const atNine = unversioned();
      await publishedSequence([atNine]);
      const before = await counts();

      const sut = await deliver(atNine.toJson());

      expect(sut).toEqual({ status: 202, body: { status: 'duplicate' } });
      expect(await counts()).toEqual({ ...before, deliveries: before.deliveries + 1 });
    });

    it('should ignore a stale version delivered after a newer one and publish nothing', async () => {
      const v1 = FhirAppointmentBuilder.booking({ versionId: '1' });
      const v2 = v1.with({ versionId: '2', status: 'cancelled' });
      await publishedSequence([v1, v2]);
      const before = await counts();

      const sut = await deliver(v1.toJson());

      expect(sut).toEqual({ status: 202, body: { status: 'ignored', reason: 'OUT_OF_ORDER' } });
      expect((await counts()).outbox).toBe(before.outbox);
    });
  });

  it('should never answer 5xx to mutated signed bookings, and publish only events consumers can store', async () => {
    const acceptedIds: string[] = [];
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fhirMutation, { minLength: 1, maxLength: 3 }),
        async (bundle, mutations) => {
          const booking = FhirAppointmentBuilder.booking({ versionId: undefined });
          const body = JSON.stringify(
            mutateFhir(bundle ? booking.buildBundle() : booking.buildContained(), mutations),
          );

          const reply = await deliver(body);

          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          expect(reply.status).toBeLessThan(500);
          const receipt = reply.body as { status?: string; eventId?: string };
          if (receipt.status === 'accepted' && receipt.eventId) acceptedIds.push(receipt.eventId);
        },
      ),
      { numRuns: 300 },
    );

    expect(acceptedIds.length).toBeGreaterThan(20);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(20);
    for (const eventId of acceptedIds) {
      // decodeEvent is the consumers' decoder: it validates against the contract.
      const event = await waitForEvent(eventId);
      if (!isEhrAppointmentEvent(event)) throw new Error(`unexpected ${event.type}`);
      const appointment = event.payload.appointment!;
      expect(storageIssues(appointment)).toEqual([]);
      // What scheduling stores, through the same PostgreSQL rules (text and jsonb).
      await database.query('SELECT $1::text, $2::text, $3::text, $4::jsonb', [
        appointment.patient?.givenName ?? '',
        appointment.patient?.familyName ?? '',
        appointment.practiceName,
        JSON.stringify(appointment.location?.address ?? null),
      ]);
    }
  }, 300_000);
});
