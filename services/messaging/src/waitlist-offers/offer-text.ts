import { DateTime } from 'luxon';

import { formatLocalStart } from '../confirmation/confirmation-text';
import { type ReminderLanguage } from '../reminders/planning/cadence';
import { fitsOneGsm7Segment } from '../reminders/planning/sms-segments';

/**
 * What an offer text may say: the practice, the local day and time, the place and how to
 * answer. Minimum necessary — no provider, no visit type, nothing clinical (a text can be read
 * on a lock screen); keeping them out of this type makes it impossible to render them.
 */
export interface OfferTextInput {
  readonly practiceName: string;
  readonly start: Date;
  /** IANA zone of the location: the patient reads local time. */
  readonly timeZone: string;
  /** The clinic's display name; '' when unknown. */
  readonly locationName: string;
  /** When the hold ends: the patient is told until when YES counts. */
  readonly holdUntil: Date;
  /** The one-tap accept link (at most LINK_MAX_CHARS); without it the text asks for YES only. */
  readonly acceptUrl?: string;
  /** The patient's language (messageLanguageOf); English when absent. */
  readonly language?: ReminderLanguage;
}

export enum OfferOutcomeKind {
  Booked = 'booked',
  NoLongerAvailable = 'no_longer_available',
}

/** Every sentence of an offer text, per shipped language; GSM-7 only (no á, í, ó, ú). */
interface OfferTexts {
  readonly fallbackPractice: string;
  /** Without a link the patient answers by text. */
  readonly open: (when: string, where: string, by: string) => string;
  /** With the link the words are fewer: the link is long and fixed. */
  readonly openWithLink: (when: string, where: string, by: string, url: string) => string;
  readonly at: (place: string) => string;
  readonly booked: (when: string, where: string) => string;
  readonly noLongerAvailable: string;
}

const OFFER_TEXTS: Readonly<Record<ReminderLanguage, OfferTexts>> = {
  en: {
    fallbackPractice: 'Your care team',
    open: (when, where, by) =>
      `an earlier visit is open ${when}${where}. Reply YES by ${by} to take it.`,
    openWithLink: (when, where, by, url) =>
      `earlier visit open ${when}${where}. Reply YES by ${by} or tap ${url}`,
    at: (place) => ` at ${place}`,
    booked: (when, where) => `you are booked for ${when}${where}. Reply STOP to opt out.`,
    noLongerAvailable:
      'sorry, this time is no longer available. You stay on our waitlist and we will text you when another time opens.',
  },
  es: {
    fallbackPractice: 'Su consultorio',
    // "SI" is a YES (classifyReply); the hold's end is 24-hour local time, as in the email.
    open: (when, where, by) =>
      `hay una cita antes disponible el ${when}${where}. Responda SI antes de las ${by} para tomarla.`,
    openWithLink: (when, where, by, url) =>
      `cita libre ${when}${where}. Responda SI hasta las ${by} o toque ${url}`,
    at: (place) => ` en ${place}`,
    booked: (when, where) => `su cita queda reservada el ${when}${where}. Responda STOP para baja.`,
    noLongerAvailable:
      'lo sentimos, esta hora ya no esta disponible. Sigue en nuestra lista de espera y le avisaremos cuando haya otra hora.',
  },
};

const MAX_PRACTICE_CHARS = 30;
/** The practice name is shortened down to this before a text may run over one segment. */
const MIN_PRACTICE_CHARS = 12;
const MAX_PLACE_CHARS = 30;

/**
 * e.g. "Acme Family Practice: an earlier visit is open Tue, Dec 1 at 10:00 AM EST at Main St
 * Clinic. Reply YES by 9:15 AM to take it."; with an accept link "Acme Family Practice: earlier
 * visit open Tue, Dec 1 at 10:00 AM EST. Reply YES by 9:15 AM or tap https://x.example/o/…";
 * in Spanish "… cita libre mar 1 dic a las 10:00 EST. Responda SI hasta las 9:15 o toque …".
 * Always one GSM-7 segment (≤ 160 septets): names are transliterated to GSM-7 and shortened,
 * the place is dropped before anything else, then the practice name gives way.
 */
export function renderOfferText(input: OfferTextInput): string {
  const language = input.language ?? 'en';
  const t = OFFER_TEXTS[language];
  const when = formatLocalStart(input.start, input.timeZone, language);
  const by = DateTime.fromJSDate(input.holdUntil, { zone: input.timeZone })
    .setLocale(language === 'es' ? 'es-US' : 'en-US')
    .toFormat(language === 'es' ? 'H:mm' : 'h:mm a');
  const url = input.acceptUrl;
  return oneSegment(input, t, (where) =>
    url === undefined ? t.open(when, where, by) : t.openWithLink(when, where, by, url),
  );
}

/** The one text an acceptor gets: booked, or "this time is no longer available". */
export function renderOfferOutcomeText(
  kind: OfferOutcomeKind,
  input: Omit<OfferTextInput, 'holdUntil' | 'acceptUrl'>,
): string {
  const language = input.language ?? 'en';
  const t = OFFER_TEXTS[language];
  switch (kind) {
    case OfferOutcomeKind.Booked: {
      const when = formatLocalStart(input.start, input.timeZone, language);
      return oneSegment(input, t, (where) => t.booked(when, where));
    }
    case OfferOutcomeKind.NoLongerAvailable:
      return oneSegment(input, t, () => t.noLongerAvailable);
  }
}

/**
 * `practice: sentence` in one GSM-7 segment: with the place if it fits, else without it, else
 * with the practice name cut (without an ellipsis, which is not GSM-7) down to MIN_PRACTICE_CHARS.
 */
function oneSegment(
  input: Pick<OfferTextInput, 'practiceName' | 'locationName'>,
  t: OfferTexts,
  sentence: (where: string) => string,
): string {
  const place = gsm7Name(input.locationName, MAX_PLACE_CHARS);
  let practice = gsm7Name(input.practiceName, MAX_PRACTICE_CHARS) || t.fallbackPractice;
  const withPlace = `${practice}: ${sentence(place === '' ? '' : t.at(place))}`;
  if (fitsOneGsm7Segment(withPlace)) return withPlace;
  const compose = (name: string): string => `${name}: ${sentence('')}`;
  while (!fitsOneGsm7Segment(compose(practice)) && practice.length > MIN_PRACTICE_CHARS) {
    practice = practice.slice(0, -1).trimEnd();
  }
  return compose(practice);
}

/**
 * A display name reduced to GSM-7 (one non-GSM character would make the whole text UCS-2,
 * 70 characters a segment): accents are stripped, anything else non-alphanumeric dropped.
 */
function gsm7Name(name: string, maxChars: number): string {
  const cleaned = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9 .,'&()/-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxChars ? `${cleaned.slice(0, maxChars - 1).trimEnd()}.` : cleaned;
}
