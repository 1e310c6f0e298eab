import { DateTime } from 'luxon';

import { formatLocalStart } from '../confirmation/confirmation-text';
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
}

export enum OfferOutcomeKind {
  Booked = 'booked',
  NoLongerAvailable = 'no_longer_available',
}

const FALLBACK_PRACTICE = 'Your care team';
const MAX_PRACTICE_CHARS = 30;
const MAX_PLACE_CHARS = 30;

/**
 * e.g. "Acme Family Practice: an earlier visit is open Tue, Dec 1 at 10:00 AM EST at Main St
 * Clinic. Reply YES by 9:15 AM to take it."; with an accept link "Acme Family Practice: earlier
 * visit open Tue, Dec 1 at 10:00 AM EST. Reply YES by 9:15 AM or tap https://x.example/o/…".
 * Always one GSM-7 segment (≤ 160 septets): names are
 * transliterated to GSM-7 and shortened, and the place is dropped before anything else.
 */
export function renderOfferText(input: OfferTextInput): string {
  const practice = gsm7Name(input.practiceName, MAX_PRACTICE_CHARS) || FALLBACK_PRACTICE;
  const when = formatLocalStart(input.start, input.timeZone);
  const by = DateTime.fromJSDate(input.holdUntil, { zone: input.timeZone })
    .setLocale('en-US')
    .toFormat('h:mm a');
  const place = gsm7Name(input.locationName, MAX_PLACE_CHARS);
  const url = input.acceptUrl;
  // With the link the words are fewer: a 49-character link, a 30-character practice and the
  // longest local time still fit one segment without the place.
  const render = (where: string): string =>
    url === undefined
      ? `${practice}: an earlier visit is open ${when}${where}. Reply YES by ${by} to take it.`
      : `${practice}: earlier visit open ${when}${where}. Reply YES by ${by} or tap ${url}`;
  const withPlace = render(place === '' ? '' : ` at ${place}`);
  return fitsOneGsm7Segment(withPlace) ? withPlace : render('');
}

/** The one text an acceptor gets: booked, or "this time is no longer available". */
export function renderOfferOutcomeText(
  kind: OfferOutcomeKind,
  input: Omit<OfferTextInput, 'holdUntil'>,
): string {
  const practice = gsm7Name(input.practiceName, MAX_PRACTICE_CHARS) || FALLBACK_PRACTICE;
  switch (kind) {
    case OfferOutcomeKind.Booked: {
      const place = gsm7Name(input.locationName, MAX_PLACE_CHARS);
      const when = formatLocalStart(input.start, input.timeZone);
      const text = `${practice}: you are booked for ${when}${place === '' ? '' : ` at ${place}`}. Reply STOP to opt out.`;
      return fitsOneGsm7Segment(text)
        ? text
        : `${practice}: you are booked for ${when}. Reply STOP to opt out.`;
    }
    case OfferOutcomeKind.NoLongerAvailable:
      return `${practice}: sorry, this time is no longer available. You stay on our waitlist and we will text you when another time opens.`;
  }
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
