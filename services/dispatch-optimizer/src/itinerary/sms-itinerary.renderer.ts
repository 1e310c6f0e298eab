import { type ProviderItinerary } from './itinerary';
import { formatDuration, itineraryView } from './itinerary-view';

/** One GSM-7 segment. Everything below is ASCII so the text never falls back to UCS-2 (70). */
export const SMS_SEGMENT_CHARS = 160;

/**
 * A short summary and a link to the full itinerary; no patient data in the text. Fits one
 * segment with a link up to ~60 characters; a longer link still gives a correct 2-segment text.
 */
export function renderSmsItinerary(
  itinerary: ProviderItinerary,
  link: string,
  options: { readonly revised: boolean } = { revised: false },
): string {
  const view = itineraryView(itinerary);
  const prefix = options.revised ? 'Updated itinerary' : 'Itinerary';
  const period = view.periodLabel.replace(' – ', '-');
  const only = view.days.length === 1 ? view.days[0] : undefined;
  const hours = only?.firstStart ? ` ${only.firstStart}-${only.lastEnd}` : '';
  const drive = formatDuration(view.totalDriveMinutes);
  return `${prefix} ${period}: ${view.visitCount} visits${hours}, drive ${drive}. ${link}`;
}
