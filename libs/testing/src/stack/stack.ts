import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { type Admin, Kafka, logLevel } from 'kafkajs';

import { ALL_TOPICS, dlqTopicOf, Topics } from '@caredispatch/contracts';

import { auditSigningEnvironment } from '../audit/audit-signing-environment';
import { prepareTopics, topicPreparationFromEnvironment } from '../kafka/prepare-topics';
import { startGroupAtTopicEnds } from '../kafka/start-group-at-topic-ends';
import { waitForGroupsToCatchUp } from '../kafka/wait-for-groups-to-catch-up';
import { TestIdentityProvider } from '../oidc/test-identity-provider';
import { OtlpCollectorStandIn } from '../otlp/otlp-collector-stand-in';
import { phiEnvironment } from '../phi/phi-environment';
import { ThrowawayDatabase } from '../postgres/throwaway-database';
import { freePort } from '../process/free-port';
import { ServiceProcess } from '../process/service-process';
import { SmtpStandIn } from '../smtp/smtp-stand-in';
import { TwilioStandIn } from '../twilio';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
/** Attempts per consumed message before dead-lettering, in every stack service. */
export const CONSUMER_MAX_ATTEMPTS = 3;
export const TWILIO = {
  accountSid: `AC${'0'.repeat(31)}1`,
  authToken: 'e2e-twilio-auth-token',
  from: '+15005550006',
};

/** messaging's reminder settings with an empty default cadence (limits as the playbook's). */
const NO_REMINDERS = {
  limits: { smsPerDay: 1, smsPerWeek: 3 },
  typeMappings: [],
  cadences: { default: { steps: [] } },
};

export type ServiceName =
  'ehr-gateway' | 'scheduling' | 'messaging' | 'audit-log' | 'dispatch-optimizer' | 'waitlist';
/** The first flow's services; dispatch-optimizer joins only when `StackOptions.dispatch` asks. */
const SERVICES: readonly ServiceName[] = ['ehr-gateway', 'scheduling', 'messaging', 'audit-log'];

/** What each consuming service subscribes to (see its app.module.ts). */
const CONSUMED_TOPICS: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  'ehr-gateway': [
    Topics.MessagingPatientResponseV1,
    Topics.WaitlistSlotV1,
    Topics.DispatchRosterImportV1,
    Topics.DispatchEhrAssignmentV1,
  ],
  scheduling: [Topics.EhrAppointmentV1],
  messaging: [
    Topics.SchedulingAppointmentV1,
    Topics.WaitlistSlotV1,
    Topics.EhrSlotV1,
    Topics.EhrWriteBackV1,
    Topics.DispatchRescheduleV1,
  ],
  'audit-log': ALL_TOPICS,
  'dispatch-optimizer': [
    Topics.SchedulingAppointmentV1,
    Topics.DispatchPlanV1,
    Topics.EhrRosterV1,
    Topics.EhrWriteBackV1,
    Topics.WaitlistSlotV1,
  ],
  waitlist: [
    Topics.SchedulingAppointmentV1,
    Topics.MessagingPatientResponseV1,
    Topics.EhrWriteBackV1,
  ],
};

/** dispatch-optimizer in the stack: where its Slack and Maps stand-ins listen. */
export interface DispatchStackOptions {
  /** The Slack stand-in's Web API URL (`SlackStandIn.apiUrl`) and bot token, for every tenant. */
  readonly slackApiUrl: string;
  readonly slackBotToken: string;
  /** The Maps stand-in's base URL and key. */
  readonly mapsApiBaseUrl: string;
  readonly mapsApiKey: string;
  /** Coordinators' Slack channel for escalations, the same for every tenant. */
  readonly coordinatorSlackChannel: string;
}

