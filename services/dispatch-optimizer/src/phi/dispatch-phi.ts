import { type PhiCipher, type PhiColumn, type PhiField } from '@caredispatch/phi-crypto';

/** A stored plan version's identity, the row key its sealed documents are bound to. */
const PLAN_ROW_KEY = `(plan_id::text || '/' || version::text)`;

/**
 * dispatch-optimizer's columns that hold patient data, encrypted at rest (libs/phi-crypto);
 * the key maintenance job encrypts rows written before and moves values off retired keys.
 * - the appointment copy's display name and home address;
 * - a plan version's document (names, addresses, coordinates of every stop) and the PHI part
 *   of its inputs snapshot (the rest of the inputs is ids, times and numbers);
 * - an exception's detail (it names the patient a coordinator must call).
 * What stays readable, and why, is in libs/phi-crypto/README.md ("What each service encrypts").
 */
export const DISPATCH_PHI_COLUMNS: readonly PhiColumn[] = [
  ...['patient_display_name', 'address_line'].map((column): PhiColumn => ({
    table: 'dispatch_appointment',
    column,
    kind: 'text',
    rowKey: 'appointment_id::text',
    idColumn: 'appointment_id',
  })),
  ...['plan', 'inputs_phi'].map((column): PhiColumn => ({
    table: 'dispatch_plan',
    column,
    kind: 'bytea',
    rowKey: PLAN_ROW_KEY,
    idColumn: PLAN_ROW_KEY,
  })),
  {
    table: 'dispatch_exception',
    column: 'detail',
    kind: 'text',
    rowKey: 'exception_id::text',
    idColumn: 'exception_id',
  },
];

export function appointmentField(
  tenantId: string,
  appointmentId: string,
  column: 'patient_display_name' | 'address_line',
): PhiField {
  return { tenantId, table: 'dispatch_appointment', column, rowKey: appointmentId };
}

export function planField(
  plan: { readonly tenantId: string; readonly planId: string; readonly version: number },
  column: 'plan' | 'inputs_phi',
): PhiField {
  return {
    tenantId: plan.tenantId,
    table: 'dispatch_plan',
    column,
    rowKey: `${plan.planId}/${plan.version}`,
  };
}

export function exceptionDetailField(tenantId: string, exceptionId: string): PhiField {
  return { tenantId, table: 'dispatch_exception', column: 'detail', rowKey: exceptionId };
}

/** A JSON document sealed as bytes (a stored plan, the PHI part of its inputs). */
export async function sealJson(
  cipher: PhiCipher,
  field: PhiField,
  value: unknown,
): Promise<Buffer> {
  return cipher.encryptBytes(field, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** The document back; bytes written before encryption are the JSON text itself. */
export async function openJson<T>(cipher: PhiCipher, field: PhiField, stored: Buffer): Promise<T> {
  return JSON.parse((await cipher.decryptBytes(field, stored)).toString('utf8')) as T;
}
