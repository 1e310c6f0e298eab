import { generateKeyPairSync } from 'node:crypto';

import { type AuditLeaf, auditLeafBytes, auditLeafHash } from '../audit-chain/audit-leaf';
import { MerkleTree } from '../audit-chain/merkle-tree';
import { type SignedTreeHead, TreeHeadKeyRing } from '../audit-chain/tree-head';
import { toFhirAuditEvent } from '../compliance/fhir-audit-event';

import { verifyExport } from './verify-export';

const keyRing = new TreeHeadKeyRing({
  keyId: 'k1',
  privateKey: generateKeyPairSync('ed25519').privateKey,
});

function leaf(sequence: number, overrides: Partial<AuditLeaf> = {}): AuditLeaf {
  return {
    tenantId: 'acme',
    sequence: String(sequence),
    eventId: `event-${sequence}`,
    eventType: sequence % 2 ? 'AppointmentBookedV1' : 'MessageSentV1',
    eventVersion: 1,
    producer: 'scheduling',
    actor: 'scheduling',
    patientIds: sequence % 2 ? ['pat-1'] : [],
    appointmentId: 'appt-1',
    ehrAppointmentId: null,
    correlationId: 'corr-1',
    causationId: null,
    aggregateId: 'appt-1',
    occurredAt: new Date(Date.UTC(2030, 0, 1, 9, 0, sequence)).toISOString(),
    recordedAt: new Date(Date.UTC(2030, 0, 1, 9, 0, sequence, 5)).toISOString(),
    payloadSha256: 'a'.repeat(64),
    chainHash: String(sequence % 10).repeat(64),
    ...overrides,
  };
}

function logOf(size: number): AuditLeaf[] {
  return Array.from({ length: size }, (_, index) => leaf(index + 1));
}

function signedHead(log: readonly AuditLeaf[], size = log.length): SignedTreeHead {
  const tree = new MerkleTree(log.map(auditLeafHash));
  return keyRing.sign({
    tenantId: 'acme',
    treeSize: size,
    rootHash: tree.root(size),
    timestamp: new Date('2030-01-02T00:00:00.000Z'),
  });
}

/** What the server exports: the chosen leaves with proofs against the head of `size`. */
function exportOf(log: readonly AuditLeaf[], pick: readonly number[], size = log.length): string[] {
  const tree = new MerkleTree(log.map(auditLeafHash));
  return pick.map((index) =>
    JSON.stringify(
      toFhirAuditEvent(log[index], {
        leafBytes: auditLeafBytes(log[index]),
        leafIndex: index,
        treeSize: size,
        inclusionProof: tree.inclusionProof(index, size),
      }),
    ),
  );
}

const publicKeys = keyRing.publicKeyEntries();

describe(verifyExport.name, () => {
  it('should verify a filtered export against its signed head', () => {
    const log = logOf(11);

    const sut = verifyExport({
      lines: exportOf(log, [0, 4, 10]),
      treeHead: signedHead(log),
      publicKeys,
    });

    expect(sut).toMatchObject({
      valid: true,
      verifiedEvents: 3,
      recomputedWholeTree: false,
      problems: [],
    });
  });

  it('should recompute the root from a whole-log export', () => {
    const log = logOf(6);

    const sut = verifyExport({
      lines: exportOf(log, [0, 1, 2, 3, 4, 5]),
      treeHead: signedHead(log),
      publicKeys,
    });

    expect(sut).toMatchObject({ valid: true, recomputedWholeTree: true });
  });

  it('should catch a rewritten event against a head signed before the rewrite', () => {
    const log = logOf(9);
    const anchored = signedHead(log);
    const rewritten = [...log];
    rewritten[4] = leaf(5, { actor: 'someone-else' });

    const sut = verifyExport({
      lines: exportOf(rewritten, [2, 4]),
      treeHead: anchored,
      publicKeys,
    });

    expect(sut.valid).toBe(false);
    // The forger's proofs for untouched events fail too: they hash in the rewritten subtree.
    expect(sut.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/line 2: event event-5: not included/)]),
    );
  });

  it('should catch an AuditEvent whose visible fields were edited but whose leaf was not', () => {
    const log = logOf(4);
    const [line] = exportOf(log, [1]);
    const edited = JSON.stringify({ ...JSON.parse(line), recorded: '2031-01-01T00:00:00.000Z' });

    const sut = verifyExport({ lines: [edited], treeHead: signedHead(log), publicKeys });

    expect(sut.problems).toEqual([expect.stringMatching(/fields differ from its leaf/)]);
  });

  it('should reject a head signed by an unknown key and a head that does not extend the anchored one', () => {
    const log = logOf(8);
    const forgedKeys = new TreeHeadKeyRing({
      keyId: 'k1',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    }).publicKeyEntries();
    expect(
      verifyExport({ lines: exportOf(log, [0]), treeHead: signedHead(log), publicKeys: forgedKeys })
        .problems,
    ).toEqual([expect.stringMatching(/signature does not verify/)]);

    // The server re-signs a rewritten log: the new head verifies alone, but not against the anchor.
    const anchoredHead = signedHead(log, 5);
    const rewritten = [...log, leaf(9), leaf(10)];
    rewritten[2] = leaf(3, { payloadSha256: 'b'.repeat(64) });
    const resigned = signedHead(rewritten);
    const proof = new MerkleTree(rewritten.map(auditLeafHash)).consistencyProof(5);

    const sut = verifyExport({
      lines: exportOf(rewritten, [2, 9]),
      treeHead: resigned,
      publicKeys,
      anchored: { head: anchoredHead, consistencyProof: proof },
    });

    expect(sut.valid).toBe(false);
    expect(sut.problems).toEqual([expect.stringMatching(/does not extend the anchored head/)]);
    // The untouched log extends the same anchored head.
    const honest = [...log, leaf(9), leaf(10)];
    expect(
      verifyExport({
        lines: exportOf(honest, [2, 9]),
        treeHead: signedHead(honest),
        publicKeys,
        anchored: {
          head: anchoredHead,
          consistencyProof: new MerkleTree(honest.map(auditLeafHash)).consistencyProof(5),
        },
      }).valid,
    ).toBe(true);
  });
});
