import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum AuditErrorCode {
  InvalidQuery = 'INVALID_QUERY',
}

export class AuditError extends DomainError<AuditErrorCode> {}

/** Exhaustive (a Record over the enum): a new code cannot ship without a status. */
const AUDIT_HTTP_STATUS: Readonly<Record<AuditErrorCode, HttpStatus>> = {
  [AuditErrorCode.InvalidQuery]: HttpStatus.BAD_REQUEST,
};

export function auditHttpStatus(code: AuditErrorCode): HttpStatus {
  return AUDIT_HTTP_STATUS[code];
}

export const auditErrors = domainErrors(AuditError, auditHttpStatus);
