import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

import { Role } from '@caredispatch/auth';
import { ALL_TOPICS } from '@caredispatch/contracts';
import {
  KafkaTestCluster,
  newWebhookSecret,
  type ServiceName,
  sleep,
  Stack,
  TcpProxy,
  TopicRecorder,
} from '@caredispatch/testing';

import { BookingStream } from './booking-stream';
import {
  type FaultOutcome,
  judgeFault,
  type RecordedAppointment,
  type SentText,
} from './fault-outcome';
import { locateInLog, type UnauditedEvent } from './locate-in-log';

export const SERVICES: readonly ServiceName[] = [
  'ehr-gateway',
  'scheduling',
  'messaging',
  'audit-log',
];
/** Services that publish events through an outbox (the audit log only consumes). */
const PRODUCERS: readonly ServiceName[] = ['ehr-gateway', 'scheduling', 'messaging'];
const repoRoot = resolve(__dirname, '../..');

export type BrokerKind = 'shared' | 'dedicated' | 'cluster';

export interface FaultContext {
  readonly stack: Stack;
  /** Every service reaches PostgreSQL through its own proxy. */
  readonly databaseProxies: ReadonlyMap<ServiceName, TcpProxy>;
  /** With a dedicated broker, every service reaches Kafka through its own proxy. */
  readonly kafkaProxies: ReadonlyMap<ServiceName, TcpProxy>;
  readonly kafka: KafkaTestCluster | undefined;
  /** Resolves `seconds` after the booking stream started. */
  at(seconds: number): Promise<void>;
  log(line: string): void;
}

export interface FaultScenario {
  readonly id: string;
  readonly title: string;
  readonly broker: BrokerKind;
  readonly streamSeconds: number;
  inject(context: FaultContext): Promise<void>;
}

export interface FaultSettings {
  readonly rate: number;
  /** How long the EHR retries one delivery. */
  readonly retryForMs: number;
  /** How long to wait, after the stream, for the pipeline to settle. */
  readonly drainMs: number;
  readonly log: (line: string) => void;
}

export interface FaultReport {
  readonly scenario: FaultScenario;
  readonly outcome: FaultOutcome;
  /** What the fault left behind, for whoever fixes it (ids and counts only). */
  readonly diagnostics: string[];
  readonly logDir: string;
}

const kafkaListenerName = (service: ServiceName): string =>
  `CLIENT_${service.replace('-', '_').toUpperCase()}`;