export interface StackOptions {
  /** Tenants and their Standard Webhooks secrets. */
  tenants: Record<string, string>;
  /** LOG_LEVEL of every service (info). */
  logLevel?: string;
  /** Per-service environment overrides for the first start. */
  overrides?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Bootstrap list of the broker the stack runs against (KAFKA_BROKERS or the shared one). */
  kafkaBrokers?: string;
  /** Per-service environment kept across restarts (e.g. KAFKA_BROKERS through a TcpProxy). */
  environment?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Per-service `host:port` that replaces PostgreSQL's in DATABASE_URL (e.g. a TcpProxy). */
  databaseAddress?: Partial<Record<ServiceName, string>>;
  /** How long a (re)started service may take to become ready (60 s). */
  readyTimeoutMs?: number;
  /** Also run dispatch-optimizer (off: the first flow's four services only). */
  dispatch?: DispatchStackOptions;
  /** Also run waitlist with these per-tenant settings (WAITLIST_SETTINGS); off by default. */
  waitlist?: { readonly settings: Readonly<Record<string, unknown>> };
  /**
   * Run only these of the services (default: all of them). A flow that needs neither messaging
   * nor audit-log leaves them out: fewer processes on a small machine, and no fresh consumer
   * group reading every topic.
   */
  only?: readonly ServiceName[];
}

