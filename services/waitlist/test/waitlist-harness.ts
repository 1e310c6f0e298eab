import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

import {
  createEnvelope,
  type DecodedEvent,
  decodeEvent,
  encodeEnvelope,
  type EventEnvelope,
  type EventPayloadInit,
  type EventTypesOf,
  OfferAnswer,
  ResponseSource,
  type ScheduledAppointment,
  timestampFromDate,
  Topics,
  WriteBackAction,
  WriteBackFailureReason,
} from '@caredispatch/contracts';
import { CLOCK, configureHttpApp } from '@caredispatch/platform';
import {
  aScheduledAppointment,
  freePort,
  ManualClock,
  startGroupAtTopicEnds,
  TestIdentityProvider,
  waitForGroupsToCatchUp,
  ThrowawayDatabase,
  type TokenRequest,
  waitFor,
} from '@caredispatch/testing';

import { AppModule } from '../src/app.module';
import { loadWaitlistConfig } from '../src/config';
import { type TenantWaitlistSettings } from '../src/settings/waitlist-settings';
import { FreedSlotService } from '../src/slots/freed-slot.service';
import { waitlistErrors } from '../src/waitlist.errors';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export type Caller = Omit<TokenRequest, 'tenantId'> & { tenantId?: string };

const FRONT_DESK: Caller = { roles: ['front-desk'] };

type AppointmentEventType = EventTypesOf<typeof Topics.SchedulingAppointmentV1>;

export interface FreedAppointment {
  readonly appointmentId?: string;
  readonly start: Date;
  readonly minutes?: number;
  readonly typeCode: string;
  readonly providerId: string;
  readonly locationId: string;
  readonly patientId?: string;
  /** The EHR's id and version of the appointment and scheduling's revision (defaults otherwise). */
  readonly ehr?: { ehrAppointmentId: string; ehrVersion: string; revision: number };
}

/**
 * waitlist in-process against a throwaway PostgreSQL database and the real broker (a private
 * consumer group positioned at the topic's end), with a test OpenID provider and a manual clock.
 */
const CONSUMED_TOPICS = [
  Topics.SchedulingAppointmentV1,
  Topics.MessagingPatientResponseV1,
  Topics.EhrWriteBackV1,
];

/** How the in-process waitlist's database pool is sized (defaults: 8 connections, 5 s wait). */
export interface HarnessPool {
  readonly size?: number;
  /** Also node-postgres's wait for a free pooled connection (then 503 + Retry-After). */
  readonly connectTimeoutMs?: number;
}

export class WaitlistHarness {
  readonly clock: ManualClock;
  private database!: ThrowawayDatabase;
  private app!: NestExpressApplication;
  private producer!: Producer;
  private identity!: TestIdentityProvider;
  private baseUrl!: string;
  private kafka!: Kafka;
  private groupId!: string;

  constructor(
    now: Date,
    private readonly settings: Readonly<Record<string, Partial<TenantWaitlistSettings>>>,
    private readonly pool: HarnessPool = {},
  ) {
    this.clock = new ManualClock(now);
  }

