/**
 * HIPAA keeps audit documentation six years (45 CFR 164.316(b)(2)(i)). The database refuses a
 * shorter retention (audit_retention_policy's check and audit_retention_cutoff's floor) and so
 * does the configuration.
 */
export const MINIMUM_RETENTION_MONTHS = 72;

/** Monthly partitions exist for the current month and this many after it. */
export const AUDIT_PARTITION_MONTHS_AHEAD = 3;

/** Monthly partitions are named after their UTC month: audit_event_p202611. */
export const AUDIT_PARTITION_NAME = /^audit_event_p(\d{4})(\d{2})$/;

export function auditPartitionName(month: Date): string {
  const mm = String(month.getUTCMonth() + 1).padStart(2, '0');
  return `audit_event_p${month.getUTCFullYear()}${mm}`;
}

/** The first instant of the partition's month, or null for a name outside the scheme. */
export function monthOfPartition(name: string): Date | null {
  const match = AUDIT_PARTITION_NAME.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return new Date(Date.UTC(Number(match[1]), month - 1, 1));
}

/** The start of the oldest month that must be kept, `retentionMonths` before `now`'s month. */
export function retentionCutoff(now: Date, retentionMonths: number): Date {
  return new Date(
    Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth() - Math.max(retentionMonths, MINIMUM_RETENTION_MONTHS),
      1,
    ),
  );
}

/** A partition may go only when its whole month ends on or before the cutoff. */
export function isOlderThanRetention(partitionMonth: Date, cutoff: Date): boolean {
  const end = Date.UTC(partitionMonth.getUTCFullYear(), partitionMonth.getUTCMonth() + 1, 1);
  return end <= cutoff.getTime();
}
