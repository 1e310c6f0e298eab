import { createHash } from 'node:crypto';

import { type Client } from 'pg';

import { auditLeafBytes, auditLeafHash, auditLeafOf } from '../audit-chain/audit-leaf';
import { type JsonValue } from '../audit-chain/canonical-json';
import { type ChainLink } from '../audit-chain/hash-chain';
import { MerkleTree } from '../audit-chain/merkle-tree';
import {
  publicKeyToJson,
  type PublicKeyEntry,
  type SignedTreeHead,
  signedTreeHeadToJson,
} from '../audit-chain/tree-head';
import { AuditJobs } from '../audit-events/audit-jobs';
import { toFhirAuditEvent } from '../compliance/fhir-audit-event';

import { type ArchiveStore } from './archive-store.port';
import { archiveFiles, type ArchiveManifest, verifyArchive } from './archive-verification';
import {
  isOlderThanRetention,
  MINIMUM_RETENTION_MONTHS,
  monthOfPartition,
} from './retention-policy';
import { RetentionError, RetentionErrorCode } from './retention.errors';

export interface ArchivedPartition {
  readonly partition: string;
  readonly rows: number;
  readonly tenants: number;
  readonly manifest: string;
}

interface StoredRow {
  id: string;
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
  prev_hash: string;
  hash: string;
}

interface LeafRow {
  sequence: string;
  leaf_hash: Buffer;
  actor: string;
  patient_ids: string[];
}

interface HeadRow {
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  key_id: string;
  signature: Buffer;
}

/** Serializes archivers (a CronJob overlapping a manual run) on one database. */
const ARCHIVER_LOCK_KEY = 0x0a4c41;

/**
 * Archives monthly audit partitions that are entirely older than the retention, then removes
 * them: for each tenant with rows in the month, a FHIR AuditEvent NDJSON with every event's
 * leaf and inclusion proof against a stored signed tree head, that head, and the full rows
 * (payload and hash-chain links) — all read back from the store and verified with the same
 * code as the offline verifier before the partition is detached and dropped. Runs as the
 * owner role, which alone may drop a partition (the retention guard refuses younger ones).
 */
export class PartitionArchiver {
  constructor(
    private readonly db: Client,
    private readonly store: ArchiveStore,
    private readonly publicKeys: readonly PublicKeyEntry[],
    private readonly retentionMonths: number,
  ) {
    if (retentionMonths < MINIMUM_RETENTION_MONTHS) {
      throw new RetentionError(
        RetentionErrorCode.RetentionTooShort,
        `retention must be at least ${MINIMUM_RETENTION_MONTHS} months`,
      );
    }
  }

  /** Every partition past the retention, oldest first; stops at the first that cannot go. */
  async archiveDue(): Promise<ArchivedPartition[]> {
    return this.locked(async () => {
      const cutoff = await this.cutoff();
      const archived: ArchivedPartition[] = [];
      for (const partition of await this.monthlyPartitions()) {
        const month = monthOfPartition(partition);
        if (!month || !isOlderThanRetention(month, cutoff)) break;
        archived.push(await this.archiveLocked(partition, cutoff));
      }
      return archived;
    });
  }

  /** One partition, which must be the oldest and entirely older than the retention. */
  archive(partition: string): Promise<ArchivedPartition> {
    return this.locked(async () => this.archiveLocked(partition, await this.cutoff()));
  }

