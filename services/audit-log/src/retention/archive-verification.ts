import { createHash } from 'node:crypto';

import { z } from 'zod';

import { parseAuditLeafBytes, payloadDigest } from '../audit-chain/audit-leaf';
import { type JsonValue } from '../audit-chain/canonical-json';
import { chainHash, type ChainLink } from '../audit-chain/hash-chain';
import { publicKeyFromJson, signedTreeHeadFromJson } from '../audit-chain/tree-head';
import { MERKLE_LEAF_EXTENSION } from '../compliance/fhir-audit-event';
import { verifyExport } from '../verifier/verify-export';

import { type ArchiveStore } from './archive-store.port';

/** What one archived partition holds, per tenant. Written last: its presence marks the archive complete. */
export interface ArchiveManifest {
  readonly format: 'caredispatch.audit-archive.v1';
  readonly partition: string;
  /** First instant of the archived month (UTC). */
  readonly month: string;
  readonly rows: number;
  readonly tenants: {
    readonly tenantId: string;
    readonly firstSequence: string;
    readonly lastSequence: string;
    /** The hash the tenant's next retained event names as prev_hash. */
    readonly lastHash: string;
    readonly rows: number;
    readonly treeSize: number;
    readonly sha256: { readonly fhir: string; readonly events: string };
  }[];
}

const manifestSchema = z.object({
  format: z.literal('caredispatch.audit-archive.v1'),
  partition: z.string(),
  month: z.string(),
  rows: z.number().int().nonnegative(),
  tenants: z.array(
    z.object({
      tenantId: z.string(),
      firstSequence: z.string(),
      lastSequence: z.string(),
      lastHash: z.string(),
      rows: z.number().int().positive(),
      treeSize: z.number().int().positive(),
      sha256: z.object({ fhir: z.string(), events: z.string() }),
    }),
  ),
});

/** The keys of one tenant's files in an archived partition. */
export function archiveFiles(
  partition: string,
  tenantId: string,
): { fhir: string; events: string; treeHead: string } {
  const folder = `${partition}/tenant=${encodeURIComponent(tenantId)}`;
  return {
    /** FHIR AuditEvent NDJSON with leaves and inclusion proofs: `npm run audit:verify --export`. */
    fhir: `${folder}/audit-events.fhir.ndjson`,
    /** The stored rows (payload, prev_hash, hash): the hash chain of the month. */
    events: `${folder}/audit-events.rows.ndjson`,
    /** The signed tree head the proofs refer to: `--tree-head`. */
    treeHead: `${folder}/tree-head.json`,
  };
}

export interface ArchiveVerificationReport {
  readonly valid: boolean;
  readonly verifiedRows: number;
  readonly problems: readonly string[];
}

/**
 * Reads an archived partition back from the store and checks it as an auditor would: the
 * manifest's digests, each tenant's FHIR export against its signed head with the offline
 * verifier, and each stored row against the leaf the tree commits to (chain hash, payload
 * digest) and against its predecessor's hash.
 */
