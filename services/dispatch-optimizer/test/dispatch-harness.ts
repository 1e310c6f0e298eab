import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';

import {
  createEnvelope,
  encodeEnvelope,
  type EventEnvelope,
  type EventPayloadInit,
  type EventTypesOf,
  Topics,
} from '@caredispatch/contracts';
import { CLOCK, configureHttpApp } from '@caredispatch/platform';
import {
  aScheduledAppointment,
  freePort,
  ManualClock,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  phiEnvironment,
  SlackStandIn,
  startGroupAtTopicEnds,
  TestIdentityProvider,
  ThrowawayDatabase,
  type TokenRequest,
} from '@caredispatch/testing';

import { AppModule } from '../src/app.module';
import { type DispatchOptimizerConfig, loadDispatchOptimizerConfig } from '../src/config';
import { dispatchErrors } from '../src/dispatch.errors';
import { PlanMaintenanceLoop } from '../src/plan/plan-maintenance.loop';

import type { SeedAppointment, SeedWeek } from './seed-week';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Who a request is made as; the tenant defaults to the one the path names. */
export type Caller = Omit<TokenRequest, 'tenantId'> & { tenantId?: string };

const COORDINATOR: Caller = { roles: ['coordinator'] };
const PRACTICE_ADMIN: Caller = { roles: ['practice-admin'] };

type AppointmentEventType = EventTypesOf<typeof Topics.SchedulingAppointmentV1>;

/**
 * dispatch-optimizer in-process against a throwaway PostgreSQL database, the real broker (a
 * private consumer group that skips history), the Maps stand-in and a test OpenID provider that
 * issues the callers' access tokens; the clock is manual.
 */
export class DispatchHarness {
  readonly maps: MapsStandIn;
  /** Itineraries of the tenants the harness was made for are delivered here. */
  readonly slack = new SlackStandIn();
  readonly clock: ManualClock;
  private database!: ThrowawayDatabase;
  private app!: NestExpressApplication;
  private producer!: Producer;
  identity!: TestIdentityProvider;
  config!: DispatchOptimizerConfig;
  baseUrl!: string;

  constructor(
    addresses: Record<string, { lat: number; lon: number }>,
    now: Date,
    private readonly tenants: readonly string[],
    private readonly overrides: Readonly<Record<string, string>> = {},
  ) {
    this.maps = new MapsStandIn({ addresses });
    this.clock = new ManualClock(now);
  }