/** Starts a stack wired for `scenario`, streams bookings while the fault plays, judges the result. */
export async function runFault(
  scenario: FaultScenario,
  settings: FaultSettings,
): Promise<FaultReport> {
  const tenantId = `faults-${scenario.id}-${randomBytes(3).toString('hex')}`;
  const secret = newWebhookSecret();
  const postgres = new URL(
    process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const databaseProxies = new Map<ServiceName, TcpProxy>();
  const kafkaProxies = new Map<ServiceName, TcpProxy>();
  const environment: Partial<Record<ServiceName, Record<string, string>>> = {};
  const databaseAddress: Partial<Record<ServiceName, string>> = {};
  let kafka: KafkaTestCluster | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    for (const service of SERVICES) {
      const proxy = new TcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
      await proxy.start();
      cleanups.push(() => proxy.stop());
      databaseProxies.set(service, proxy);
      databaseAddress[service] = proxy.address;
      environment[service] = {};
    }
    if (scenario.broker !== 'shared') {
      kafka = new KafkaTestCluster({
        nodes: scenario.broker === 'cluster' ? 3 : 1,
        dir: join(repoRoot, 'tmp', 'faults', `${tenantId}-kafka`),
        clientListeners: scenario.broker === 'dedicated' ? SERVICES.map(kafkaListenerName) : [],
      });
      const broker = kafka;
      cleanups.push(() => broker.stop());
      await broker.allocate();
      if (scenario.broker === 'dedicated') {
        for (const service of SERVICES) {
          const listener = kafkaListenerName(service);
          const proxy = new TcpProxy({ host: '127.0.0.1', port: broker.listenerPort(listener) });
          await proxy.start();
          cleanups.push(() => proxy.stop());
          broker.advertise(listener, proxy.port);
          kafkaProxies.set(service, proxy);
          environment[service] = { KAFKA_BROKERS: proxy.address };
        }
      } else {
        for (const service of SERVICES) {
          environment[service] = {
            KAFKA_TOPIC_REPLICATION_FACTOR: '3',
            KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
          };
        }
      }
      settings.log(`starting ${scenario.broker} Kafka (${broker.nodeIds.length} node(s))…`);
      await broker.start();
      await broker.createTopics(ALL_TOPICS.flatMap((topic) => [topic, `${topic}.dlq`]));
    }
    const started = new Stack({
      tenants: { [tenantId]: secret },
      logLevel: 'warn',
      kafkaBrokers: kafka?.brokers,
      environment,
      databaseAddress,
      // Two cores shared with other work: a start under load can take minutes.
      readyTimeoutMs: 240_000,
    });
    cleanups.push(() => started.stop());
    settings.log(`starting the stack (run ${started.runId})…`);
    await started.start();
    const dlqRecorder = new TopicRecorder(started.kafkaBrokers.split(','));
    cleanups.push(() => dlqRecorder.stop());
    await dlqRecorder.start(ALL_TOPICS.map((topic) => `${topic}.dlq`));

    const stream = new BookingStream({
      gatewayUrl: () => started.service('ehr-gateway').baseUrl,
      tenantId,
      secret,
      rate: settings.rate,
      durationMs: scenario.streamSeconds * 1000,
      followUpAfterMs: 3_000,
      retryForMs: settings.retryForMs,
    });
    const streamStartedAt = Date.now();
    const context: FaultContext = {
      stack: started,
      databaseProxies,
      kafkaProxies,
      kafka,
      at: (seconds) => sleep(Math.max(0, streamStartedAt + seconds * 1000 - Date.now())),
      log: (line) =>
        settings.log(`  [${((Date.now() - streamStartedAt) / 1000).toFixed(1)} s] ${line}`),
    };
    settings.log(
      `streaming ${settings.rate} bookings/s for ${scenario.streamSeconds} s: ${scenario.title}`,
    );
    const diagnostics: string[] = [];
    await Promise.all([
      stream.run(),
      scenario.inject(context).catch((error: unknown) => {
        diagnostics.push(`fault injection failed: ${describeError(error)}`);
        for (const proxy of [...databaseProxies.values(), ...kafkaProxies.values()]) {
          proxy.restore();
        }
        started.twilio.clearFaults();
      }),
    ]);
    const drained = await drain(started, tenantId, stream, settings.drainMs);
    if (!drained) diagnostics.push(`not settled ${settings.drainMs / 1000} s after the stream`);

    const evidence = await collectEvidence(started, tenantId, stream);
    const letters = dlqRecorder.messages().filter(
      // Shared topics carry other runs' events too: only this run's tenant and groups count.
      (message) =>
        header(message.headers, 'tenant-id') === tenantId &&
        header(message.headers, 'dlq-consumer-group')?.endsWith(started.runId),
    );
    const outcome = judgeFault({ ...evidence, deadLetters: letters.length });
    const reasons = countBy(
      letters.map(
        (letter) =>
          `${header(letter.headers, 'dlq-original-topic')} ← ${header(letter.headers, 'dlq-consumer-group')?.replace(`-${started.runId}`, '')}: ${header(letter.headers, 'dlq-reason')} / ${header(letter.headers, 'dlq-error')}`,
      ),
    );
    for (const [reason, count] of reasons) diagnostics.push(`dead letters: ${count} × ${reason}`);
    const foreign = dlqRecorder
      .messages()
      .filter(
        (message) =>
          header(message.headers, 'tenant-id') !== tenantId &&
          header(message.headers, 'dlq-consumer-group')?.endsWith(started.runId),
      );
    for (const [reason, count] of countBy(
      foreign.map(
        (letter) =>
          `${header(letter.headers, 'dlq-reason')} / ${header(letter.headers, 'dlq-error')}`,
      ),
    )) {
      diagnostics.push(
        `other tenants' events this run's consumers dead-lettered: ${count} × ${reason}`,
      );
    }
    if (evidence.leftOut > 0) {
      diagnostics.push(
        `texts other stacks on the shared broker caused, left out: ${evidence.leftOut}`,
      );
    }
    for (const missing of evidence.auditMissingEvents) {
      diagnostics.push(`not audited: ${missing.eventId} ${missing.description}`);
    }
    const auditGroupId = `audit-log-${started.runId}`;
    const auditedNow = async (eventIds: readonly string[]): Promise<ReadonlySet<string>> => {
      const rows = await started
        .database('audit-log')
        .query<{ event_id: string }>(
          'SELECT event_id::text AS event_id FROM audit_event WHERE tenant_id = $1 AND event_id::text = ANY($2::text[])',
          [tenantId, eventIds],
        );
      return new Set(rows.map((row) => row.event_id.toLowerCase()));
    };
    for (const line of await locateInLog(
      started.kafkaBrokers,
      auditGroupId,
      evidence.auditMissingEvents,
      auditedNow,
    )) {
      diagnostics.push(`where: ${line}`);
    }
    diagnostics.push(...(await pipelineState(started, tenantId, stream)));
    return { scenario, outcome, diagnostics, logDir: started.logDir };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        settings.log(`cleanup failed: ${describeError(error)}`),
      );
    }
  }
}

