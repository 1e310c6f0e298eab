import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigResourceTypes, Kafka, logLevel, type Producer } from 'kafkajs';

import {
  ALL_TOPICS,
  createEnvelope,
  decodeEvent,
  encodeEnvelope,
  type EventEnvelope,
  type EventType,
  MessageChannel,
  MessagePurpose,
  MessageStatus,
  type NewEvent,
  PhiAccessAction,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { envelopeHeaders } from '@caredispatch/kafka';
import { AllExceptionsFilter } from '@caredispatch/platform';
import {
  eventually,
  freePort,
  readTopic,
  startGroupAtTopicEnds,
  TestIdentityProvider,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { AppModule } from '../app.module';
import { auditLeafHash, auditLeafOf } from '../audit-chain/audit-leaf';
import { type JsonValue } from '../audit-chain/canonical-json';
import { type ChainLink, GENESIS_HASH, link } from '../audit-chain/hash-chain';
import {
  publicKeyFromJson,
  type PublicKeyJson,
  signedTreeHeadFromJson,
  type SignedTreeHeadJson,
} from '../audit-chain/tree-head';
import { auditErrors } from '../audit-events/audit-events.errors';
import { type ChainVerificationResponse } from '../audit-events/dto/audit-trail.response';
import { auditLogConfigSchema } from '../config';
import { readAnchoredTreeHeads } from '../tree-heads/anchors/file-tree-head.anchor';
import { verifyExport } from '../verifier/verify-export';

import { type AuditSearchPage } from './compliance-query.service';

jest.setTimeout(120_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const tenantId = `it-compliance-${randomUUID().slice(0, 8)}`;
const otherTenantId = `it-compliance-${randomUUID().slice(0, 8)}`;
const patientId = randomUUID();
const otherPatientId = randomUUID();
const appointmentId = randomUUID();
const ehrAppointmentId = `ehr-${randomUUID()}`;
const start = new Date('2030-05-06T13:00:00.000Z');

function envelope<T extends EventType>(event: NewEvent<T>, producer: string): EventEnvelope {
  return createEnvelope(event, { producer });
}

function scheduled(appointment: string, ehrId: string, patient: string) {
  return {
    appointmentId: appointment,
    ehrAppointmentId: ehrId,
    ehrVersion: 'v1',
    revision: 1,
    start: timestampFromDate(start),
    end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
    location: { locationId: randomUUID(), name: 'Main St', timeZone: 'America/New_York' },
    practiceName: 'Integration Practice',
    patient: { patientId: patient, givenName: 'Test', phoneE164: '+15555550100', smsConsent: true },
  };
}

const execFileAsync = promisify(execFile);
const repoRoot = resolve(__dirname, '../../../..');

describe('audit-log: compliance export verified offline against an anchored tree head', () => {
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let producer: Producer;
  let kafka: Kafka;
  let idp: TestIdentityProvider;
  let anchorDirectory: string;
  let baseUrl: string;
  /** The events of the patient's appointment this test published (services sharing the
   * broker may add their own reactions, e.g. a running messaging service's confirmations). */
  const patientEventIds: string[] = [];
  let otherPatientEventId = '';

  const get = async (path: string, headers: Record<string, string>) =>
    fetch(`${baseUrl}${path}`, { headers });
  const officer = () => idp.authorization({ tenantId, roles: ['compliance-officer'] });

  async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { ...(await officer()), ...(init.headers as Record<string, string>) },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  async function exportFhir(
    query: string,
  ): Promise<{ lines: string[]; head: SignedTreeHeadJson | null }> {
    const response = await get(`/v1/audit/exports/fhir?${query}`, await officer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+ndjson');
    const encoded = response.headers.get('x-audit-tree-head');
    const head = encoded
      ? (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as SignedTreeHeadJson)
      : null;
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    return { lines, head };
  }

  async function publish(topic: string, event: EventEnvelope): Promise<void> {
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

  async function recordedCount(tenant: string): Promise<number> {
    const [row] = await database.query<{ count: string }>(
      'SELECT count(*) AS count FROM audit_event WHERE tenant_id = $1',
      [tenant],
    );
    return Number(row.count);
  }

  // A set-up bound, not a latency check: the set-up took ~50–60 s in CI (a fresh group on every
  // audited topic), at jest's 60 s default.
  beforeAll(async () => {
    [database, idp, anchorDirectory] = await Promise.all([
      ThrowawayDatabase.createWithRoles('caredispatch_audit_compliance_it'),
      TestIdentityProvider.start(),
      mkdtemp(join(tmpdir(), 'audit-anchor-')),
    ]);
    kafka = new Kafka({ clientId: 'audit-compliance-it', brokers, logLevel: logLevel.NOTHING });
    const groupId = `audit-compliance-it-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, ALL_TOPICS);
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();

    const signingKey = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    const port = await freePort();
    const config = auditLogConfigSchema.parse({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
      // The runtime role under row-level security, migrated by the owner (as in production).
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      ...idp.environment(),
      AUDIT_TREE_HEAD_SIGNING_KEY: `it-key-1:${signingKey}`,
      // Heads on demand only: the scheduled run must not interleave with the test's heads.
      AUDIT_TREE_HEAD_INTERVAL_MS: '3600000',
      AUDIT_TREE_HEAD_ANCHORS: 'kafka,file',
      AUDIT_TREE_HEAD_ANCHOR_DIRECTORY: anchorDirectory,
      OUTBOX_RELAY_POLL_INTERVAL_MS: '200',
    });
    Logger.overrideLogger(['error', 'warn']);
    app = await NestFactory.create(AppModule.forRoot(config));
    app.useGlobalFilters(new AllExceptionsFilter(auditErrors));
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(
      async () => ((await fetch(`${baseUrl}/health/ready`)).ok ? true : undefined),
      60_000,
      'audit-log ready',
    );

    // The patient's appointment across three producers, a read of it through scheduling's
    // API, and another patient's booking that must stay out of the patient's export.
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
            start: timestampFromDate(start),
            end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
            patient: {
              ehrPatientId: 'ehr-pat-1',
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
    );
    const booked = envelope(
      {
        type: 'AppointmentBookedV1',
        tenantId,
        aggregateId: appointmentId,
        payload: { appointment: scheduled(appointmentId, ehrAppointmentId, patientId) },
      },
      'scheduling',
    );
    const message = {
      messageId: randomUUID(),
      appointmentId,
      channel: MessageChannel.SMS,
      purpose: MessagePurpose.CONFIRMATION,
    };
    const queued = envelope(
      {
        type: 'MessageQueuedV1',
        tenantId,
        aggregateId: message.messageId,
        payload: { ...message, status: MessageStatus.QUEUED },
      },
      'messaging',
    );
    const read = envelope(
      {
        type: 'PhiAccessedV1',
        tenantId,
        aggregateId: 'front-desk-1',
        payload: {
          accessor: { subject: 'front-desk-1', clientId: 'it', roles: ['front-desk'] },
          action: PhiAccessAction.READ,
          route: 'GET /v1/tenants/:tenantId/appointments/:appointmentId',
          resourceType: 'Appointment',
          resourceIds: [appointmentId],
          patientIds: [patientId],
          resultCount: 1,
        },
      },
      'scheduling',
    );
    const otherAppointment = randomUUID();
    const otherBooked = envelope(
      {
        type: 'AppointmentBookedV1',
        tenantId,
        aggregateId: otherAppointment,
        payload: {
          appointment: scheduled(otherAppointment, `ehr-${randomUUID()}`, otherPatientId),
        },
      },
      'scheduling',
    );
    const otherTenantBooked = envelope(
      {
        type: 'AppointmentBookedV1',
        tenantId: otherTenantId,
        aggregateId: appointmentId,
        payload: { appointment: scheduled(appointmentId, ehrAppointmentId, patientId) },
      },
      'scheduling',
    );
    patientEventIds.push(ehrBooked.eventId, booked.eventId, queued.eventId, read.eventId);
    otherPatientEventId = otherBooked.eventId;
    await publish(Topics.EhrAppointmentV1, ehrBooked);
    await publish(Topics.SchedulingAppointmentV1, booked);
    await publish(Topics.MessagingMessageV1, queued);
    await publish(Topics.AuditPhiAccessV1, read);
    await publish(Topics.SchedulingAppointmentV1, otherBooked);
    await publish(Topics.SchedulingAppointmentV1, otherTenantBooked);
    await eventually(
      async () =>
        (await recordedCount(tenantId)) >= 5 && (await recordedCount(otherTenantId)) >= 1
          ? true
          : undefined,
      60_000,
      'six audited events',
    );
  }, 180_000);

  afterAll(async () => {
    await app.close();
    await producer.disconnect();
    await idp.stop();
    await database.drop();
    await rm(anchorDirectory, { recursive: true, force: true });
  });

  it('should refuse the audit API without a token and to callers without the compliance role', async () => {
    expect((await get('/v1/audit/events', {})).status).toBe(401);
    const coordinator = await idp.authorization({ tenantId, roles: ['coordinator'] });
    expect((await get('/v1/audit/events', coordinator)).status).toBe(403);
    expect((await get('/v1/audit/exports/fhir', coordinator)).status).toBe(403);
    const badFilter = await get('/v1/audit/events?from=yesterday', await officer());
    expect(badFilter.status).toBe(400);
    expect(await badFilter.json()).toMatchObject({ error: { code: 'INVALID_QUERY' } });
  });

  it('should page through a filtered query with a cursor, in log order, own tenant only', async () => {
    const pages: AuditSearchPage[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditSearchPage = await json<AuditSearchPage>(
        `/v1/audit/events?patientId=${patientId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);

    const events = pages.flatMap((page) => page.events);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((page) => page.events.length <= 2)).toBe(true);
    expect(events.map((event) => event.eventId)).toEqual(expect.arrayContaining(patientEventIds));
    expect(events.map((event) => event.eventId)).not.toContain(otherPatientEventId);
    expect(events.every((event) => event.tenantId === tenantId)).toBe(true);
    expect(events.map((event) => Number(event.sequence))).toEqual(
      [...events.map((event) => Number(event.sequence))].sort((a, b) => a - b),
    );
    expect(JSON.stringify(pages)).not.toContain('+15555550100');

    const byActor = await json<AuditSearchPage>('/v1/audit/events?actor=front-desk-1');
    expect(byActor.events.map((event) => event.eventType)).toEqual(['PhiAccessedV1']);
    const byType = await json<AuditSearchPage>(
      `/v1/audit/events?eventType=AppointmentBookedV1&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`,
    );
    expect(byType.events.map((event) => event.patientIds)).toEqual(
      expect.arrayContaining([[patientId], [otherPatientId]]),
    );
    expect(new Set(byType.events.map((event) => event.eventType))).toEqual(
      new Set(['AppointmentBookedV1']),
    );

    // Another tenant's officer, same patient id: only their own tenant's row.
    const other = await idp.authorization({
      tenantId: otherTenantId,
      roles: ['compliance-officer'],
    });
    const response = await get(`/v1/audit/events?patientId=${patientId}`, other);
    const otherPage = (await response.json()) as AuditSearchPage;
    expect(otherPage.events.length).toBeGreaterThan(0);
    expect(new Set(otherPage.events.map((event) => event.tenantId))).toEqual(
      new Set([otherTenantId]),
    );
  });

  it('should record every query and export as an audit event with who, filter and row count', async () => {
    const page = await json<AuditSearchPage>(
      `/v1/audit/events?appointmentId=${appointmentId}&limit=50`,
    );

    const recorded = await eventually(
      async () => {
        const rows = await database.query<{ payload: Record<string, unknown>; actor: string }>(
          `SELECT e.payload, l.actor FROM audit_event e JOIN audit_event_leaf l
             ON l.tenant_id = e.tenant_id AND l.sequence = e.sequence
           WHERE e.tenant_id = $1 AND e.event_type = 'PhiAccessedV1'
             AND e.payload -> 'filter' ->> 'appointmentId' = $2`,
          [tenantId, appointmentId],
        );
        return rows.length > 0 ? rows[0] : undefined;
      },
      30_000,
      'the query recorded as PhiAccessedV1',
    );
    expect(recorded.payload).toMatchObject({
      action: 'PHI_ACCESS_ACTION_SEARCH',
      resourceType: 'AuditEvent',
      route: 'GET /v1/audit/events',
      filter: { appointmentId, limit: '50' },
      resultCount: page.events.length,
      accessor: { roles: ['compliance-officer'] },
    });
    expect(recorded.actor).not.toBe('audit-log');
  });

  it('should export a patient trail that verifies offline and catches a superuser rewrite', async () => {
    // 1. A head signed now and anchored outside the database (file and Kafka).
    const anchoredJson = await json<SignedTreeHeadJson>('/v1/audit/tree-heads', { method: 'POST' });
    const anchored = (await readAnchoredTreeHeads(anchorDirectory, tenantId)).at(-1);
    expect(anchored && anchored.treeSize).toBe(anchoredJson.treeSize);
    expect(anchored?.rootHash.toString('hex')).toBe(anchoredJson.rootHash);
    const onKafka = await readTopic(kafka, Topics.AuditTreeHeadV1, (messages) =>
      messages.some((m) => m.message.key?.toString() === tenantId),
    );
    const published = decodeEvent(
      onKafka.find((m) => m.message.key?.toString() === tenantId)?.message.value,
    );
    expect(published.type === 'TreeHeadSignedV1' && published.payload.rootHash).toEqual(
      anchored?.rootHash,
    );
    expect(await topicRetention(kafka, Topics.AuditTreeHeadV1)).toBe('-1');
    const publicKeys = (await json<PublicKeyJson[]>('/v1/audit/tree-head-keys')).map(
      publicKeyFromJson,
    );
    if (!anchored) throw new Error('no anchored head');

    // 2. The patient's full trail, proven against the anchored head, verifies offline.
    const exported = await exportFhir(`patientId=${patientId}&treeSize=${anchored.treeSize}`);
    // The patient's appointment across producers, the read of it, and the officer's own
    // earlier searches for this patient (an access to the trail is part of the trail).
    const exportedIds = exported.lines.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(exportedIds).toEqual(expect.arrayContaining(patientEventIds));
    expect(exportedIds).not.toContain(otherPatientEventId);
    expect(exported.lines.join('\n')).not.toContain('+15555550100');
    expect(verifyExport({ lines: exported.lines, treeHead: anchored, publicKeys })).toMatchObject({
      valid: true,
      verifiedEvents: exported.lines.length,
    });
    // The same through the CLI, with files only.
    const files = await writeVerifierInputs(exported.lines, await keysJson());
    const cli = await runVerifier([
      '--export',
      files.export,
      '--tree-head',
      join(anchorDirectory, `${tenantId}.tree-heads.ndjson`),
      '--public-keys',
      files.keys,
    ]);
    expect(cli).toMatchObject({
      exitCode: 0,
      report: { valid: true, verifiedEvents: exported.lines.length },
    });

    // 3. A superuser rewrites the patient's booking, re-chains the SHA-256 chain (and, being
    // thorough, the stored Merkle leaves) and removes the stored heads the server would
    // check itself against. The chain check is fooled.
    await rewriteHistoryAsSuperuser(database, tenantId, 'AppointmentBookedV1', patientId);
    expect(await json<ChainVerificationResponse>('/v1/audit-events/verify')).toMatchObject({
      valid: true,
      firstBrokenLink: null,
    });

    // 4a. Proven against the anchored head's size, the rewritten trail fails offline.
    const forged = await exportFhir(`patientId=${patientId}&treeSize=${anchored.treeSize}`);
    const againstAnchor = verifyExport({ lines: forged.lines, treeHead: anchored, publicKeys });
    expect(againstAnchor.valid).toBe(false);
    expect(againstAnchor.problems.join('\n')).toMatch(/not included in the signed tree head/);

    // 4b. The server signs a fresh head over the rewritten log (it has the key); that head is
    // self-consistent, but it does not extend the anchored one.
    const fresh = await exportFhir(`patientId=${patientId}`);
    const freshHead = signedTreeHeadFromJson(fresh.head);
    expect(freshHead.treeSize).toBeGreaterThanOrEqual(anchored.treeSize);
    expect(verifyExport({ lines: fresh.lines, treeHead: freshHead, publicKeys }).valid).toBe(true);
    const consistency = await json<{ first: number; second: number; proof: string[] }>(
      `/v1/audit/tree-heads/consistency?first=${anchored.treeSize}&second=${freshHead.treeSize}`,
    );
    const verdict = verifyExport({
      lines: fresh.lines,
      treeHead: freshHead,
      publicKeys,
      anchored: {
        head: anchored,
        consistencyProof: consistency.proof.map((hash) => Buffer.from(hash, 'hex')),
      },
    });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems).toEqual([expect.stringMatching(/does not extend the anchored head/)]);
    await writeFile(files.head, JSON.stringify(fresh.head));
    await writeFile(files.proof, JSON.stringify(consistency));
    await writeFile(files.export, fresh.lines.join('\n'));
    const cliVerdict = await runVerifier([
      ...['--export', files.export, '--tree-head', files.head, '--public-keys', files.keys],
      ...['--anchored-head', join(anchorDirectory, `${tenantId}.tree-heads.ndjson`)],
      ...['--consistency-proof', files.proof],
    ]);
    expect(cliVerdict).toMatchObject({ exitCode: 1, report: { valid: false } });
  });

  async function keysJson(): Promise<PublicKeyJson[]> {
    return json<PublicKeyJson[]>('/v1/audit/tree-head-keys');
  }

  async function writeVerifierInputs(lines: string[], keys: PublicKeyJson[]) {
    const files = {
      export: join(anchorDirectory, 'export.ndjson'),
      keys: join(anchorDirectory, 'keys.json'),
      head: join(anchorDirectory, 'head.json'),
      proof: join(anchorDirectory, 'proof.json'),
    };
    await writeFile(files.export, lines.join('\n'));
    await writeFile(files.keys, JSON.stringify(keys));
    return files;
  }
});

async function runVerifier(args: string[]): Promise<{ exitCode: number; report: unknown }> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', '@swc-node/register', 'services/audit-log/src/verifier/main.ts', ...args],
      { cwd: repoRoot },
    );
    return { exitCode: 0, report: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return {
      exitCode: failed.code ?? -1,
      report: failed.stdout ? JSON.parse(failed.stdout) : null,
    };
  }
}

async function topicRetention(kafka: Kafka, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    });
    return described.resources[0]?.configEntries.find(
      (entry) => entry.configName === 'retention.ms',
    )?.configValue;
  } finally {
    await admin.disconnect();
  }
}

