import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum AuditErrorCode {
  Unauthorized = 'UNAUTHORIZED',
  InvalidQuery = 'INVALID_QUERY',
}

export class AuditError extends DomainError<AuditErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function auditHttpStatus(code: AuditErrorCode): HttpStatus {
  switch (code) {
    case AuditErrorCode.Unauthorized:
      return HttpStatus.UNAUTHORIZED;
    case AuditErrorCode.InvalidQuery:
      return HttpStatus.BAD_REQUEST;
  }
}

export const auditErrors = domainErrors(AuditError, auditHttpStatus);
