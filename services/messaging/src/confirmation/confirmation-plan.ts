import { type ScheduledAppointment, timestampDate } from '@caredispatch/contracts';
import { PermanentEventError } from '@caredispatch/kafka';

import { type ReminderLanguage } from '../reminders/planning/cadence';

import { type ConfirmationKind, renderConfirmationText } from './confirmation-text';

export enum SuppressionReason {
  NoSmsConsent = 'no_sms_consent',
  NoPhoneNumber = 'no_phone_number',
}

export type ConfirmationPlan =
  | { readonly action: 'send'; readonly toE164: string; readonly body: string }
  | { readonly action: 'suppress'; readonly reason: SuppressionReason };

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Decides whether and what to text for an appointment. Reads only consent, phone, practice,
 * start and zone from the appointment; the provider and visit details it also carries are
 * deliberately left untouched (see ConfirmationTextInput).
 */
export function planConfirmation(
  appointment: ScheduledAppointment,
  kind: ConfirmationKind,
  practiceNameOverride?: string,
  link?: string,
  language?: ReminderLanguage,
): ConfirmationPlan {
  const patient = appointment.patient;
  if (!patient?.smsConsent) return { action: 'suppress', reason: SuppressionReason.NoSmsConsent };
  if (!E164.test(patient.phoneE164)) {
    return { action: 'suppress', reason: SuppressionReason.NoPhoneNumber };
  }
  // The contract validates start and location before a handler runs; these guard programming errors.
  if (!appointment.start || !appointment.location) {
    throw new PermanentEventError(
      'CONTRACT_VIOLATION',
      'appointment without start or location reached planConfirmation',
    );
  }
  const body = renderConfirmationText({
    kind,
    practiceName: practiceNameOverride ?? appointment.practiceName,
    start: timestampDate(appointment.start),
    timeZone: appointment.location.timeZone,
    link,
    language,
  });
  return { action: 'send', toE164: patient.phoneE164, body };
}
