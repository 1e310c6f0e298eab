import {
  type ClinicBlockStop,
  type GeoPoint,
  type HomeVisitStop,
  type ProviderDayItinerary,
  type ProviderItinerary,
} from './itinerary';

/**
 * Display values shared by every renderer, so Slack, SMS and email never disagree about a
 * time, a label or a total. Times are in the practice's zone.
 */
export interface ItineraryView {
  readonly providerName: string;
  /** "Mon 7 Dec" or "Mon 7 Dec – Fri 11 Dec". */
  readonly periodLabel: string;
  readonly visitCount: number;
  readonly totalDriveMinutes: number;
  readonly days: readonly DayView[];
}

export interface DayView {
  readonly day: string;
  /** e.g. "Mon 7 Dec". */
  readonly label: string;
  readonly firstStart: string | undefined;
  readonly lastEnd: string | undefined;
  readonly totalDriveMinutes: number;
  readonly visitCount: number;
  readonly stops: readonly StopView[];
}

export interface StopView {
  readonly kind: 'home-visit' | 'clinic-block';
  readonly title: string;
  /** "08:40" arrival, "08:45" start, local. */
  readonly arrival: string;
  readonly start: string;
  readonly end: string;
  readonly address: string;
  readonly mapLink: string;
  readonly driveFromPrevious: string;
  /** For a clinic block: "09:00 Maria G. — Wound care" per visit. */
  readonly visits: readonly string[];
}

export function mapLink(point: GeoPoint): string {
  return `https://www.google.com/maps/search/?api=1&query=${point.lat.toFixed(6)},${point.lng.toFixed(6)}`;
}

export function formatDuration(minutes: number): string {
  const rounded = Math.round(minutes);
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')} min`;
}

export function itineraryView(itinerary: ProviderItinerary): ItineraryView {
  const time = timeFormatter(itinerary.timeZone);
  const days = [...itinerary.days]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((day) => dayView(day, time));
  const first = days.at(0);
  const last = days.at(-1);
  return {
    providerName: itinerary.providerName,
    periodLabel:
      !first || !last ? '' : first === last ? first.label : `${first.label} – ${last.label}`,
    visitCount: days.reduce((n, d) => n + d.visitCount, 0),
    totalDriveMinutes: days.reduce((n, d) => n + d.totalDriveMinutes, 0),
    days,
  };
}

function dayView(day: ProviderDayItinerary, time: (d: Date) => string): DayView {
  const stops = [...day.stops].sort((a, b) => a.start.getTime() - b.start.getTime());
  const first = stops.at(0);
  const last = stops.at(-1);
  return {
    day: day.day,
    label: dayLabel(day.day),
    firstStart: first ? time(first.start) : undefined,
    lastEnd: last ? time(last.end) : undefined,
    totalDriveMinutes: Math.round(day.totalDriveMinutes),
    visitCount: stops.reduce((n, s) => n + (s.kind === 'home-visit' ? 1 : s.visits.length), 0),
    stops: stops.map((stop) =>
      stop.kind === 'home-visit' ? homeVisitView(stop, time) : clinicBlockView(stop, time),
    ),
  };
}

function homeVisitView(stop: HomeVisitStop, time: (d: Date) => string): StopView {
  return {
    kind: 'home-visit',
    title: `${stop.patientDisplayName} — ${stop.visitType}`,
    arrival: time(stop.arrival),
    start: time(stop.start),
    end: time(stop.end),
    address: stop.address,
    mapLink: mapLink(stop.location),
    driveFromPrevious: formatDuration(stop.travelMinutesFromPrevious),
    visits: [],
  };
}

function clinicBlockView(stop: ClinicBlockStop, time: (d: Date) => string): StopView {
  return {
    kind: 'clinic-block',
    title: `${stop.clinicName} (${stop.block})`,
    arrival: time(stop.arrival),
    start: time(stop.start),
    end: time(stop.end),
    address: stop.address,
    mapLink: mapLink(stop.location),
    driveFromPrevious: formatDuration(stop.travelMinutesFromPrevious),
    visits: [...stop.visits]
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .map((v) => `${time(v.start)} ${v.patientDisplayName} — ${v.visitType}`),
  };
}

function timeFormatter(timeZone: string): (date: Date) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (date) => format.format(date);
}

/** The practice-local date is already a calendar date: format it in UTC so no zone shifts it. */
function dayLabel(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(date);
  return `${part({ weekday: 'short' })} ${part({ day: 'numeric', month: 'short' })}`;
}
