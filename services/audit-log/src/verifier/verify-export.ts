import { parseAuditLeafBytes, auditLeafHash, type AuditLeaf } from '../audit-chain/audit-leaf';
import { canonicalJson, type JsonValue } from '../audit-chain/canonical-json';
import {
  type Hash,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
} from '../audit-chain/merkle-tree';
import {
  type PublicKeyEntry,
  type SignedTreeHead,
  verifyTreeHeadSignature,
} from '../audit-chain/tree-head';
import { MERKLE_LEAF_EXTENSION, toFhirAuditEvent } from '../compliance/fhir-audit-event';

/**
 * The offline check of a FHIR AuditEvent export, trusting nothing the server says except
 * what the keys and an anchored head vouch for: every line's leaf is recomputed from the
 * bytes it carries, its visible fields are re-derived from that leaf, its inclusion proof must
 * reach the signed head's root, and that head must extend an earlier anchored head.
 */
export interface ExportVerificationInput {
  /** The NDJSON lines of the export. */
  readonly lines: readonly string[];
  /** The signed head the export's proofs refer to. */
  readonly treeHead: SignedTreeHead;
  readonly publicKeys: readonly PublicKeyEntry[];
  /** An earlier head from an anchor, and the proof that `treeHead` extends it. */
  readonly anchored?: { readonly head: SignedTreeHead; readonly consistencyProof: readonly Hash[] };
}

export interface ExportVerificationReport {
  readonly valid: boolean;
  readonly tenantId: string;
  readonly treeSize: number;
  readonly verifiedEvents: number;
  /** True when the export held the whole log and its root was recomputed from the leaves. */
  readonly recomputedWholeTree: boolean;
  readonly problems: readonly string[];
}

export function verifyExport(input: ExportVerificationInput): ExportVerificationReport {
  const { treeHead: head } = input;
  const problems: string[] = [];
  if (!verifyTreeHeadSignature(head, input.publicKeys)) {
    problems.push(
      `tree head of size ${head.treeSize}: signature does not verify (key ${head.keyId})`,
    );
  }
  if (input.anchored) problems.push(...checkAnchored(head, input.anchored, input.publicKeys));

  const leaves = new Map<number, Hash>();
  let verified = 0;
  input.lines.forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    const where = `line ${lineIndex + 1}`;
    try {
      const checked = checkLine(JSON.parse(line) as JsonValue, head);
      if (leaves.has(checked.leafIndex)) throw new Error(`leaf ${checked.leafIndex} appears twice`);
      leaves.set(checked.leafIndex, checked.leafHash);
      verified += 1;
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  });

  // A whole-log export proves itself without any proof: recompute the root from the leaves.
  const whole = leaves.size === head.treeSize && problems.length === 0;
  if (whole) {
    const ordered = [...leaves.keys()]
      .sort((a, b) => a - b)
      .map((index) => leaves.get(index) as Hash);
    if (!new MerkleTree(ordered).root().equals(head.rootHash)) {
      problems.push('the exported leaves do not recompute the tree head root');
    }
  }
  return {
    valid: problems.length === 0,
    tenantId: head.tenantId,
    treeSize: head.treeSize,
    verifiedEvents: problems.length === 0 ? verified : 0,
    recomputedWholeTree: whole,
    problems,
  };
}

function checkAnchored(
  head: SignedTreeHead,
  anchored: NonNullable<ExportVerificationInput['anchored']>,
  keys: readonly PublicKeyEntry[],
): string[] {
  const earlier = anchored.head;
  if (!verifyTreeHeadSignature(earlier, keys)) {
    return [`anchored head of size ${earlier.treeSize}: signature does not verify`];
  }
  if (earlier.tenantId !== head.tenantId) return ['anchored head is of another tenant'];
  if (earlier.treeSize > head.treeSize) {
    return [
      `anchored head (${earlier.treeSize}) is newer than the export's head (${head.treeSize})`,
    ];
  }
  const consistent = verifyConsistency(
    earlier.treeSize,
    head.treeSize,
    earlier.rootHash,
    head.rootHash,
    anchored.consistencyProof,
  );
  return consistent
    ? []
    : [
        `the export's head (size ${head.treeSize}) does not extend the anchored head (size ${earlier.treeSize}): history before it was rewritten`,
      ];
}

interface CheckedLine {
  readonly leafIndex: number;
  readonly leafHash: Hash;
}

function checkLine(resource: JsonValue, head: SignedTreeHead): CheckedLine {
  const extension = merkleExtension(resource);
  const leafBytes = Buffer.from(single(extension, 'valueBase64Binary', 'leaf'), 'base64');
  const leafIndex = Number(single(extension, 'valueString', 'leafIndex'));
  const treeSize = Number(single(extension, 'valueString', 'treeSize'));
  const proof = extension
    .filter((entry) => entry.url === 'inclusionProof')
    .map((entry) => Buffer.from(String(entry.valueBase64Binary), 'base64'));
  if (treeSize !== head.treeSize)
    throw new Error(`proof is for tree size ${treeSize}, not ${head.treeSize}`);

  let leaf: AuditLeaf;
  try {
    leaf = parseAuditLeafBytes(leafBytes);
  } catch (error) {
    throw new Error(`leaf is not a valid audit leaf: ${(error as Error).message}`);
  }
  if (leaf.tenantId !== head.tenantId) throw new Error('leaf belongs to another tenant');
  if (leaf.sequence !== String(leafIndex + 1)) throw new Error('leaf index and sequence disagree');
  const leafHash = auditLeafHash(leaf);
  if (!verifyInclusion(leafHash, leafIndex, treeSize, proof, head.rootHash)) {
    throw new Error(
      `event ${leaf.eventId}: not included in the signed tree head (leaf ${leafIndex})`,
    );
  }
  const expected = toFhirAuditEvent(leaf, {
    leafBytes,
    leafIndex,
    treeSize,
    inclusionProof: proof,
  });
  if (canonicalJson(expected as unknown as JsonValue) !== canonicalJson(resource)) {
    throw new Error(`event ${leaf.eventId}: the AuditEvent's fields differ from its leaf`);
  }
  return { leafIndex, leafHash };
}

interface ExtensionEntry {
  url?: unknown;
  valueString?: unknown;
  valueBase64Binary?: unknown;
}

function merkleExtension(resource: JsonValue): ExtensionEntry[] {
  if (!isObject(resource) || resource.resourceType !== 'AuditEvent') {
    throw new Error('not a FHIR AuditEvent');
  }
  const extensions = Array.isArray(resource.extension) ? resource.extension : [];
  const found = extensions.find((entry) => isObject(entry) && entry.url === MERKLE_LEAF_EXTENSION);
  if (!isObject(found) || !Array.isArray(found.extension)) {
    throw new Error('the AuditEvent has no Merkle leaf extension');
  }
  return found.extension.filter(isObject);
}

function single(
  entries: ExtensionEntry[],
  key: 'valueString' | 'valueBase64Binary',
  url: string,
): string {
  const matches = entries.filter((entry) => entry.url === url);
  const value = matches[0]?.[key];
  if (matches.length !== 1 || typeof value !== 'string') {
    throw new Error(`the Merkle leaf extension needs exactly one ${url}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
