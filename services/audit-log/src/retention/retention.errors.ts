import { DomainError } from '@caredispatch/platform';

/** Why the archiver refused a partition. It never reaches HTTP: the CLI prints it and exits 1. */
export enum RetentionErrorCode {
  /** Configured retention under six years. */
  RetentionTooShort = 'RETENTION_TOO_SHORT',
  NotAPartition = 'NOT_A_PARTITION',
  /** Some of the month is younger than the retention. */
  WithinRetention = 'WITHIN_RETENTION',
  OlderPartitionFirst = 'OLDER_PARTITION_FIRST',
  /** The month holds a tenant's newest event, the link its next event chains to. */
  TenantHeadInPartition = 'TENANT_HEAD_IN_PARTITION',
  /** A tenant's events in the month are not the oldest of its log (rows in the default partition). */
  NotAPrefix = 'NOT_A_PREFIX',
  /** No stored signed tree head covers the month's events: sign one first. */
  NoTreeHead = 'NO_TREE_HEAD',
  LeavesMissing = 'LEAVES_MISSING',
  /** Rows, leaves and signed head disagree: evidence of tampering, never archived over. */
  TreeHeadMismatch = 'TREE_HEAD_MISMATCH',
  ArchiveDidNotVerify = 'ARCHIVE_DID_NOT_VERIFY',
}

export class RetentionError extends DomainError<RetentionErrorCode> {}
