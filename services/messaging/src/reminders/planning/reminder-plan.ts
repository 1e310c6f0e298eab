import { DateTime } from 'luxon';

import {
  type Cadence,
  type CadenceStep,
  type ReminderChannel,
  type ReminderLanguage,
  type SlotCondition,
  type StepTiming,
} from './cadence';
import { moveOutOfQuietHours, type QuietHours } from './quiet-hours';

/** Per-patient caps on reminder texts, across all their appointments (FCC healthcare exemption). */
export interface ReminderLimits {
  readonly smsPerDay: number;
  /** In any 7 consecutive local calendar days. */
  readonly smsPerWeek: number;
}

export const DEFAULT_REMINDER_LIMITS: ReminderLimits = { smsPerDay: 1, smsPerWeek: 3 };

export interface ChannelContact {
  /** E.164 number or email address; null when the patient has none. */
  readonly address: string | null;
  readonly consented: boolean;
  /**
   * Texts cannot reach this number (Twilio 30003 unreachable / 30006 landline marked it): its
   * text steps are planned by email where the patient has an address and email consent, else
   * suppressed. Only meaningful for `sms`.
   */
  readonly undeliverable?: boolean;
}

export interface PlanningPatient {
  readonly language: ReminderLanguage;
  /** Where the patient reads the text; null → the location's zone. */
  readonly timeZone: string | null;
  readonly sms: ChannelContact;
  readonly email: ChannelContact;
}

export interface PlanningInput {
  readonly appointment: { readonly start: Date; readonly timeZone: string };
  readonly cadence: Cadence;
  readonly patient: PlanningPatient;
  /** Due instants of the patient's reminder texts already planned or sent for other appointments. */
  readonly otherSmsReminders: readonly Date[];
  readonly limits: ReminderLimits;
  readonly quietHours: QuietHours;
  readonly now: Date;
}

/** Why a step will not be sent; each is reported as a suppression event so "why no reminder?" has an answer. */
export enum ReminderSuppressionReason {
  PastDue = 'past_due',
  NotBeforeVisit = 'not_before_visit',
  QuietHours = 'quiet_hours',
  DailyLimit = 'daily_limit',
  WeeklyLimit = 'weekly_limit',
  NoConsent = 'no_consent',
  NoAddress = 'no_address',
  NumberUndeliverable = 'number_undeliverable',
}

export type PlannedReminder =
  | (PlannedStep & { readonly outcome: 'send'; readonly dueAt: Date })
  | (PlannedStep & { readonly outcome: 'suppress'; readonly reason: ReminderSuppressionReason });

interface PlannedStep {
  readonly stepKey: string;
  readonly channel: ReminderChannel;
  /** A text step planned by email because the number cannot take texts. */
  readonly replacesText: boolean;
  readonly template: string;
  readonly language: ReminderLanguage;
  /** Where the cadence put it, before quiet hours moved it. */
  readonly nominalDueAt: Date;
}

/**
 * The reminders one appointment gets: pure, so the consumer, the preview endpoint and the
 * benchmark share it. Steps are decided in due order; a text that would exceed a cap is
 * suppressed, never moved to another day (moving could collide with the next step).
 */
export function planReminders(input: PlanningInput): PlannedReminder[] {
  const { appointment, patient, now } = input;
  const recipientZone = patient.timeZone ?? appointment.timeZone;
  const smsDays = input.otherSmsReminders.map((instant) => localDayNumber(instant, recipientZone));

  const steps = input.cadence.steps
    .filter((step) => slotMatches(step.onlyWhen, appointment))
    .map((step) => ({ step, nominal: nominalDue(step.timing, appointment) }))
    .sort(
      (a, b) => a.nominal.getTime() - b.nominal.getTime() || a.step.key.localeCompare(b.step.key),
    );

  return steps.map(({ step, nominal }) => {
    const byEmail = step.channel === 'sms' && patient.sms.undeliverable === true;
    const base = describe(step, nominal, patient.language, byEmail);
    const suppress = (reason: ReminderSuppressionReason): PlannedReminder => ({
      ...base,
      outcome: 'suppress',
      reason,
    });
    if (byEmail && !(patient.email.consented && patient.email.address !== null)) {
      return suppress(ReminderSuppressionReason.NumberUndeliverable);
    }
    const contact = base.channel === 'sms' ? patient.sms : patient.email;
    if (!contact.consented) return suppress(ReminderSuppressionReason.NoConsent);
    if (contact.address === null) return suppress(ReminderSuppressionReason.NoAddress);
    if (nominal.getTime() >= appointment.start.getTime()) {
      return suppress(ReminderSuppressionReason.NotBeforeVisit);
    }
    if (nominal.getTime() < now.getTime()) return suppress(ReminderSuppressionReason.PastDue);
    const dueAt = moveOutOfQuietHours(nominal, recipientZone, input.quietHours, {
      notBefore: now,
      before: appointment.start,
    });
    if (dueAt === null) return suppress(ReminderSuppressionReason.QuietHours);
    if (base.channel === 'sms') {
      const day = localDayNumber(dueAt, recipientZone);
      const capped = smsCapExceeded(smsDays, day, input.limits);
      if (capped) return suppress(capped);
      smsDays.push(day);
    }
    return { ...base, outcome: 'send', dueAt };
  });
}

function describe(
  step: CadenceStep,
  nominal: Date,
  language: ReminderLanguage,
  byEmail: boolean,
): PlannedStep {
  return {
    stepKey: step.key,
    channel: byEmail ? 'email' : step.channel,
    replacesText: byEmail,
    template: step.template,
    language,
    nominalDueAt: nominal,
  };
}

export function nominalDue(
  timing: StepTiming,
  appointment: { readonly start: Date; readonly timeZone: string },
): Date {
  if (timing.kind === 'before')
    return new Date(appointment.start.getTime() - timing.minutes * 60_000);
  const [hour, minute] = timing.time.split(':').map(Number);
  return DateTime.fromJSDate(appointment.start, { zone: appointment.timeZone })
    .minus({ days: timing.daysBefore })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toJSDate();
}

function slotMatches(
  condition: SlotCondition | undefined,
  appointment: { readonly start: Date; readonly timeZone: string },
): boolean {
  if (!condition) return true;
  const local = DateTime.fromJSDate(appointment.start, { zone: appointment.timeZone });
  if (condition.weekdays && !condition.weekdays.includes(local.weekday)) return false;
  if (condition.startsBefore !== undefined) {
    const [hour, minute] = condition.startsBefore.split(':').map(Number);
    if (local.hour * 60 + local.minute >= hour * 60 + minute) return false;
  }
  return true;
}

/** Days since 1970-01-01 of the instant's local calendar date in `timeZone`. */
function localDayNumber(instant: Date, timeZone: string): number {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / 86_400_000);
}

function smsCapExceeded(
  days: readonly number[],
  day: number,
  limits: ReminderLimits,
): ReminderSuppressionReason | null {
  if (days.filter((other) => other === day).length >= limits.smsPerDay) {
    return ReminderSuppressionReason.DailyLimit;
  }
  // Adding `day` must keep every 7-day window that contains it within the weekly cap.
  for (let windowStart = day - 6; windowStart <= day; windowStart++) {
    const inWindow = days.filter((other) => other >= windowStart && other <= windowStart + 6);
    if (inWindow.length >= limits.smsPerWeek) return ReminderSuppressionReason.WeeklyLimit;
  }
  return null;
}
