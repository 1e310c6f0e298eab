import { type ProviderDayItinerary } from './itinerary';
import { formatDuration, itineraryView, type StopView } from './itinerary-view';

/** Slack refuses messages with more than 50 blocks. */
const SLACK_MAX_BLOCKS = 50;

export interface SlackItineraryMessage {
  /** Notification / fallback text: no patient data (it shows on lock screens). */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** Block Kit: a header, a summary line, one section per stop with its map link. */
export function renderSlackItinerary(
  itinerary: ProviderDayItinerary,
  options: { readonly revised: boolean } = { revised: false },
): SlackItineraryMessage {
  const view = itineraryView(itinerary);
  const heading = `${options.revised ? 'Updated itinerary' : 'Itinerary'} — ${view.dayLabel}`;
  const summary =
    view.stops.length === 0
      ? 'No visits scheduled.'
      : `${view.visitCount} visits, ${view.firstStart}–${view.lastEnd} · drive ${formatDuration(view.totalDriveMinutes)}`;
  const stopBlocks = view.stops.flatMap((stop, index) => [
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: stopText(stop, index) } },
  ]);
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: heading } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: summary }] },
    ...stopBlocks,
  ];
  if (blocks.length > SLACK_MAX_BLOCKS) {
    blocks.splice(SLACK_MAX_BLOCKS - 1);
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'More stops than fit here: see the email or SMS link.' }],
    });
  }
  return { text: `${heading}: ${summary}`, blocks };
}

function stopText(stop: StopView, index: number): string {
  const lines = [
    `*${index + 1}. ${escapeMrkdwn(stop.title)}*`,
    `Arrive ${stop.arrival} · start ${stop.start}–${stop.end} · drive ${stop.driveFromPrevious}`,
    `<${stop.mapLink}|${escapeMrkdwn(stop.address)}>`,
    ...stop.visits.map((visit) => `• ${escapeMrkdwn(visit)}`),
  ];
  return lines.join('\n');
}

/** Slack's three control characters in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