  private async archiveLocked(partition: string, cutoff: Date): Promise<ArchivedPartition> {
    const month = monthOfPartition(partition);
    const attached = await this.monthlyPartitions();
    if (!month || !attached.includes(partition)) {
      throw new RetentionError(
        RetentionErrorCode.NotAPartition,
        `${partition} is not a monthly audit partition`,
      );
    }
    if (!isOlderThanRetention(month, cutoff)) {
      throw new RetentionError(
        RetentionErrorCode.WithinRetention,
        `${partition} is not entirely older than the retention (cutoff ${cutoff.toISOString()})`,
      );
    }
    if (attached[0] !== partition) {
      throw new RetentionError(
        RetentionErrorCode.OlderPartitionFirst,
        `${attached[0]} is older than ${partition} and must be archived first`,
      );
    }
    const rows = await this.query<StoredRow>(
      `SELECT * FROM "${partition}" ORDER BY tenant_id, sequence`,
    );
    const byTenant = new Map<string, StoredRow[]>();
    for (const row of rows) {
      const list = byTenant.get(row.tenant_id) ?? [];
      list.push(row);
      byTenant.set(row.tenant_id, list);
    }

    const manifest: ArchiveManifest = {
      format: 'caredispatch.audit-archive.v1',
      partition,
      month: month.toISOString(),
      rows: rows.length,
      tenants: [],
    };
    for (const [tenantId, tenantRows] of byTenant) {
      manifest.tenants.push(await this.writeTenant(partition, tenantId, tenantRows));
    }
    await this.putJson(
      `${partition}/public-keys.json`,
      this.publicKeys.map((entry) => publicKeyToJson(entry)),
    );
    await this.putJson(`${partition}/manifest.json`, manifest);

    const report = await verifyArchive(this.store, partition);
    if (!report.valid || report.verifiedRows !== rows.length) {
      throw new RetentionError(
        RetentionErrorCode.ArchiveDidNotVerify,
        `the archive of ${partition} did not verify; the partition is kept`,
        { problems: report.problems.slice(0, 10) },
      );
    }

    await this.db.query('BEGIN');
    try {
      await this.db.query(`SELECT set_config('app.job', $1, true)`, [AuditJobs.Archiver]);
      for (const tenant of manifest.tenants) {
        await this.db.query(
          `INSERT INTO audit_archived_range (tenant_id, last_sequence, first_sequence, last_hash,
             partition_name, archive_location, archived_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())`,
          [
            tenant.tenantId,
            tenant.lastSequence,
            tenant.firstSequence,
            tenant.lastHash,
            partition,
            this.store.locationOf(`${partition}/manifest.json`),
          ],
        );
      }
      await this.db.query(`ALTER TABLE audit_event DETACH PARTITION "${partition}"`);
      await this.db.query(`DROP TABLE "${partition}"`);
      await this.db.query('COMMIT');
    } catch (error) {
      await this.db.query('ROLLBACK');
      throw error;
    }
    return {
      partition,
      rows: rows.length,
      tenants: byTenant.size,
      manifest: this.store.locationOf(`${partition}/manifest.json`),
    };
  }