/** Waits until every expected text went out and nothing is left queued, unpublished or unaudited. */
async function drain(
  stack: Stack,
  tenantId: string,
  stream: BookingStream,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const evidence = await collectEvidence(stack, tenantId, stream, false);
      const outcome = judgeFault({ ...evidence, deadLetters: 0 });
      const backlog = await backlogOf(stack, tenantId);
      if (outcome.missing === 0 && evidence.auditMissing === 0 && backlog === 0) return true;
    } catch {
      // a service or its database may still be coming back
    }
    await sleep(2_000);
  }
  return false;
}

/**
 * Unpublished outbox rows plus texts still queued or in flight. messaging's share counts only
 * this run's appointments: what it does for the appointments other stacks' scheduling made of
 * this run's EHR events (see textsOf) is theirs, and may trail in for minutes under load.
 */
async function backlogOf(stack: Stack, tenantId: string): Promise<number> {
  const ours = await ourAppointmentIds(stack, tenantId);
  let backlog = 0;
  for (const service of PRODUCERS) {
    const rows = await stack.database(service).query<{ count: string }>(
      `SELECT count(*) AS count FROM outbox_message
          WHERE tenant_id = $1 AND published_at IS NULL
            AND ($2::text[] IS NULL OR message_key = ANY($2::text[]))`,
      [tenantId, service === 'messaging' ? ours : null],
    );
    backlog += Number(rows[0]?.count ?? 0);
  }
  const sending = await stack.database('messaging').query<{ count: string }>(
    `SELECT count(*) AS count FROM message
      WHERE tenant_id = $1 AND state IN ('queued', 'sending') AND appointment_id::text = ANY($2::text[])`,
    [tenantId, ours],
  );
  return backlog + Number(sending[0]?.count ?? 0);
}

async function ourAppointmentIds(stack: Stack, tenantId: string): Promise<string[]> {
  const rows = await stack
    .database('scheduling')
    .query<{ id: string }>('SELECT id::text AS id FROM appointment WHERE tenant_id = $1', [
      tenantId,
    ]);
  return rows.map((row) => row.id);
}

