import {
  type ClinicBlockStop,
  type GeoPoint,
  type HomeVisitStop,
  type PatientName,
  type ProviderDayItinerary,
} from './itinerary';

/**
 * Display values shared by every renderer, so Slack, SMS and email never disagree about a
 * time or a name. Patient names are reduced here, once: first name + last initial is the
 * minimum a provider needs to greet the right person.
 */
export interface ItineraryView {
  readonly providerName: string;
  /** e.g. "Mon 7 Dec". */
  readonly dayLabel: string;
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

export function patientDisplayName(name: PatientName): string {
  const given = name.givenName.trim().split(/\s+/)[0] ?? '';
  const code = name.familyName.trim().codePointAt(0);
  const initial = code === undefined ? undefined : String.fromCodePoint(code).toUpperCase();
  return initial ? `${given} ${initial}.` : given;
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

export function itineraryView(itinerary: ProviderDayItinerary): ItineraryView {
  const time = timeFormatter(itinerary.timeZone);
  const stops = [...itinerary.stops].sort((a, b) => a.start.getTime() - b.start.getTime());
  const first = stops.at(0);
  const last = stops.at(-1);
  return {
    providerName: itinerary.providerName,
    dayLabel: dayLabel(itinerary.day),
    firstStart: first ? time(first.start) : undefined,
    lastEnd: last ? time(last.end) : undefined,
    totalDriveMinutes: Math.round(stops.reduce((sum, s) => sum + s.travelMinutesFromPrevious, 0)),
    visitCount: stops.reduce((n, s) => n + (s.kind === 'home-visit' ? 1 : s.visits.length), 0),
    stops: stops.map((stop) =>
      stop.kind === 'home-visit' ? homeVisitView(stop, time) : clinicBlockView(stop, time),
    ),
  };
}

function homeVisitView(stop: HomeVisitStop, time: (d: Date) => string): StopView {
  return {
    kind: 'home-visit',
    title: `${patientDisplayName(stop.patient)} — ${stop.visitType}`,
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
      .map((v) => `${time(v.start)} ${patientDisplayName(v.patient)} — ${v.visitType}`),
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
  const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(
    date,
  );
  const dayMonth = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${weekday} ${dayMonth}`;
}
