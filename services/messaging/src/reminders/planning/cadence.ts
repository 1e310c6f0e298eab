/** When a step falls due, relative to the visit. */
export type StepTiming =
  /** A fixed duration before the start, e.g. 72 h = 4320 minutes (real elapsed time across DST). */
  | { readonly kind: 'before'; readonly minutes: number }
  /** A local wall-clock time on a day relative to the visit's local date, e.g. 07:30 on the day (0). */
  | { readonly kind: 'local-time'; readonly daysBefore: number; readonly time: string };

export type ReminderChannel = 'sms' | 'email';

export const REMINDER_LANGUAGES = ['en', 'es'] as const;
export type ReminderLanguage = (typeof REMINDER_LANGUAGES)[number];

export interface CadenceStep {
  /** Stable within the cadence: with the appointment and revision it is the send's idempotency key. */
  readonly key: string;
  readonly channel: ReminderChannel;
  readonly timing: StepTiming;
  /** Template name (see reminder-templates.ts), resolved per tenant, channel, type and language. */
  readonly template: string;
  /** Only for some slots, e.g. the playbook's morning text for Monday-morning visits. */
  readonly onlyWhen?: SlotCondition;
}

/** A condition on the visit's local start; every given part must hold. */
export interface SlotCondition {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly weekdays?: readonly number[];
  /** Local start strictly before this wall-clock time, "HH:mm". */
  readonly startsBefore?: string;
}

export interface Cadence {
  readonly steps: readonly CadenceStep[];
}
