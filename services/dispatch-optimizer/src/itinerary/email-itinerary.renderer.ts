import ical from 'ical-generator';

import { type ProviderDayItinerary } from './itinerary';
import { formatDuration, itineraryView, patientDisplayName } from './itinerary-view';

export interface EmailItinerary {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** iCalendar with one event per stop; UIDs are stable per appointment/block so updates replace. */
  readonly ics: string;
}

export function renderEmailItinerary(
  itinerary: ProviderDayItinerary,
  options: { readonly revised: boolean } = { revised: false },
): EmailItinerary {
  const view = itineraryView(itinerary);
  const subject = `${options.revised ? 'Updated itinerary' : 'Your itinerary'} for ${view.dayLabel}`;
  const summary =
    view.stops.length === 0
      ? 'No visits scheduled.'
      : `${view.visitCount} visits, ${view.firstStart}-${view.lastEnd}, total drive ${formatDuration(view.totalDriveMinutes)}.`;

  const text = [
    subject,
    summary,
    '',
    ...view.stops.flatMap((stop, i) => [
      `${i + 1}. ${stop.title}`,
      `   Arrive ${stop.arrival}, ${stop.start}-${stop.end}, drive ${stop.driveFromPrevious}`,
      `   ${stop.address} (${stop.mapLink})`,
      ...stop.visits.map((v) => `   - ${v}`),
    ]),
  ].join('\n');

  const html = [
    `<h2>${escapeHtml(subject)}</h2>`,
    `<p>${escapeHtml(summary)}</p>`,
    '<ol>',
    ...view.stops.map(
      (stop) =>
        `<li><strong>${escapeHtml(stop.title)}</strong><br>` +
        `Arrive ${stop.arrival}, ${stop.start}-${stop.end}, drive ${escapeHtml(stop.driveFromPrevious)}<br>` +
        `<a href="${escapeHtml(stop.mapLink)}">${escapeHtml(stop.address)}</a>` +
        (stop.visits.length
          ? `<ul>${stop.visits.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul>`
          : '') +
        '</li>',
    ),
    '</ol>',
  ].join('\n');

  return { subject, text, html, ics: renderIcs(itinerary) };
}

function renderIcs(itinerary: ProviderDayItinerary): string {
  const calendar = ical({
    name: `Itinerary ${itinerary.day}`,
    prodId: '//CareDispatch//dispatch//EN',
  });
  for (const stop of itinerary.stops) {
    if (stop.kind === 'home-visit') {
      calendar.createEvent({
        id: `${stop.appointmentId}@caredispatch`,
        start: stop.start,
        end: stop.end,
        summary: `${patientDisplayName(stop.patient)} — ${stop.visitType}`,
        location: stop.address,
      });
    } else {
      calendar.createEvent({
        id: `${itinerary.providerId}-${itinerary.day}-${stop.block}@caredispatch`,
        start: stop.start,
        end: stop.end,
        summary: `${stop.clinicName} (${stop.block})`,
        location: stop.address,
        description: stop.visits
          .map((v) => `${patientDisplayName(v.patient)} — ${v.visitType}`)
          .join('\n'),
      });
    }
  }
  return calendar.toString();
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