  async start(): Promise<void> {
    this.identity = await TestIdentityProvider.start();
    this.database = await ThrowawayDatabase.createWithRoles('waitlist_it');
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const groupId = `waitlist-it-${randomUUID()}`;
    this.groupId = groupId;
    const kafka = new Kafka({
      clientId: 'waitlist-it',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    this.kafka = kafka;
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, CONSUMED_TOPICS);
    await admin.disconnect();
    const config = loadWaitlistConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.WAITLIST_IT_LOG_LEVEL ?? 'silent',
      HTTP_PORT: String(port),
      // The runtime role, migrated by the owner role.
      DATABASE_URL: this.database.runtimeUrl,
      DATABASE_MIGRATION_URL: this.database.ownerUrl,
      DATABASE_POOL_SIZE: String(this.pool.size ?? 8),
      DATABASE_CONNECT_TIMEOUT_MS: String(this.pool.connectTimeoutMs ?? 5_000),
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_CLIENT_ID: 'waitlist-it',
      KAFKA_CONSUMER_GROUP: groupId,
      WAITLIST_SETTINGS: JSON.stringify(this.settings),
      WAITLIST_SCAN_INTERVAL_MS: '100',
      ...this.identity.environment(),
    });
    if (process.env.WAITLIST_IT_LOG_LEVEL === undefined) Logger.overrideLogger(false);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(this.clock)
      .compile();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    this.app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttpApp(this.app, { errors: waitlistErrors });
    await this.app.listen(port, '127.0.0.1');
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await waitFor(
      async () => (await fetch(`${this.baseUrl}/health/ready`)).ok,
      'waitlist ready',
      60_000,
    );
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
    await this.app.close();
    await this.database.drop();
    await this.identity.stop();
  }

  get slots(): FreedSlotService {
    return this.app.get(FreedSlotService);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get manager(): EntityManager {
    return this.app.get(DataSource).manager;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    caller: Caller = FRONT_DESK,
  ): Promise<{ status: number; body: unknown }> {
    const tenantId = caller.tenantId ?? /^\/v1\/tenants\/([^/]+)\//.exec(path)?.[1];
    if (tenantId === undefined) throw new Error(`no tenant for ${path}`);
    const authorization = await this.identity.authorization({ ...caller, tenantId });
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  async ok<T = unknown>(method: string, path: string, body?: unknown, caller?: Caller): Promise<T> {
    const response = await this.request(method, path, body, caller);
    if (response.status >= 300)
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as T;
  }

  /** scheduling announces an appointment change (cancelled frees its time; booked takes it). */
  async publish(
    tenantId: string,
    type: AppointmentEventType,
    freed: FreedAppointment,
    previous?: { start: Date; end: Date },
  ): Promise<string> {
    const appointmentId = freed.appointmentId ?? randomUUID();
    const appointment: ScheduledAppointment = aScheduledAppointment({
      appointmentId,
      start: freed.start,
      durationMinutes: freed.minutes ?? 30,
      appointmentTypeCode: freed.typeCode,
      locationId: freed.locationId,
    });
    if (appointment.provider) appointment.provider.providerId = freed.providerId;
    if (appointment.patient && freed.patientId) appointment.patient.patientId = freed.patientId;
    if (freed.ehr) Object.assign(appointment, freed.ehr);
    const payload = {
      appointment,
      ...(type === 'AppointmentRescheduledV1' && previous
        ? {
            previousStart: timestampFromDate(previous.start),
            previousEnd: timestampFromDate(previous.end),
          }
        : {}),
    } as EventPayloadInit<typeof type>;
    const envelope = createEnvelope(
      { type, payload, tenantId, aggregateId: appointmentId },
      { producer: 'scheduling' },
    );
    await this.producer.send({
      topic: Topics.SchedulingAppointmentV1,
      messages: [{ key: appointmentId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
    return appointmentId;
  }

  /** messaging relays a patient's SMS answer to an offer (PatientAnsweredOfferV1). */
  async answerOffer(
    tenantId: string,
    offer: { id: string; slotId: string; patientId: string },
    answer: OfferAnswer = OfferAnswer.ACCEPTED,
  ): Promise<void> {
    const envelope = createEnvelope(
      {
        type: 'PatientAnsweredOfferV1',
        payload: {
          responseId: randomUUID(),
          offerId: offer.id,
          slotId: offer.slotId,
          patientId: offer.patientId,
          answer,
          source: ResponseSource.SMS_REPLY,
          respondedAt: timestampFromDate(this.clock.now()),
        },
        tenantId,
        aggregateId: offer.id,
      },
      { producer: 'messaging' },
    );
    await this.producer.send({
      topic: Topics.MessagingPatientResponseV1,
      messages: [{ key: offer.id, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
  }

  /**
   * messaging relays a patient's "Ask for an earlier time" from the link page
   * (PatientRequestedEarlierTimeV1); returns the envelope, to deliver it again.
   */
  async requestEarlierTime(
    tenantId: string,
    request: {
      readonly patientId: string;
      readonly appointmentId?: string;
      readonly typeCode: string;
      readonly providerId: string;
      readonly locationId: string;
      readonly currentStart: Date;
      readonly smsConsent?: boolean;
      readonly emailConsent?: boolean;
    },
    redeliver?: EventEnvelope,
  ): Promise<EventEnvelope> {
    const appointmentId = request.appointmentId ?? randomUUID();
    const envelope =
      redeliver ??
      createEnvelope(
        {
          type: 'PatientRequestedEarlierTimeV1',
          payload: {
            requestId: randomUUID(),
            appointmentId,
            ehrAppointmentId: `ehr-${appointmentId}`,
            appointmentRevision: 1,
            patientId: request.patientId,
            appointmentTypeCode: request.typeCode,
            providerId: request.providerId,
            locationId: request.locationId,
            currentStart: timestampFromDate(request.currentStart),
            timeZone: 'America/New_York',
            preferredLanguage: 'es',
            smsConsent: request.smsConsent ?? true,
            emailConsent: request.emailConsent ?? false,
            source: ResponseSource.LINK_PAGE,
            requestedAt: timestampFromDate(this.clock.now()),
            messageId: '',
          },
          tenantId,
          aggregateId: appointmentId,
        },
        { producer: 'messaging' },
      );
    await this.producer.send({
      topic: Topics.MessagingPatientResponseV1,
      messages: [{ key: envelope.aggregateId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
    return envelope;
  }

  /**
   * ehr-gateway answers a booking request (action BOOK, response_id = the offer id): booked,
   * or failed with `reason`.
   */
  async bookingOutcome(
    tenantId: string,
    offerId: string,
    reason?: WriteBackFailureReason,
  ): Promise<void> {
    const common = {
      writeBackId: randomUUID(),
      responseId: offerId,
      appointmentId: randomUUID(),
      ehrAppointmentId: `ehr-${randomUUID()}`,
      action: WriteBackAction.BOOK,
      attempts: 1,
    };
    const at = timestampFromDate(this.clock.now());
    const envelope =
      reason === undefined
        ? createEnvelope(
            {
              type: 'WriteBackSucceededV1',
              payload: { ...common, ehrVersion: '1', writtenAt: at, newEhrAppointmentId: 'new-1' },
              tenantId,
              aggregateId: common.appointmentId,
            },
            { producer: 'ehr-gateway' },
          )
        : createEnvelope(
            {
              type: 'WriteBackFailedV1',
              payload: { ...common, reason, failedAt: at, staffActionRequired: false },
              tenantId,
              aggregateId: common.appointmentId,
            },
            { producer: 'ehr-gateway' },
          );
    await this.producer.send({
      topic: Topics.EhrWriteBackV1,
      messages: [{ key: common.appointmentId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
  }

  /**
   * The events the waitlist staged in its outbox for `tenantId` of `eventType`, oldest first,
   * decoded (the waitlist holds no PHI: its payloads are not sealed).
   */
  async outboxEvents(tenantId: string, eventType: string): Promise<DecodedEvent[]> {
    const rows = await this.query<{ payload: Buffer }>(
      `SELECT payload FROM outbox_message WHERE tenant_id = $1 AND event_type = $2 ORDER BY seq`,
      [tenantId, eventType],
    );
    return rows.map((row) => decodeEvent(row.payload));
  }

  /** Waits until the waitlist has handled everything published on its topics so far. */
  async waitForConsumerToCatchUp(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitForGroupsToCatchUp(admin, [this.groupId], CONSUMED_TOPICS, 30_000);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Holds a freed slot's row lock in a transaction of its own (as a long wave or a slow booking
   * would) while `work` runs, then commits.
   */
  async whileSlotLocked<T>(slotId: string, work: () => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM freed_slot WHERE id = $1 FOR UPDATE', [slotId]);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } finally {
      await client.end();
    }
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.database.query<T>(sql, params);
  }
}