export async function verifyArchive(
  store: ArchiveStore,
  partition: string,
): Promise<ArchiveVerificationReport> {
  const problems: string[] = [];
  const manifest = manifestSchema.parse(
    JSON.parse((await store.get(`${partition}/manifest.json`)).toString('utf8')),
  );
  const publicKeys = z
    .array(z.unknown())
    .parse(JSON.parse((await store.get(`${partition}/public-keys.json`)).toString('utf8')))
    .map(publicKeyFromJson);
  let verifiedRows = 0;
  for (const tenant of manifest.tenants) {
    const files = archiveFiles(partition, tenant.tenantId);
    const fhir = await store.get(files.fhir);
    const events = await store.get(files.events);
    if (sha256(fhir) !== tenant.sha256.fhir || sha256(events) !== tenant.sha256.events) {
      problems.push(`${tenant.tenantId}: a file does not match the manifest's digest`);
      continue;
    }
    const treeHead = signedTreeHeadFromJson(
      JSON.parse((await store.get(files.treeHead)).toString('utf8')),
    );
    const fhirLines = fhir.toString('utf8').split('\n');
    const report = verifyExport({ lines: fhirLines, treeHead, publicKeys });
    problems.push(...report.problems.map((problem) => `${tenant.tenantId}: ${problem}`));
    if (report.tenantId !== tenant.tenantId || report.verifiedEvents !== tenant.rows) {
      problems.push(
        `${tenant.tenantId}: ${report.verifiedEvents} of ${tenant.rows} events verified`,
      );
      continue;
    }
    const leaves = fhirLines.filter((line) => line.trim() !== '').map(leafOfFhirLine);
    const links = events
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseLink);
    problems.push(...checkRows(tenant.tenantId, links, leaves, tenant.lastHash));
    if (problems.length === 0) verifiedRows += links.length;
  }
  if (problems.length === 0 && verifiedRows !== manifest.rows) {
    problems.push(`${verifiedRows} of ${manifest.rows} rows verified`);
  }
  return { valid: problems.length === 0, verifiedRows, problems };
}

function checkRows(
  tenantId: string,
  links: ChainLink[],
  leaves: ReturnType<typeof parseAuditLeafBytes>[],
  lastHash: string,
): string[] {
  if (links.length !== leaves.length)
    return [`${tenantId}: ${links.length} rows, ${leaves.length} leaves`];
  const problems: string[] = [];
  links.forEach((link, index) => {
    const leaf = leaves[index];
    const where = `${tenantId} sequence ${link.sequence}`;
    if (leaf.sequence !== link.sequence || leaf.tenantId !== tenantId) {
      problems.push(`${where}: not the leaf at the same position`);
    } else if (chainHash(link.prevHash, link) !== link.hash || leaf.chainHash !== link.hash) {
      problems.push(`${where}: the row does not hash to its leaf's chain hash`);
    } else if (payloadDigest(link.payload) !== leaf.payloadSha256) {
      problems.push(`${where}: the payload does not match its leaf`);
    } else if (index > 0 && link.prevHash !== links[index - 1].hash) {
      problems.push(`${where}: does not link to the row before it`);
    }
  });
  if (links.at(-1)?.hash !== lastHash)
    problems.push(`${tenantId}: the last hash differs from the manifest`);
  return problems;
}

function leafOfFhirLine(line: string): ReturnType<typeof parseAuditLeafBytes> {
  const resource = z
    .object({
      extension: z.array(
        z.object({
          url: z.string(),
          extension: z.array(
            z.object({ url: z.string(), valueBase64Binary: z.string().optional() }),
          ),
        }),
      ),
    })
    .parse(JSON.parse(line));
  const leaf = resource.extension
    .find((extension) => extension.url === MERKLE_LEAF_EXTENSION)
    ?.extension.find((part) => part.url === 'leaf')?.valueBase64Binary;
  if (!leaf) throw new Error('an archived AuditEvent has no Merkle leaf');
  return parseAuditLeafBytes(Buffer.from(leaf, 'base64'));
}

const linkSchema = z.object({
  tenantId: z.string(),
  sequence: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  eventVersion: z.number(),
  topic: z.string(),
  partition: z.number(),
  offset: z.string(),
  producer: z.string(),
  occurredAt: z.string().datetime(),
  recordedAt: z.string().datetime(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  aggregateId: z.string(),
  ehrAppointmentId: z.string().nullable(),
  appointmentId: z.string().nullable(),
  traceId: z.string().nullable(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

function parseLink(line: string): ChainLink {
  const parsed = linkSchema.parse(JSON.parse(line));
  return {
    ...parsed,
    occurredAt: new Date(parsed.occurredAt),
    recordedAt: new Date(parsed.recordedAt),
    // Parsed from JSON text, so it is JSON.
    payload: parsed.payload as JsonValue,
  };
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
