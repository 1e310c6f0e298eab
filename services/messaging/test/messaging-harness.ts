import { randomUUID } from 'node:crypto';

import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';

import {
  createEnvelope,
  type DecodedEvent,
  decodeEvent,
  encodeEnvelope,
  type EventEnvelope,
  type EventPayloadInit,
  type EventTypesOf,
  type ScheduledAppointment,
  Topics,
} from '@caredispatch/contracts';
import { PhiCipher } from '@caredispatch/phi-crypto';
import { configureHttpApp, outboxPayloadCipher } from '@caredispatch/platform';
import {
  freePort,
  OFFLINE_OIDC_ENVIRONMENT,
  phiEnvironment,
  SmtpStandIn,
  ThrowawayDatabase,
  TwilioStandIn,
} from '@caredispatch/testing';

import { AppModule } from '../src/app.module';
import { loadMessagingConfig, type MessagingConfig } from '../src/config';
import { messagingErrors } from '../src/messaging.errors';
import { PLAYBOOK_SETTINGS } from '../src/reminders/planning/cadence-settings';
import { ReminderSettingsService } from '../src/reminders/settings/reminder-settings.service';
import { MessageSender } from '../src/sending/message-sender.service';
import { SenderLoop } from '../src/sending/sender-loop';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

type AppointmentEventType = EventTypesOf<typeof Topics.SchedulingAppointmentV1>;

export interface ProducedAt {
  readonly partition: number;
  readonly offset: string;
}

/**
 * The messaging service in-process against real PostgreSQL (a throwaway database with owner
 * and runtime roles), the real broker (a private consumer group that skips history) and the
 * Twilio stand-in. `query` reads as the superuser, past row-level security.
 */
export class MessagingHarness {
  readonly twilio = new TwilioStandIn();
  readonly smtp = new SmtpStandIn();
  readonly tenantId = `it-${randomUUID().slice(0, 8)}`;
  private database!: ThrowawayDatabase;
  private app!: INestApplication;
  private producer!: Producer;
  private admin!: Admin;
  config!: MessagingConfig;
  baseUrl!: string;

  /** `overrides` replace the harness's environment variables, e.g. a long SENDER_POLL_INTERVAL_MS. */
  constructor(
    private readonly overrides:
      | Readonly<Record<string, string>>
      | ((tenantId: string) => Readonly<Record<string, string>>) = {},
  ) {}

