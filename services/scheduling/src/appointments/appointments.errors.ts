import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum SchedulingErrorCode {
  AppointmentNotFound = 'APPOINTMENT_NOT_FOUND',
  InvalidAppointmentId = 'INVALID_APPOINTMENT_ID',
}

export class SchedulingError extends DomainError<SchedulingErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function schedulingHttpStatus(code: SchedulingErrorCode): HttpStatus {
  switch (code) {
    case SchedulingErrorCode.AppointmentNotFound:
      return HttpStatus.NOT_FOUND;
    case SchedulingErrorCode.InvalidAppointmentId:
      return HttpStatus.BAD_REQUEST;
  }
}

/** The one answer for a missing, foreign-tenant or out-of-scope appointment. */
export function appointmentNotFound(): SchedulingError {
  return new SchedulingError(SchedulingErrorCode.AppointmentNotFound, 'Appointment not found');
}

export const schedulingErrors = domainErrors(SchedulingError, schedulingHttpStatus);
