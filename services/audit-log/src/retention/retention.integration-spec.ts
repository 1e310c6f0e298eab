import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions, migrateDatabase, serviceSchemaOf } from '@caredispatch/platform';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { auditLeafHash, auditLeafOf } from '../audit-chain/audit-leaf';
import { GENESIS_HASH, link, type ChainLink } from '../audit-chain/hash-chain';
import { MerkleTree } from '../audit-chain/merkle-tree';
import { publicKeyToJson, TreeHeadKeyRing } from '../audit-chain/tree-head';
import { auditLogPrivileges } from '../audit-events/audit-log-privileges';
import { AuditTrailService } from '../audit-events/audit-trail.service';
import { auditLogDatabase, auditLogEntities } from '../entities';

import { DirectoryArchiveStore } from './archive-store.port';
import { archiveFiles, verifyArchive } from './archive-verification';
import { PartitionArchiver } from './partition-archiver';
import { installRetentionGuard } from './retention-guard';
import { auditPartitionName } from './retention-policy';
import { RetentionErrorCode } from './retention.errors';

const TENANT = 'tenant-retention';
const FACETS = { actor: 'ehr-gateway', patientIds: ['patient-7'] };
/** Older than any six-year retention, one within it, and now. */
const OLD_MONTH = new Date(Date.UTC(2019, 2, 1));
const RECENT_MONTH = new Date(Date.UTC(2024, 0, 1));

