import {
  CancellationReason as ContractCancellationReason,
  ResponseKind as ContractResponseKind,
} from '@caredispatch/contracts';

/** What a patient can answer through the page (stored as these codes). */
export enum AnswerKind {
  Confirmed = 'confirmed',
  Cancelled = 'cancelled',
  RescheduleRequested = 'reschedule_requested',
  Rescheduled = 'rescheduled',
  /**
   * "Ask for an earlier time": the patient keeps the visit and goes on the waitlist for its
   * type (PatientRequestedEarlierTimeV1 to the waitlist; nothing is written back to the EHR).
   */
  EarlierRequested = 'earlier_requested',
}

const ANSWER_KINDS: readonly AnswerKind[] = Object.values(AnswerKind);

/** A stored kind; only this module's codes are ever written. */
export function answerKindOf(value: unknown): AnswerKind {
  const kind = ANSWER_KINDS.find((known) => known === value);
  if (!kind) throw new Error('unknown patient answer kind');
  return kind;
}

/** After these the link offers nothing more: the visit is gone or moved. */
export const FINAL_ANSWERS: ReadonlySet<AnswerKind> = new Set([
  AnswerKind.Cancelled,
  AnswerKind.Rescheduled,
]);

/** The coded reasons the cancel form offers (never free text). */
export enum CancelReasonCode {
  FeelingBetter = 'feeling_better',
  ScheduleConflict = 'schedule_conflict',
  Transportation = 'transportation',
  Cost = 'cost',
  Other = 'other',
}

export const CANCEL_REASON_CODES: readonly CancelReasonCode[] = Object.values(CancelReasonCode);

export function parseCancelReason(value: unknown): CancelReasonCode | null | 'invalid' {
  if (value === undefined || value === '') return null;
  return CANCEL_REASON_CODES.find((code) => code === value) ?? 'invalid';
}

/** The answers the EHR hears of (PatientRespondedV1); an earlier-time request goes to the waitlist. */
export type WriteBackAnswerKind = Exclude<AnswerKind, AnswerKind.EarlierRequested>;

export const CONTRACT_KIND: Readonly<Record<WriteBackAnswerKind, ContractResponseKind>> = {
  [AnswerKind.Confirmed]: ContractResponseKind.CONFIRMED,
  [AnswerKind.Cancelled]: ContractResponseKind.CANCELLED,
  [AnswerKind.RescheduleRequested]: ContractResponseKind.RESCHEDULE_REQUESTED,
  [AnswerKind.Rescheduled]: ContractResponseKind.RESCHEDULED,
};

export const CONTRACT_CANCEL_REASON: Readonly<
  Record<CancelReasonCode, ContractCancellationReason>
> = {
  [CancelReasonCode.FeelingBetter]: ContractCancellationReason.FEELING_BETTER,
  [CancelReasonCode.ScheduleConflict]: ContractCancellationReason.SCHEDULE_CONFLICT,
  [CancelReasonCode.Transportation]: ContractCancellationReason.TRANSPORTATION,
  [CancelReasonCode.Cost]: ContractCancellationReason.COST,
  [CancelReasonCode.Other]: ContractCancellationReason.OTHER,
};