/** Topic settings passed through to every service when the caller's environment sets them. */
const PASSED_THROUGH = ['KAFKA_TOPIC_REPLICATION_FACTOR', 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS'];

/**
 * The first flow as production runs it: four real service processes, each with its own
 * fresh database, the real Kafka broker, a real OpenID Provider (`identity`: access tokens for
 * any tenant and roles), Twilio and SMTP stand-ins and an OTLP collector stand-in.
 * Consumer groups are unique per stack so earlier runs' offsets never interfere.
 */
export class Stack {
  readonly twilio = new TwilioStandIn({
    accountSid: TWILIO.accountSid,
    authToken: TWILIO.authToken,
  });
  readonly collector = new OtlpCollectorStandIn();
  /** messaging's email relay (reminder emails, the SMS → email fallback). */
  readonly smtp = new SmtpStandIn();
  readonly databases = new Map<ServiceName, ThrowawayDatabase>();
  private identityProvider: TestIdentityProvider | undefined;
  readonly services = new Map<ServiceName, ServiceProcess>();
  private readonly envs = new Map<ServiceName, Record<string, string>>();
  /** The overrides each running service was started with, so a test can ask for its own. */
  private readonly runningOverrides = new Map<ServiceName, Record<string, string>>();
  readonly runId = randomBytes(3).toString('hex');
  readonly logDir = join(__dirname, '../../../../tmp/stack-logs', this.runId);

  private readonly names: readonly ServiceName[];

  constructor(private readonly options: StackOptions) {
    const all: readonly ServiceName[] = [
      ...SERVICES,
      ...(options.dispatch ? (['dispatch-optimizer'] as const) : []),
      ...(options.waitlist ? (['waitlist'] as const) : []),
    ];
    const only = options.only;
    this.names = only === undefined ? all : all.filter((name) => only.includes(name));
  }

  get kafkaBrokers(): string {
    return this.options.kafkaBrokers ?? KAFKA_BROKERS;
  }

  /** The stack's OpenID Provider: `await stack.identity.authorization({ tenantId, roles })`. */
  get identity(): TestIdentityProvider {
    if (!this.identityProvider) throw new Error('the stack is not started');
    return this.identityProvider;
  }

  service(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} not started`);
    return service;
  }

  database(name: ServiceName): ThrowawayDatabase {
    const database = this.databases.get(name);
    if (!database) throw new Error(`${name} has no database`);
    return database;
  }

  async start(): Promise<void> {
    const { baseUrl: twilioBaseUrl } = await this.twilio.start();
    const { endpoint } = await this.collector.start();
    const smtp = await this.smtp.start();
    this.identityProvider = await TestIdentityProvider.start();
    const identityEnvironment = this.identityProvider.environment();
    const ports = new Map<ServiceName, number>();
    for (const name of this.names) ports.set(name, await freePort());
    for (const name of this.names) {
      // Owner and runtime roles as in production: the service migrates through the owner's
      // short-lived connection, then runs as the runtime role under row-level security.
      this.databases.set(
        name,
        await ThrowawayDatabase.createWithRoles(`e2e_${name.replace('-', '_')}`),
      );
    }
    const common = (name: ServiceName): Record<string, string> => ({
      NODE_ENV: 'test',
      LOG_LEVEL: this.options.logLevel ?? 'info',
      DATABASE_URL: this.databaseUrl(name),
      DATABASE_MIGRATION_URL: this.database(name).ownerUrl,
      KAFKA_BROKERS: this.kafkaBrokers,
      KAFKA_CLIENT_ID: `${name}-${this.runId}`,
      KAFKA_CONSUMER_GROUP: `${name}-${this.runId}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      ...identityEnvironment,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OUTBOX_RELAY_POLL_INTERVAL_MS: '500',
      KAFKA_CONSUMER_MAX_ATTEMPTS: String(CONSUMER_MAX_ATTEMPTS),
      KAFKA_CONSUMER_RETRY_BASE_MS: '50',
      KAFKA_CONSUMER_RETRY_MAX_MS: '200',
      ...Object.fromEntries(
        PASSED_THROUGH.flatMap((key) => {
          const value = process.env[key];
          return value === undefined ? [] : [[key, value]];
        }),
      ),
    });
    const messagingPort = ports.get('messaging') ?? 0;
    const dispatch = this.options.dispatch;
    const tenantIds = Object.keys(this.options.tenants);
    const specific: Record<ServiceName, Record<string, string>> = {
      'ehr-gateway': {
        EHR_WEBHOOK_SECRETS: JSON.stringify(this.options.tenants),
        ...phiEnvironment(),
      },
      scheduling: { ...phiEnvironment() },
      messaging: {
        ...phiEnvironment(),
        // One confirmation per booking is what stack tests, the fault suite and the pipeline
        // bench count: no reminder cadence unless a test passes its own REMINDER_SETTINGS.
        REMINDER_SETTINGS: JSON.stringify(
          Object.fromEntries(Object.keys(this.options.tenants).map((id) => [id, NO_REMINDERS])),
        ),
        TWILIO_ACCOUNT_SID: TWILIO.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO.authToken,
        LINK_TOKEN_SECRET: `stack-link-key-${randomUUID()}`,
        TWILIO_FROM_NUMBER: TWILIO.from,
        TWILIO_API_BASE_URL: twilioBaseUrl,
        PUBLIC_BASE_URL: `http://127.0.0.1:${messagingPort}`,
        SENDER_POLL_INTERVAL_MS: '50',
        // Short lease so a send cut off by a kill is reconciled within a test's patience.
        SENDER_LEASE_MS: '5000',
        // Above the fault suite's 20 s listing lag (test/faults/fault-scenarios.ts twilioTrouble).
        TWILIO_LIST_LAG_GRACE_MS: '25000',
        TWILIO_REQUEST_TIMEOUT_MS: '2000',
        SENDER_RETRY_BASE_MS: '100',
        SENDER_RETRY_MAX_MS: '500',
        SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
        EMAIL_FROM: 'reminders@practice.test',
      },
      'audit-log': { ...auditSigningEnvironment() },
      'dispatch-optimizer': {
        ...phiEnvironment(),
        ...(dispatch
          ? {
              // Plans are run through the API; the weekly/nightly scheduler stays off.
              PLAN_SCHEDULER_ENABLED: 'false',
              PLAN_TIME_LIMIT_MS: '1000',
              REPLAN_TIME_LIMIT_MS: '300',
              REPLAN_POLL_INTERVAL_MS: '200',
              ITINERARY_DELIVERY_POLL_INTERVAL_MS: '200',
              MAPS_API_KEY: dispatch.mapsApiKey,
              MAPS_API_BASE_URL: dispatch.mapsApiBaseUrl,
              MAPS_RETRY_BASE_MS: '50',
              SLACK_API_URL: dispatch.slackApiUrl,
              ESCALATION_SLACK_CHANNELS: JSON.stringify(
                Object.fromEntries(tenantIds.map((id) => [id, dispatch.coordinatorSlackChannel])),
              ),
              SLACK_BOT_TOKENS: JSON.stringify(
                Object.fromEntries(tenantIds.map((id) => [id, dispatch.slackBotToken])),
              ),
              TWILIO_ACCOUNT_SID: TWILIO.accountSid,
              TWILIO_AUTH_TOKEN: TWILIO.authToken,
              TWILIO_FROM_NUMBER: TWILIO.from,
              TWILIO_API_BASE_URL: twilioBaseUrl,
              // SMS itineraries link to this process's itinerary page.
              ITINERARY_LINK_BASE_URL: `http://127.0.0.1:${ports.get('dispatch-optimizer') ?? 0}`,
              ITINERARY_LINK_SECRET: `stack-itinerary-link-key-${randomUUID()}`,
            }
          : {}),
      },
      waitlist: {
        WAITLIST_SETTINGS: JSON.stringify(this.options.waitlist?.settings ?? {}),
        WAITLIST_SCAN_INTERVAL_MS: '500',
      },
    };
    for (const name of this.names) {
      const env = {
        ...common(name),
        ...specific[name],
        ...(this.options.environment?.[name] ?? {}),
      };
      this.envs.set(name, env);
      const overrides = this.options.overrides?.[name] ?? {};
      this.runningOverrides.set(name, overrides);
      const process = new ServiceProcess({
        service: name,
        port: ports.get(name) ?? 0,
        env: { ...env, ...overrides },
        logDir: this.logDir,
      });
      this.services.set(name, process);
    }
    // Every topic created with the configured replication and led on every broker before a
    // service or a group touches it: a cluster that has just formed answers "unknown topic".
    await prepareTopics(
      this.kafkaBrokers.split(','),
      ALL_TOPICS.flatMap((topic) => [topic, dlqTopicOf(topic)]),
      topicPreparationFromEnvironment(),
    );
    await this.startConsumerGroupsAtTopicEnds();
    await Promise.all(
      this.names.map((name) => this.service(name).start(this.options.readyTimeoutMs)),
    );
  }

  private databaseUrl(name: ServiceName): string {
    const address = this.options.databaseAddress?.[name];
    if (address === undefined) return this.database(name).runtimeUrl;
    const url = new URL(this.database(name).runtimeUrl);
    url.host = address;
    return url.toString();
  }

  consumerGroupOf(name: ServiceName): string {
    return `${name}-${this.runId}`;
  }

  /**
   * Waits until `name` has processed (and committed) everything on its topics that was
   * produced before the call: the observable end of "anything still in flight".
   */
  async waitForConsumerToCatchUp(name: ServiceName, timeoutMs = 60_000): Promise<void> {
    const topics = CONSUMED_TOPICS[name];
    if (!topics) throw new Error(`${name} consumes nothing`);
    await this.withAdmin((admin) =>
      waitForGroupsToCatchUp(admin, [this.consumerGroupOf(name)], topics, timeoutMs),
    );
  }

  /** Each service's fresh consumer group sees only this run's events. */
  private async startConsumerGroupsAtTopicEnds(): Promise<void> {
    await this.withAdmin(async (admin) => {
      for (const service of this.names) {
        const consumed = CONSUMED_TOPICS[service];
        if (consumed) await startGroupAtTopicEnds(admin, `${service}-${this.runId}`, consumed);
      }
    });
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const kafka = new Kafka({
      clientId: `stack-${this.runId}`,
      brokers: this.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Makes sure `name` runs with exactly `overrides` on top of its normal environment,
   * restarting it only when it runs with different ones; tests call this for the
   * configuration they need instead of relying on what an earlier test left behind.
   */
  async ensureRunningWith(
    name: ServiceName,
    overrides: Record<string, string> = {},
  ): Promise<void> {
    const running = this.runningOverrides.get(name);
    const same =
      running !== undefined &&
      this.service(name).pid !== undefined &&
      JSON.stringify(Object.entries(running).sort()) ===
        JSON.stringify(Object.entries(overrides).sort());
    if (!same) await this.restart(name, overrides);
  }

  /**
   * Restarts a (killed) service on the same port and database, with its normal environment
   * (the first start's overrides are dropped) plus `overrides`.
   */
  async restart(name: ServiceName, overrides: Record<string, string> = {}): Promise<void> {
    const old = this.service(name);
    await old.stop();
    const env = { ...(this.envs.get(name) ?? {}), ...overrides };
    const port = Number(new URL(old.baseUrl).port);
    const fresh = new ServiceProcess({
      service: name,
      port,
      env,
      logDir: join(this.logDir, `restarted-${Date.now()}`),
    });
    this.services.set(name, fresh);
    this.runningOverrides.set(name, overrides);
    await fresh.start(this.options.readyTimeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((service) => service.stop()));
    await this.twilio.stop();
    await this.smtp.stop();
    await this.collector.stop();
    await this.identityProvider?.stop();
    for (const database of this.databases.values()) await database.drop();
  }
}