async function collectEvidence(
  stack: Stack,
  tenantId: string,
  stream: BookingStream,
  verifyChain = true,
): Promise<{
  appointments: BookingStream['appointments'];
  texts: SentText[];
  recorded: RecordedAppointment[];
  auditValid: boolean;
  auditMissing: number;
  auditMissingEvents: UnauditedEvent[];
  /** Texts other stacks on the shared broker caused (see textsOf). */
  leftOut: number;
}> {
  const rows = await stack.database('scheduling').query<{
    id: string;
    ehr_appointment_id: string;
    status: string;
    start_at: Date;
    revision: number;
    updated_at: Date;
  }>(
    `SELECT id::text AS id, ehr_appointment_id, status, start_at, revision, updated_at
       FROM appointment WHERE tenant_id = $1`,
    [tenantId],
  );
  const known = await stack.database('messaging').query<{
    appointment_id: string;
    revision: number;
    updated_at: Date;
  }>(
    `SELECT appointment_id::text AS appointment_id, revision, updated_at
       FROM appointment_revision WHERE tenant_id = $1`,
    [tenantId],
  );
  const knownById = new Map(known.map((row) => [row.appointment_id, row]));
  const { texts, leftOut } = await textsOf(stack, tenantId, new Set(rows.map((row) => row.id)));
  const recorded = rows.map((row) => {
    const atMessaging = knownById.get(row.id);
    return {
      ehrAppointmentId: row.ehr_appointment_id,
      status: row.status,
      startAt: row.start_at,
      updatedAt: row.updated_at,
      messagingUpdatedAt:
        atMessaging && atMessaging.revision >= row.revision ? atMessaging.updated_at : undefined,
    };
  });
  // messaging's events about other stacks' appointments (see textsOf) are theirs to audit.
  const produced = new Map<string, UnauditedEvent>();
  for (const service of PRODUCERS) {
    const events = await stack.database(service).query<{
      event_id: string;
      topic: string;
      event_type: string;
      published_at: Date | null;
    }>(
      `SELECT event_id::text AS event_id, topic, event_type, published_at FROM outbox_message
        WHERE tenant_id = $1 AND ($2::text[] IS NULL OR message_key = ANY($2::text[]))`,
      [tenantId, service === 'messaging' ? rows.map((row) => row.id) : null],
    );
    for (const event of events) {
      const published = event.published_at
        ? `published ${event.published_at.toISOString()}`
        : 'unpublished';
      const eventId = event.event_id.toLowerCase();
      produced.set(eventId, {
        eventId,
        topic: event.topic,
        description: `${event.event_type} on ${event.topic}, ${published}`,
      });
    }
  }
  const audited = await stack
    .database('audit-log')
    .query<{ event_id: string }>('SELECT event_id FROM audit_event WHERE tenant_id = $1', [
      tenantId,
    ]);
  for (const event of audited) produced.delete(event.event_id.toLowerCase());
  return {
    appointments: stream.appointments,
    texts,
    recorded,
    auditValid: verifyChain ? await verifyAuditChain(stack, tenantId) : true,
    auditMissing: produced.size,
    // Named so a missing audit event can be traced: its type, topic and when the relay sent it.
    auditMissingEvents: [...produced.values()].slice(0, 10),
    leftOut,
  };
}

/**
 * The texts at this run's stand-in that this run's pipeline caused, each with when messaging
 * decided to send it (the claim of its message's newest attempt). Stacks on the shared broker
 * consume each other's events: this messaging texts other runs' patients, and another run's
 * scheduling turns this run's EHR events into appointments of its own (other ids, this
 * tenant), which this messaging then texts too — to this run's patients' numbers. Each text
 * is matched to the message that sent it by the `messageId` of its status callback URL (by
 * its SID when it has none): a message row exists before its first attempt, while the SID is
 * recorded only once Twilio's answer is in, so a foreign text still in flight when the
 * evidence is taken is not mistaken for ours. Left out: texts of a message recorded for
 * another tenant or for an appointment this run's scheduling does not hold. A text no message
 * accounts for stays in: it may be our duplicate.
 */
