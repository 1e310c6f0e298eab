import { affectedRows, type RetentionTask } from '@caredispatch/kafka';

import { MessageState } from '../message/message-state';

/** States in which a message may still be sent: their phone number and text are still needed. */
const SENDABLE_STATES: readonly MessageState[] = [MessageState.Queued, MessageState.Sending];

/**
 * Drops the PHI of messages created more than `maxAgeDays` ago — the phone number or email
 * address, the text, and a text's email fallback — and keeps what audits and delivery questions need: state, timestamps, Twilio SID,
 * error code, appointment id and revision. `updated_at` is left alone so it still says when
 * the message last changed state.
 */
export function messageBodyRetention(maxAgeDays: number): RetentionTask {
  return {
    name: 'message-bodies',
    lockKey: 0x0c0ff10,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `UPDATE message SET to_e164 = NULL, body = NULL, fallback_to = NULL, fallback_body = NULL
            WHERE id IN (
             SELECT id FROM message
              -- A fallback is only ever stored beside a number and text (ix_message_retention_pending).
              WHERE (to_e164 IS NOT NULL OR body IS NOT NULL)
                AND created_at < now() - make_interval(days => $1)
                AND state <> ALL($3::text[])
              ORDER BY created_at LIMIT $2)`,
          [maxAgeDays, batchSize, SENDABLE_STATES],
        ),
      );
    },
  };
}

/**
 * Drops the text of patients' replies received more than `maxAgeDays` ago (the same period as
 * the texts we send); intent, ids and the receipt time stay for the audit trail. Runs as the
 * retention job, which migration 1796000000001 lets read and update `inbound_message`.
 */
export function inboundBodyRetention(maxAgeDays: number): RetentionTask {
  return {
    name: 'inbound-bodies',
    lockKey: 0x0c0ff12,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `UPDATE inbound_message SET body = NULL WHERE id IN (
             SELECT id FROM inbound_message
              WHERE body IS NOT NULL AND received_at < now() - make_interval(days => $1)
              ORDER BY received_at LIMIT $2)`,
          [maxAgeDays, batchSize],
        ),
      );
    },
  };
}
