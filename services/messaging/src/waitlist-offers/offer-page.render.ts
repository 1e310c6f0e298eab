import { DateTime } from 'luxon';

import { type PageLanguage } from '../links/page/page-language';
import { card, esc, formatVisitTime, layout } from '../links/page/patient-page.render';

/**
 * A waitlist offer's page (`/o/{token}`): the day, local time and place, until when the offer
 * holds, and one Accept button. Minimum necessary, as the offer text: no provider, no visit type.
 */
export type OfferPageView =
  | {
      readonly view: 'open';
      readonly start: Date;
      readonly timeZone: string;
      readonly locationName: string;
      readonly holdUntil: Date;
      readonly formToken: string;
    }
  /** The patient took it (here or by YES); the waitlist's answer comes as a text. */
  | { readonly view: 'answered' }
  /** Someone else was first, staff booked it, or the patient declined. */
  | { readonly view: 'unavailable' };

const STRINGS = {
  en: {
    title: 'Earlier visit',
    openHeading: 'An earlier visit is open',
    when: 'When',
    where: 'Where',
    holds: (until: string) => `Held for you until ${until}.`,
    accept: 'Accept this time',
    answeredHeading: 'We have your answer',
    answeredBody: 'We will text you in a moment whether this time is yours.',
    unavailableHeading: 'This time is no longer available',
    unavailableBody: 'You stay on our waitlist and we will text you when another time opens.',
  },
  es: {
    title: 'Cita más temprana',
    openHeading: 'Hay una cita más temprana disponible',
    when: 'Cuándo',
    where: 'Dónde',
    holds: (until: string) => `Reservada para usted hasta las ${until}.`,
    accept: 'Aceptar esta hora',
    answeredHeading: 'Recibimos su respuesta',
    answeredBody: 'En un momento le enviaremos un mensaje para decirle si la hora es suya.',
    unavailableHeading: 'Esta hora ya no está disponible',
    unavailableBody:
      'Sigue en nuestra lista de espera y le avisaremos cuando haya otra hora disponible.',
  },
} as const;

export function offerPagePath(token: string, lang: PageLanguage, step?: string): string {
  return `/o/${encodeURIComponent(token)}${step ? `/${step}` : ''}?lang=${lang}`;
}

export function renderOfferPage(lang: PageLanguage, token: string, page: OfferPageView): string {
  const t = STRINGS[lang];
  switch (page.view) {
    case 'open': {
      const until = DateTime.fromJSDate(page.holdUntil, { zone: page.timeZone })
        .setLocale(lang === 'es' ? 'es' : 'en-US')
        .toFormat(lang === 'es' ? 'H:mm' : 'h:mm a');
      const place =
        page.locationName === ''
          ? ''
          : `<dt>${esc(t.where)}</dt><dd>${esc(page.locationName)}</dd>`;
      return layout(
        lang,
        t.title,
        card(
          `<h1>${esc(t.openHeading)}</h1>` +
            `<dl><dt>${esc(t.when)}</dt><dd>${esc(formatVisitTime(page.start, page.timeZone, lang))}</dd>${place}</dl>` +
            `<p>${esc(t.holds(until))}</p>` +
            `<form method="post" action="${offerPagePath(token, lang, 'accept')}">` +
            `<input type="hidden" name="form" value="${esc(page.formToken)}">` +
            `<button type="submit" class="primary">${esc(t.accept)}</button></form>`,
        ),
      );
    }
    case 'answered':
      return layout(
        lang,
        t.title,
        card(`<h1>${esc(t.answeredHeading)}</h1><p>${esc(t.answeredBody)}</p>`),
      );
    case 'unavailable':
      return layout(
        lang,
        t.title,
        card(`<h1>${esc(t.unavailableHeading)}</h1><p>${esc(t.unavailableBody)}</p>`),
      );
  }
}