describe('audit retention (monthly partitions, guard, archive)', () => {
  let database: ThrowawayDatabase;
  let directory: string;
  const keyRing = new TreeHeadKeyRing({
    keyId: 'retention-test-key',
    privateKey: generateKeyPairSync('ed25519').privateKey,
  });

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('audit_retention');
    await migrateDatabase({
      ...serviceSchemaOf(auditLogDatabase),
      url: database.ownerUrl,
      applicationName: 'audit-retention-test',
      runtimeRole: database.roles?.runtime,
      privileges: auditLogPrivileges,
    });
    await withClient(database.url, installRetentionGuard);
    directory = await mkdtemp(join(tmpdir(), 'audit-archive-'));
    await seedLog();
  });

  afterAll(async () => {
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  /**
   * One tenant's log as the recorder would have written it, seeded as the superuser (the only
   * way to give rows old recorded_at values): three events in March 2019, one in January 2024,
   * two now; every leaf; one signed tree head over all six.
   */
  async function seedLog(): Promise<void> {
    await database.query(`SELECT audit_create_partitions($1, $1)`, [OLD_MONTH]);
    await database.query(`SELECT audit_create_partitions($1, $1)`, [RECENT_MONTH]);
    const times = [
      new Date(Date.UTC(2019, 2, 3)),
      new Date(Date.UTC(2019, 2, 14)),
      new Date(Date.UTC(2019, 2, 30)),
      new Date(Date.UTC(2024, 0, 9)),
      new Date(),
      new Date(),
    ];
    let prevHash = GENESIS_HASH;
    const leaves: Buffer[] = [];
    for (const [index, recordedAt] of times.entries()) {
      const chained: ChainLink = link(prevHash, {
        tenantId: TENANT,
        sequence: String(index + 1),
        eventId: randomUUID(),
        eventType: 'AppointmentBookedV1',
        eventVersion: 1,
        topic: 'scheduling.appointment.v1',
        partition: 0,
        offset: String(index),
        producer: 'scheduling',
        occurredAt: recordedAt,
        recordedAt,
        correlationId: randomUUID(),
        causationId: null,
        aggregateId: randomUUID(),
        ehrAppointmentId: `ehr-${index}`,
        appointmentId: randomUUID(),
        traceId: null,
        payload: { status: 'BOOKED', visit: index },
      });
      const leafHash = auditLeafHash(auditLeafOf(chained, FACETS));
      leaves.push(leafHash);
      await database.query(
        `INSERT INTO audit_event (id, tenant_id, sequence, event_id, event_type, event_version, topic,
           "partition", "offset", producer, occurred_at, recorded_at, correlation_id, causation_id,
           aggregate_id, ehr_appointment_id, appointment_id, trace_id, payload, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21)`,
        [
          randomUUID(),
          chained.tenantId,
          chained.sequence,
          chained.eventId,
          chained.eventType,
          chained.eventVersion,
          chained.topic,
          chained.partition,
          chained.offset,
          chained.producer,
          chained.occurredAt,
          chained.recordedAt,
          chained.correlationId,
          chained.causationId,
          chained.aggregateId,
          chained.ehrAppointmentId,
          chained.appointmentId,
          chained.traceId,
          JSON.stringify(chained.payload),
          chained.prevHash,
          chained.hash,
        ],
      );
      await database.query(
        `INSERT INTO audit_event_leaf (tenant_id, sequence, event_id, leaf_hash, actor, patient_ids)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [TENANT, chained.sequence, chained.eventId, leafHash, FACETS.actor, FACETS.patientIds],
      );
      prevHash = chained.hash;
    }
    const head = keyRing.sign({
      tenantId: TENANT,
      treeSize: leaves.length,
      rootHash: new MerkleTree(leaves).root(),
      timestamp: new Date(),
    });
    await database.query(
      `INSERT INTO audit_tree_head (id, tenant_id, tree_size, root_hash, signed_at, key_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        randomUUID(),
        TENANT,
        head.treeSize,
        head.rootHash,
        head.timestamp,
        head.keyId,
        head.signature,
      ],
    );
  }

  function archiver(client: Client): PartitionArchiver {
    return new PartitionArchiver(
      client,
      new DirectoryArchiveStore(directory),
      keyRing.publicKeyEntries(),
      72,
    );
  }

  /** SQLSTATE of `sql` run as the owner (migration) role in a rolled-back transaction. */
  async function asOwner(sql: string): Promise<string> {
    return withClient(database.ownerUrl, async (client) => {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [TENANT]);
      const outcome = await client.query(sql).then(
        () => 'ok',
        (error: unknown) => String((error as { code?: unknown }).code),
      );
      await client.query('ROLLBACK');
      return outcome;
    });
  }

  it('should refuse the owner every way of removing events younger than the retention', async () => {
    const recent = auditPartitionName(RECENT_MONTH);
    const attempts = {
      deleteRows: await asOwner(`DELETE FROM audit_event`),
      deleteInPartition: await asOwner(`DELETE FROM ${recent}`),
      updateInPartition: await asOwner(`UPDATE ${recent} SET producer = 'forged'`),
      truncateParent: await asOwner(`TRUNCATE audit_event`),
      truncatePartition: await asOwner(`TRUNCATE ${recent}`),
      detach: await asOwner(`ALTER TABLE audit_event DETACH PARTITION ${recent}`),
      drop: await asOwner(`DROP TABLE ${recent}`),
      dropDefault: await asOwner(`DROP TABLE audit_event_default`),
      disableTriggers: await asOwner(`ALTER TABLE ${recent} DISABLE TRIGGER USER`),
      replicaOnlyTrigger: await asOwner(
        `ALTER TABLE audit_event ENABLE REPLICA TRIGGER trg_audit_event_append_only`,
      ),
      dropTrigger: await asOwner(`DROP TRIGGER trg_audit_event_no_truncate ON ${recent}`),
      renameToLookOld: await asOwner(`ALTER TABLE ${recent} RENAME TO audit_event_p201001`),
      replaceTriggerFunction: await asOwner(
        `CREATE OR REPLACE FUNCTION audit_event_reject_mutation() RETURNS trigger
         LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      ),
      rowSecurityOff: await asOwner(`ALTER TABLE audit_event NO FORCE ROW LEVEL SECURITY`),
      dropLeaves: await asOwner(`DROP TABLE audit_event_leaf`),
      shorterRetention: await asOwner(
        `INSERT INTO audit_retention_policy (id, retention_months, set_at)
         VALUES (gen_random_uuid(), 12, now())`,
      ),
    };

    expect(attempts).toEqual({
      deleteRows: '42501',
      deleteInPartition: '42501',
      updateInPartition: '42501',
      truncateParent: '42501',
      truncatePartition: '42501',
      detach: '42501',
      drop: '42501',
      dropDefault: '42501',
      disableTriggers: '42501',
      replicaOnlyTrigger: '42501',
      dropTrigger: '42501',
      renameToLookOld: '42501',
      replaceTriggerFunction: '42501',
      rowSecurityOff: '42501',
      dropLeaves: '42501',
      shorterRetention: '23514',
    });
    const [kept] = await database.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM audit_event WHERE tenant_id = $1`,
      [TENANT],
    );
    expect(kept.count).toBe(6);
  });

  it('should refuse to archive a partition younger than the retention and keep it', async () => {
    const recent = auditPartitionName(RECENT_MONTH);

    const refusal = await withClient(database.ownerUrl, (client) =>
      archiver(client)
        .archive(recent)
        .then(
          () => 'archived',
          (error: unknown) => (error as { code?: string }).code,
        ),
    );

    expect(refusal).toBe(RetentionErrorCode.WithinRetention);
    expect(await partitionExists(recent)).toBe(true);
  });

  it('should archive the partition older than the retention, verify the archive offline and then drop it', async () => {
    const old = auditPartitionName(OLD_MONTH);

    const archived = await withClient(database.ownerUrl, (client) => archiver(client).archiveDue());

    expect(archived).toEqual([expect.objectContaining({ partition: old, rows: 3, tenants: 1 })]);
    expect(await partitionExists(old)).toBe(false);
    expect(await partitionExists(auditPartitionName(RECENT_MONTH))).toBe(true);
    const store = new DirectoryArchiveStore(directory);
    expect(await verifyArchive(store, old)).toEqual({ valid: true, verifiedRows: 3, problems: [] });

    // The auditor's way: the standalone verifier CLI over the archived files, nothing else.
    const files = archiveFiles(old, TENANT);
    const keys = join(directory, 'auditor-keys.json');
    await writeFile(keys, JSON.stringify(keyRing.publicKeyEntries().map(publicKeyToJson)));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'services/audit-log/src/verifier/main.ts',
        '--export',
        store.locationOf(files.fhir),
        '--tree-head',
        store.locationOf(files.treeHead),
        '--public-keys',
        keys,
      ],
      { cwd: join(__dirname, '../../../..') },
    );
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, tenantId: TENANT, verifiedEvents: 3 });

    // What remains still verifies as a chain: it resumes after the archived prefix.
    expect(await verifyChainAsRuntime()).toMatchObject({ valid: true, verifiedEvents: 3 });
  });

  it('should notice an archive whose rows were changed after writing', async () => {
    const old = auditPartitionName(OLD_MONTH);
    const store = new DirectoryArchiveStore(directory);
    const rows = store.locationOf(archiveFiles(old, TENANT).events);
    const original = await readFile(rows, 'utf8');
    await writeFile(rows, original.replace('"visit":1', '"visit":9'));

    const report = await verifyArchive(store, old);

    await writeFile(rows, original);
    expect(report.valid).toBe(false);
  });

  it('should keep months ahead as the runtime role and never fail an insert for a missing month', async () => {
    const runtime = await withClient(database.runtimeUrl, async (client) => {
      await client.query(`SELECT audit_ensure_partitions(3)`);
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [TENANT]);
      await client.query(
        `INSERT INTO audit_event (id, tenant_id, sequence, event_id, event_type, event_version, topic,
           "partition", "offset", producer, occurred_at, recorded_at, correlation_id, aggregate_id,
           payload, prev_hash, hash)
         VALUES ($1, $2, 99, $3, 'T', 1, 't', 0, 0, 'p', now(), '2031-05-06T00:00:00Z', 'c', 'a',
                 '{}', 'x', 'y')`,
        [randomUUID(), TENANT, randomUUID()],
      );
      await client.query('COMMIT');
      const direct = await client.query(`SELECT * FROM ${auditPartitionName(new Date())}`).then(
        () => 'ok',
        (error: unknown) => String((error as { code?: unknown }).code),
      );
      return { direct };
    });
    const now = new Date();
    const ahead = [0, 1, 2, 3].map((months) =>
      auditPartitionName(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1))),
    );

    expect(runtime).toEqual({ direct: '42501' });
    expect(await Promise.all(ahead.map(partitionExists))).toEqual([true, true, true, true]);
    const [caught] = await database.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM audit_event WHERE sequence = 99`,
    );
    expect(caught).toEqual({ partition: 'audit_event_default' });
  });

  async function partitionExists(name: string): Promise<boolean> {
    const [row] = await database.query<{ exists: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS exists`,
      [name],
    );
    return row.exists;
  }

  async function verifyChainAsRuntime(): Promise<unknown> {
    const dataSource = new DataSource({
      ...buildDataSourceOptions({
        url: database.runtimeUrl,
        poolSize: 1,
        entities: auditLogEntities,
        migrations: [],
        applicationName: 'audit-retention-verify',
      }),
      migrationsRun: false,
    });
    await dataSource.initialize();
    try {
      return await new AuditTrailService(dataSource).verify(TENANT);
    } finally {
      await dataSource.destroy();
    }
  }
});