interface StoredRow {
  tenant_id: string;
  sequence: string;
  event_id: string;
  event_type: string;
  event_version: number;
  topic: string;
  partition: number;
  offset: string;
  producer: string;
  occurred_at: Date;
  recorded_at: Date;
  correlation_id: string;
  causation_id: string | null;
  aggregate_id: string;
  ehr_appointment_id: string | null;
  appointment_id: string | null;
  trace_id: string | null;
  payload: JsonValue;
  hash: string;
  actor: string;
  patient_ids: string[];
}

/**
 * What an attacker with the database superuser does: triggers off for the session, one row
 * changed, every later link of the SHA-256 chain and the chain head recomputed so the chain
 * check passes, the Merkle leaves recomputed to match, and the stored tree heads deleted.
 */
async function rewriteHistoryAsSuperuser(
  database: ThrowawayDatabase,
  tenant: string,
  eventType: string,
  patient: string,
): Promise<void> {
  const rows = await database.query<StoredRow>(
    `SELECT e.*, l.actor, l.patient_ids FROM audit_event e JOIN audit_event_leaf l
       ON l.tenant_id = e.tenant_id AND l.sequence = e.sequence
     WHERE e.tenant_id = $1 ORDER BY e.sequence`,
    [tenant],
  );
  const target = rows.find(
    (row) => row.event_type === eventType && row.patient_ids.includes(patient),
  );
  if (!target) throw new Error('nothing to rewrite');
  const statements = ['SET session_replication_role = replica'];
  const from = rows.indexOf(target);
  let prevHash = from === 0 ? GENESIS_HASH : rows[from - 1].hash;
  for (const row of rows.slice(from)) {
    const payload = row === target ? rewritePayload(row.payload) : row.payload;
    const relinked: ChainLink = link(prevHash, toRecord(row, payload));
    const leaf = auditLeafHash(
      auditLeafOf(relinked, { actor: row.actor, patientIds: row.patient_ids }),
    ).toString('hex');
    statements.push(
      `UPDATE audit_event SET payload = '${JSON.stringify(payload).replace(/'/g, "''")}'::jsonb,
         prev_hash = '${relinked.prevHash}', hash = '${relinked.hash}'
       WHERE tenant_id = '${tenant}' AND sequence = ${row.sequence}`,
      `UPDATE audit_event_leaf SET leaf_hash = '\\x${leaf}'
       WHERE tenant_id = '${tenant}' AND sequence = ${row.sequence}`,
    );
    prevHash = relinked.hash;
  }
  statements.push(
    `UPDATE audit_chain_head SET last_hash = '${prevHash}' WHERE tenant_id = '${tenant}'`,
    `DELETE FROM audit_tree_head WHERE tenant_id = '${tenant}'`,
    'RESET session_replication_role',
  );
  await database.query(statements.join(';\n'));
}

/** The appointment "was" an hour later than it was. */
function rewritePayload(payload: JsonValue): JsonValue {
  const text = JSON.stringify(payload).replace('2030-05-06T13:00:00Z', '2030-05-06T14:00:00Z');
  if (text === JSON.stringify(payload)) throw new Error('the rewrite changed nothing');
  return JSON.parse(text) as JsonValue;
}

function toRecord(row: StoredRow, payload: JsonValue) {
  return {
    tenantId: row.tenant_id,
    sequence: row.sequence,
    eventId: row.event_id,
    eventType: row.event_type,
    eventVersion: row.event_version,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    producer: row.producer,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    aggregateId: row.aggregate_id,
    ehrAppointmentId: row.ehr_appointment_id,
    appointmentId: row.appointment_id,
    traceId: row.trace_id,
    payload,
  };
}