  async start(): Promise<void> {
    this.identity = await TestIdentityProvider.start();
    this.database = await ThrowawayDatabase.createWithRoles('dispatch_it');
    const { baseUrl: mapsUrl } = await this.maps.start();
    const { apiUrl: slackUrl } = await this.slack.start();
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const groupId = `dispatch-it-${randomUUID()}`;
    const kafka = new Kafka({
      clientId: 'dispatch-it-producer',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    });
    // Waitlist escalations are published by tests only after start: the group starts at that
    // topic's ends (not "latest once it has partitions", which can skip the first event).
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, [Topics.WaitlistSlotV1]);
    await admin.disconnect();
    this.config = loadDispatchOptimizerConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.DISPATCH_IT_LOG_LEVEL ?? 'silent',
      HTTP_PORT: String(port),
      // The runtime role (its outbox under row-level security), migrated by the owner role.
      DATABASE_URL: this.database.runtimeUrl,
      DATABASE_MIGRATION_URL: this.database.ownerUrl,
      DATABASE_POOL_SIZE: '5',
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_CLIENT_ID: 'dispatch-it',
      KAFKA_CONSUMER_GROUP: groupId,
      KAFKA_CONSUMER_FROM_BEGINNING: 'false',
      MAPS_API_KEY: MAPS_STAND_IN_KEY,
      MAPS_API_BASE_URL: mapsUrl,
      MAPS_MAX_ATTEMPTS: '2',
      MAPS_RETRY_BASE_MS: '20',
      PLAN_TIME_LIMIT_MS: '1000',
      REPLAN_TIME_LIMIT_MS: '300',
      PLAN_SCHEDULER_ENABLED: 'false',
      REPLAN_POLL_INTERVAL_MS: '100',
      SLACK_API_URL: slackUrl,
      SLACK_BOT_TOKENS: JSON.stringify(
        Object.fromEntries(this.tenants.map((tenant) => [tenant, this.slack.botToken])),
      ),
      ...this.identity.environment(),
      ...phiEnvironment(),
      ...this.overrides,
    });
    if (process.env.DISPATCH_IT_LOG_LEVEL === undefined) Logger.overrideLogger(false);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(this.config)] })
      .overrideProvider(CLOCK)
      .useValue(this.clock)
      .compile();
    // Nest types its options as a class but documents and expects a plain object here.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    this.app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttpApp(this.app, { errors: dispatchErrors });
    await this.app.listen(port, '127.0.0.1');
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await waitFor(
      'dispatch-optimizer ready',
      60_000,
      async () => (await fetch(`${this.baseUrl}/health/ready`)).ok,
    );
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
    await this.app.close();
    await this.maps.stop();
    await this.slack.stop();
    await this.database.drop();
    await this.identity.stop();
  }

  get maintenance(): PlanMaintenanceLoop {
    return this.app.get(PlanMaintenanceLoop);
  }

  /** A provider of the running app (benches time its methods). */
  get<T>(type: abstract new (...args: never[]) => T): T {
    return this.app.get(type);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    caller: Caller = COORDINATOR,
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

  async ok<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    caller: Caller = COORDINATOR,
  ): Promise<T> {
    const response = await this.request(method, path, body, caller);
    if (response.status >= 300)
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as T;
  }

  /** Settings, clinics, rules and providers of a seed week through the admin API. */
  async configure(tenantId: string, week: SeedWeek): Promise<void> {
    await this.ok(
      'PUT',
      `/v1/tenants/${tenantId}/dispatch-settings`,
      {
        timeZone: week.timeZone,
        mapsMonthlyElementBudget: 1_000_000,
      },
      PRACTICE_ADMIN,
    );
    for (const clinic of week.clinics)
      await this.ok(
        'PUT',
        `/v1/tenants/${tenantId}/clinics/${clinic.clinicId}`,
        clinic.body,
        PRACTICE_ADMIN,
      );
    for (const rule of week.rules)
      await this.ok(
        'PUT',
        `/v1/tenants/${tenantId}/appointment-types/${rule.typeCode}`,
        rule.body,
        PRACTICE_ADMIN,
      );
    for (const provider of week.providers)
      await this.ok(
        'PUT',
        `/v1/tenants/${tenantId}/providers/${provider.providerId}`,
        provider.body,
        PRACTICE_ADMIN,
      );
  }

  async book(
    tenantId: string,
    appointment: SeedAppointment,
    type: AppointmentEventType = 'AppointmentBookedV1',
    revision = 1,
    /** The FHIR Practitioner the EHR has the visit booked with ('' = none). */
    ehrPractitionerId = '',
  ): Promise<void> {
    const payload = {
      appointment: aScheduledAppointment({
        appointmentId: appointment.appointmentId,
        revision,
        start: appointment.start,
        durationMinutes: appointment.durationMinutes,
        appointmentTypeCode: appointment.typeCode,
        locationId: appointment.locationId,
        ehrLocationId: appointment.ehrLocationId,
        addressLines: appointment.addressLines,
        givenName: appointment.givenName,
        familyName: appointment.familyName,
        ehrPractitionerId,
      }),
      ...(type === 'AppointmentRescheduledV1' ? { previousStart: { seconds: 0n, nanos: 0 } } : {}),
    } as EventPayloadInit<typeof type>;
    const envelope = createEnvelope(
      { type, payload, tenantId, aggregateId: appointment.appointmentId },
      { producer: 'scheduling' },
    );
    await this.producer.send({
      topic: Topics.SchedulingAppointmentV1,
      messages: [{ key: appointment.appointmentId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
  }

  /** Publishes an event as another service would (e.g. ehr-gateway's write-back outcomes). */
  async publish(
    topic: string,
    event: Parameters<typeof createEnvelope>[0],
    producer: string,
  ): Promise<string> {
    const envelope = createEnvelope(event, { producer });
    await this.send(topic, envelope);
    return envelope.eventId;
  }

  /** The waitlist announces one step of filling a freed slot (keyed by the slot, as it does). */
  async publishWaitlistSlotEvent(envelope: EventEnvelope): Promise<void> {
    await this.send(Topics.WaitlistSlotV1, envelope);
  }

  private async send(topic: string, envelope: EventEnvelope): Promise<void> {
    await this.producer.send({
      topic,
      messages: [{ key: envelope.aggregateId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.database.query<T>(sql, params);
  }

  /** How many appointments dispatch holds for `tenantId` (consumed from scheduling). */
  async appointmentCount(tenantId: string): Promise<number> {
    const [row] = await this.query<{ count: string }>(
      `SELECT count(*) FROM dispatch_appointment WHERE tenant_id = $1`,
      [tenantId],
    );
    return Number(row.count);
  }

  /**
   * The fresh consumer group starts at the log end once it has partitions: books a probe like
   * `template` (a new id, outside any plan's week) for `tenantId` until one lands. The probe
   * counts as one more of the tenant's appointments.
   */
  async waitUntilConsuming(tenantId: string, template: SeedAppointment): Promise<void> {
    const probe: SeedAppointment = {
      ...template,
      appointmentId: randomUUID(),
      start: new Date('2030-01-02T15:00:00Z'),
    };
    await waitFor('consumer positioned', 60_000, async () => {
      await this.book(tenantId, probe);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (await this.appointmentCount(tenantId)) > 0;
    });
  }
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  condition: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
