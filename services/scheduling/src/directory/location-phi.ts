import { type PhiColumn, type PhiField } from '@caredispatch/phi-crypto';

/**
 * A location's address is PHI when the location is a patient's home (a home visit). Stored as
 * its JSON, encrypted; the row key is the EHR's location id (the upsert encrypts before the
 * database has assigned or found the row's id).
 */
export const LOCATION_PHI_COLUMNS: readonly PhiColumn[] = [
  { table: 'location', column: 'address', kind: 'text', rowKey: 'ehr_location_id', idColumn: 'id' },
];

export function locationAddressField(tenantId: string, ehrLocationId: string): PhiField {
  return { tenantId, table: 'location', column: 'address', rowKey: ehrLocationId };
}