describe('audit_event conversion to monthly partitions', () => {
  let database: ThrowawayDatabase;

  afterAll(async () => {
    await database.drop();
  });

  it('should keep every row, hash and index when the migration partitions an existing log', async () => {
    database = await ThrowawayDatabase.create('audit_partition_convert');
    const schema = serviceSchemaOf(auditLogDatabase);
    const before = schema.migrations.filter(
      (migration) => migration.name !== 'PartitionAuditEventsMonthly1798000000000',
    );
    const settings = {
      ...schema,
      url: database.url,
      applicationName: 'audit-partition-convert',
      runtimeRole: undefined,
      privileges: auditLogPrivileges,
    };
    await migrateDatabase({ ...settings, migrations: before });
    for (const [sequence, recordedAt] of [
      [1, '2025-12-31T23:59:59.999Z'],
      [2, new Date().toISOString()],
    ] as const) {
      await database.query(
        `INSERT INTO audit_event (id, tenant_id, sequence, event_id, event_type, event_version, topic,
           "partition", "offset", producer, occurred_at, recorded_at, correlation_id, aggregate_id,
           payload, prev_hash, hash)
         VALUES ($1, 'tenant-c', $2, $3, 'T', 1, 't', 0, 0, 'p', $4, $4, 'c', 'a', '{"n": 1}',
                 'prev', 'hash')`,
        [randomUUID(), sequence, randomUUID(), recordedAt],
      );
    }
    const rowsBefore = await database.query(`SELECT * FROM audit_event ORDER BY sequence`);

    await migrateDatabase(settings);

    expect(await database.query(`SELECT * FROM audit_event ORDER BY sequence`)).toEqual(rowsBefore);
    const placed = await database.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM audit_event ORDER BY sequence`,
    );
    expect(placed).toEqual([
      { partition: 'audit_event_p202512' },
      { partition: auditPartitionName(new Date()) },
    ]);
    const [table] = await database.query<{ kind: string; forced: boolean }>(
      `SELECT relkind::text AS kind, relforcerowsecurity AS forced FROM pg_class WHERE relname = 'audit_event'`,
    );
    expect(table).toEqual({ kind: 'p', forced: true });
  });
});

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
