import { type ProviderItinerary } from './itinerary';
import { type DayView, formatDuration, itineraryView, type StopView } from './itinerary-view';

/** Slack refuses messages with more than 50 blocks, and section texts over 3000 characters. */
const SLACK_MAX_BLOCKS = 50;
const SLACK_MAX_SECTION_CHARS = 3000;

export interface SlackItineraryMessage {
  /** Notification / fallback text: no patient data (it shows on lock screens). */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/**
 * Block Kit: a header and summary, then per day a heading with its totals and one section
 * listing the stops (so a Monday–Friday week stays far below Slack's 50-block limit).
 */
export function renderSlackItinerary(
  itinerary: ProviderItinerary,
  options: { readonly revised: boolean } = { revised: false },
): SlackItineraryMessage {
  const view = itineraryView(itinerary);
  const heading = `${options.revised ? 'Updated itinerary' : 'Itinerary'} — ${view.periodLabel}`;
  const summary = `${view.visitCount} visits · drive ${formatDuration(view.totalDriveMinutes)}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: heading } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: summary }] },
  ];
  for (const day of view.days) {
    blocks.push({ type: 'divider' }, mrkdwnSection(dayHeading(day)));
    for (const chunk of chunks(day.stops.map(stopText), SLACK_MAX_SECTION_CHARS)) {
      blocks.push(mrkdwnSection(chunk));
    }
  }
  if (blocks.length > SLACK_MAX_BLOCKS) {
    blocks.splice(SLACK_MAX_BLOCKS - 1);
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'More stops than fit here: ask your coordinator.' }],
    });
  }
  return { text: `${heading}: ${summary}`, blocks };
}

function dayHeading(day: DayView): string {
  if (day.stops.length === 0) return `*${day.label}* — no visits`;
  return `*${day.label}* — ${day.visitCount} visits, ${day.firstStart}–${day.lastEnd} · drive ${formatDuration(day.totalDriveMinutes)}`;
}

function stopText(stop: StopView): string {
  return [
    `*${stop.start}–${stop.end}* ${escapeMrkdwn(stop.title)} (arrive ${stop.arrival}, drive ${stop.driveFromPrevious})`,
    `<${stop.mapLink}|${escapeMrkdwn(stop.address)}>`,
    ...stop.visits.map((visit) => `• ${escapeMrkdwn(visit)}`),
  ].join('\n');
}

function mrkdwnSection(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Joins lines into texts of at most `max` characters (a single longer line is cut). */
function chunks(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines.map((l) => l.slice(0, max))) {
    if (current !== '' && current.length + 2 + line.length > max) {
      out.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n\n${line}`;
  }
  if (current !== '') out.push(current);
  return out;
}

/** Slack's three control characters in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
