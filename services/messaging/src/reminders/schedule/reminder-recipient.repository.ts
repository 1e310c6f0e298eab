import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

const CAP_HORIZON_MS = 8 * 24 * 60 * 60_000;

/**
 * A patient's other reminders, for the per-patient caps. Matched by the number's blind index
 * (per-tenant HMAC): the stored numbers are encrypted, so equality on them never matches.
 */
@Injectable()
export class ReminderRecipientRepository {
  async otherSmsReminderDueTimes(
    manager: EntityManager,
    input: { tenantId: string; toLookupHash: string; excludeAppointmentId: string; around: Date },
  ): Promise<Date[]> {
    const rows = await manager.query<{ due_at: Date }[]>(
      `SELECT COALESCE(sent_at, next_attempt_at) AS due_at
         FROM message
        WHERE tenant_id = $1 AND to_lookup_hash = $2 AND purpose = 'reminder' AND channel = 'sms'
          AND appointment_id <> $3
          AND state IN ('queued', 'sending', 'sent', 'delivered', 'undelivered')
          AND next_attempt_at BETWEEN $4 AND $5`,
      [
        input.tenantId,
        input.toLookupHash,
        input.excludeAppointmentId,
        new Date(input.around.getTime() - CAP_HORIZON_MS * 2),
        new Date(input.around.getTime() + CAP_HORIZON_MS),
      ],
    );
    return rows.map((row) => row.due_at);
  }
}
