import { DateTime } from 'luxon';

import { type FreeSlot } from '../free-slots.port';
import { AnswerKind, CANCEL_REASON_CODES } from '../patient-answer';
import { type AppointmentView } from '../patient-link.repository';

import { type PageLanguage } from './page-language';
import { PAGE_STRINGS, type PageStrings } from './page-strings';
import { PAGE_CSS } from './patient-page.css';

/**
 * Server-rendered patient pages. No script; every value escaped; nothing clinical (no
 * appointment type, no reason for the visit): practice, time, place and provider only.
 */
export interface OpenPageInput {
  readonly lang: PageLanguage;
  readonly token: string;
  readonly formToken: string;
  readonly appointment: AppointmentView;
  readonly answers: readonly { readonly kind: AnswerKind; readonly newStart: Date | null }[];
  /** A repeated "Ask for an earlier time": the page says the patient is already on the list. */
  readonly earlierAlreadyRequested?: boolean;
}

export function renderNeutralPage(lang: PageLanguage): string {
  const t = PAGE_STRINGS[lang];
  return layout(
    lang,
    t.title,
    card(`<h1>${esc(t.neutralHeading)}</h1><p>${esc(t.neutralBody)}</p>`),
  );
}

export function renderTooManyRequestsPage(lang: PageLanguage): string {
  const t = PAGE_STRINGS[lang];
  return layout(
    lang,
    t.title,
    card(`<h1>${esc(t.tooManyHeading)}</h1><p>${esc(t.tooManyBody)}</p>`),
  );
}

/** `reopenPath`: the page to open again, when it is not the appointment's (`/a/…`). */
export function renderFormExpiredPage(
  lang: PageLanguage,
  token: string,
  reopenPath: string = pagePath(token, lang),
): string {
  const t = PAGE_STRINGS[lang];
  return layout(
    lang,
    t.title,
    card(
      `<h1>${esc(t.formExpiredHeading)}</h1><p>${esc(t.formExpiredBody)}</p>` +
        `<div class="actions"><a class="button primary" href="${esc(reopenPath)}">${esc(t.reopen)}</a></div>`,
    ),
  );
}

export function renderChangedPage(lang: PageLanguage, appointment: AppointmentView): string {
  const t = PAGE_STRINGS[lang];
  return layout(
    lang,
    t.title,
    card(
      `${practiceLine(appointment)}<h1>${esc(t.changedHeading)}</h1>` +
        `<p>${esc(t.changedBody)}</p>${details(t, lang, appointment)}`,
    ),
  );
}

export function renderOpenPage(input: OpenPageInput): string {
  const { lang, token, appointment } = input;
  const t = PAGE_STRINGS[lang];
  const kinds = new Set(input.answers.map((answer) => answer.kind));
  if (kinds.has(AnswerKind.Cancelled)) {
    return layout(
      lang,
      t.title,
      card(
        `${practiceLine(appointment)}<h1>${esc(t.cancelledHeading)}</h1><p>${esc(t.cancelledBody)}</p>`,
      ),
    );
  }
  const rescheduled = input.answers.find((answer) => answer.kind === AnswerKind.Rescheduled);
  if (rescheduled?.newStart) {
    const when = formatVisitTime(rescheduled.newStart, appointment.timeZone, lang);
    return layout(
      lang,
      t.title,
      card(
        `${practiceLine(appointment)}<h1>${esc(t.rescheduledHeading)}</h1>` +
          `<p>${esc(t.rescheduledBody(when))}</p>`,
      ),
    );
  }
  const banners =
    (kinds.has(AnswerKind.Confirmed)
      ? `<p class="notice" role="status">${esc(t.confirmedBanner)}</p>`
      : '') +
    (kinds.has(AnswerKind.RescheduleRequested)
      ? `<p class="notice" role="status">${esc(t.callBackBanner)}</p>`
      : '') +
    (kinds.has(AnswerKind.EarlierRequested)
      ? `<p class="notice" role="status">${esc(
          input.earlierAlreadyRequested === true ? t.earlierAlreadyBanner : t.earlierBanner,
        )}</p>`
      : '');
  const confirm = kinds.has(AnswerKind.Confirmed)
    ? ''
    : postButton(token, lang, 'confirm', input.formToken, t.confirm, 'primary');
  // Once asked, the banner says so; the button goes, as Confirm does once confirmed.
  const earlier = kinds.has(AnswerKind.EarlierRequested)
    ? ''
    : postButton(token, lang, 'earlier', input.formToken, t.earlierTime, 'secondary');
  return layout(
    lang,
    t.title,
    card(
      `${practiceLine(appointment)}<h1>${esc(t.yourVisit)}</h1>${banners}${details(t, lang, appointment)}` +
        `<div class="actions">${confirm}` +
        `<a class="button secondary" href="${pagePath(token, lang, 'reschedule')}">${esc(t.reschedule)}</a>` +
        earlier +
        `<a class="button secondary" href="${pagePath(token, lang, 'cancel')}">${esc(t.cancel)}</a></div>`,
    ),
  );
}

