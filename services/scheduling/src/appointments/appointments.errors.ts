import { HttpStatus } from '@nestjs/common';

import { DomainError } from '@caredispatch/platform';

export enum SchedulingErrorCode {
  AppointmentNotFound = 'APPOINTMENT_NOT_FOUND',
  InvalidAppointmentId = 'INVALID_APPOINTMENT_ID',
}

export class SchedulingError extends DomainError<SchedulingErrorCode> {}

export function schedulingErrorStatus(error: DomainError): HttpStatus {
  if (!(error instanceof SchedulingError)) return HttpStatus.INTERNAL_SERVER_ERROR;
  switch (error.code) {
    case SchedulingErrorCode.AppointmentNotFound:
      return HttpStatus.NOT_FOUND;
    case SchedulingErrorCode.InvalidAppointmentId:
      return HttpStatus.BAD_REQUEST;
  }
}