async function textsOf(
  stack: Stack,
  tenantId: string,
  ourAppointments: ReadonlySet<string>,
): Promise<{ texts: SentText[]; leftOut: number }> {
  const rows = await stack.database('messaging').query<{
    id: string;
    provider_message_id: string | null;
    tenant_id: string;
    appointment_id: string;
    last_attempt_at: Date | null;
  }>(
    `SELECT id::text AS id, provider_message_id, tenant_id, appointment_id::text AS appointment_id,
            last_attempt_at
       FROM message`,
  );
  const byId = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
  const bySid = new Map(
    rows.flatMap((row) =>
      row.provider_message_id === null ? [] : [[row.provider_message_id, row] as const],
    ),
  );
  const texts: SentText[] = [];
  let leftOut = 0;
  for (const message of stack.twilio.messages()) {
    const messageId = messageIdOf(message.statusCallback);
    const recorded = (messageId && byId.get(messageId)) || bySid.get(message.sid);
    if (
      recorded &&
      (recorded.tenant_id !== tenantId || !ourAppointments.has(recorded.appointment_id))
    ) {
      leftOut += 1;
      continue;
    }
    texts.push({
      to: message.to,
      body: message.body,
      createdAt: message.dateCreated.getTime(),
      decidedAt: recorded?.last_attempt_at?.getTime(),
    });
  }
  return { texts, leftOut };
}

/** messaging's status callback URL names the message: `…/twilio/status?messageId=<uuid>`. */
function messageIdOf(statusCallback: string | null): string | undefined {
  if (statusCallback === null) return undefined;
  try {
    return new URL(statusCallback).searchParams.get('messageId')?.toLowerCase() ?? undefined;
  } catch {
    return undefined;
  }
}

async function verifyAuditChain(stack: Stack, tenantId: string): Promise<boolean> {
  const url = new URL('/v1/audit-events/verify', stack.service('audit-log').baseUrl);
  const response = await fetch(url, {
    headers: await stack.identity.authorization({ tenantId, roles: [Role.ComplianceOfficer] }),
  });
  if (!response.ok) return false;
  const body = (await response.json()) as { valid: boolean };
  return body.valid;
}

/** Counts of where things stand, per service: the shape of a failure, without PHI. */
async function pipelineState(
  stack: Stack,
  tenantId: string,
  stream: BookingStream,
): Promise<string[]> {
  const lines: string[] = [];
  const answers = countBy(
    stream.appointments.flatMap((appointment) =>
      appointment.deliveries
        .filter((delivery) => delivery.result !== 'accepted')
        .map(
          (delivery) => `${delivery.kind} ${delivery.result} (last answer ${delivery.lastAnswer})`,
        ),
    ),
  );
  for (const [answer, count] of answers) lines.push(`webhook deliveries: ${count} × ${answer}`);
  const retried = stream.appointments
    .flatMap((appointment) => appointment.deliveries)
    .filter((delivery) => delivery.attempts > 1).length;
  if (retried > 0) lines.push(`webhook deliveries retried by the EHR: ${retried}`);
  for (const service of PRODUCERS) {
    const rows = await stack.database(service).query<{ topic: string; count: string }>(
      `SELECT topic, count(*) AS count FROM outbox_message
        WHERE tenant_id = $1 AND published_at IS NULL GROUP BY topic`,
      [tenantId],
    );
    for (const row of rows)
      lines.push(`${service}: ${row.count} unpublished outbox rows (${row.topic})`);
  }
  const states = await stack
    .database('messaging')
    .query<{ state: string; count: string }>(
      'SELECT state, count(*) AS count FROM message WHERE tenant_id = $1 GROUP BY state ORDER BY state',
      [tenantId],
    );
  lines.push(`messaging: ${states.map((row) => `${row.count} ${row.state}`).join(', ')}`);
  return lines;
}

function header(
  headers: Readonly<Partial<Record<string, string>>>,
  name: string,
): string | undefined {
  return headers[name];
}

function countBy(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([, a], [, b]) => b - a);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