export function renderCancelStep(input: OpenPageInput): string {
  const { lang, token, appointment } = input;
  const t = PAGE_STRINGS[lang];
  const reasons = [
    radio('reason', '', t.noReason, true, 'reason-none'),
    ...CANCEL_REASON_CODES.map((code) =>
      radio('reason', code, t.cancelReasons[code], false, `reason-${code}`),
    ),
  ].join('');
  return layout(
    lang,
    t.title,
    card(
      `${practiceLine(appointment)}<h1>${esc(t.cancelHeading)}</h1>${details(t, lang, appointment)}` +
        `<form method="post" action="${pagePath(token, lang, 'cancel')}" class="actions">` +
        `<input type="hidden" name="form" value="${esc(input.formToken)}">` +
        `<fieldset><legend>${esc(t.cancelReasonLegend)}</legend>${reasons}</fieldset>` +
        `<button type="submit" class="danger">${esc(t.cancelSubmit)}</button></form>` +
        `<div class="actions"><a class="button secondary" href="${pagePath(token, lang)}">${esc(t.keepVisit)}</a></div>`,
    ),
  );
}

export function renderReschedulePage(
  input: OpenPageInput & { readonly slots: readonly FreeSlot[]; readonly slotTaken: boolean },
): string {
  const { lang, token, appointment } = input;
  const t = PAGE_STRINGS[lang];
  const taken = input.slotTaken
    ? `<p class="notice warning" role="alert">${esc(t.slotTaken)}</p>`
    : '';
  const callMe = postButton(token, lang, 'call-me', input.formToken, t.callMe, 'secondary');
  const choose =
    input.slots.length === 0
      ? `<p>${esc(t.noSlots)}</p><div class="actions">${callMe}</div>`
      : `<form method="post" action="${pagePath(token, lang, 'reschedule')}">` +
        `<input type="hidden" name="form" value="${esc(input.formToken)}">` +
        `<fieldset><legend>${esc(t.rescheduleLegend)}</legend>` +
        input.slots
          .map((slot, index) =>
            radio(
              'slot',
              slot.slotId,
              formatVisitTime(slot.start, appointment.timeZone, lang),
              index === 0,
              `slot-${index}`,
            ),
          )
          .join('') +
        `</fieldset><button type="submit" class="primary">${esc(t.rescheduleSubmit)}</button></form>` +
        `<p>${esc(t.noneFit)}</p><div class="actions">${callMe}</div>`;
  return layout(
    lang,
    t.title,
    card(
      `${practiceLine(appointment)}<h1>${esc(t.rescheduleHeading)}</h1>${taken}${choose}` +
        `<div class="actions"><a class="button secondary" href="${pagePath(token, lang)}">${esc(t.back)}</a></div>`,
    ),
  );
}

/** e.g. "Tuesday, March 10 at 9:30 AM EDT" / "martes, 10 de marzo, 9:30 EDT" in the visit's zone. */
export function formatVisitTime(start: Date, timeZone: string, lang: PageLanguage): string {
  const local = DateTime.fromJSDate(start, { zone: timeZone });
  const zone = local.setLocale('en-US').toFormat('ZZZZ');
  if (lang === 'es') {
    return `${local.setLocale('es').toFormat("cccc, d 'de' LLLL', 'H:mm")} ${zone}`;
  }
  return `${local.setLocale('en-US').toFormat("cccc, LLLL d 'at' h:mm a")} ${zone}`;
}

export function pagePath(token: string, lang: PageLanguage, step?: string): string {
  return `/a/${encodeURIComponent(token)}${step ? `/${step}` : ''}?lang=${lang}`;
}

function details(t: PageStrings, lang: PageLanguage, appointment: AppointmentView): string {
  const place = [appointment.locationName, ...appointment.addressLines].filter(Boolean);
  const map = `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(place.join(', '))}`;
  const provider = appointment.providerDisplayName
    ? `<dt>${esc(t.with)}</dt><dd>${esc(appointment.providerDisplayName)}</dd>`
    : '';
  return (
    `<dl><dt>${esc(t.when)}</dt><dd>${esc(formatVisitTime(appointment.start, appointment.timeZone, lang))}</dd>` +
    `<dt>${esc(t.where)}</dt><dd>${place.map(esc).join('<br>')}` +
    `<br><a href="${esc(map)}" rel="noreferrer noopener" target="_blank">${esc(t.openMap)}</a></dd>` +
    `${provider}</dl>`
  );
}

function practiceLine(appointment: AppointmentView): string {
  return `<p class="practice">${esc(appointment.practiceName)}</p>`;
}

function postButton(
  token: string,
  lang: PageLanguage,
  step: string,
  formToken: string,
  label: string,
  style: string,
): string {
  return (
    `<form method="post" action="${pagePath(token, lang, step)}">` +
    `<input type="hidden" name="form" value="${esc(formToken)}">` +
    `<button type="submit" class="${style}">${esc(label)}</button></form>`
  );
}

function radio(name: string, value: string, label: string, checked: boolean, id: string): string {
  return (
    `<div class="choice"><input type="radio" id="${esc(id)}" name="${name}" value="${esc(value)}"${checked ? ' checked' : ''}>` +
    `<label for="${esc(id)}">${esc(label)}</label></div>`
  );
}

/** Shared with the other pages a link opens (a waitlist offer's). */
export function card(inner: string): string {
  return `<div class="card">${inner}</div>`;
}

export function layout(lang: PageLanguage, title: string, body: string): string {
  const other = PAGE_STRINGS[lang].otherLanguage;
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex, nofollow"><title>${esc(title)}</title>` +
    `<style>${PAGE_CSS}</style></head><body><main>` +
    `<p class="lang"><a href="?lang=${other.code}" lang="${other.code}" hreflang="${other.code}">${esc(other.label)}</a></p>` +
    `${body}</main></body></html>`
  );
}

export function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
