import { type AuditLeaf } from '../audit-chain/audit-leaf';

/** Our extension carrying what an offline verifier needs to recompute and place the leaf. */
export const MERKLE_LEAF_EXTENSION =
  'https://caredispatch.health/fhir/StructureDefinition/audit-merkle-leaf';
export const EVENT_TYPE_SYSTEM = 'https://caredispatch.health/fhir/CodeSystem/audit-event-type';
export const ACTOR_SYSTEM = 'https://caredispatch.health/fhir/NamingSystem/actor';
const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';

interface Coding {
  system: string;
  code: string;
  display?: string;
}

type Extension =
  | { url: string; valueString: string }
  | { url: string; valueBase64Binary: string }
  | { url: string; extension: Extension[] };

/** The subset of an R4 AuditEvent we write (https://hl7.org/fhir/R4/auditevent.html). */
export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  extension: Extension[];
  type: Coding;
  subtype: Coding[];
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  period: { start: string; end: string };
  recorded: string;
  outcome: '0';
  agent: {
    who: { identifier: { system: string; value: string } };
    requestor: boolean;
  }[];
  source: { site: string; observer: { display: string } };
  entity: { what: { reference: string } }[];
}

export interface LeafProof {
  readonly leafBytes: Buffer;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly inclusionProof: readonly Buffer[];
}

/**
 * One audit event as FHIR R4 AuditEvent. The visible fields are derived from the leaf only,
 * so the verifier can check that what a reader sees is what the tree commits to.
 */
export function toFhirAuditEvent(leaf: AuditLeaf, proof: LeafProof): FhirAuditEvent {
  const access = leaf.eventType === 'PhiAccessedV1';
  return {
    resourceType: 'AuditEvent',
    id: leaf.eventId,
    extension: [
      {
        url: MERKLE_LEAF_EXTENSION,
        extension: [
          { url: 'leaf', valueBase64Binary: proof.leafBytes.toString('base64') },
          { url: 'leafIndex', valueString: String(proof.leafIndex) },
          { url: 'treeSize', valueString: String(proof.treeSize) },
          ...proof.inclusionProof.map((hash) => ({
            url: 'inclusionProof',
            valueBase64Binary: hash.toString('base64'),
          })),
        ],
      },
    ],
    type: access
      ? { system: DICOM, code: '110106', display: 'Export' }
      : { system: DICOM, code: '110110', display: 'Patient Record' },
    subtype: [{ system: EVENT_TYPE_SYSTEM, code: leaf.eventType }],
    action: actionOf(leaf.eventType),
    period: { start: leaf.occurredAt, end: leaf.occurredAt },
    recorded: leaf.recordedAt,
    outcome: '0',
    agent: [
      { who: { identifier: { system: ACTOR_SYSTEM, value: leaf.actor } }, requestor: access },
    ],
    source: { site: leaf.tenantId, observer: { display: leaf.producer } },
    entity: [
      ...leaf.patientIds.map((patientId) => ({ what: { reference: `Patient/${patientId}` } })),
      ...(leaf.appointmentId ? [{ what: { reference: `Appointment/${leaf.appointmentId}` } }] : []),
    ],
  };
}

function actionOf(eventType: string): FhirAuditEvent['action'] {
  if (eventType === 'PhiAccessedV1') return 'R';
  if (eventType.endsWith('BookedV1')) return 'C';
  if (eventType.endsWith('CancelledV1')) return 'D';
  if (eventType.endsWith('RescheduledV1')) return 'U';
  return 'E';
}
