import { createHash } from 'node:crypto';

import { type ProviderItinerary } from './itinerary';
import { type DayView, formatDuration, itineraryView, type StopView } from './itinerary-view';

/**
 * The only stylesheet, inline and allowed by its hash in the CSP (no script, nothing loaded).
 * Mobile-first, WCAG 2.1 AA contrast, a visible focus ring on the map links.
 */
export const ITINERARY_PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;background:#f5f5f5}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
h2{font-size:1.25rem;margin:1.5rem 0 .25rem}
h3{font-size:1.0625rem;margin:0 0 .5rem}
ol{list-style:none;margin:0;padding:0}
.card{background:#fff;border-radius:.75rem;padding:1rem 1.25rem;margin:0 0 .75rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.summary{margin:0 0 1rem;color:#333}
.drive{margin:0 0 .5rem;color:#333;font-size:.9375rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0}
dt{font-weight:600}
dd{margin:0}
ul{margin:.5rem 0 0;padding-left:1.25rem}
a{color:#0b57d0}
a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.notice{border-left:.375rem solid #8c4a00;background:#fff4e5;padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}
`.trim();

const CSS_HASH = `sha256-${createHash('sha256').update(ITINERARY_PAGE_CSS).digest('base64')}`;

/** Nothing loads from anywhere, no script, no forms, never framed. */
export const ITINERARY_PAGE_CSP = [
  "default-src 'none'",
  `style-src '${CSS_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ItineraryPageInput {
  readonly itinerary: ProviderItinerary;
  /** The itinerary changed after the text that carried this link was sent. */
  readonly changed: boolean;
}

/**
 * The provider's days behind an itinerary SMS link: ordered stops with arrival and start,
 * address with a map link, visit type and patient as first name + last initial (what the plan
 * stores), drive times; clinic blocks with their visits. Server-rendered, no script.
 */
export function renderItineraryPage(input: ItineraryPageInput): string {
  const view = itineraryView(input.itinerary);
  const title = `Itinerary ${view.periodLabel}`;
  const changed = input.changed
    ? `<p class="notice" role="status">This itinerary has changed since it was sent to you. This is the current one.</p>`
    : '';
  const body =
    `<h1>${esc(title)}</h1>` +
    `<p class="summary">${esc(view.providerName)} · ${view.visitCount} ${plural(view.visitCount, 'visit')} · drive ${esc(formatDuration(view.totalDriveMinutes))} in total</p>` +
    changed +
    view.days.map(daySection).join('');
  return layout(title, body);
}

/** Unknown, malformed and expired links: one page, no hint which. */
export function renderItineraryNotFoundPage(): string {
  return layout(
    'Itinerary link not valid',
    `<h1>This itinerary link is no longer valid</h1>` +
      `<p class="card">It may have expired after the itinerary's day. Ask your coordinator for the current itinerary.</p>`,
  );
}

export function renderItineraryTooManyRequestsPage(): string {
  return layout(
    'Too many requests',
    `<h1>Too many requests</h1><p class="card">Please wait a minute and open the link again.</p>`,
  );
}

function daySection(day: DayView): string {
  const id = `day-${day.day}`;
  const hours = day.firstStart ? `${day.firstStart}–${day.lastEnd} · ` : '';
  const stops =
    day.stops.length === 0
      ? `<p class="card">No visits.</p>`
      : `<ol>${day.stops.map(stopItem).join('')}</ol>`;
  return (
    `<section aria-labelledby="${id}"><h2 id="${id}">${esc(day.label)}</h2>` +
    `<p class="summary">${hours}${day.visitCount} ${plural(day.visitCount, 'visit')} · drive ${esc(formatDuration(day.totalDriveMinutes))}</p>` +
    `${stops}</section>`
  );
}

function stopItem(stop: StopView): string {
  const heading =
    stop.kind === 'home-visit'
      ? `${stop.start} ${stop.title}`
      : `${stop.start}–${stop.end} ${stop.title}`;
  const visits =
    stop.visits.length === 0
      ? ''
      : `<ul aria-label="Visits">${stop.visits.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>`;
  return (
    `<li class="card"><p class="drive">Drive ${esc(stop.driveFromPrevious)}</p>` +
    `<h3>${esc(heading)}</h3><dl>` +
    `<dt>Arrive</dt><dd>${esc(stop.arrival)}</dd>` +
    `<dt>${stop.kind === 'home-visit' ? 'Visit' : 'Block'}</dt><dd>${esc(stop.start)}–${esc(stop.end)}</dd>` +
    `<dt>Address</dt><dd><a href="${esc(stop.mapLink)}" rel="noreferrer">${esc(stop.address)}</a></dd>` +
    `</dl>${visits}</li>`
  );
}

function layout(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex, nofollow"><title>${esc(title)}</title>` +
    `<style>${ITINERARY_PAGE_CSS}</style></head><body><main>${body}</main></body></html>`
  );
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
