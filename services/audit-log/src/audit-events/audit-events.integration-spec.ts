import { generateKeyPairSync, randomUUID } from 'node:crypto';

import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Producer } from 'kafkajs';

import { Role } from '@caredispatch/auth';
import {
  ALL_TOPICS,
  createEnvelope,
  encodeEnvelope,
  type EventEnvelope,
  MessageChannel,
  MessagePurpose,
  MessageStatus,
  type NewEvent,
  type EventType,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { envelopeHeaders } from '@caredispatch/kafka';
import { AllExceptionsFilter, type Clock } from '@caredispatch/platform';
import {
  eventually,
  freePort,
  startGroupAtTopicEnds,
  ThrowawayDatabase,
  TestIdentityProvider,
} from '@caredispatch/testing';

import { AppModule } from '../app.module';
import { auditLogConfigSchema } from '../config';

import { auditErrors } from './audit-events.errors';
import {
  type AuditTrailResponse,
  type ChainVerificationResponse,
} from './dto/audit-trail.response';

// Jest applies its default 5 s to hooks and tests; a broker round trip with group joins needs more.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const tenantId = `it-audit-${randomUUID().slice(0, 8)}`;
const ehrAppointmentId = `ehr-appt-${randomUUID()}`;
const appointmentId = randomUUID();
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const start = new Date('2030-05-06T13:00:00.000Z');

function at(iso: string): Clock {
  return { now: () => new Date(iso) };
}

/** An envelope as `producer` would publish it, with a fixed occurred_at and trace context. */
function envelope<T extends EventType>(
  event: NewEvent<T>,
  producer: string,
  occurredAt: string,
): EventEnvelope {
  const created = createEnvelope(event, { producer, clock: at(occurredAt) });
  created.traceparent = `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
  return created;
}

const scheduled = {
  appointmentId,
  ehrAppointmentId,
  ehrVersion: 'v1',
  revision: 1,
  start: timestampFromDate(start),
  end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
  location: { locationId: randomUUID(), name: 'Main St', timeZone: 'America/New_York' },
  practiceName: 'Integration Practice',
  patient: {
    patientId: randomUUID(),
    givenName: 'Test',
    phoneE164: '+15555550100',
    smsConsent: true,
  },
};

describe('audit-log: events from three producers → one causal trail', () => {
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let producer: Producer;
  let baseUrl: string;
  const published: EventEnvelope[] = [];
  let identity: TestIdentityProvider;
  let token: string;

  const get = (path: string, bearer: string | null = token) =>
    fetch(`${baseUrl}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  /**
   * The trail without the records of this test's own reads: every query is itself audited
   * (PhiAccessedV1, through audit-log's outbox), and how many of those have landed depends on
   * how often a wait polled.
   */
  async function trailFor(id: string): Promise<AuditTrailResponse> {
    const response = await get(`/v1/audit-events?appointmentId=${encodeURIComponent(id)}`);
    expect(response.status).toBe(200);
    const trail = (await response.json()) as AuditTrailResponse;
    return { ...trail, events: trail.events.filter((e) => e.eventType !== 'PhiAccessedV1') };
  }

  async function verify(): Promise<ChainVerificationResponse> {
    const response = await get(`/v1/audit-events/verify`);
    expect(response.status).toBe(200);
    return (await response.json()) as ChainVerificationResponse;
  }

  async function publish(topic: string, event: EventEnvelope): Promise<void> {
    published.push(event);
    await producer.send({
      topic,
      messages: [
        {
          key: event.aggregateId,
          value: Buffer.from(encodeEnvelope(event)),
          headers: envelopeHeaders(event),
        },
      ],
    });
  }

  // A set-up bound, not a latency check: the set-up took ~50–60 s in CI (a fresh group on every
  // audited topic), at jest's 60 s default.
  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('caredispatch_audit_log_it');
    const kafka = new Kafka({ clientId: 'audit-log-it', brokers, logLevel: logLevel.NOTHING });
    const groupId = `audit-log-it-${randomUUID()}`;
    // Start the fresh group at the topics' current end rather than replaying every other
    // test's history into this database.
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, ALL_TOPICS);
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();

    identity = await TestIdentityProvider.start();
    token = await identity.token({ tenantId, roles: [Role.ComplianceOfficer] });
    const port = await freePort();
    const config = auditLogConfigSchema.parse({
      AUDIT_TREE_HEAD_SIGNING_KEY: `it-key:${generateKeyPairSync('ed25519')
        .privateKey.export({ format: 'der', type: 'pkcs8' })
        .toString('base64')}`,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
      // The runtime role under row-level security, migrated by the owner (as in production).
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      ...identity.environment(),
    });
    // Framework start-up chatter would drown the test output.
    Logger.overrideLogger(['error', 'warn']);
    app = await NestFactory.create(AppModule.forRoot(config));
    app.useGlobalFilters(new AllExceptionsFilter(auditErrors));
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(
      async () => ((await fetch(`${baseUrl}/health/ready`)).ok ? true : undefined),
      30_000,
      'audit-log ready',
    );
  }, 180_000);

  afterAll(async () => {
    await app.close();
    await producer.disconnect();
    await database.drop();
    await identity.stop();
  });

  it('should return the trail of ehr-gateway, scheduling and messaging events in causal order', async () => {
    const ehrBooked = envelope(
      {
        type: 'EhrAppointmentBookedV1',
        tenantId,
        aggregateId: ehrAppointmentId,
        payload: {
          appointment: {
            ehrAppointmentId,
            ehrVersion: 'v1',
            sourceSystem: 'it-ehr',
            status: 'booked',
            start: scheduled.start,
            end: scheduled.end,
            patient: {
              ehrPatientId: 'pat-1',
              givenName: 'Test',
              familyName: 'Patient',
              phoneE164: '+15555550100',
              smsConsent: true,
            },
            location: { ehrLocationId: 'loc-1', name: 'Main St', timeZone: 'America/New_York' },
          },
        },
      },
      'ehr-gateway',
      '2030-01-01T09:00:00.000Z',
    );
    const booked = envelope(
      {
        type: 'AppointmentBookedV1',
        tenantId,
        aggregateId: appointmentId,
        correlationId: ehrBooked.correlationId,
        causationId: ehrBooked.eventId,
        payload: { appointment: scheduled },
      },
      'scheduling',
      '2030-01-01T09:00:01.000Z',
    );
    const message = {
      messageId: randomUUID(),
      appointmentId,
      channel: MessageChannel.SMS,
      purpose: MessagePurpose.CONFIRMATION,
    };
    // Messaging's clock runs behind: its events claim to precede their cause.
    const queued = envelope(
      {
        type: 'MessageQueuedV1',
        tenantId,
        aggregateId: message.messageId,
        correlationId: ehrBooked.correlationId,
        causationId: booked.eventId,
        payload: { ...message, status: MessageStatus.QUEUED },
      },
      'messaging',
      '2030-01-01T08:59:00.000Z',
    );
    const sent = envelope(
      {
        type: 'MessageSentV1',
        tenantId,
        aggregateId: message.messageId,
        correlationId: ehrBooked.correlationId,
        causationId: queued.eventId,
        payload: { ...message, status: MessageStatus.SENT, providerMessageId: 'SM123' },
      },
      'messaging',
      '2030-01-01T08:59:01.000Z',
    );

    // Effects first: arrival order must not decide the trail's order.
    await publish(Topics.MessagingMessageV1, sent);
    await publish(Topics.MessagingMessageV1, queued);
    await publish(Topics.SchedulingAppointmentV1, booked);
    await publish(Topics.EhrAppointmentV1, ehrBooked);

    const trail = await eventually(
      async () => {
        const current = await trailFor(ehrAppointmentId);
        return current.events.length === 4 ? current : undefined;
      },
      20_000,
      'four audited events',
    );
    expect(trail.events.map((e) => [e.eventId, e.producer])).toEqual([
      [ehrBooked.eventId, 'ehr-gateway'],
      [booked.eventId, 'scheduling'],
      [queued.eventId, 'messaging'],
      [sent.eventId, 'messaging'],
    ]);
    expect(new Set(trail.events.map((e) => e.correlationId))).toEqual(
      new Set([ehrBooked.correlationId]),
    );
    expect(new Set(trail.events.map((e) => e.traceId))).toEqual(new Set([traceId]));
    expect(trail.events[2]).toMatchObject({
      causationId: booked.eventId,
      occurredAt: '2030-01-01T08:59:00.000Z',
    });
    expect(JSON.stringify(trail)).not.toContain('+15555550100');
    // scheduling's id finds the same trail.
    expect((await trailFor(appointmentId)).events.map((e) => e.eventId)).toEqual(
      trail.events.map((e) => e.eventId),
    );
  });

  it('should refuse a missing or altered token, other roles, and a tenant chosen by query', async () => {
    const path = `/v1/audit-events?appointmentId=${appointmentId}`;
    expect((await get(path, null)).status).toBe(401);
    expect((await get(path, `${token}x`)).status).toBe(401);
    const coordinator = await identity.token({ tenantId, roles: [Role.Coordinator] });
    expect((await get(path, coordinator)).status).toBe(403);
    const chosenTenant = await get(`${path}&tenantId=${tenantId}`);
    expect(chosenTenant.status).toBe(400);
    expect(await chosenTenant.json()).toMatchObject({ error: { code: 'INVALID_QUERY' } });
  });

  it("should serve another tenant's compliance officer none of this tenant's trail", async () => {
    const otherOfficer = await identity.token({
      tenantId: `${tenantId}-other`,
      roles: [Role.ComplianceOfficer],
    });

    const response = await get(`/v1/audit-events?appointmentId=${appointmentId}`, otherOfficer);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tenantId: `${tenantId}-other`, events: [] });
  });

  it('should reject UPDATE, DELETE and TRUNCATE of audit_event at the database', async () => {
    await expect(
      database.query(`UPDATE audit_event SET producer = 'forged' WHERE tenant_id = $1`, [tenantId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      database.query(`DELETE FROM audit_event WHERE tenant_id = $1`, [tenantId]),
    ).rejects.toThrow(/append-only/);
    await expect(database.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
  });

  it('should verify the untouched chain and report the first tampered link', async () => {
    // The four published events, plus the audited reads of the tests before (see trailFor).
    const untouched = await verify();
    expect(untouched).toMatchObject({ tenantId, valid: true, firstBrokenLink: null });
    expect(untouched.verifiedEvents).toBeGreaterThanOrEqual(4);

    // Tampering needs what the service never has: a superuser session with triggers switched
    // off (session_replication_role = replica skips ordinary triggers for this session only),
    // in this test's own throwaway database. Which event holds sequence 2 depends on how
    // the topics' fetches interleave, so the change must apply to any payload.
    await database.query(`
      SET session_replication_role = replica;
      UPDATE audit_event SET payload = payload || '{"status": "forged"}'
        WHERE tenant_id = '${tenantId}' AND sequence = 2;
      RESET session_replication_role;`);

    const result = await verify();
    expect(result).toMatchObject({
      valid: false,
      verifiedEvents: 1,
      firstBrokenLink: { reason: 'HASH_MISMATCH', sequence: '2' },
    });
  });
});
