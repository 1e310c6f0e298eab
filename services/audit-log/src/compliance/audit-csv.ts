import { type AuditLeaf } from '../audit-chain/audit-leaf';

export const AUDIT_CSV_COLUMNS = [
  'sequence',
  'event_id',
  'event_type',
  'occurred_at',
  'recorded_at',
  'producer',
  'actor',
  'patient_ids',
  'appointment_id',
  'ehr_appointment_id',
  'correlation_id',
  'causation_id',
  'payload_sha256',
  'chain_hash',
] as const;

/** RFC 4180 CSV of audit leaves, with a header row and CRLF line ends. */
export function auditCsv(leaves: readonly AuditLeaf[]): string {
  const rows = leaves.map((leaf) => [
    leaf.sequence,
    leaf.eventId,
    leaf.eventType,
    leaf.occurredAt,
    leaf.recordedAt,
    leaf.producer,
    leaf.actor,
    leaf.patientIds.join(';'),
    leaf.appointmentId ?? '',
    leaf.ehrAppointmentId ?? '',
    leaf.correlationId,
    leaf.causationId ?? '',
    leaf.payloadSha256,
    leaf.chainHash,
  ]);
  return (
    [[...AUDIT_CSV_COLUMNS], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
  );
}

/**
 * Quotes when needed, and defuses spreadsheet formulas: a cell starting with = + - @ (ids
 * and actors come from tokens and events) is prefixed with ' so Excel shows it as text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