  async start(): Promise<void> {
    // As production runs it: migrated by the owner role, running as the runtime role under
    // row-level security (a superuser would bypass the policies and hide a path they block).
    this.database = await ThrowawayDatabase.createWithRoles('messaging_it');
    const { baseUrl: twilioUrl } = await this.twilio.start();
    const smtp = await this.smtp.start();
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.config = loadMessagingConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_PORT: String(port),
      DATABASE_URL: this.database.runtimeUrl,
      DATABASE_MIGRATION_URL: this.database.ownerUrl,
      DATABASE_POOL_SIZE: '5',
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_CLIENT_ID: 'messaging-it',
      // Its only route is the signed Twilio callback; no token is ever verified.
      ...OFFLINE_OIDC_ENVIRONMENT,
      KAFKA_CONSUMER_GROUP: `messaging-it-${randomUUID()}`,
      KAFKA_CONSUMER_FROM_BEGINNING: 'false',
      TWILIO_ACCOUNT_SID: this.twilio.accountSid,
      TWILIO_AUTH_TOKEN: this.twilio.authToken,
      LINK_TOKEN_SECRET: `it-link-key-${randomUUID()}`,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: twilioUrl,
      TWILIO_REQUEST_TIMEOUT_MS: '2000',
      PUBLIC_BASE_URL: this.baseUrl,
      SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
      EMAIL_FROM: 'reminders@practice.test',
      PRACTICE_NAMES: JSON.stringify({ [this.tenantId]: 'Acme Family Practice' }),
      // No reminders unless a test asks for them: most tests count one confirmation per booking.
      REMINDER_SETTINGS: JSON.stringify({
        [this.tenantId]: {
          ...PLAYBOOK_SETTINGS,
          typeMappings: [],
          cadences: { default: { steps: [] } },
        },
      }),
      SENDER_POLL_INTERVAL_MS: '50',
      SENDER_LEASE_MS: '5000',
      // Tests that make Twilio list late keep the lag below this (or prove what happens above it).
      TWILIO_LIST_LAG_GRACE_MS: '6000',
      SENDER_RETRY_BASE_MS: '100',
      SENDER_RETRY_MAX_MS: '200',
      ...phiEnvironment(),
      ...(typeof this.overrides === 'function' ? this.overrides(this.tenantId) : this.overrides),
    });

    // createHttpApp's wiring (as main.ts asks for it) minus its process signal handlers.
    Logger.overrideLogger(false);
    // Nest types its options as a class but documents and expects a plain object here.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(this.config), {
      bodyParser: false,
    });
    configureHttpApp(app, { errors: messagingErrors, urlencoded: true });
    await app.listen(port, '127.0.0.1');
    this.app = app;

    const kafka = new Kafka({
      clientId: 'messaging-it-producer',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.admin = kafka.admin();
    await this.admin.connect();
    await waitFor(
      'messaging ready',
      60_000,
      async () => (await fetch(`${this.baseUrl}/health/ready`)).ok,
    );
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
    await this.app.close();
    await this.twilio.stop();
    await this.smtp.stop();
    await this.database.drop();
  }

  get senderLoop(): SenderLoop {
    return this.app.get(SenderLoop);
  }

  /** One sender round at the test's pace (stop the loop first). */
  get sender(): MessageSender {
    return this.app.get(MessageSender);
  }

  /** The practice's reminder settings, as an admin's PUT replaces them. */
  get reminderSettings(): ReminderSettingsService {
    return this.app.get(ReminderSettingsService);
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  /**
   * The events messaging staged in its outbox for `messageKey` (of `eventType` when given),
   * oldest first, decoded: payloads are sealed at rest, so they are opened as the relay does.
   */
  async outboxEvents(messageKey: string, eventType?: string): Promise<DecodedEvent[]> {
    const rows = await this.query<{ tenant_id: string; event_id: string; payload: Buffer }>(
      `SELECT tenant_id, event_id, payload FROM outbox_message
        WHERE message_key = $1 AND ($2::text IS NULL OR event_type = $2) ORDER BY seq`,
      [messageKey, eventType ?? null],
    );
    const cipher = outboxPayloadCipher(this.app.get(PhiCipher));
    const events: DecodedEvent[] = [];
    for (const row of rows) {
      const opened = await cipher.open(
        { tenantId: row.tenant_id, eventId: row.event_id },
        row.payload,
      );
      events.push(decodeEvent(opened));
    }
    return events;
  }

  /** An envelope as scheduling would publish it. */
  envelope<T extends AppointmentEventType>(
    type: T,
    payload: EventPayloadInit<T>,
    appointmentId: string,
  ): EventEnvelope {
    return createEnvelope(
      { type, payload, tenantId: this.tenantId, aggregateId: appointmentId },
      { producer: 'scheduling' },
    );
  }

  /**
   * Produces onto scheduling.appointment.v1 (or `topic`), keyed by the aggregate id like the
   * producers do.
   */
  async produce(
    envelope: EventEnvelope,
    topic: string = Topics.SchedulingAppointmentV1,
  ): Promise<ProducedAt> {
    const records = await this.producer.send({
      topic,
      messages: [{ key: envelope.aggregateId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
    const record = records.at(0);
    if (record?.baseOffset === undefined) throw new Error('broker did not report an offset');
    return { partition: record.partition, offset: record.baseOffset };
  }

  /** Produces any event onto `topic`, keyed by its aggregate id. */
  async produceEvent(topic: string, envelope: EventEnvelope): Promise<void> {
    await this.producer.send({
      topic,
      messages: [{ key: envelope.aggregateId, value: Buffer.from(encodeEnvelope(envelope)) }],
    });
  }

  /**
   * A fresh group that skips history starts at the log end only once it has its partitions:
   * books `appointment` (a new id each time) until its confirmation reaches `phone`.
   */
  async waitUntilConsuming(phone: string, appointment: () => ScheduledAppointment): Promise<void> {
    await waitFor('consumer positioned', 60_000, async () => {
      const booked = appointment();
      await this.produce(
        this.envelope('AppointmentBookedV1', { appointment: booked }, booked.appointmentId),
      );
      try {
        await this.twilio.waitForMessages(1, 2_000, (sms) => sms.to === phone);
        return true;
      } catch {
        return false;
      }
    });
  }

  /** Resolves once the service's consumer group has committed past `at` (i.e. handled it). */
  async waitConsumed(at: ProducedAt): Promise<void> {
    await waitFor(`offset ${at.offset} on partition ${at.partition} consumed`, 20_000, async () => {
      const topics = await this.admin.fetchOffsets({
        groupId: this.config.KAFKA_CONSUMER_GROUP,
        topics: [Topics.SchedulingAppointmentV1],
      });
      const committed =
        topics.at(0)?.partitions.find((p) => p.partition === at.partition)?.offset ?? '-1';
      return BigInt(committed) > BigInt(at.offset);
    });
  }

  query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.database.query<Row>(sql, params);
  }
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `timed out waiting for ${what}${lastError instanceof Error ? ` (${lastError.message})` : ''}`,
  );
}
