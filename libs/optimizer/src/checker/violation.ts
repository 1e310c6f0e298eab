export type ViolationCode =
  | 'UNKNOWN_PROVIDER'
  | 'UNKNOWN_SHIFT'
  | 'DUPLICATE_SHIFT'
  | 'UNKNOWN_APPOINTMENT'
  | 'SERVED_TWICE'
  | 'WRONG_LOCATION'
  | 'MISSING_CREDENTIAL'
  | 'PROVIDER_NOT_ALLOWED'
  | 'PIN_VIOLATED'
  | 'BEFORE_AVAILABILITY'
  | 'AFTER_AVAILABILITY'
  | 'INCONSISTENT_TIMES'
  | 'TIME_WINDOW'
  | 'CLINIC_HOURS'
  | 'CLINIC_BLOCK'
  | 'CAPACITY'
  | 'MAX_VISITS'
  | 'MAX_WORKING_TIME'
  | 'NOT_ACCOUNTED'
  | 'SERVED_AND_UNSERVED'
  | 'WRONG_REASON'
  | 'OBJECTIVE_MISMATCH';

export interface Violation {
  readonly code: ViolationCode;
  readonly message: string;
  readonly appointmentId?: string;
  readonly providerId?: string;
}
