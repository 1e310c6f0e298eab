import { HttpStatus } from '@nestjs/common';

import { DomainError } from '@caredispatch/platform';

export enum AuditErrorCode {
  Unauthorized = 'UNAUTHORIZED',
  InvalidQuery = 'INVALID_QUERY',
}

export class AuditError extends DomainError<AuditErrorCode> {}

export function auditErrorStatus(error: DomainError): HttpStatus {
  if (!(error instanceof AuditError)) return HttpStatus.INTERNAL_SERVER_ERROR;
  switch (error.code) {
    case AuditErrorCode.Unauthorized:
      return HttpStatus.UNAUTHORIZED;
    case AuditErrorCode.InvalidQuery:
      return HttpStatus.BAD_REQUEST;
  }
}
