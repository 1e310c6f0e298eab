import { DateTime } from 'luxon';

import { formatLocalStart } from '../confirmation/confirmation-text';
import { type ReminderLanguage } from '../reminders/planning/cadence';
import { escapeHtml } from '../reminders/templates/reminder-templates';
import { type EmailContent } from '../sending/email-content';

import { type OfferTextInput } from './offer-text';

/** What an offer email may say: exactly what the offer text may (minimum necessary), plus its link. */
export interface OfferEmailInput extends Omit<OfferTextInput, 'acceptUrl'> {
  /** The offer's one accept link (`/o/{token}`), the same the text prints. */
  readonly acceptUrl: string;
}

interface OfferEmailStrings {
  readonly fallbackPractice: string;
  readonly subject: (practice: string, when: string) => string;
  readonly open: (practice: string, when: string) => string;
  readonly place: (place: string) => string;
  readonly hold: (by: string) => string;
  readonly action: string;
  readonly button: string;
  readonly ignore: string;
}

const STRINGS: Readonly<Record<ReminderLanguage, OfferEmailStrings>> = {
  en: {
    fallbackPractice: 'Your care team',
    subject: (practice, when) => `${practice}: an earlier visit is open ${when}`,
    open: (practice, when) => `${practice} has an earlier visit open ${when}.`,
    place: (place) => `Place: ${place}`,
    hold: (by) => `We are holding it for you until ${by}.`,
    action: 'To take it, open this link and press Accept:',
    button: 'Open the offer',
    ignore: 'If you do not want it, ignore this email: you stay on our waitlist.',
  },
  es: {
    fallbackPractice: 'Su equipo de atención',
    subject: (practice, when) => `${practice}: hay una cita antes disponible el ${when}`,
    open: (practice, when) => `${practice} tiene una cita antes disponible el ${when}.`,
    place: (place) => `Lugar: ${place}`,
    hold: (by) => `Se la reservamos hasta las ${by}.`,
    action: 'Para tomarla, abra este enlace y pulse Aceptar:',
    button: 'Ver la oferta',
    ignore: 'Si no la quiere, ignore este correo: sigue en nuestra lista de espera.',
  },
};

/**
 * The offer email in the patient's language: practice, local day and time (the slot's zone),
 * the clinic's name, the hold's end and the accept link. No provider, no visit type, nothing
 * clinical — the input type cannot carry them. Names go into the HTML part escaped.
 */
export function renderOfferEmail(input: OfferEmailInput, language: ReminderLanguage): EmailContent {
  const t = STRINGS[language];
  const practice = oneLine(input.practiceName) || t.fallbackPractice;
  const place = oneLine(input.locationName);
  const when = formatLocalStart(input.start, input.timeZone, language);
  const by = holdEndTime(input.holdUntil, input.timeZone, language);
  const lines = [
    t.open(practice, when),
    ...(place === '' ? [] : [t.place(place)]),
    t.hold(by),
    '',
    t.action,
    input.acceptUrl,
    '',
    t.ignore,
  ];
  const html = [
    `<p>${escapeHtml(t.open(practice, when))}</p>`,
    ...(place === '' ? [] : [`<p>${escapeHtml(t.place(place))}</p>`]),
    `<p><b>${escapeHtml(t.hold(by))}</b></p>`,
    `<p>${escapeHtml(t.action)}<br><a href="${escapeHtml(input.acceptUrl)}">${escapeHtml(t.button)}</a></p>`,
    `<p>${escapeHtml(t.ignore)}</p>`,
  ].join('');
  return { subject: t.subject(practice, when), text: lines.join('\n'), html };
}

/** Display names reduced to one line (a header may not carry a newline). */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** The hold's end as local wall-clock time: a hold lasts minutes, so the day goes without saying. */
function holdEndTime(holdUntil: Date, timeZone: string, language: ReminderLanguage): string {
  return DateTime.fromJSDate(holdUntil, { zone: timeZone })
    .setLocale(language === 'es' ? 'es-US' : 'en-US')
    .toFormat(language === 'es' ? 'H:mm' : 'h:mm a');
}
