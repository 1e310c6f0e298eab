import { type PhiColumn, type PhiField } from '@caredispatch/phi-crypto';

/**
 * The patient columns encrypted at rest. The row key is the EHR's patient id, not ours: the
 * upsert encrypts before the database has assigned (or found) the row's id.
 */
export const PATIENT_PHI_COLUMNS: readonly PhiColumn[] = [
  'given_name',
  'family_name',
  'phone_e164',
  'email',
].map((column) => ({
  table: 'patient',
  column,
  kind: 'text',
  rowKey: 'ehr_patient_id',
  idColumn: 'id',
}));

export function patientField(
  tenantId: string,
  ehrPatientId: string,
  column: 'given_name' | 'family_name' | 'phone_e164' | 'email',
): PhiField {
  return { tenantId, table: 'patient', column, rowKey: ehrPatientId };
}
