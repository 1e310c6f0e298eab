import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum DispatchErrorCode {
  InvalidRequest = 'INVALID_REQUEST',
  NotFound = 'NOT_FOUND',
  ProviderNotFound = 'PROVIDER_NOT_FOUND',
  PlanNotFound = 'PLAN_NOT_FOUND',
  NoCurrentPlan = 'NO_CURRENT_PLAN',
  ExceptionNotFound = 'EXCEPTION_NOT_FOUND',
  TenantNotConfigured = 'TENANT_NOT_CONFIGURED',
}

/** Messages and details reach the client: field names and codes only, never patient data. */
export class DispatchError extends DomainError<DispatchErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function dispatchHttpStatus(code: DispatchErrorCode): HttpStatus {
  switch (code) {
    case DispatchErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case DispatchErrorCode.NotFound:
    case DispatchErrorCode.ProviderNotFound:
    case DispatchErrorCode.PlanNotFound:
    case DispatchErrorCode.ExceptionNotFound:
      return HttpStatus.NOT_FOUND;
    case DispatchErrorCode.NoCurrentPlan:
    case DispatchErrorCode.TenantNotConfigured:
      return HttpStatus.CONFLICT;
  }
}

export const dispatchErrors = domainErrors(DispatchError, dispatchHttpStatus);
