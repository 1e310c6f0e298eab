import { affectedRows, type RetentionTask } from '@caredispatch/kafka';

import { RescheduleTextState } from './reschedule-text.entity';

/**
 * Ends reschedule requests still waiting for a booking messaging never received: once the
 * visit's booked start has passed ("we need to reschedule" would arrive after the visit), or
 * once the request is `maxAgeHours` old (the booking is not coming). They become `expired`, no
 * text is sent, and a booking arriving later finds nothing pending. Runs as the retention job
 * (migration 1800400000002 lets it read and update `reschedule_text` across tenants).
 */
export function pendingRescheduleExpiry(maxAgeHours: number): RetentionTask {
  return {
    name: 'pending-reschedule-texts',
    lockKey: 0x0c0ff14,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `UPDATE reschedule_text SET state = $3, updated_at = now()
            WHERE (tenant_id, appointment_id, appointment_start) IN (
             SELECT tenant_id, appointment_id, appointment_start FROM reschedule_text
              WHERE state = $4
                AND (appointment_start <= now() OR created_at < now() - make_interval(hours => $1))
              ORDER BY appointment_start LIMIT $2)
              AND state = $4`,
          [maxAgeHours, batchSize, RescheduleTextState.Expired, RescheduleTextState.Pending],
        ),
      );
    },
  };
}
