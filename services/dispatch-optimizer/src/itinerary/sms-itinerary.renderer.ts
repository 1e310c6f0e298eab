import { type ProviderDayItinerary } from './itinerary';
import { formatDuration, itineraryView } from './itinerary-view';

/** One GSM-7 segment. Everything below is ASCII so the text never falls back to UCS-2 (70). */
export const SMS_SEGMENT_CHARS = 160;

/**
 * A short summary and a link to the full itinerary; no patient data in the text. Fits one
 * segment with a link up to ~70 characters; longer links still produce a correct (2-segment) text.
 */
export function renderSmsItinerary(
  itinerary: ProviderDayItinerary,
  link: string,
  options: { readonly revised: boolean } = { revised: false },
): string {
  const view = itineraryView(itinerary);
  const prefix = options.revised ? 'Updated itinerary' : 'Itinerary';
  if (view.stops.length === 0) return `${prefix} ${view.dayLabel}: no visits. ${link}`;
  const drive = formatDuration(view.totalDriveMinutes);
  return `${prefix} ${view.dayLabel}: ${view.visitCount} visits ${view.firstStart}-${view.lastEnd}, drive ${drive}. ${link}`;
}
