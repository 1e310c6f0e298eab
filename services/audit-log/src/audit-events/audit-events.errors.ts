import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum AuditErrorCode {
  InvalidQuery = 'INVALID_QUERY',
  /** No event with that id in the caller's tenant (another tenant's looks the same). */
  EventNotFound = 'EVENT_NOT_FOUND',
  /** A tree size larger than the log, or no head of that size was ever signed. */
  TreeHeadNotFound = 'TREE_HEAD_NOT_FOUND',
  /** The export would exceed AUDIT_EXPORT_MAX_ROWS: narrow the filter. */
  ExportTooLarge = 'EXPORT_TOO_LARGE',
  /**
   * The stored log no longer extends the newest signed head: history was rewritten under
   * the service. It refuses to sign over it; the anchored heads are the evidence.
   */
  TreeInconsistent = 'TREE_INCONSISTENT',
}

export class AuditError extends DomainError<AuditErrorCode> {}

/** Exhaustive (a Record over the enum): a new code cannot ship without a status. */
const AUDIT_HTTP_STATUS: Readonly<Record<AuditErrorCode, HttpStatus>> = {
  [AuditErrorCode.InvalidQuery]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.EventNotFound]: HttpStatus.NOT_FOUND,
  [AuditErrorCode.TreeHeadNotFound]: HttpStatus.NOT_FOUND,
  [AuditErrorCode.ExportTooLarge]: HttpStatus.UNPROCESSABLE_ENTITY,
  [AuditErrorCode.TreeInconsistent]: HttpStatus.CONFLICT,
};

export function auditHttpStatus(code: AuditErrorCode): HttpStatus {
  return AUDIT_HTTP_STATUS[code];
}

export const auditErrors = domainErrors(AuditError, auditHttpStatus);
