import { DateTime } from 'luxon';

import { type ReminderLanguage } from '../reminders/planning/cadence';
import { fitsOneGsm7Segment } from '../reminders/planning/sms-segments';
import { foldToGsm7 } from '../reminders/templates/reminder-templates';

export enum ConfirmationKind {
  Booked = 'booked',
  Rescheduled = 'rescheduled',
}

/**
 * Everything a confirmation may say, and nothing more. Minimum necessary (HIPAA
 * §164.502(b)): an SMS can be read on a lock screen by anyone, so it names the practice and
 * the time only — never the provider, the appointment type, a procedure or a diagnosis.
 * Keeping those out of this type makes it impossible to render them by accident.
 */
export interface ConfirmationTextInput {
  readonly kind: ConfirmationKind;
  readonly practiceName: string;
  /** The appointment start as a UTC instant. */
  readonly start: Date;
  /** IANA zone of the location, e.g. America/New_York; the patient reads local time. */
  readonly timeZone: string;
  /** The patient's one-tap link (`{LINK_BASE_URL}/a/{token}`); carries no PHI. */
  readonly link?: string;
  /** The patient's language (messageLanguageOf); English when absent. */
  readonly language?: ReminderLanguage;
}

/** Every sentence of a confirmation, per shipped language; GSM-7 only (no á, í, ó, ú). */
const CONFIRMATION_TEXTS: Readonly<
  Record<
    ReminderLanguage,
    {
      readonly confirmed: (when: string) => string;
      readonly moved: (when: string) => string;
      readonly arriveEarly: string;
      readonly optOut: string;
      readonly visitIs: (when: string) => string;
      readonly visitMoved: (when: string) => string;
      readonly confirmOrChange: string;
      readonly fallbackPractice: string;
    }
  >
> = {
  en: {
    confirmed: (when) => `your appointment is confirmed for ${when}.`,
    moved: (when) => `your appointment has been moved to ${when}.`,
    arriveEarly: 'Please arrive 10 minutes early.',
    optOut: 'Reply STOP to opt out.',
    visitIs: (when) => `your visit is ${when}.`,
    visitMoved: (when) => `your visit moved to ${when}.`,
    confirmOrChange: 'Confirm or change:',
    fallbackPractice: 'Your care team',
  },
  es: {
    confirmed: (when) => `su cita queda confirmada para el ${when}.`,
    moved: (when) => `su cita se ha cambiado al ${when}.`,
    arriveEarly: 'Llegue 10 minutos antes.',
    optOut: 'Responda STOP para baja.',
    visitIs: (when) => `su cita es el ${when}.`,
    visitMoved: (when) => `su cita paso al ${when}.`,
    confirmOrChange: 'Confirme o cambie:',
    fallbackPractice: 'Su consultorio',
  },
};

const MAX_PRACTICE_NAME_CHARS = 60;
const FALLBACK_PRACTICE_NAME = 'Your care team';

/** e.g. "Acme Family Practice: your appointment is confirmed for Tue, Mar 10 at 9:30 AM EDT. …" */
export function renderConfirmationText(input: ConfirmationTextInput): string {
  if (input.link !== undefined) return renderLinkedText({ ...input, link: input.link });
  const language = input.language ?? 'en';
  const t = CONFIRMATION_TEXTS[language];
  const when = formatLocalStart(input.start, input.timeZone, language);
  const practice = sanitizePracticeName(input.practiceName, t.fallbackPractice);
  const headline = input.kind === ConfirmationKind.Booked ? t.confirmed(when) : t.moved(when);
  return `${practice}: ${headline} ${t.arriveEarly} ${t.optOut}`;
}

/**
 * Local wall-clock time with the zone's abbreviation, so "9:30 AM EDT" stays right across
 * DST changes (the offset comes from the zone rules at that instant, not from today's).
 */
export function formatLocalStart(
  start: Date,
  timeZone: string,
  language: ReminderLanguage = 'en',
): string {
  const local = DateTime.fromJSDate(start, { zone: timeZone }).setLocale(
    language === 'es' ? 'es-US' : 'en-US',
  );
  if (!local.isValid) throw new RangeError(`cannot render a time in zone '${timeZone}'`);
  const zone = zoneAbbreviation(start, timeZone);
  // Spanish day and month abbreviations carry accents outside GSM-7 (sáb): folded to one segment.
  return language === 'es'
    ? `${foldToGsm7(local.toFormat("ccc d LLL 'a las' H:mm"))} ${zone}`
    : `${local.toFormat("ccc, LLL d 'at' h:mm a")} ${zone}`;
}

/** One formatter per zone: building an Intl.DateTimeFormat costs about a millisecond. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

/** What Luxon's `ZZZZ` renders (e.g. "EDT"), from a cached formatter instead of a new one per call. */
function zoneAbbreviation(instant: Date, timeZone: string): string {
  let format = zoneNameFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    zoneNameFormats.set(timeZone, format);
  }
  return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

function sanitizePracticeName(name: string, fallback = FALLBACK_PRACTICE_NAME): string {
  // Control characters would break the SMS layout; a very long name would split it into many segments.
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return fallback;
  return cleaned.length > MAX_PRACTICE_NAME_CHARS
    ? `${cleaned.slice(0, MAX_PRACTICE_NAME_CHARS - 1).trimEnd()}…`
    : cleaned;
}

/** The practice name is shortened down to this before a linked text may run over one segment. */
const MIN_LINKED_PRACTICE_CHARS = 12;

/**
 * The text with the one-tap link, kept to one GSM-7 segment (160 characters): the link and the
 * time are fixed, so the practice name gives way (shortened without an ellipsis, which is not
 * GSM-7). e.g. "Acme Family Practice: your visit is Tue, Mar 10 at 9:30 AM EDT. Confirm or
 * change: https://cd.example/a/… Reply STOP to opt out."
 */
function renderLinkedText(input: ConfirmationTextInput & { link: string }): string {
  const language = input.language ?? 'en';
  const t = CONFIRMATION_TEXTS[language];
  const when = formatLocalStart(input.start, input.timeZone, language);
  const headline = input.kind === ConfirmationKind.Booked ? t.visitIs(when) : t.visitMoved(when);
  const compose = (practice: string): string =>
    `${practice}: ${headline} ${t.confirmOrChange} ${input.link} ${t.optOut}`;
  let practice = sanitizePracticeName(input.practiceName, t.fallbackPractice).replace(/…$/, '');
  while (!fitsOneGsm7Segment(compose(practice)) && practice.length > MIN_LINKED_PRACTICE_CHARS) {
    practice = practice.slice(0, -1).trimEnd();
  }
  return compose(practice);
}
