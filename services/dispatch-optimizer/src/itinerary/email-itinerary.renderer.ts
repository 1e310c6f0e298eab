import ical from 'ical-generator';

import { type ProviderItinerary } from './itinerary';
import { formatDuration, itineraryView } from './itinerary-view';

export interface EmailItinerary {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** iCalendar with one event per stop; UIDs are stable per appointment/block so updates replace. */
  readonly ics: string;
}

export function renderEmailItinerary(
  itinerary: ProviderItinerary,
  options: { readonly revised: boolean } = { revised: false },
): EmailItinerary {
  const view = itineraryView(itinerary);
  const subject = `${options.revised ? 'Updated itinerary' : 'Your itinerary'}: ${view.periodLabel}`;
  const summary = `${view.visitCount} visits, total drive ${formatDuration(view.totalDriveMinutes)}.`;
  const text = [subject, summary];
  const html = [`<h2>${escapeHtml(subject)}</h2>`, `<p>${escapeHtml(summary)}</p>`];
  for (const day of view.days) {
    const heading =
      day.stops.length === 0
        ? `${day.label}: no visits`
        : `${day.label}: ${day.visitCount} visits, ${day.firstStart}-${day.lastEnd}, drive ${formatDuration(day.totalDriveMinutes)}`;
    text.push('', heading);
    html.push(`<h3>${escapeHtml(heading)}</h3>`, '<ol>');
    for (const stop of day.stops) {
      const times = `${stop.start}-${stop.end} (arrive ${stop.arrival}, drive ${stop.driveFromPrevious})`;
      text.push(
        `- ${times} ${stop.title}`,
        `  ${stop.address} ${stop.mapLink}`,
        ...stop.visits.map((v) => `    ${v}`),
      );
      html.push(
        `<li>${escapeHtml(times)} <strong>${escapeHtml(stop.title)}</strong><br>` +
          `<a href="${escapeHtml(stop.mapLink)}">${escapeHtml(stop.address)}</a>` +
          (stop.visits.length > 0
            ? `<ul>${stop.visits.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul>`
            : '') +
          '</li>',
      );
    }
    html.push('</ol>');
  }
  return { subject, text: text.join('\n'), html: html.join('\n'), ics: renderIcs(itinerary) };
}

function renderIcs(itinerary: ProviderItinerary): string {
  const calendar = ical({ name: 'CareDispatch itinerary', prodId: '//CareDispatch//dispatch//EN' });
  for (const day of itinerary.days) {
    for (const stop of day.stops) {
      if (stop.kind === 'home-visit') {
        calendar.createEvent({
          id: `${stop.appointmentId}@caredispatch`,
          start: stop.start,
          end: stop.end,
          summary: `${stop.patientDisplayName} — ${stop.visitType}`,
          location: stop.address,
        });
      } else {
        calendar.createEvent({
          id: `${itinerary.providerId}-${day.day}-${stop.block}@caredispatch`,
          start: stop.start,
          end: stop.end,
          summary: `${stop.clinicName} (${stop.block})`,
          location: stop.address,
          description: stop.visits
            .map((v) => `${v.patientDisplayName} — ${v.visitType}`)
            .join('\n'),
        });
      }
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
