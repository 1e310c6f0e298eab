import { affectedRows, type RetentionTask } from '@caredispatch/kafka';

/**
 * Drops the contact data — names, phone, email and the phone's lookup hash — of patients with
 * no appointment ending within the last `maxAgeDays` and no EHR update in that time. The row
 * and its ids stay, so appointments and the audit trail still say what happened and to whom
 * (by id). A later booking from the EHR brings the details back with it. Empty strings, not
 * NULL: the columns stay NOT NULL for every patient the EHR currently describes.
 */
export function patientContactRetention(maxAgeDays: number): RetentionTask {
  return {
    name: 'patient-contact-data',
    lockKey: 0x0c0ff11,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `UPDATE patient
              SET given_name = '', family_name = '', phone_e164 = '', email = NULL,
                  phone_lookup_hash = NULL
            WHERE id IN (
              SELECT p.id FROM patient p
               WHERE (p.phone_e164 <> '' OR p.given_name <> '' OR p.family_name <> ''
                      OR p.email IS NOT NULL)
                 AND p.updated_at < now() - make_interval(days => $1)
                 AND NOT EXISTS (
                   SELECT 1 FROM appointment a
                    WHERE a.tenant_id = p.tenant_id AND a.patient_id = p.id
                      AND a.end_at >= now() - make_interval(days => $1))
               ORDER BY p.updated_at LIMIT $2)`,
          [maxAgeDays, batchSize],
        ),
      );
    },
  };
}
