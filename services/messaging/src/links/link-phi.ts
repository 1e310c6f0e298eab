import { type PhiColumn } from '@caredispatch/phi-crypto';

/** The page's copy of the visit address (for a home visit, the patient's home) is PHI. */
export const LINK_PHI_COLUMNS: readonly PhiColumn[] = [
  {
    table: 'link_appointment',
    column: 'address',
    kind: 'text',
    rowKey: 'appointment_id::text',
    idColumn: 'appointment_id',
  },
];