  private async writeTenant(
    partition: string,
    tenantId: string,
    rows: StoredRow[],
  ): Promise<ArchiveManifest['tenants'][number]> {
    const first = BigInt(rows[0].sequence);
    const last = BigInt(rows[rows.length - 1].sequence);
    const { newest, oldest, head, leaves } = await this.inJob(async () => {
      const [bounds] = await this.query<{ newest: string; oldest: string }>(
        `SELECT max(sequence)::text AS newest, min(sequence)::text AS oldest
           FROM audit_event WHERE tenant_id = $1`,
        [tenantId],
      );
      const headRow = (
        await this.query<HeadRow>(
          `SELECT tree_size::text, root_hash, signed_at, key_id, signature FROM audit_tree_head
            WHERE tenant_id = $1 AND tree_size >= $2 ORDER BY tree_size DESC, signed_at DESC LIMIT 1`,
          [tenantId, last.toString()],
        )
      ).at(0);
      const leafRows = headRow
        ? await this.query<LeafRow>(
            `SELECT sequence::text, leaf_hash, actor, patient_ids FROM audit_event_leaf
              WHERE tenant_id = $1 AND sequence <= $2 ORDER BY sequence`,
            [tenantId, headRow.tree_size],
          )
        : [];
      return { ...bounds, head: headRow, leaves: leafRows };
    });
    const refuse: (code: RetentionErrorCode, message: string) => never = (code, message) => {
      throw new RetentionError(code, `${partition}, tenant ${tenantId}: ${message}`);
    };
    // A dormant tenant's newest event is its chain head: the next append links to it.
    if (BigInt(newest) === last) {
      refuse(RetentionErrorCode.TenantHeadInPartition, 'holds the newest event of the tenant');
    }
    // Archives are prefixes of each tenant's log, so what stays is one unbroken suffix.
    if (BigInt(oldest) !== first || last - first + 1n !== BigInt(rows.length)) {
      refuse(RetentionErrorCode.NotAPrefix, 'its events are not the oldest of the tenant’s log');
    }
    if (!head) refuse(RetentionErrorCode.NoTreeHead, 'no signed tree head covers its events');
    const signed: SignedTreeHead = {
      tenantId,
      treeSize: Number(head.tree_size),
      rootHash: head.root_hash,
      timestamp: head.signed_at,
      keyId: head.key_id,
      signature: head.signature,
    };
    if (leaves.length !== signed.treeSize) {
      refuse(RetentionErrorCode.LeavesMissing, 'leaves are missing under its tree head');
    }
    const tree = new MerkleTree(leaves.map((leaf) => leaf.leaf_hash));
    if (!tree.root().equals(signed.rootHash)) {
      refuse(RetentionErrorCode.TreeHeadMismatch, 'the stored leaves do not match its tree head');
    }

    const fhirLines: string[] = [];
    const eventLines: string[] = [];
    for (const row of rows) {
      const link = chainLinkOf(row);
      const stored = leaves[Number(row.sequence) - 1];
      const leaf = auditLeafOf(link, { actor: stored.actor, patientIds: stored.patient_ids });
      if (!auditLeafHash(leaf).equals(stored.leaf_hash)) {
        refuse(
          RetentionErrorCode.TreeHeadMismatch,
          `event ${row.sequence} does not match its leaf`,
        );
      }
      const leafIndex = Number(row.sequence) - 1;
      fhirLines.push(
        JSON.stringify(
          toFhirAuditEvent(leaf, {
            leafBytes: auditLeafBytes(leaf),
            leafIndex,
            treeSize: signed.treeSize,
            inclusionProof: tree.inclusionProof(leafIndex),
          }),
        ),
      );
      eventLines.push(JSON.stringify(link));
    }
    const files = archiveFiles(partition, tenantId);
    const fhir = Buffer.from(`${fhirLines.join('\n')}\n`);
    const events = Buffer.from(`${eventLines.join('\n')}\n`);
    await this.store.put(files.fhir, fhir);
    await this.store.put(files.events, events);
    // One line: the verifier reads a head file as JSON or as an anchor's NDJSON.
    await this.store.put(
      files.treeHead,
      Buffer.from(`${JSON.stringify(signedTreeHeadToJson(signed))}\n`),
    );
    return {
      tenantId,
      firstSequence: first.toString(),
      lastSequence: last.toString(),
      lastHash: rows[rows.length - 1].hash,
      rows: rows.length,
      treeSize: signed.treeSize,
      sha256: { fhir: sha256(fhir), events: sha256(events) },
    };
  }

  /** audit_retention_cutoff() after raising the stored retention to the configured one. */
  private async cutoff(): Promise<Date> {
    await this.db.query(
      `INSERT INTO audit_retention_policy (id, retention_months, set_at)
       SELECT gen_random_uuid(), $1::integer, now()
        WHERE $1::integer > (SELECT max(retention_months) FROM audit_retention_policy)`,
      [this.retentionMonths],
    );
    const [row] = await this.query<{ cutoff: Date }>('SELECT audit_retention_cutoff() AS cutoff');
    return row.cutoff;
  }

  /** The attached monthly partitions, oldest first. */
  private async monthlyPartitions(): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.audit_event'::regclass AND c.relname ~ '^audit_event_p[0-9]{6}$'
        ORDER BY c.relname`,
    );
    return rows.map((row) => row.name);
  }

  private async inJob<T>(work: () => Promise<T>): Promise<T> {
    await this.db.query('BEGIN READ ONLY');
    try {
      await this.db.query(`SELECT set_config('app.job', $1, true)`, [AuditJobs.Archiver]);
      const result = await work();
      await this.db.query('COMMIT');
      return result;
    } catch (error) {
      await this.db.query('ROLLBACK');
      throw error;
    }
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await this.db.query('SELECT pg_advisory_lock($1)', [ARCHIVER_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await this.db.query('SELECT pg_advisory_unlock($1)', [ARCHIVER_LOCK_KEY]);
    }
  }

  private async query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  private putJson(key: string, value: unknown): Promise<void> {
    return this.store.put(key, Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
  }
}

function chainLinkOf(row: StoredRow): ChainLink {
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
    payload: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
